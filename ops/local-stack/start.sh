#!/usr/bin/env bash
# Storycast's local multi-node stack, on loopback: a Redis Cluster (the embedded-redis binary, started from the
# gateway's jar), N gateway processes on it, and HAProxy in front. Waits until every part is ready, prints
# where each listens, and stops everything on Ctrl-C or SIGTERM: HAProxy first (stops accepting), then the
# gateways (each drains its in-flight requests), then the cluster (each node flushes its append-only file).
#
#   ops/local-stack/start.sh [--gateways 2] [--masters 3] [--lb-port 8080] [--gateway-port 8081]
#                            [--metrics-port 9464] [--stats-port 8404] [--dir storycast-data/local-stack] [--fresh]
#
# Needs Linux (setsid), curl, a JDK 17+, Debian's haproxy 2.6 or later on PATH (or HAPROXY=/path), and the
# gateway's jar (mvn -q -DskipTests package -pl gateway -am; or STORYCAST_JAR=/path). Every STORYCAST_* variable
# set when it starts reaches every gateway, except those the stack sets per gateway (redis.mode, redis.url,
# http.port, metrics.port, media.storeDir). See ops/README.md.
set -euo pipefail

usage() {
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
}

REPO=$(cd "$(dirname "$0")/../.." && pwd)
GATEWAYS=2
MASTERS=3
LB_PORT=8080
GATEWAY_PORT=8081  # gateway i listens on GATEWAY_PORT + i - 1; 0 lets each pick a free port
METRICS_PORT=9464  # gateway i's management listener on METRICS_PORT + i - 1; 0 picks free ports
STATS_PORT=8404    # HAProxy's statistics page
DIR=storycast-data/local-stack
FRESH=0
while [ $# -gt 0 ]; do
  case "$1" in
    --gateways) GATEWAYS=$2; shift 2 ;;
    --masters) MASTERS=$2; shift 2 ;;
    --lb-port) LB_PORT=$2; shift 2 ;;
    --gateway-port) GATEWAY_PORT=$2; shift 2 ;;
    --metrics-port) METRICS_PORT=$2; shift 2 ;;
    --stats-port) STATS_PORT=$2; shift 2 ;;
    --dir) DIR=$2; shift 2 ;;
    --fresh) FRESH=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "start.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
for number in "$GATEWAYS" "$MASTERS" "$LB_PORT" "$GATEWAY_PORT" "$METRICS_PORT" "$STATS_PORT"; do
  case "$number" in
    ''|*[!0-9]*) echo "start.sh: '$number' is not a number" >&2; exit 2 ;;
  esac
done
if [ "$GATEWAYS" -lt 1 ]; then echo "start.sh: --gateways must be at least 1" >&2; exit 2; fi

JAR=${STORYCAST_JAR:-$REPO/gateway/target/storycast-gateway.jar}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
HAPROXY=${HAPROXY:-haproxy}
# Options of each gateway's JVM (whitespace separated); the cluster's JVM only waits, so it stays small.
GATEWAY_JVM_OPTS=${STACK_GATEWAY_JVM_OPTS:--Xmx512m -XX:MaxDirectMemorySize=512m}
READY_TIMEOUT=${STACK_READY_TIMEOUT:-120}  # seconds for each part to become ready
DRAIN_SECONDS=${STORYCAST_SHUTDOWN_DRAIN_TIMEOUT_SECONDS:-30}

[ -f "$JAR" ] || { echo "start.sh: no gateway jar at $JAR: build it with 'mvn -q -DskipTests package -pl gateway -am'" >&2; exit 2; }
command -v "$HAPROXY" > /dev/null || { echo "start.sh: haproxy not found: apt-get install haproxy (or set HAPROXY)" >&2; exit 2; }
command -v curl > /dev/null || { echo "start.sh: curl not found" >&2; exit 2; }
command -v setsid > /dev/null || { echo "start.sh: setsid not found (util-linux)" >&2; exit 2; }

if [ "$FRESH" = 1 ]; then rm -rf "$DIR"; fi
mkdir -p "$DIR/logs" "$DIR/media"
DIR=$(cd "$DIR" && pwd)
STATE="$DIR/stack.env"
rm -f "$STATE" "$DIR/redis/cluster-url"

log() { echo "$(date +%H:%M:%S) [stack] $*"; }

# Each part runs in a session (and so a process group) of its own, with its pid as the group's id: Ctrl-C in
# the terminal reaches only this script, which stops the parts in order, and a group can be killed whole
# (the cluster's redis-server processes are children of its JVM).
NAMES=()
PIDS=()
start_part() { # name log command...
  local name=$1 logfile=$2
  shift 2
  # A new log per start (the previous one kept as .1): the ports are read back from it.
  if [ -f "$logfile" ]; then mv -f "$logfile" "$logfile.1"; fi
  setsid "$@" > "$logfile" 2>&1 < /dev/null &
  NAMES+=("$name")
  PIDS+=("$!")
  disown "$!" # no job report from bash when it ends: the loop at the end reports it
  log "started $name (pid $!), log $logfile"
}

