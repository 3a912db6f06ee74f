#!/usr/bin/env bash
# Side-by-side benchmark on one machine, loopback only: Strata's edge, nginx proxy_cache, Varnish, a
# bare Vert.x "limit" responder and a bare C epoll "floor" responder (bench/floor.c: what the
# kernel's loopback TCP costs per response, which every server pays), all in front of one origin
# (Strata's example origin, /gen content).
#
#   load-tests/bench/compare.sh [--rounds 3] [--duration 10] [--connections 64] [--sizes "1k 16k 256k 1m"]
#                               [--pin] [--crowd 200] [--crowd-delay-ms 300] [--crowd-rounds 10] [--crowd-warmups 40] [--miss-warmup-s 20] [--out DIR]
#                               [--targets "strata nginx varnish limit floor"] [--rates "20000 50000"]
#
# Every target is warmed, then driven with wrk in alternation (A B C D, A B C D, ...) for each object
# size; the table reports the median over rounds of requests/s, p50/p99 latency and transfer rate,
# requests per server CPU-second, Strata's ratio to each peer, and each target's requests per
# CPU-second as a share of the floor's (the rest of its CPU is its own work). wrk is a closed loop: each target's
# latency is taken at its own maximum rate, so a faster server also makes wrk's one thread busier. For
# latency at equal load, each --rates value (total requests/s, spread over the same connections) is
# then offered to every target in alternation with h2load --rps, and p50/p99/p99.9 of 1 KiB hits are
# computed from h2load's per-request log ("" skips this). Then flash crowds: N concurrent cold
# requests for one slow object through each proxy, counting the requests the origin saw. Each proxy's
# miss path is warmed first, as a node in service has it warm: --miss-warmup-s seconds of wrk asking
# for 1 KiB paths never asked before and a quarter of that for 64 KiB ones (the crowd's size), then
# --crowd-warmups unmeasured crowds (the JVM compiles Strata's miss
# and coalescing code only after it has run some thousand times, and the hit runs never run it; the
# first crowd's median is reported apart), then --crowd-rounds crowds per proxy in alternation, each for a new object; the table
# reports the medians over rounds.
#
# --pin runs the server under test on CPU 1 and wrk on CPU 0 (taskset), one worker/event loop each.
# nginx, varnish, wrk and a C compiler come from Debian packages (installed when missing); the servers run in the
# foreground with their own config files and private directories, never as system services. Every wrk
# and curl run is bounded in time; everything started is stopped by PID on exit.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH="$ROOT/load-tests/bench"
ROUNDS=3
DURATION=10
CONNECTIONS=64
SIZES="1k 16k 256k 1m"
PIN=0
CROWD=200
CROWD_DELAY_MS=300
CROWD_ROUNDS=10
CROWD_WARMUPS=40
MISS_WARMUP_S=20
OUT=""
RATES="20000 50000"
TARGETS="strata nginx varnish limit floor"
PORT_BASE="${BENCH_PORT_BASE:-18000}"

while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --sizes) SIZES="$2"; shift 2 ;;
    --pin) PIN=1; shift ;;
    --crowd) CROWD="$2"; shift 2 ;;
    --crowd-delay-ms) CROWD_DELAY_MS="$2"; shift 2 ;;
    --crowd-rounds) CROWD_ROUNDS="$2"; shift 2 ;;
    --crowd-warmups) CROWD_WARMUPS="$2"; shift 2 ;;
    --miss-warmup-s) MISS_WARMUP_S="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --targets) TARGETS="$2"; shift 2 ;;
    --rates) RATES="$2"; shift 2 ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

ORIGIN_PORT=$PORT_BASE
EDGE_PORT=$((PORT_BASE + 80))
REGIONAL_PORT=$((PORT_BASE + 81))
EDGE_ADMIN=$((PORT_BASE + 91))
REGIONAL_ADMIN=$((PORT_BASE + 92))
NGINX_PORT=$((PORT_BASE + 90))
VARNISH_PORT=$((PORT_BASE + 93))
LIMIT_PORT=$((PORT_BASE + 94))
FLOOR_PORT=$((PORT_BASE + 95))
RUN_ID="$(date +%s)"
DIR="${OUT:-$ROOT/load-tests/target/bench-$RUN_ID}"
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
RESULTS="$DIR/results.tsv"
LOG="$DIR/compare.log"

