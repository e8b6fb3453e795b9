#!/usr/bin/env bash
# bench.sh: load-test Kysy's intake (POST /api/v1/questions) end to end.
#
# Builds kysy and the load program, starts kysy on a fresh SQLite database
# in a temporary directory (rate limiting off, log level warn), then runs
#   1. wrk -t2 -c64 -d${DURATION}s --latency with tests/loadgen/post.lua
#   2. the Go load program tests/loadgen for ${DURATION}s with 64 connections
# while sampling the server's resident memory (VmRSS, VmHWM) and the WAL
# (file size, frames in use, frames checkpointed, WAL restarts) and
# accounting for the CPU of the server, the load generator and everything
# else on the machine. At the end
# it compares the rows stored with the 201s counted and stops the server
# with SIGTERM. Everything talks to 127.0.0.1 only.
#
# Usage (from anywhere):  tests/loadgen/bench.sh
# Environment: DURATION (seconds, default 30), CONNS (default 64),
#   PORT (default 18080), BENCH_DIR (parent of the temporary directory;
#   it must be on a real disk, not tmpfs, or fsync costs nothing),
#   KEEP=1 keeps the temporary directory.
set -euo pipefail

DURATION=${DURATION:-30}
CONNS=${CONNS:-64}
PORT=${PORT:-18080}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"

command -v wrk >/dev/null || { echo "bench: wrk is not installed" >&2; exit 1; }
if ! command -v sqlite3 >/dev/null; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "bench: installing the sqlite3 CLI to count rows"
		apt-get install -y sqlite3 >/dev/null || true
	fi
fi
HAVE_SQLITE=0
command -v sqlite3 >/dev/null && HAVE_SQLITE=1

WORK=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/kysy-bench.XXXXXX")
SRV_PID=
SAMPLER_PID=
cleanup() {
	[ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null || true
	[ -n "$SRV_PID" ] && kill -TERM "$SRV_PID" 2>/dev/null || true
	if [ "${KEEP:-0}" = 1 ]; then echo "bench: kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

DB="$WORK/kysy.db"
WAL="$DB-wal"
SHM="$DB-shm"

echo "== machine"
echo "nproc: $(nproc)"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "kernel: $(uname -r)"
echo "go: $(go version | cut -d' ' -f3)"
echo "db dir: $WORK ($(df -T "$WORK" | awk 'NR==2{print $2}'))"

echo "== build"
go build -o "$WORK/kysy" .
go build -o "$WORK/loadgen" ./tests/loadgen

if curl -s -o /dev/null "http://127.0.0.1:$PORT/healthz"; then
	echo "bench: something already listens on 127.0.0.1:$PORT; set PORT" >&2
	exit 1
fi

KYSY_HTTP_ADDR="127.0.0.1:$PORT" KYSY_HTTP_BASE_URL="http://127.0.0.1:$PORT" \
	KYSY_DATABASE_DSN="$DB" KYSY_INBOX_RATE_ENABLED=false KYSY_LOG_LEVEL=warn \
	"$WORK/kysy" serve --config "$ROOT/config.yaml" >"$WORK/server.log" 2>&1 &
SRV_PID=$!
for _ in $(seq 100); do
	curl -s -o /dev/null "http://127.0.0.1:$PORT/readyz" && break
	kill -0 "$SRV_PID" 2>/dev/null || { echo "bench: kysy exited:"; cat "$WORK/server.log"; exit 1; }
	sleep 0.1
done
echo "server pid $SRV_PID on 127.0.0.1:$PORT"

# The sampler writes one line about every 0.25 s (plus the time it takes):
#   phase t_ms rss_kb hwm_kb wal_bytes mxFrame nBackfill ckpt_seq
# mxFrame (frames of the WAL in use) and nBackfill (frames already copied
# into the database) are read from the wal-index in the -shm file; ckpt_seq
# from the WAL header counts the times the WAL was restarted from its start.
PHASE_FILE="$WORK/phase"
echo idle >"$PHASE_FILE"
u32() { # u32 FILE OFFSET ENDIAN
	od -An -tu4 --endian="$3" -j"$2" -N4 "$1" 2>/dev/null | tr -d ' ' || true
}
sample() {
	local t0 t k v rss hwm wal mx bf seq
	t0=${EPOCHREALTIME/./}
	while kill -0 "$SRV_PID" 2>/dev/null; do
		t=$(((${EPOCHREALTIME/./} - t0) / 1000))
		rss=0 hwm=0
		while read -r k v _; do
			case $k in VmRSS:) rss=$v ;; VmHWM:) hwm=$v ;; esac
		done <"/proc/$SRV_PID/status" 2>/dev/null || true
		wal=$(stat -c %s "$WAL" 2>/dev/null || echo 0)
		mx=$(u32 "$SHM" 16 little); bf=$(u32 "$SHM" 96 little); seq=$(u32 "$WAL" 12 big)
		echo "$(<"$PHASE_FILE") $t $rss $hwm $wal ${mx:-0} ${bf:-0} ${seq:-0}"
		sleep 0.25
	done
}
sample >"$WORK/samples" &
SAMPLER_PID=$!

