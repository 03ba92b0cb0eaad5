package io.viperdb.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What a long command does when the JVM is told to stop while it runs (Ctrl-C, which is SIGINT, or SIGTERM): the JVM
 * runs its shutdown hooks, then halts, wherever the command's own thread is, which may be blocked reading a pipe.
 *
 * <p>The command does its work in {@linkplain #step steps}, under a lock that the hook takes too. The hook, if the
 * command is still in its steps, marks it interrupted (no step starts after that) and runs the command's
 * {@linkplain #onInterrupt action}, which closes the store, so that what was written is on disk, and says what was
 * done. If the command has left its steps and is closing, the hook waits for it to end instead, so that the JVM does
 * not halt under its close. {@link #close()} takes the hook away.
 */
final class Interruption implements AutoCloseable {

    /** How long the hook waits for a command that is closing, before the JVM halts all the same. */
    private static final long CLOSE_WAIT_SECONDS = 60;

    private enum State { WORKING, FINISHING, INTERRUPTED }

    private final Object lock = new Object();
    private final CountDownLatch ended = new CountDownLatch(1);
    private final Thread hook;
    private State state = State.WORKING;
    private Runnable action;

    private Interruption() {
        hook = new Thread(this::interrupted, "viper-interruption");
    }

    /** Registers the hook; until {@link #onInterrupt} is given, an interruption waits for the command to end. */
    static Interruption register() {
        Interruption interruption = new Interruption();
        Runtime.getRuntime().addShutdownHook(interruption.hook);
        return interruption;
    }

    /** What the hook does if the command is interrupted in its steps; it runs under the lock of the steps. */
    void onInterrupt(Runnable action) {
        synchronized (lock) {
            this.action = action;
        }
    }

    /** Runs {@code step} unless the command was interrupted; returns false, without running it, if it was. */
    boolean step(Runnable step) {
        synchronized (lock) {
            if (state != State.WORKING) {
                return false;
            }
            step.run();
            return true;
        }
    }

    /**
     * The command has done its steps and goes on to close and report: an interruption from now on waits for that.
     *
     * @return false if it was interrupted first (the action has run)
     */
    boolean finish() {
        synchronized (lock) {
            if (state == State.INTERRUPTED) {
                return false;
            }
            state = State.FINISHING;
            return true;
        }
    }

    private void interrupted() {
        synchronized (lock) {
            if (state == State.WORKING) {
                state = State.INTERRUPTED;
                if (action != null) {
                    action.run();
                    return;
                }
            }
        }
        // The command is closing, or still opening (no action yet: it stops at its first step): let it end.
        try {
            ended.await(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The command has ended: the hook waits no longer, and is taken away if the JVM is not already stopping. */
    @Override
    public void close() {
        ended.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is stopping: the hook runs, or ran, and no longer waits.
        }
    }
}
