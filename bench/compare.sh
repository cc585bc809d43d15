#!/usr/bin/env bash
# The comparison run: Storycast beside the bare machine, Redis and the usual tools, on one machine in one
# run, as a table of ratios (bench/target/compare/comparison.md, comparison.json, latency-percentiles.png).
#
#   bench/compare.sh --quick      # about 3 minutes: checks that every section runs
#   bench/compare.sh              # the full run, 8 to 9 minutes: the figures to keep
#   bench/compare.sh --sections ingest,fanout --seconds 20
#
# Every option is described in io.storycast.bench.Comparison (and in the README, "For engineers:
# benchmarks"). It installs nothing: a missing tool (ffmpeg, vipsthumbnail, redis-benchmark) is named with
# its Debian package, and its rows are skipped.
set -euo pipefail

cd "$(dirname "$0")/.."

missing=()
[ -f bench/target/benchmarks.jar ] || missing+=(bench/target/benchmarks.jar)
[ -f gateway/target/storycast-gateway.jar ] || missing+=(gateway/target/storycast-gateway.jar)
if [ ${#missing[@]} -gt 0 ]; then
    echo "not built yet: ${missing[*]}" >&2
    echo "build them first:  mvn -q -DskipTests package -pl bench -am" >&2
    exit 1
fi
if ! command -v java > /dev/null; then
    echo "java is not on PATH (Debian package openjdk-17-jdk-headless)" >&2
    exit 1
fi

export STORYCAST_COMPARE_COMMAND="bench/compare.sh"
exec java -cp bench/target/benchmarks.jar io.storycast.bench.Comparison "$@"
