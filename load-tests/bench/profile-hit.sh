#!/usr/bin/env bash
# Where a Strata edge's hit path spends its CPU and what it allocates: starts the example origin and an
# edge (no regional tier), warms one object, drives it with wrk and records a JFR profile of the edge
# meanwhile, then prints the hottest methods (top frame and first Strata frame of each execution
# sample) and the allocation by class (jdk.ObjectAllocationSample, weighted).
#
#   load-tests/bench/profile-hit.sh [--size 1k] [--duration 20] [--connections 64] [--pin]
#
# Loopback only, bounded in time; stops what it started by PID.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SIZE=1k
DURATION=20
CONNECTIONS=64
PIN=0
while [ $# -gt 0 ]; do
  case "$1" in
    --size) SIZE="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --pin) PIN=1; shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "profile-hit.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
STRATA_JAR="$ROOT/dist/target/strata.jar"
[ -f "$STRATA_JAR" ] || mvn -B -q -f "$ROOT/pom.xml" -DskipTests package -pl dist -am >&2

PORT_BASE="${BENCH_PORT_BASE:-18200}"
ORIGIN_PORT=$PORT_BASE
EDGE_PORT=$((PORT_BASE + 80))
ADMIN_PORT=$((PORT_BASE + 91))
DIR="$ROOT/load-tests/target/profile-$(date +%s)"
mkdir -p "$DIR"
if [ "$PIN" = 1 ]; then SERVER_CPU="taskset -c 1"; LOAD_CPU="taskset -c 0"; else SERVER_CPU=""; LOAD_CPU=""; fi

PIDS=()
stop_all() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
}
trap stop_all EXIT

sed "s#http://127.0.0.1:8000#http://127.0.0.1:$ORIGIN_PORT#" "$ROOT/examples/site.yaml" >"$DIR/site.yaml"
java -Xmx512m -Dstrata.home="$ROOT" -jar "$STRATA_JAR" origin --port "$ORIGIN_PORT" >"$DIR/origin.log" 2>&1 &
PIDS+=($!)
$SERVER_CPU java -Xms1g -Xmx1g -XX:MetaspaceSize=128m -Dstrata.home="$ROOT" -jar "$STRATA_JAR" edge \
  --config "$DIR/site.yaml" --port "$EDGE_PORT" --admin-port "$ADMIN_PORT" >"$DIR/edge.log" 2>&1 &
EDGE_PID=$!
PIDS+=($EDGE_PID)
URL="http://127.0.0.1:$EDGE_PORT/gen/$SIZE/profile-$SIZE"
for _ in $(seq 600); do curl -s -o /dev/null --max-time 1 "$URL" && break; sleep 0.1; done
curl -s -o /dev/null --max-time 5 "$URL"
timeout 30 $LOAD_CPU wrk -t1 -c"$CONNECTIONS" -d10s "$URL" >"$DIR/wrk-warm.txt" 2>&1 || true

jcmd "$EDGE_PID" JFR.start name=hit settings=profile filename="$DIR/hit.jfr" >/dev/null
timeout $((DURATION + 15)) $LOAD_CPU wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$URL" >"$DIR/wrk.txt" 2>&1 || true
jcmd "$EDGE_PID" JFR.stop name=hit >/dev/null
grep -E 'Requests/sec|^ +(50|99)%' "$DIR/wrk.txt"

# The summaries below end pipelines with head: a closed pipe is not an error here.
set +o pipefail
jfr print --stack-depth 64 --events jdk.ExecutionSample "$DIR/hit.jfr" >"$DIR/samples.txt"
total=$(grep -c 'jdk.ExecutionSample' "$DIR/samples.txt" || true)
echo
echo "execution samples: $total"
echo "hottest top frames (share of samples):"
awk '/stackTrace = \[/ {getline; sub(/^ +/, ""); sub(/line:.*/, ""); print}' "$DIR/samples.txt" |
  sort | uniq -c | sort -rn | head -25 | awk -v t="$total" '{c=$1; $1=""; printf "  %5.1f%%  %s\n", 100*c/t, $0}'
echo "first io.strata frame of each sample (share of samples; none = Vert.x/Netty/JDK only):"
awk '/stackTrace = \[/ {inside=1; found=""; next}
     inside && /io\.strata\./ && found == "" {f=$0; sub(/^ +/, "", f); sub(/line:.*/, "", f); found=f}
     inside && /^ *\]/ {print (found == "" ? "none" : found); inside=0}' "$DIR/samples.txt" |
  sort | uniq -c | sort -rn | head -15 | awk -v t="$total" '{c=$1; $1=""; printf "  %5.1f%%  %s\n", 100*c/t, $0}'

jfr print --stack-depth 64 --events jdk.ObjectAllocationSample "$DIR/hit.jfr" >"$DIR/alloc.txt"
echo "allocation by class (sampled weight, MiB):"
awk '/objectClass = / {c=$3} /weight = / {w=$3; u=$4; if (u ~ /kB/) w/=1024; else if (u ~ /bytes/) w/=1048576; else if (u ~ /GB/) w*=1024; sum[c]+=w}
     END {for (k in sum) printf "%10.1f  %s\n", sum[k], k}' "$DIR/alloc.txt" | sort -rn | head -20
echo "allocation by first io.strata frame (sampled weight, MiB):"
awk '/objectClass = / {w=0} /weight = / {w=$3; u=$4; if (u ~ /kB/) w/=1024; else if (u ~ /bytes/) w/=1048576; else if (u ~ /GB/) w*=1024}
     /stackTrace = \[/ {inside=1; found=""; next}
     inside && /io\.strata\./ && found == "" {f=$0; sub(/^ +/, "", f); sub(/line:.*/, "", f); found=f}
     inside && /^ *\]/ {sum[found == "" ? "none" : found]+=w; inside=0}
     END {for (k in sum) printf "%10.1f  %s\n", sum[k], k}' "$DIR/alloc.txt" | sort -rn | head -15
echo "raw: $DIR"