# CPU accounting per phase, in clock ticks: all CPUs busy (from /proc/stat),
# the server (/proc/PID/stat) and the load generator (/usr/bin/time); what
# is left was used by other processes on the machine, which a benchmark on
# a shared machine must report.
TCK=$(getconf CLK_TCK)
busy_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }
srv_ticks() { awk '{print $14+$15}' "/proc/$SRV_PID/stat"; }
cpu_begin() { B0=$(busy_ticks); S0=$(srv_ticks); T0=${EPOCHREALTIME/./}; }
cpu_end() { # cpu_end PHASE LOADGEN_CPU_SECONDS: writes $WORK/cpu.PHASE
	local b s secs
	b=$(($(busy_ticks) - B0)); s=$(($(srv_ticks) - S0)); secs=$(((${EPOCHREALTIME/./} - T0) / 1000))
	echo "$b $s $2 $secs" >"$WORK/cpu.$1"
}
cpu_report() { # cpu_report PHASE REQUESTS
	awk -v r="$2" -v t="$TCK" -v n="$(nproc)" '{
		b = $1 / t; s = $2 / t; l = $3; w = $4 / 1000
		printf "  CPU (cores busy on average over %.1f s): all %.2f of %d; server %.2f; load generator %.2f; other processes %.2f\n",
			w, b / w, n, s / w, l / w, (b - s - l) / w
		if (r > 0) printf "  server CPU per request: %.0f us\n", s * 1e6 / r }' "$WORK/cpu.$1"
}
TIME=
[ -x /usr/bin/time ] && TIME="/usr/bin/time -f %U+%S -o $WORK/lgcpu"
lg_cpu() { if [ -s "$WORK/lgcpu" ]; then awk -F+ 'END{print $1+$2}' "$WORK/lgcpu"; else echo 0; fi; }

rows() {
	if [ "$HAVE_SQLITE" = 1 ]; then
		sqlite3 -readonly -cmd ".timeout 10000" "$DB" "SELECT count(*) FROM questions;" 2>/dev/null || echo "?"
	else
		echo "?"
	fi
}
page_size() {
	[ "$HAVE_SQLITE" = 1 ] && sqlite3 -readonly "$DB" "PRAGMA page_size;" 2>/dev/null || echo 4096
}
summary() { # summary PHASE: peak WAL file, peak frames, resets during PHASE
	awk -v p="$1" -v ps="$(page_size)" '$1==p {
		n++; if ($5>wal) wal=$5; if ($6>mx) mx=$6; if ($4>hwm) hwm=$4
		if (first=="") first=$8; last=$8 }
		END { if (n==0) { print "  (no samples)"; exit }
		printf "  samples: %d\n  peak VmHWM so far: %.1f MB\n  WAL file, peak size: %.1f MB\n", n, hwm/1024, wal/1048576
		printf "  WAL in use, peak: %d frames (%.1f MB)\n  WAL restarts (checkpoint sequence): %d -> %d (%d)\n", mx, mx*(ps+24)/1048576, first, last, last-first }' "$WORK/samples"
}