log() { echo "[compare $(date +%H:%M:%S)] $*" | tee -a "$LOG" >&2; }

# ---------------------------------------------------------------- tools
need_pkgs=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need_pkgs+=(nginx)
command -v varnishd >/dev/null || [ -x /usr/sbin/varnishd ] || need_pkgs+=(varnish)
command -v wrk >/dev/null || need_pkgs+=(wrk)
[ -x /usr/bin/time ] || need_pkgs+=(time)
command -v curl >/dev/null || need_pkgs+=(curl)
command -v h2load >/dev/null || need_pkgs+=(nghttp2-client)
command -v cc >/dev/null || need_pkgs+=(gcc libc6-dev)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  log "installing ${need_pkgs[*]} from Debian packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi
export PATH="$PATH:/usr/sbin"
# The packages may start system services on install; this script never uses them.

STRATA_JAR="$ROOT/dist/target/strata.jar"
BENCH_JAR="$ROOT/load-tests/target/benchmarks.jar"
if [ ! -f "$STRATA_JAR" ] || [ ! -f "$BENCH_JAR" ]; then
  log "building strata.jar and benchmarks.jar (mvn -B -q -DskipTests package)"
  mvn -B -q -f "$ROOT/pom.xml" -DskipTests -P '!smoke' package -pl dist,load-tests -am >&2
fi

if [ "$PIN" = 1 ]; then
  if [ "$(nproc --all)" -lt 2 ]; then echo "compare.sh: --pin needs 2 CPUs" >&2; exit 2; fi
  SERVER_CPU="taskset -c 1"
  LOAD_CPU="taskset -c 0"
  AUX_CPU="taskset -c 0"
  WORKERS=1
  WRK_THREADS=1
else
  SERVER_CPU=""
  LOAD_CPU=""
  AUX_CPU=""
  WORKERS="$(nproc)"
  WRK_THREADS=2
fi

