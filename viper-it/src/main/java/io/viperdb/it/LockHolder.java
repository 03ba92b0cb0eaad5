package io.viperdb.it;

import io.viperdb.KeyValueStore;
import java.nio.file.Path;

/**
 * Holds a store open in its own process for the cross-process lock test: writes {@code held=yes}, flushes, prints
 * {@code HOLDING pid}, and keeps the store open until its standard input ends, then closes it and prints
 * {@code RELEASED}.
 */
public final class LockHolder {

    private LockHolder() {
    }

    public static void main(String[] args) throws Exception {
        try (KeyValueStore<Object> store = KeyValueStore.open(Path.of(args[0]))) {
            store.put("held", "yes");
            store.flush();
            System.out.println("HOLDING " + ProcessHandle.current().pid());
            while (System.in.read() >= 0) {
                // Wait for the parent to close our standard input, or to kill us.
            }
        }
        System.out.println("RELEASED");
    }
}