alive() { kill -0 "$1" 2> /dev/null; }

# Waits up to $2 seconds for process $1 to end.
await_exit() {
  local deadline=$((SECONDS + $2))
  while alive "$1" && [ $SECONDS -lt "$deadline" ]; do sleep 0.2; done
  ! alive "$1"
}

# Stops part $1 (an index into PIDS): signal $2 to its leader ("none": already sent), up to $3 seconds, then
# SIGKILL to its whole group.
stop_part() {
  local index=$1 signal=$2 grace=$3 pid=${PIDS[$1]}
  if alive "$pid"; then
    [ "$signal" = none ] || kill "-$signal" "$pid" 2> /dev/null || true
    if ! await_exit "$pid" "$grace"; then
      log "${NAMES[$index]} (pid $pid) did not stop within $grace s: SIGKILL"
    fi
  fi
  kill -KILL -- "-$pid" 2> /dev/null || true  # whatever is left of its group (e.g. redis-server after a killed JVM)
}

STOPPING=0
stop_all() {
  [ "$STOPPING" = 0 ] || return 0
  STOPPING=1
  trap '' INT TERM
  log "stopping"
  local i
  # HAProxy: SIGUSR1 is its soft stop (stop listening, finish the connections; hard-stop-after bounds it).
  for i in "${!NAMES[@]}"; do [ "${NAMES[$i]}" != haproxy ] || stop_part "$i" USR1 20; done
  # The gateways drain at once, in parallel: up to 2 x drain + 10 s each (media jobs, then the servers).
  for i in "${!NAMES[@]}"; do
    case "${NAMES[$i]}" in gateway-*) alive "${PIDS[$i]}" && kill -TERM "${PIDS[$i]}" 2> /dev/null || true ;; esac
  done
  for i in "${!NAMES[@]}"; do
    case "${NAMES[$i]}" in gateway-*) stop_part "$i" none $((2 * DRAIN_SECONDS + 15)) ;; esac
  done
  for i in "${!NAMES[@]}"; do [ "${NAMES[$i]}" != redis-cluster ] || stop_part "$i" TERM 30; done
  rm -f "$STATE"
  log "stopped"
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap 'stop_all' EXIT

fail() {
  log "FAILED: $*"
  exit 1
}

# Waits until command "$2..." succeeds, checking that part $1 (an index) is still alive.
await_part() {
  local index=$1 deadline=$((SECONDS + READY_TIMEOUT))
  shift
  until "$@"; do
    alive "${PIDS[$index]}" || fail "${NAMES[$index]} exited; see $DIR/logs/${NAMES[$index]}.log"
    [ $SECONDS -lt "$deadline" ] || fail "${NAMES[$index]} not ready within $READY_TIMEOUT s; see $DIR/logs/${NAMES[$index]}.log"
    sleep 0.2
  done
}

# 1. The Redis Cluster.
start_part redis-cluster "$DIR/logs/redis-cluster.log" "$JAVA" -Xmx128m -cp "$JAR" io.storycast.gateway.redis.RedisClusterCommand \
  --data-dir "$DIR/redis" --masters "$MASTERS" --url-file "$DIR/redis/cluster-url"
await_part 0 test -s "$DIR/redis/cluster-url"
REDIS_URL=$(cat "$DIR/redis/cluster-url")
log "Redis Cluster ready: $REDIS_URL"

# 2. The gateways, all at once.
for g in $(seq 1 "$GATEWAYS"); do
  http_port=0 metrics_port=0
  if [ "$GATEWAY_PORT" != 0 ]; then http_port=$((GATEWAY_PORT + g - 1)); fi
  if [ "$METRICS_PORT" != 0 ]; then metrics_port=$((METRICS_PORT + g - 1)); fi
  # shellcheck disable=SC2086 # the JVM options are whitespace separated on purpose
  start_part "gateway-$g" "$DIR/logs/gateway-$g.log" env \
    STORYCAST_REDIS_MODE=cluster STORYCAST_REDIS_URL="$REDIS_URL" \
    STORYCAST_HTTP_PORT="$http_port" STORYCAST_METRICS_PORT="$metrics_port" \
    STORYCAST_MEDIA_STORE_DIR="$DIR/media" \
    "$JAVA" $GATEWAY_JVM_OPTS -jar "$JAR"
done