# ---------------------------------------------------------------- processes
PIDS=()
stop_all() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 50); do
    local alive=0
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && return 0
    sleep 0.1
  done
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
}
# The peers' caches and working files are not results (nginx's cache alone grows to a GiB with the
# miss warm-up); removed on exit so that a run directory can be kept as it is.
cleanup() {
  stop_all
  rm -rf "$DIR/nginx/cache" "$DIR/nginx/client_body" "$DIR/nginx/"*_temp "$DIR/varnish/work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

started() { PIDS+=("$1"); echo "$2 $1" >>"$DIR/pids"; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in $ORIGIN_PORT $EDGE_PORT $REGIONAL_PORT $EDGE_ADMIN $REGIONAL_ADMIN $NGINX_PORT $VARNISH_PORT $LIMIT_PORT $FLOOR_PORT; do
  port_free "$p" || { echo "compare.sh: port $p is in use (set BENCH_PORT_BASE)" >&2; exit 1; }
done

wait_http() { # url name: waits up to 60 s for any HTTP answer
  for _ in $(seq 600); do
    curl -s -o /dev/null --max-time 1 "$1" && return 0
    sleep 0.1
  done
  echo "compare.sh: $2 did not answer at $1 within 60 s (see $DIR)" >&2
  exit 1
}

JAVA_OPTS="-Xms1g -Xmx1g -XX:+AlwaysPreTouch -XX:MetaspaceSize=128m"
sed "s#http://127.0.0.1:8000#http://127.0.0.1:$ORIGIN_PORT#" "$ROOT/examples/site.yaml" >"$DIR/site.yaml"

log "machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem:/{print $2}') GiB"
log "versions: $(nginx -v 2>&1 | cut -d' ' -f3), $(varnishd -V 2>&1 | head -1 | cut -d' ' -f2 | tr -d '()'), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), $(java -version 2>&1 | head -1)"
log "edge JVM options: $JAVA_OPTS ${STRATA_EDGE_OPTS:-}"
log "pinning: $([ "$PIN" = 1 ] && echo 'servers on CPU 1, wrk on CPU 0' || echo none); wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s; $ROUNDS rounds"

# The origin: Strata's example origin alone.
$AUX_CPU java -Xmx512m -Dstrata.home="$ROOT" -jar "$STRATA_JAR" origin --port "$ORIGIN_PORT" >"$DIR/origin.log" 2>&1 &
started $! origin
# Strata: a regional node and an edge in front of it, one process each, as in production.
$AUX_CPU java $JAVA_OPTS -Xlog:gc:file="$DIR/regional-gc.log" -Dstrata.home="$ROOT" -jar "$STRATA_JAR" \
  regional --config "$DIR/site.yaml" --port "$REGIONAL_PORT" --admin-port "$REGIONAL_ADMIN" >"$DIR/regional.log" 2>&1 &
started $! regional
# shellcheck disable=SC2086 # STRATA_EDGE_OPTS: extra JVM options for the edge under test, for A/B runs.
$SERVER_CPU java $JAVA_OPTS ${STRATA_EDGE_OPTS:-} -Xlog:gc:file="$DIR/edge-gc.log" -Dstrata.home="$ROOT" -jar "$STRATA_JAR" \
  edge --config "$DIR/site.yaml" --port "$EDGE_PORT" --admin-port "$EDGE_ADMIN" \
  --regionals "http://127.0.0.1:$REGIONAL_PORT" >"$DIR/edge.log" 2>&1 &
started $! strata
STRATA_PID=$!
# The limit: bare Vert.x, same bytes from memory.
$SERVER_CPU java $JAVA_OPTS -cp "$BENCH_JAR" io.strata.load.LimitServer "$LIMIT_PORT" "$WORKERS" >"$DIR/limit.log" 2>&1 &
started $! limit
LIMIT_PID=$!
# The floor: bare C on epoll, same bytes from memory in one writev per response.
cc -O2 -o "$DIR/floor" "$BENCH/floor.c"
$SERVER_CPU "$DIR/floor" "$FLOOR_PORT" "$WORKERS" >"$DIR/floor.log" 2>&1 &
started $! floor
FLOOR_PID=$!
# nginx and Varnish with the repository's config files and private directories.
mkdir -p "$DIR/nginx"
sed -e "s#@DIR@#$DIR/nginx#g" -e "s#@PORT@#$NGINX_PORT#g" -e "s#@ORIGIN_PORT@#$ORIGIN_PORT#g" \
  -e "s#@WORKERS@#$WORKERS#g" "$BENCH/nginx.conf" >"$DIR/nginx/nginx.conf"
$SERVER_CPU nginx -p "$DIR/nginx" -c "$DIR/nginx/nginx.conf" -e "$DIR/nginx/nginx-error.log" >"$DIR/nginx.log" 2>&1 &
started $! nginx
NGINX_PID=$!
mkdir -p "$DIR/varnish"
sed -e "s#@ORIGIN_PORT@#$ORIGIN_PORT#g" "$BENCH/varnish.vcl" >"$DIR/varnish/default.vcl"
$SERVER_CPU varnishd -F -j none -n "$DIR/varnish/work" -a "127.0.0.1:$VARNISH_PORT" -f "$DIR/varnish/default.vcl" \
  -s malloc,1g -P "$DIR/varnish/varnishd.pid" -p thread_pools=1 -p thread_pool_min=50 >"$DIR/varnish.log" 2>&1 &
started $! varnish
VARNISH_PID=$!

wait_http "http://127.0.0.1:$ORIGIN_PORT/api/time" origin
wait_http "http://127.0.0.1:$EDGE_ADMIN/health" "Strata edge"
wait_http "http://127.0.0.1:$REGIONAL_ADMIN/health" "Strata regional"
wait_http "http://127.0.0.1:$LIMIT_PORT/gen/1k/x" limit
wait_http "http://127.0.0.1:$FLOOR_PORT/gen/1k/x" floor
wait_http "http://127.0.0.1:$NGINX_PORT/api/time" nginx
wait_http "http://127.0.0.1:$VARNISH_PORT/api/time" varnish
log "all started: $(tr '\n' ' ' <"$DIR/pids")"
# Strata must run on the native transport (netty-transport-native-epoll is in strata.jar); say so.
EDGE_TRANSPORT="$(grep -o 'transport: .*' "$DIR/edge.log" | head -1)"
log "strata edge: ${EDGE_TRANSPORT:-transport not logged}"
case "$EDGE_TRANSPORT" in *epoll*) ;; *) log "WARNING: the Strata edge is not on epoll; its numbers are not comparable" ;; esac

