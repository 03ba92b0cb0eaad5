package io.viperdb.engine.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that stands still until a test moves it, so expiry is tested without sleeping. Thread-safe. */
public final class TestClock extends Clock {

    private volatile long millis;

    public TestClock(long startMillis) {
        this.millis = startMillis;
    }

    public TestClock() {
        this(1_700_000_000_000L);
    }

    public synchronized void advance(Duration duration) {
        millis += duration.toMillis();
    }

    @Override
    public long millis() {
        return millis;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("TestClock is UTC only");
    }
}
