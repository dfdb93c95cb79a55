#!/usr/bin/env bash
# Many IDs at once (design §11): `userscope get vemetric --from FILE --concurrency 8 --rate 0`
# against the same N IDs looked up by
#   1. a sequential shell loop of `userscope get vemetric ID --format json` (one process, one
#      key read and one connection per ID — what people do today), and
#   2. `xargs -P 8` running `curl` once per ID (only ever to 127.0.0.1),
# side by side in one run, against one loopback server that delays each answer by DELAY_MS
# (default 20 ms). Then the peak RSS of the bulk run with SMALL vs BIG IDs (default 1,000 vs
# 100,000; the server answers at once for these, so the big run takes seconds, not minutes).
#
# `--rate 0` (also `inf`) means no rate cap.
#
# Usage: benches/bulk_vs_loop.sh                    (from the repository root)
#        N=200 BIG=20000 benches/bulk_vs_loop.sh     (shorter)
#        BIN=target/debug/userscope SKIP_BUILD=1 benches/bulk_vs_loop.sh
# Needs: python3, curl, xargs; /usr/bin/time for the peak RSS (else /proc sampling).
set -euo pipefail

N=${N:-1000}
DELAY_MS=${DELAY_MS:-20}
SMALL=${SMALL:-1000}
BIG=${BIG:-100000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-"$ROOT/target/release/userscope"}
WORK=$(mktemp -d /tmp/bulk-bench.XXXXXX)
KEY="bench-key-not-secret"

if [ -z "${SKIP_BUILD:-}" ]; then
    (cd "$ROOT" && cargo build --release --bin userscope >&2)
fi

# The mock Vemetric: GET /v1/users/single?id=N → a small profile after DELAY (ms, from the
# file $WORK/delay so one server serves both parts). HTTP/1.1 keep-alive, a thread per
# connection.
cat > "$WORK/server.py" <<'PY'
import http.server, socketserver, sys, time, os, urllib.parse
delay_file = sys.argv[1]
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without this, Nagle + delayed ACK add ~40 ms.
    disable_nagle_algorithm = True
    def log_message(self, *a): pass
    def do_GET(self):
        with open(delay_file) as f:
            delay = float(f.read().strip() or 0) / 1000.0
        if delay:
            time.sleep(delay)
        q = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
        i = q.get("id", ["0"])[0]
        body = ('{"user":{"id":"%s","identifier":"user-%s","displayName":"User %s","country":"DE",'
                '"city":"Berlin","lastSeenAt":null,"avatarUrl":null,"data":{"plan":"pro"},'
                '"anonymous":false}}' % (i, i, i)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    request_queue_size = 256
s = S(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
PY
echo "$DELAY_MS" > "$WORK/delay"
python3 "$WORK/server.py" "$WORK/delay" > "$WORK/port" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do [ -s "$WORK/port" ] && break; sleep 0.05; done
PORT=$(head -1 "$WORK/port")
BASE="http://127.0.0.1:$PORT"
export USERSCOPE_VEMETRIC_API_KEY=$KEY USERSCOPE_CONFIG="$WORK/none.toml"
export HOME="$WORK/home" XDG_STATE_HOME="$WORK/home/state"
mkdir -p "$HOME"

seq 1 "$N" > "$WORK/ids.txt"
now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }

echo "== $N IDs, server delay ${DELAY_MS} ms, loopback ($BASE)"
t0=$(now)
"$BIN" get vemetric --base-url "$BASE" --from "$WORK/ids.txt" --concurrency 8 --rate 0 \
    > "$WORK/bulk.jsonl" 2> "$WORK/bulk.err"
t1=$(now)
bulk_ms=$(ms "$t0" "$t1")
found=$(grep -c '"status":"found"' "$WORK/bulk.jsonl" || true)
echo "bulk (--from, --concurrency 8, --rate 0): ${bulk_ms} ms  ($found/$N found)"

t0=$(now)
while read -r id; do
    "$BIN" get vemetric "$id" --base-url "$BASE" --format json > /dev/null
done < "$WORK/ids.txt"
t1=$(now)
loop_ms=$(ms "$t0" "$t1")
echo "sequential loop of userscope get:        ${loop_ms} ms"

t0=$(now)
# The key goes in a header file, never in curl's arguments.
printf 'Authorization: Bearer %s\n' "$KEY" > "$WORK/auth"
xargs -P 8 -I{} curl -sf -H @"$WORK/auth" -o /dev/null "$BASE/v1/users/single?id={}" < "$WORK/ids.txt"
t1=$(now)
xargs_ms=$(ms "$t0" "$t1")
echo "xargs -P 8 curl:                         ${xargs_ms} ms"
python3 - "$bulk_ms" "$loop_ms" "$xargs_ms" <<'PY'
import sys
b, l, x = map(float, sys.argv[1:])
print(f"bulk is {l / b:.1f}x faster than the loop (target >= 6x) and {x / b:.2f}x faster than xargs+curl (target > 1x)")
PY

echo "== peak RSS of the bulk run (server answers at once)"
echo 0 > "$WORK/delay"
peak_kib() { # $1 = ids file; prints peak RSS in KiB
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -v "$BIN" get vemetric --base-url "$BASE" --from "$1" --concurrency 8 \
            --rate 0 > /dev/null 2> "$WORK/time.err"
        awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.err"
    else
        "$BIN" get vemetric --base-url "$BASE" --from "$1" --concurrency 8 --rate 0 \
            > /dev/null 2>&1 &
        local pid=$! peak=0 rss
        while kill -0 "$pid" 2>/dev/null; do
            rss=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
            [ "${rss:-0}" -gt "$peak" ] && peak=$rss
            sleep 0.05
        done
        echo "$peak"
    fi
}
for n in "$SMALL" "$BIG"; do
    seq 1 "$n" > "$WORK/rss-$n.txt"
    t0=$(now)
    kib=$(peak_kib "$WORK/rss-$n.txt")
    t1=$(now)
    echo "$n IDs: peak RSS ${kib} KiB ($(ms "$t0" "$t1") ms)"
done
