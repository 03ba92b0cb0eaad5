package io.viperdb.engine.salvage;

import io.viperdb.CorruptStoreException;

/** The words of a salvage report's damage, which names the file and offset apart from the problem. */
public final class Problems {

    private Problems() {
    }

    /**
     * The problem {@code e} describes, without the file and offset its message starts with.
     *
     * @param e what a read of the damaged store threw
     * @return the problem alone
     */
    public static String of(CorruptStoreException e) {
        String prefix = "Corrupt store file " + e.file() + " at offset " + e.offset() + ": ";
        String message = e.getMessage();
        return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }
}
