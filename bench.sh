#!/usr/bin/env bash
# Benchmarks ViperDB against RocksDB, LMDB, Chronicle Map, H2 MVStore and MapDB, and rewrites docs/benchmarks.md and
# docs/benchmarks.png. Needs a JDK 17 or newer; the Maven wrapper fetches Maven and the libraries.
#
#   ./bench.sh            full mode: 1,000,000 keys, 100-byte and 1 KiB values (35 to 70 minutes on 2 cores;
#                         8 GiB of memory and about 20 GB of free disk under viper-bench/target)
#   ./bench.sh --quick    quick mode: 200,000 keys, 100-byte values, short runs (about 6 minutes): checks the harness
#
# Any other arguments go to io.viperdb.bench.Main, e.g. --stores viper,rocksdb  --value-sizes 1024  --keys 500000
#   --note "text for the top of the report"  --out DIR (default docs)  --data DIR (where the stores' files go)
set -euo pipefail
cd "$(dirname "$0")"

./mvnw -q -B -pl viper-bench -am package -DskipTests
jar=$(ls viper-bench/target/viper-bench-*.jar | head -n 1)

# The measuring JVMs are forked by the benchmark itself, with their own flags (io.viperdb.bench.JvmFlags); this one
# only coordinates them and draws the chart.
exec java -Djava.awt.headless=true -jar "$jar" --out docs --data viper-bench/target/bench-data "$@"