sleep 1
echo
echo "== wrk -t2 -c$CONNS -d${DURATION}s --latency -s tests/loadgen/post.lua"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo wrk >"$PHASE_FILE"
cpu_begin
$TIME wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -s tests/loadgen/post.lua "http://127.0.0.1:$PORT" | tee "$WORK/wrk.out"
cpu_end wrk "$(lg_cpu)"
echo idle >"$PHASE_FILE"
sleep 2
WRK_201=$(awk '/^wrk-201:/{print $2}' "$WORK/wrk.out")
ROWS_AFTER_WRK=$(rows)
echo "-- during wrk"
cpu_report wrk "$(awk '/^wrk-requests:/{print $2}' "$WORK/wrk.out")"
summary wrk
echo "  WAL file 2 s after wrk: $(stat -c %s "$WAL" 2>/dev/null || echo 0) bytes"
echo "  rows stored: $ROWS_AFTER_WRK; 201s counted by wrk: $WRK_201"
echo "  (wrk drops the requests in flight when its time is up without counting them;"
echo "   those may still have been stored, so rows may exceed 201s by up to $CONNS)"

echo
echo "== loadgen -duration $DURATION -c $CONNS"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo loadgen >"$PHASE_FILE"
rm -f "$WORK/lgcpu"
cpu_begin
$TIME "$WORK/loadgen" -url "http://127.0.0.1:$PORT" -duration "$DURATION" -c "$CONNS" | tee "$WORK/loadgen.out"
cpu_end loadgen "$(lg_cpu)"
echo idle2 >"$PHASE_FILE"
sleep 2
LG_201=$(awk '/^accepted-201:/{print $2}' "$WORK/loadgen.out")
ROWS_END=$(rows)
echo "-- during loadgen"
cpu_report loadgen "$(awk '/^requests:/{print $2}' "$WORK/loadgen.out")"
summary loadgen
echo "  WAL file 2 s after loadgen: $(stat -c %s "$WAL" 2>/dev/null || echo 0) bytes"
if [ "$ROWS_END" != "?" ] && [ "$ROWS_AFTER_WRK" != "?" ]; then
	echo "  rows stored during loadgen: $((ROWS_END - ROWS_AFTER_WRK)); 201s counted: $LG_201"
fi

echo
echo "== end"
HWM=$(awk '/^VmHWM/{print $2, $3}' "/proc/$SRV_PID/status")
echo "server VmHWM (peak RSS over the whole run): $HWM"
echo "server VmRSS now: $(awk '/^VmRSS/{print $2, $3}' "/proc/$SRV_PID/status")"
echo "rows stored: $ROWS_END; 201s counted: wrk $WRK_201 + loadgen $LG_201 = $((WRK_201 + LG_201))"
echo "database file: $(stat -c %s "$DB") bytes; WAL file before shutdown: $(stat -c %s "$WAL" 2>/dev/null || echo 0) bytes"
kill -TERM "$SRV_PID"
for _ in $(seq 150); do kill -0 "$SRV_PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$SRV_PID" 2>/dev/null; then
	echo "bench: kysy did not stop within 15 s of SIGTERM" >&2
else
	wait "$SRV_PID" && echo "kysy stopped on SIGTERM (exit 0)" || echo "kysy exited with status $?"
fi
SRV_PID=
if [ -e "$WAL" ]; then echo "WAL file after shutdown: $(stat -c %s "$WAL") bytes"; else echo "WAL file after shutdown: none (checkpointed and removed)"; fi
[ "$HAVE_SQLITE" = 1 ] && echo "rows after shutdown: $(sqlite3 "$DB" 'SELECT count(*) FROM questions;')"
echo "WAL timeline (phase t_ms rss_kb hwm_kb wal_bytes mxFrame nBackfill ckpt_seq), every 4th sample:"
awk 'NR%4==1' "$WORK/samples"
if [ -s "$WORK/server.log" ]; then echo "server log:"; tail -20 "$WORK/server.log"; fi