port_of() { case "$1" in strata) echo "$EDGE_PORT" ;; nginx) echo "$NGINX_PORT" ;; varnish) echo "$VARNISH_PORT" ;; limit) echo "$LIMIT_PORT" ;; floor) echo "$FLOOR_PORT" ;; esac; }
pid_of() { case "$1" in strata) echo "$STRATA_PID" ;; nginx) echo "$NGINX_PID" ;; varnish) echo "$VARNISH_PID" ;; limit) echo "$LIMIT_PID" ;; floor) echo "$FLOOR_PID" ;; esac; }

# CPU ticks (user + system) of a process and all its descendants.
tree_pids() { local p=$1; echo "$p"; for c in $(ps -o pid= --ppid "$p" 2>/dev/null); do tree_pids "$c"; done; }
cpu_ticks() {
  local total=0 t
  for p in $(tree_pids "$1"); do
    t=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)
    total=$((total + t))
  done
  echo "$total"
}
HZ="$(getconf CLK_TCK)"

to_ms() { # wrk latency such as 812.00us, 1.20ms, 1.05s -> milliseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'
}
to_mbs() { # wrk transfer such as 12.34MB, 900.00KB, 1.2GB -> MB/s
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /GB$/) n *= 1024; else if (v ~ /KB$/) n /= 1024; else if (v ~ /MB$/) n = n; else n /= 1048576; printf "%.2f", n }'
}

url_of() { echo "http://127.0.0.1:$(port_of "$1")/gen/$2/bench-$2"; }

run_wrk() { # target size seconds tag -> appends a results row
  local target=$1 size=$2 secs=$3 tag=$4 url out c0 c1
  url="$(url_of "$target" "$size")"
  out="$DIR/wrk-$target-$size-$tag.txt"
  c0=$(cpu_ticks "$(pid_of "$target")")
  # GNU time records wrk's own CPU share: near 100 % the generator, not the server, bounds latency.
  timeout $((secs + 15)) /usr/bin/time -f '%P' -o "$out.cpu" $LOAD_CPU wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${secs}s" --timeout 5s --latency "$url" >"$out" 2>&1 || true
  c1=$(cpu_ticks "$(pid_of "$target")")
  local rps req p50 p99 tr errs wrk_cpu
  wrk_cpu=$(tr -d '%' <"$out.cpu" 2>/dev/null | tail -1)
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  req=$(awk '/requests in/ {print $1}' "$out")
  p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$out")")
  p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$out")")
  tr=$(to_mbs "$(awk '/^Transfer\/sec:/ {print $2}' "$out")")
  errs=$(awk '/Non-2xx|Socket errors/ {print}' "$out" | tr '\n' ' ')
  local cpu_s per_cpu
  cpu_s=$(awk -v a="$c0" -v b="$c1" -v hz="$HZ" 'BEGIN { printf "%.2f", (b - a) / hz }')
  per_cpu=$(awk -v r="${req:-0}" -v c="$cpu_s" 'BEGIN { printf "%.0f", (c > 0 ? r / c : 0) }')
  if [ "$tag" != warm ]; then
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$size" "$target" "$tag" "${rps:-0}" "$p50" "$p99" "$tr" "$per_cpu" "$cpu_s" "${wrk_cpu:-0}" >>"$RESULTS"
  fi
  [ -n "$errs" ] && log "  $target $size $tag: $errs"
  log "  $target $size $tag: ${rps:-0} req/s, p50 ${p50} ms, p99 ${p99} ms, ${tr} MB/s, server CPU ${cpu_s} s, wrk CPU ${wrk_cpu:-?} %"
}

