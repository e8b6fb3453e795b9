#!/usr/bin/env bash
# flood.sh: Kysy's intake under attack, with the shipped rate limit on.
#
# Builds kysy and tests/floodgen into a temporary directory, starts kysy on
# a fresh SQLite database there, on a free port of 127.0.0.1, with rate
# limiting ON at the shipped defaults (inbox.rate.per_hour 30, burst 10;
# only the address, base URL, database and log level are overridden), and
# samples the server's VmRSS/VmHWM from /proc/PID/status every second while
#   1. many:   ADDRS (2000) addresses 127.0.1.0… flood for DURATION s, 2
#              keep-alive connections each;
#   2. one:    one address, 127.0.0.2, floods for DURATION s on 64
#              connections;
#   3. memory: SPRAY_ADDRS (260,000) further addresses 127.1.0.0… send one
#              question each, 64 at a time, on fresh connections: more than
#              the limiter's 200,000 entries, to show its memory is
#              bounded. The one-address flooder runs beside it on one
#              connection (its bucket is forgotten, and refilled, whenever
#              the limiter starts afresh);
# each phase with a normal client on its own address (127.0.0.3, .4, .5)
# sending one question every NORMAL_EVERY (5 s; 20 s in phase 3). At
# 30/hour with a burst of 10, a person can send about 10 questions in the
# few minutes of a phase; the normal client stays below that. Then it stops
# kysy with SIGTERM and prints the figures. Everything talks to loopback
# only: Linux routes all of 127.0.0.0/8 to lo, so no setup is needed.
#
# Usage (from anywhere):  tests/floodgen/flood.sh
# Environment: DURATION (seconds per flood phase, default 30), ADDRS (2000),
#   SPRAY_ADDRS (260000; 0 skips phase 3), SPRAY_LIMIT (seconds, 200),
#   NORMAL_EVERY (5s), SRC (the tree kysy is built from, default this
#   repository; e.g. a `git worktree` of HEAD), BENCH_DIR (parent of the
#   temporary directory), KEEP=1 keeps the temporary directory.
set -euo pipefail

DURATION=${DURATION:-30}
ADDRS=${ADDRS:-2000}
SPRAY_ADDRS=${SPRAY_ADDRS:-260000}
SPRAY_LIMIT=${SPRAY_LIMIT:-200}
NORMAL_EVERY=${NORMAL_EVERY:-5s}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SRC=$(cd "${SRC:-$ROOT}" && pwd)
cd "$ROOT"

WORK=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/kysy-flood.XXXXXX")
SRV_PID=
SAMPLER_PID=
cleanup() {
	[ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null || true
	[ -n "$SRV_PID" ] && kill -TERM "$SRV_PID" 2>/dev/null || true
	if [ "${KEEP:-0}" = 1 ]; then echo "flood: kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

echo "== machine"
echo "nproc: $(nproc)"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "kernel: $(uname -r)"
echo "go: $(go version | cut -d' ' -f3)"
echo "kysy source: $SRC (commit $(git -C "$SRC" rev-parse --short HEAD 2>/dev/null || echo '?'))"
echo "nice: $(nice)"

echo "== build"
(cd "$SRC" && go build -o "$WORK/kysy" .)
go build -o "$WORK/floodgen" ./tests/floodgen

# A free port: bind port 0 on 127.0.0.1 and read what the kernel gave.
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 18090)
URL="http://127.0.0.1:$PORT"
DB="$WORK/kysy.db"

KYSY_HTTP_ADDR="127.0.0.1:$PORT" KYSY_HTTP_BASE_URL="$URL" \
	KYSY_DATABASE_DSN="$DB" KYSY_LOG_LEVEL=warn \
	"$WORK/kysy" serve --config "$SRC/config.yaml" >"$WORK/server.log" 2>&1 &
SRV_PID=$!
for _ in $(seq 100); do
	curl -s -o /dev/null "$URL/readyz" && break
	kill -0 "$SRV_PID" 2>/dev/null || { echo "flood: kysy exited:"; cat "$WORK/server.log"; exit 1; }
	sleep 0.1
done
echo "server pid $SRV_PID on 127.0.0.1:$PORT; rate limit from config.yaml: $(awk '/^  rate:/{f=1; next} f && /^  [a-z]/{f=0}
	f && ($1=="enabled:" || $1=="per_hour:" || $1=="burst:") {printf "%s %s ", $1, $2}' "$SRC/config.yaml")"

# One line a second: phase t_s rss_kb hwm_kb threads
PHASE_FILE="$WORK/phase"
echo idle >"$PHASE_FILE"
sample() {
	local t0 t k v rss hwm thr
	t0=${EPOCHREALTIME/./}
	while kill -0 "$SRV_PID" 2>/dev/null; do
		t=$(((${EPOCHREALTIME/./} - t0) / 1000000))
		rss=0 hwm=0 thr=0
		while read -r k v _; do
			case $k in VmRSS:) rss=$v ;; VmHWM:) hwm=$v ;; Threads:) thr=$v ;; esac
		done <"/proc/$SRV_PID/status" 2>/dev/null || true
		echo "$(<"$PHASE_FILE") $t $rss $hwm $thr"
		sleep 1
	done
}
sample >"$WORK/samples" &
SAMPLER_PID=$!