# A gateway logs the ports it took (port 0 picks free ones): "listening on http://127.0.0.1:P", "metrics on http://127.0.0.1:M/".
logged_port() { grep -o "$2 http://[^ ]*" "$1" 2> /dev/null | head -1 | sed 's|.*:\([0-9]*\).*|\1|'; }
gateway_ready() {
  local logfile=$DIR/logs/gateway-$1.log port
  port=$(logged_port "$logfile" "listening on")
  [ -n "$port" ] && curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$port/readyz"
}
GATEWAY_PORTS=()
GATEWAY_METRICS_PORTS=()
for g in $(seq 1 "$GATEWAYS"); do
  await_part "$g" gateway_ready "$g"
  GATEWAY_PORTS+=("$(logged_port "$DIR/logs/gateway-$g.log" "listening on")")
  GATEWAY_METRICS_PORTS+=("$(logged_port "$DIR/logs/gateway-$g.log" "metrics on")")
  log "gateway-$g ready: http://127.0.0.1:${GATEWAY_PORTS[$((g - 1))]}, metrics http://127.0.0.1:${GATEWAY_METRICS_PORTS[$((g - 1))]}/metrics"
done

# 3. HAProxy in front of them.
HAPROXY_CFG="$DIR/haproxy.cfg"
{
  sed -e "s/@LB_PORT@/$LB_PORT/" -e "s/@STATS_PORT@/$STATS_PORT/" "$REPO/ops/local-stack/haproxy.cfg"
  for g in $(seq 1 "$GATEWAYS"); do
    echo "    server gateway-$g 127.0.0.1:${GATEWAY_PORTS[$((g - 1))]}"
  done
} > "$HAPROXY_CFG"
"$HAPROXY" -c -q -f "$HAPROXY_CFG" || fail "haproxy refused $HAPROXY_CFG"
start_part haproxy "$DIR/logs/haproxy.log" "$HAPROXY" -db -f "$HAPROXY_CFG"
LB_INDEX=$((GATEWAYS + 1))
# Ready when every gateway is UP in HAProxy's own view (its statistics as CSV: field 2 the server, 18 the status).
backends_up() {
  [ "$(curl -fs --max-time 2 "http://127.0.0.1:$STATS_PORT/stats;csv" 2> /dev/null \
      | awk -F, '$1 == "gateways" && $2 ~ /^gateway-/ && $18 == "UP"' | wc -l)" -eq "$GATEWAYS" ] \
    && curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$LB_PORT/readyz"
}
await_part "$LB_INDEX" backends_up
log "haproxy ready: http://127.0.0.1:$LB_PORT (statistics http://127.0.0.1:$STATS_PORT/stats)"

# 4. A Prometheus configuration for this stack, with the alert rules (prometheus --config.file=$DIR/prometheus.yml).
{
  echo "global: {scrape_interval: 10s, evaluation_interval: 10s}"
  echo "rule_files: ['$REPO/ops/prometheus/storycast-alerts.yml']"
  echo "scrape_configs:"
  echo "  - job_name: storycast"
  echo "    static_configs:"
  echo "      - targets: [$(for p in "${GATEWAY_METRICS_PORTS[@]}"; do printf "'127.0.0.1:%s'," "$p"; done | sed 's/,$//')]"
} > "$DIR/prometheus.yml"

# 5. What is running, for scripts and tests (shell syntax), written in one move once everything is ready.
{
  echo "STACK_LB_URL=http://127.0.0.1:$LB_PORT"
  echo "STACK_STATS_URL=http://127.0.0.1:$STATS_PORT/stats"
  echo "STACK_REDIS_URL=$REDIS_URL"
  echo "STACK_GATEWAYS=$GATEWAYS"
  for i in "${!NAMES[@]}"; do
    var=$(echo "${NAMES[$i]}" | tr 'a-z-' 'A-Z_')
    echo "STACK_${var}_PID=${PIDS[$i]}"
  done
  for g in $(seq 1 "$GATEWAYS"); do
    echo "STACK_GATEWAY_${g}_URL=http://127.0.0.1:${GATEWAY_PORTS[$((g - 1))]}"
    echo "STACK_GATEWAY_${g}_METRICS_URL=http://127.0.0.1:${GATEWAY_METRICS_PORTS[$((g - 1))]}/metrics"
  done
} > "$STATE.partial"
mv "$STATE.partial" "$STATE"
log "ready: send requests to http://127.0.0.1:$LB_PORT; state in $STATE; Ctrl-C stops everything"

# Runs until a signal; reports a part that exits meanwhile (a killed gateway: HAProxy routes around it).
REPORTED=()
while true; do
  for i in "${!PIDS[@]}"; do
    if [ -z "${REPORTED[$i]:-}" ] && ! alive "${PIDS[$i]}"; then
      REPORTED[$i]=1
      log "${NAMES[$i]} (pid ${PIDS[$i]}) exited; see $DIR/logs/${NAMES[$i]}.log"
    fi
  done
  sleep 1 &
  wait $! || true
done