check_hit() { # target size: one request must be served from the cache (the limit and the floor have none)
  local target=$1 size=$2 headers
  headers="$(curl -s -D - -o /dev/null --max-time 10 "$(url_of "$target" "$size")")"
  case "$target" in
    strata) echo "$headers" | grep -qi '^x-cache: Hit from strata' ;;
    nginx) echo "$headers" | grep -qi '^x-cache-status: HIT' ;;
    varnish) echo "$headers" | grep -qi '^x-cache: HIT' ;;
    limit|floor) echo "$headers" | grep -q '^HTTP/1.1 200' ;;
  esac || { log "  WARNING: $target $size is not a cache hit: $(echo "$headers" | tr '\r\n' '  ')"; }
}

printf 'size\ttarget\tround\treq_per_s\tp50_ms\tp99_ms\tmb_per_s\treq_per_cpu_s\tcpu_s\twrk_cpu_pct\n' >"$RESULTS"
for size in $SIZES; do
  log "size $size: warming"
  for t in $TARGETS; do
    curl -s -o /dev/null --max-time 10 "$(url_of "$t" "$size")"
    curl -s -o /dev/null --max-time 10 "$(url_of "$t" "$size")"
    check_hit "$t" "$size"
    run_wrk "$t" "$size" 3 warm
  done
  for r in $(seq "$ROUNDS"); do
    for t in $TARGETS; do run_wrk "$t" "$size" "$DURATION" "r$r"; done
  done
done

# ---------------------------------------------------------------- latency at equal offered load
RATES_FILE="$DIR/rates.tsv"
printf 'rate\ttarget\tround\treq_per_s\tp50_ms\tp99_ms\tp999_ms\tfailed\n' >"$RATES_FILE"
run_rate() { # target total-rate tag -> appends a rates row
  local t=$1 rate=$2 tag=$3 url out reqlog per_conn
  url="$(url_of "$t" 1k)"
  out="$DIR/h2load-$t-$rate-$tag.txt"
  reqlog="$DIR/h2load-$t-$rate-$tag.log"
  per_conn=$(( (rate + CONNECTIONS - 1) / CONNECTIONS ))
  rm -f "$reqlog"
  timeout $((DURATION + 20)) $LOAD_CPU h2load --h1 -t1 -c"$CONNECTIONS" --rps "$per_conn" -D "$DURATION" \
    --warm-up-time 1 --log-file "$reqlog" "$url" >"$out" 2>&1 || true
  local achieved failed pcts
  achieved=$(awk '/^finished in/ {print $4}' "$out")
  failed=$(awk '/^requests:/ {print $10}' "$out")
  # Column 3 of h2load's log: microseconds from request start to end of response.
  pcts=$(awk '$2 == 200 {print $3}' "$reqlog" 2>/dev/null | sort -n |
    awk '{a[NR]=$1} END {if (NR) printf "%.3f %.3f %.3f", a[int(NR*0.5)]/1000, a[int(NR*0.99)]/1000, a[int(NR*0.999)]/1000; else print "0 0 0"}')
  rm -f "$reqlog" # millions of rows; the percentiles are kept
  read -r p50 p99 p999 <<<"$pcts"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$rate" "$t" "$tag" "${achieved:-0}" "$p50" "$p99" "$p999" "${failed:-?}" >>"$RATES_FILE"
  log "  $t at $rate req/s offered $tag: ${achieved:-0} req/s, p50 $p50 ms, p99 $p99 ms, p99.9 $p999 ms, ${failed:-?} failed"
}
for rate in $RATES; do
  log "offered load $rate req/s (1 KiB hits, h2load --h1 -c$CONNECTIONS --rps $(( (rate + CONNECTIONS - 1) / CONNECTIONS )))"
  for t in $TARGETS; do curl -s -o /dev/null --max-time 10 "$(url_of "$t" 1k)"; check_hit "$t" 1k; done
  for r in $(seq "$ROUNDS"); do
    for t in $TARGETS; do run_rate "$t" "$rate" "r$r"; done
  done
