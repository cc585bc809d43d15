#!/usr/bin/env bash
# LiveLatency needs a file descriptor per SSE connection, in this JVM and in the gateway it starts (which inherits the
# limit): raise the soft limit to the hard one (at least connections + 2048), then run it with the given options.
# Build first: mvn -q -DskipTests package
set -euo pipefail
cd "$(dirname "$0")/.."
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "open-file limit: $(ulimit -n)"
exec java -Xmx1g -cp bench/target/benchmarks.jar io.storycast.bench.LiveLatency "$@"
