#!/usr/bin/env bash
# viper: the ViperDB command line. Builds what it needs once (the viper-cli jar and the jars it runs with), then runs
#   java --module-path viper-cli/target/modules:viper-cli/target/viper-cli-VERSION.jar -m io.viperdb.cli/...
# with your arguments. Works from any directory; store paths are taken relative to the directory you run it from.
#
#   VIPER_SKIP_BUILD=1   use the jars as they are, never build (what the integration test does inside the build)
#   VIPER_JAVA_OPTS      options for the JVM, for example -Xmx4g
#   VIPER_MODULE_PATH    more jars or folders for the module path: a codec of your own, or the classes a kryo store
#                        holds (their module must open its packages to com.esotericsoftware.kryo)
#   JAVA_HOME            the JDK to run with (and build with); java on the PATH otherwise
set -euo pipefail

script="${BASH_SOURCE[0]}"
while [ -L "$script" ]; do   # follow symlinks, so that a link in ~/bin finds the repository
    target="$(readlink "$script")"
    case "$target" in /*) script="$target" ;; *) script="$(dirname "$script")/$target" ;; esac
done
root="$(cd "$(dirname "$script")" && pwd -P)"
target="$root/viper-cli/target"

java="java"
if [ -n "${JAVA_HOME:-}" ]; then java="$JAVA_HOME/bin/java"; fi

cli_jar() {
    local jar
    for jar in "$target"/viper-cli-*.jar; do
        case "$jar" in *-sources.jar|*-tests.jar|*-javadoc.jar) continue ;; esac
        [ -f "$jar" ] && { echo "$jar"; return 0; }
    done
    return 1
}

# Stale when the jar, the module folder or the stamp of the last build is missing, or a source or pom of a module it
# runs is newer than that stamp. (Not newer than the jar: Maven leaves a jar whose own classes did not change as it
# was, so a change to the engine alone would look stale for ever.)
stamp="$target/modules/.built"
needs_build() {
    cli_jar >/dev/null || return 0
    [ -f "$stamp" ] || return 0
    [ -n "$(find "$root/pom.xml" "$root"/viper-api "$root"/viper-engine "$root"/viper-codec-json \
        "$root"/viper-codec-kryo "$root"/viper-cli \
        \( -path '*/target' -prune \) -o \( -type f \( -path '*/src/main/*' -o -name pom.xml \) \
        -newer "$stamp" \) -print -quit 2>/dev/null)" ]
}

if [ "${VIPER_SKIP_BUILD:-}" != "1" ] && needs_build; then
    echo "viper: building the command line (./mvnw -q -DskipTests package -pl viper-cli -am; once, or after a change)..." >&2
    (cd "$root" && ./mvnw -q -DskipTests package -pl viper-cli -am) >&2 || {
        echo "viper: the build failed (output above); fix it or run ./mvnw -DskipTests package -pl viper-cli -am" >&2
        exit 9
    }
    touch "$stamp"
fi

# The JVM decodes its arguments with the locale's character set (sun.jnu.encoding). In the C or POSIX locale, or in
# one the system lacks, that is ASCII, and every other character arrives as U+FFFD: 'viper put ./db café ...' would
# store "caf\uFFFD\uFFFD". There the JVM runs in C.UTF-8 instead, so that arguments and file names are read as UTF-8
# (what terminals send), and viper refuses an argument that even so holds bytes that are not UTF-8. Other locales,
# UTF-8 or not (ISO-8859-1, say), are the user's own and stay as they are.
locale_opts=""
# (grep without -q reads the whole list: under pipefail, a grep that quits early would fail the pipe with SIGPIPE.)
if [ "$(locale charmap 2>/dev/null)" = "ANSI_X3.4-1968" ] && locale -a 2>/dev/null | grep -ixE 'c\.utf-?8' >/dev/null
then
    export LC_ALL=C.UTF-8
    locale_opts="-Dviper.launcher.locale=C.UTF-8"
fi

jar="$(cli_jar)" || { echo "viper: no viper-cli jar in $target; run without VIPER_SKIP_BUILD to build it" >&2; exit 9; }
# ALL-MODULE-PATH resolves modules that nothing requires, such as the model classes of a kryo store.
# shellcheck disable=SC2086 # VIPER_JAVA_OPTS is a list of options
exec "$java" ${VIPER_JAVA_OPTS:-} $locale_opts --module-path "$target/modules:$jar${VIPER_MODULE_PATH:+:$VIPER_MODULE_PATH}" \
    --add-modules ALL-MODULE-PATH -m io.viperdb.cli/io.viperdb.cli.Viper "$@"
