#!/usr/bin/env bash
# `userscope find` across five connections vs the slowest single `userscope get`, side by side,
# against one loopback server that answers every vendor's documented route after 200 ms.
# The target (issue 11): find's wall time ≤ 1.3× the slowest get, i.e. the five lookups
# really run at once.
#
# The server (python3, threaded, 127.0.0.1 only) serves the demo person's fixtures from
# assets/demo/*/…-everywhere.json (ChakraHQ, which does not know them, its rich demo user).
# A `[find] id` list routes the ID to all five connections (by default ChakraHQ and User.com
# would be skipped), `--no-follow` keeps it to one round, and keys come from env vars.
# Each command runs REPS times (default 10) in alternation; hyperfine is used when installed
# (apt-get install hyperfine), else a loop of `date +%s%N`. Medians are printed.
#
# Usage: benches/find_vs_get.sh          (from the repository root)
#        REPS=20 DELAY_MS=500 benches/find_vs_get.sh
set -euo pipefail

REPS=${REPS:-10}
DELAY_MS=${DELAY_MS:-200}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN="$ROOT/target/release/userscope"
WORK=$(mktemp -d /tmp/find-bench.XXXXXX)

if [ -z "${SKIP_BUILD:-}" ]; then
    (cd "$ROOT" && cargo build --release --bin userscope >&2)
fi

python3 - "$ROOT" "$DELAY_MS" "$WORK/port" <<'EOF' &
import glob, os, sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
root, delay, port_file = sys.argv[1], int(sys.argv[2]) / 1000, sys.argv[3]
def load(pattern):
    return open(glob.glob(os.path.join(root, "assets/demo", pattern))[0], "rb").read()
bodies = {
    "/api/data/user/": load("coho/*-everywhere.json"),
    "/api/public/users/": load("usercom/*-everywhere.json"),
    "/v1/user/": load("foldspace/*-everywhere.json"),
    "/v1/ext/user/": load("chakra/*-rich.json"),
    "/v1/users/single": load("vemetric/*-everywhere.json"),
}
class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        time.sleep(delay)
        body = next((b for p, b in bodies.items() if self.path.startswith(p)), None)
        status = 200 if body is not None else 404
        body = body or b'{"error": "not found"}'
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
open(port_file, "w").write(str(server.server_address[1]))
server.serve_forever()
EOF
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do [ -s "$WORK/port" ] && break; sleep 0.05; done
BASE="http://127.0.0.1:$(cat "$WORK/port")"

cat >"$WORK/config.toml" <<'EOF'
[find]
id = ["coho:id", "usercom:id", "foldspace:identifier", "chakra:id", "vemetric:identifier"]
EOF
chmod 600 "$WORK/config.toml"
export USERSCOPE_CONFIG="$WORK/config.toml" HOME="$WORK" XDG_STATE_HOME="$WORK/state"
for v in COHO USERCOM FOLDSPACE CHAKRA VEMETRIC; do
    export "USERSCOPE_${v}_BASE_URL=$BASE" "USERSCOPE_${v}_API_KEY=bench-key-not-secret"
done

# A digits-only ID, which every routed kind accepts (User.com ids are numbers); the server
# answers by route, whatever the value.
ID=19678400
FIND="$BIN find $ID --no-follow --format json"
GETS=(
    "$BIN get coho $ID --format json"
    "$BIN get usercom $ID --by id --format json"
    "$BIN get foldspace $ID --format json"
    "$BIN get chakra $ID --format json"
    "$BIN get vemetric $ID --by identifier --format json"
)

# Every command must succeed before it is timed.
$FIND >"$WORK/find.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); s=[r["status"] for r in d["results"]]; assert s==["found"]*5, s' "$WORK/find.json"
for cmd in "${GETS[@]}"; do $cmd >/dev/null; done

if command -v hyperfine >/dev/null; then
    hyperfine -N --warmup 1 --runs "$REPS" "$FIND" "${GETS[@]}"
    exit 0
fi

# No hyperfine: REPS rounds, each running find and every get once, in turn.
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ms() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null; t1=$(date +%s%N); echo $(((t1 - t0) / 1000000)); }
: >"$WORK/find.ms"
for i in "${!GETS[@]}"; do : >"$WORK/get$i.ms"; done
for _ in $(seq "$REPS"); do
    ms $FIND >>"$WORK/find.ms"
    for i in "${!GETS[@]}"; do ms ${GETS[$i]} >>"$WORK/get$i.ms"; done
done
find_ms=$(median <"$WORK/find.ms")
slowest=0
for i in "${!GETS[@]}"; do
    m=$(median <"$WORK/get$i.ms")
    echo "get   $(echo "${GETS[$i]}" | cut -d' ' -f3)  median ${m} ms"
    [ "$m" -gt "$slowest" ] && slowest=$m
done
echo "find  (5 connections)  median ${find_ms} ms"
awk -v f="$find_ms" -v s="$slowest" 'BEGIN { printf "find / slowest get = %.2f (target ≤ 1.30)\n", f / s }'
