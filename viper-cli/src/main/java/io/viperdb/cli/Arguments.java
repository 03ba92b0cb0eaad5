package io.viperdb.cli;

/**
 * Refuses an argument that the JVM could not decode, so that no key or value is ever stored mangled.
 *
 * <p>The JVM turns the bytes of each argument into text with the locale's character set ({@code sun.jnu.encoding})
 * before {@code main} sees them, and makes each byte sequence it cannot decode a U+FFFD: in the C locale, whose set is
 * ASCII, {@code café} arrives as {@code caf\uFFFD\uFFFD}. The {@code viper} launcher runs the JVM in C.UTF-8 where the
 * locale is ASCII (and says so with {@code -Dviper.launcher.locale}), which mends the common case, UTF-8 typed in a
 * terminal of a system without a locale; what is left is refused here: any U+FFFD in an argument when the character
 * set is not UTF-8, or when it is UTF-8 only because the launcher chose it (the bytes were then not UTF-8). In a UTF-8
 * locale of the user's own, a U+FFFD is taken as typed.
 */
final class Arguments {

    /** The system property by which the launcher says it chose the UTF-8 locale. */
    static final String LAUNCHER_LOCALE = "viper.launcher.locale";

    private Arguments() {
    }

    /**
     * Why the arguments cannot be taken, or null when they can.
     *
     * @param args the arguments as {@code main} received them
     * @param charset the character set the JVM decoded them with ({@code sun.jnu.encoding})
     * @param launcherLocale the locale the launcher chose for the JVM, or null if it left the user's
     */
    static String refusal(String[] args, String charset, String launcherLocale) {
        boolean utf8 = charset != null && charset.replace("-", "").equalsIgnoreCase("UTF8");
        if (utf8 && launcherLocale == null) {
            return null;
        }
        for (int i = 0; i < args.length; i++) {
            if (args[i].indexOf('\uFFFD') >= 0) {
                String where = utf8 ? "UTF-8, which viper reads arguments in (the launcher chose the locale "
                        + launcherLocale + ", since yours reads nothing but ASCII)"
                        : "this locale's character set (" + charset + ")";
                return "argument " + (i + 1) + " (\"" + args[i] + "\") holds bytes that are not text in " + where
                        + ", shown as \uFFFD; nothing was done. Run viper in a UTF-8 locale, for example with "
                        + "LC_ALL=C.UTF-8, and give the text in UTF-8";
            }
        }
        return null;
    }
}