done

# ---------------------------------------------------------------- flash crowd
CROWD_FILE="$DIR/crowd.tsv"
printf 'proxy\tround\torigin_requests\tok\tmedian_s\tp99_s\n' >"$CROWD_FILE"
origin_hits() { curl -s --max-time 5 "http://127.0.0.1:$ORIGIN_PORT/api/time" | sed -E 's/.*"originHits":([0-9]+).*/\1/'; }
run_crowd() { # target tag -> appends a crowd row
  local t=$1 tag=$2 url before after seen ok median p99 out
  url="http://127.0.0.1:$(port_of "$t")/gen/64k/${CROWD_DELAY_MS}ms/crowd-$t-$tag-$RUN_ID"
  out="$DIR/crowd-$t-$tag.txt"
  before=$(origin_hits)
  local args=()
  for _ in $(seq "$CROWD"); do args+=(-o /dev/null "$url"); done
  timeout 60 $LOAD_CPU curl -s --no-progress-meter --parallel --parallel-immediate --parallel-max "$CROWD" --max-time 30 \
    -w '%{http_code} %{time_total} %{time_connect} %{time_pretransfer} %{time_starttransfer}\n' "${args[@]}" >"$out" 2>&1 || true
  after=$(origin_hits)
  seen=$((after - before - 1))
  ok=$(grep -c '^200 ' "$out" || true)
  median=$(awk '$1 == 200 {print $2}' "$out" | sort -n | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "n/a"}')
  p99=$(awk '$1 == 200 {print $2}' "$out" | sort -n | awk '{a[NR]=$1} END {if (NR) {i=int(NR*0.99); if (i<1) i=1; print a[i]} else print "n/a"}')
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$tag" "$seen" "$ok" "$median" "$p99" >>"$CROWD_FILE"
  log "flash crowd $t $tag: $CROWD concurrent cold requests → $seen origin request(s), $ok × 200, median ${median} s, p99 ${p99} s"
}
CROWD_TARGETS=""
for t in $TARGETS; do [ "$t" != limit ] && [ "$t" != floor ] && CROWD_TARGETS="$CROWD_TARGETS $t"; done
if [ "$MISS_WARMUP_S" -gt 0 ]; then
  # Small objects first, then the crowd's own size: a 64 KiB body is stored off the heap (1 KiB
  # ones are not), and a regional runs that code once per crowd, too rarely for the JIT to compile
  # it during the warm-up crowds (measured: 0.6–1.5 ms per hop interpreted, 0.25–0.3 ms compiled).
  size_warmup_s=$(( MISS_WARMUP_S / 4 > 2 ? MISS_WARMUP_S / 4 : 2 ))
  for t in $CROWD_TARGETS; do
    for pass in "1k $MISS_WARMUP_S" "64k $size_warmup_s"; do
      read -r size secs <<<"$pass"
      out="$DIR/wrk-$t-miss-warmup-$size.txt"
      timeout $((secs + 15)) $LOAD_CPU wrk -t1 -c16 -d"${secs}s" --timeout 5s -s "$BENCH/unique-paths.lua" \
        "http://127.0.0.1:$(port_of "$t")/gen/$size/miss-warmup-$t-$RUN_ID-" >"$out" 2>&1 || true
      log "miss warm-up $t: $(awk '/requests in/ {print $1}' "$out") cache misses of $size in $secs s"
    done
  done
  # A proxy finishes the fetches wrk left in flight after wrk has gone: the first crowd would count
  # them as its own origin requests (seen: 5 for one crowd, 4 of them Varnish's warm-up fetches).
  settled=$(origin_hits)
  for _ in $(seq 50); do
    sleep 0.2
    now=$(origin_hits)
    [ "$now" = "$((settled + 1))" ] && break # only this check's own request
    settled=$now
  done
