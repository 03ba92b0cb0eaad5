package io.viperdb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Arguments the JVM could not decode are refused, by position; LauncherIT runs the same in real JVMs and locales. */
class ArgumentsTest {

    private static final String[] MANGLED = {"put", "db", "caf\uFFFD\uFFFD", "\"cr\uFFFD\uFFFDme\""};

    @Test
    void anArgumentWithAReplacementCharacterIsRefusedWhereTheCharacterSetIsNotUtf8() {
        String refusal = Arguments.refusal(MANGLED, "ANSI_X3.4-1968", null);
        assertTrue(refusal.startsWith("argument 3 (\"caf\uFFFD\uFFFD\") holds bytes that are not text in this "
                + "locale's character set (ANSI_X3.4-1968)"), refusal);
        assertTrue(refusal.contains("LC_ALL=C.UTF-8"), refusal);
    }

    @Test
    void inTheUtf8LocaleTheLauncherChoseTheBytesWereNotUtf8() {
        String refusal = Arguments.refusal(MANGLED, "UTF-8", "C.UTF-8");
        assertTrue(refusal.startsWith("argument 3 (\"caf\uFFFD\uFFFD\") holds bytes that are not text in UTF-8, "),
                refusal);
    }

    @Test
    void inAUtf8LocaleOfTheUsersOwnAReplacementCharacterIsTakenAsTyped() {
        assertNull(Arguments.refusal(MANGLED, "UTF-8", null));
        assertNull(Arguments.refusal(new String[] {"put", "db", "café", "\"crème\""}, "ANSI_X3.4-1968", null));
        assertEquals(null, Arguments.refusal(new String[0], "ISO-8859-1", null));
    }
}