# CPU per phase, in clock ticks: all CPUs busy, the server, floodgen.
TCK=$(getconf CLK_TCK)
busy_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }
srv_ticks() { awk '{print $14+$15}' "/proc/$SRV_PID/stat"; }
TIME=
[ -x /usr/bin/time ] && TIME="/usr/bin/time -f %U+%S -o $WORK/fgcpu"
rss_summary() { # rss_summary PHASE
	awk -v p="$1" '$1==p { n++; if (n==1) first=$3; if ($3>peak) peak=$3; last=$3; thr=$5 }
		END { if (n==0) { print "  (no samples)"; exit }
		printf "  server VmRSS: start %.1f MB, peak %.1f MB, end %.1f MB (%d samples); threads at end %d\n", first/1024, peak/1024, last/1024, n, thr }' "$WORK/samples"
}
STATUS=0
run() { # run PHASE_LABEL floodgen-args...
	local label=$1 b0 s0 t0 b s secs fg
	shift
	echo
	echo "== $label: floodgen $*"
	echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "$label" >"$PHASE_FILE"
	rm -f "$WORK/fgcpu"
	b0=$(busy_ticks) s0=$(srv_ticks) t0=${EPOCHREALTIME/./}
	$TIME "$WORK/floodgen" -url "$URL" "$@" | tee "$WORK/$label.out" || STATUS=1
	b=$(($(busy_ticks) - b0)) s=$(($(srv_ticks) - s0)) secs=$(((${EPOCHREALTIME/./} - t0) / 1000))
	fg=0
	[ -s "$WORK/fgcpu" ] && fg=$(awk -F+ 'END{print $1+$2}' "$WORK/fgcpu")
	echo "$label-idle" >"$PHASE_FILE"
	echo "-- during $label"
	awk -v b="$b" -v s="$s" -v f="$fg" -v w="$secs" -v t="$TCK" -v n="$(nproc)" 'BEGIN {
		w /= 1000; printf "  CPU (cores busy on average over %.1f s): all %.2f of %d; server %.2f; floodgen %.2f; other processes %.2f\n",
			w, b/t/w, n, s/t/w, f/w, (b/t - s/t - f)/w }'
	rss_summary "$label"
}

sleep 1
run many -phase many -duration "$DURATION" -addrs "$ADDRS" -workers 2 -first-addr 127.0.1.0 \
	-normal-addr 127.0.0.3 -normal-every "$NORMAL_EVERY"
sleep 3
run one -phase one -duration "$DURATION" -one-addr 127.0.0.2 -one-conns 64 \
	-normal-addr 127.0.0.4 -normal-every "$NORMAL_EVERY"
sleep 3
if [ "$SPRAY_ADDRS" -gt 0 ]; then
	run memory -phase spray,one -duration "$SPRAY_LIMIT" -addrs "$SPRAY_ADDRS" -workers 64 -first-addr 127.1.0.0 \
		-one-addr 127.0.0.2 -one-conns 1 -normal-addr 127.0.0.5 -normal-every 20s
	echo "  (the limiter starts afresh when it holds 200,000 entries and none has been idle for"
	echo "   burst × 1/rate = 20 min; each time, the one-address flooder gets a new burst of 10 201s)"
	echo "memory-idle" >"$PHASE_FILE"
	sleep 10
	echo "-- 10 s after the memory phase"
	rss_summary memory-idle
fi

echo
echo "== end"
echo "server VmHWM (peak RSS over the whole run): $(awk '/^VmHWM/{print $2, $3}' "/proc/$SRV_PID/status")"
echo "server VmRSS now: $(awk '/^VmRSS/{print $2, $3}' "/proc/$SRV_PID/status")"
if command -v sqlite3 >/dev/null; then
	echo "rows stored: $(sqlite3 -readonly -cmd '.timeout 10000' "$DB" 'SELECT count(*) FROM questions;' 2>/dev/null || echo '?')"
fi
echo "201s counted: $(awk -F'[: ]+' '/^(many|one|spray|normal)-201:/{s+=$2} END{print s}' "$WORK"/*.out)"
kill -TERM "$SRV_PID"
for _ in $(seq 150); do kill -0 "$SRV_PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$SRV_PID" 2>/dev/null; then
	echo "flood: kysy did not stop within 15 s of SIGTERM" >&2
	STATUS=1
else
	wait "$SRV_PID" && echo "kysy stopped on SIGTERM (exit 0)" || { echo "kysy exited with status $?"; STATUS=1; }
fi
SRV_PID=
echo "RSS timeline (phase t_s rss_kb hwm_kb threads), every 5th sample:"
awk 'NR%5==1' "$WORK/samples"
if [ -s "$WORK/server.log" ]; then echo "server log (last 20 lines):"; tail -20 "$WORK/server.log"; fi
[ "$STATUS" = 0 ] && echo "flood: PASS" || echo "flood: FAIL"
exit "$STATUS"