fi
for w in $(seq "$CROWD_WARMUPS"); do
  for t in $CROWD_TARGETS; do run_crowd "$t" "w$w"; done
done
for r in $(seq "$CROWD_ROUNDS"); do
  for t in $CROWD_TARGETS; do run_crowd "$t" "r$r"; done
done

# ---------------------------------------------------------------- report
median_of() { # size target column -> median over rounds
  awk -F'\t' -v s="$1" -v t="$2" -v c="$3" 'NR > 1 && $1 == s && $2 == t {print $c}' "$RESULTS" |
    sort -g | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print 0}'
}
rate_median() { # rate target column -> median over rounds
  awk -F'\t' -v s="$1" -v t="$2" -v c="$3" 'NR > 1 && $1 == s && $2 == t {print $c}' "$RATES_FILE" |
    sort -g | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print 0}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
# The JVMs write their GC logs through a buffer: stopped first, so the report sees every pause
# (a 77 ms young pause during the crowds was missing from one report that read them live).
stop_all
{
  echo
  echo "## Hit path, $ROUNDS rounds × ${DURATION}s per target and size, wrk -t$WRK_THREADS -c$CONNECTIONS (medians)"
  echo
  echo "| size | target | req/s | p50 ms | p99 ms | MB/s | req per server CPU-s | wrk's CPU % | Strata ÷ this (req/s) | Strata ÷ this (req per CPU-s) |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  for size in $SIZES; do
    s_rps=$(median_of "$size" strata 4)
    s_cpu=$(median_of "$size" strata 8)
    for t in $TARGETS; do
      rps=$(median_of "$size" "$t" 4)
      cpu=$(median_of "$size" "$t" 8)
      if [ "$t" = strata ]; then r1="—"; r2="—"; else r1=$(ratio "$s_rps" "$rps"); r2=$(ratio "$s_cpu" "$cpu"); fi
      printf '| %s | %s | %.0f | %s | %s | %s | %s | %s | %s | %s |\n' "$size" "$t" "$rps" \
        "$(median_of "$size" "$t" 5)" "$(median_of "$size" "$t" 6)" "$(median_of "$size" "$t" 7)" "$cpu" \
        "$(median_of "$size" "$t" 10)" "$r1" "$r2"
    done
  done
  echo
  if [[ " $TARGETS " == *" floor "* ]] && [ -n "$SIZES" ]; then
    echo "Requests per server CPU-second as a share of the floor's (bench/floor.c: the kernel's part of each response; the rest of a target's CPU is its own work):"
    echo
    printf '| size |'; for t in $TARGETS; do [ "$t" != floor ] && printf ' %s |' "$t"; done; echo
    printf '| --- |'; for t in $TARGETS; do [ "$t" != floor ] && printf ' ---: |'; done; echo
    for size in $SIZES; do
      f_cpu=$(median_of "$size" floor 8)
      printf '| %s |' "$size"
      for t in $TARGETS; do [ "$t" != floor ] && printf ' %s |' "$(ratio "$(median_of "$size" "$t" 8)" "$f_cpu")"; done
      echo
    done
    echo
  fi
  if [ -n "$RATES" ]; then
    echo "## 1 KiB hits at equal offered load: h2load --h1 -t1 -c$CONNECTIONS --rps, $ROUNDS rounds × ${DURATION}s per target and rate (medians)"
    echo
    echo "| offered req/s | target | achieved req/s | p50 ms | p99 ms | p99.9 ms | Strata's p99 ÷ this |"
    echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: |"
    for rate in $RATES; do
      s_p99=$(rate_median "$rate" strata 6)
      for t in $TARGETS; do
        p99=$(rate_median "$rate" "$t" 6)
        if [ "$t" = strata ]; then r="—"; else r=$(ratio "$s_p99" "$p99"); fi
        printf '| %s | %s | %.0f | %s | %s | %s | %s |\n' "$rate" "$t" "$(rate_median "$rate" "$t" 4)" \
          "$(rate_median "$rate" "$t" 5)" "$p99" "$(rate_median "$rate" "$t" 7)" "$r"
      done
    done
    echo
  fi
  echo "## Flash crowd: $CROWD concurrent cold requests for one 64 KiB object, origin answering after ${CROWD_DELAY_MS} ms"
  echo
  echo "$CROWD_ROUNDS measured crowds per proxy in alternation after $CROWD_WARMUPS unmeasured ones each; origin requests per crowd (all crowds), 200 responses in the measured crowds, medians over the measured crowds of each crowd's median and p99, and the first (cold) crowd's median."
  echo
  echo "| proxy | origin requests per crowd | 200 responses | median completion s | p99 completion s | first crowd's median s |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: |"
  for t in $CROWD_TARGETS; do
    seen=$(awk -F'\t' -v t="$t" 'NR > 1 && $1 == t {print $3}' "$CROWD_FILE" | sort -u | tr '\n' ' ' | sed 's/ $//; s/ /, /g')
    ok=$(awk -F'\t' -v t="$t" 'NR > 1 && $1 == t && $2 ~ /^r/ {n += $4} END {print n + 0}' "$CROWD_FILE")
    med=$(awk -F'\t' -v t="$t" 'NR > 1 && $1 == t && $2 ~ /^r/ {print $5}' "$CROWD_FILE" | sort -g | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "n/a"}')
    p99=$(awk -F'\t' -v t="$t" 'NR > 1 && $1 == t && $2 ~ /^r/ {print $6}' "$CROWD_FILE" | sort -g | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "n/a"}')
    first=$(awk -F'\t' -v t="$t" 'NR > 1 && $1 == t && ($2 == "w1" || $2 == "r1") {print $5; exit}' "$CROWD_FILE")
    printf '| %s | %s | %s of %s | %s | %s | %s |\n' "$t" "$seen" "$ok" "$((CROWD * CROWD_ROUNDS))" "$med" "$p99" "${first:-n/a}"
  done
  echo
  # Crowds of the same round ran seconds apart, so each round is a pair: Strata's median less the
  # peer's, whose spread shows whether a difference between the medians above is more than noise.
  for t in $CROWD_TARGETS; do
    [ "$t" = strata ] && continue
    awk -F'\t' -v t="$t" 'NR > 1 && $2 ~ /^r/ && $1 == "strata" {s[$2] = $5} NR > 1 && $2 ~ /^r/ && $1 == t {p[$2] = $5}
      END {for (r in s) if (r in p) {d = (s[r] - p[r]) * 1000; print d}}' "$CROWD_FILE" | sort -g |
      awk -v t="$t" '{a[NR] = $1; sum += $1; sq += $1 * $1; if ($1 <= 0) ahead++}
        END {if (NR) {m = sum / NR; h = (NR > 1) ? 1.96 * sqrt((sq - NR * m * m) / (NR - 1) / NR) : 0;
          printf "Strata less %s, per round (ms): median %.1f, quartiles %.1f and %.1f; mean %.2f (95 %% interval %.2f to %.2f); Strata no slower in %d of %d rounds.\n\n", t, a[int((NR+1)/2)], a[int((NR+3)/4)], a[int((3*NR+3)/4)], m, m - h, m + h, ahead, NR}}'
  done
  gc_full=$(cat "$DIR"/edge-gc.log "$DIR"/regional-gc.log 2>/dev/null | grep -c 'Pause Full' || true)
  gc_max=$(cat "$DIR"/edge-gc.log "$DIR"/regional-gc.log 2>/dev/null | grep -oE 'Pause .* ([0-9.]+)ms$' | grep -oE '[0-9.]+ms$' | sort -g | tail -1 || true)
  echo "Strata GC (edge and regional logs): ${gc_full} full collections; longest pause of any kind ${gc_max:-none}. Raw results: $DIR"
} | tee "$DIR/report.md"
