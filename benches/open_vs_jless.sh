#!/usr/bin/env bash
# Process start → first frame showing the profile: `userscope open FILE --vendor coho` vs
# `jless FILE`, on the same generated Coho payloads (1, 10, 50 MB), in the same run.
#
# Both tools are measured the same way: started in a detached tmux pane (120×40), the pane is
# polled with `tmux capture-pane` every 5 ms until the frame is on it. userscope has two
# moments: the identity on screen (header "opened from FILE", from a sample of the file, the
# counts still "loading…" — never the bare "loading FILE…" frame) and every pane loaded (the
# Overview's Attributes row shows its count); jless: the `userProperties` key, which it draws
# only after parsing the whole file. The time includes tmux starting the process and one poll
# interval, equally for both. REPS runs per cell (default 5), median reported. Peak RSS (VmHWM
# via /usr/bin/time -v, "Maximum resident set size") is measured at the largest size for both,
# quitting with `q` 0.5 s after everything is loaded.
#
# Usage: benches/open_vs_jless.sh            (from the repository root)
#        REPS=9 SIZES="1 10" benches/open_vs_jless.sh
#        SHAPE=long SIZES=50 REPS=3 benches/open_vs_jless.sh   (fewer, longer values)
# Needs: python3, tmux, /usr/bin/time; jless optional (`cargo install jless --locked`, after
# `apt-get install -y libxcb-render0-dev libxcb-shape0-dev libxcb-xfixes0-dev`).
set -euo pipefail

REPS=${REPS:-5}
# dense (default): ~31 bytes of JSON per value; long: 40-word texts (see gen_long).
SHAPE=${SHAPE:-dense}
SIZES=${SIZES:-"1 10 50"}
WORK=${WORK:-$(mktemp -d /tmp/open-bench.XXXXXX)}
mkdir -p "$WORK"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN="$ROOT/target/release/userscope"
JLESS=$(command -v jless || true)
[ -z "$JLESS" ] && [ -x "$HOME/.cargo/bin/jless" ] && JLESS="$HOME/.cargo/bin/jless"

if [ -z "${SKIP_BUILD:-}" ]; then
    (cd "$ROOT" && cargo build --release --bin userscope >&2)
fi
if [ -z "$JLESS" ]; then
    echo "jless is not installed (cargo install jless --locked); measuring userscope only" >&2
fi

# A Coho payload of about N MB in the documented shape (vendor-docs/coho-user-data-api.txt):
# identity in userProperties, many mixed-type custom properties in userProperties.properties
# (strings incl. non-Latin and emoji, numbers, booleans, nulls, small objects and arrays),
# calculatedProperties as documented {id, name, timeframe, value} items, and tags.
gen() {
    python3 - "$1" "$2" <<'EOF'
import json, sys
mb, out = int(sys.argv[1]), sys.argv[2]
target = mb * 1000 * 1000
def value(i):
    k = i % 6
    if k == 0: return f"value {i} Zürich 東京 🎉"
    if k == 1: return i * 1.25
    if k == 2: return i % 4 == 0
    if k == 3: return None
    if k == 4: return {"id": i, "tags": ["a", "b", i], "ok": True}
    return [i, f"s{i}", {"n": None}]
def body(n):
    props = {f"prop-{i:07d}": value(i) for i in range(n)}
    calc = [{"id": f"cp-{i}", "name": f"Calculated {i}", "timeframe": 30, "value": i * 1.5}
            for i in range(n)]
    tags = [{"key": f"tag-{i}", "value": f"v{i}"} for i in range(max(1, n // 100))]
    return {"userProperties": {"userId": "u-bench", "name": "Bench User",
                               "email": "bench@example.com", "city": "Oslo",
                               "properties": props},
            "calculatedProperties": calc, "tags": tags}
# Size the count from a small sample, then write.
probe = 2000
per = len(json.dumps(body(probe), ensure_ascii=False).encode()) / probe
n = max(10, int(target / per))
open(out, "w", encoding="utf-8").write(json.dumps(body(n), ensure_ascii=False))
EOF
}

# The same identity with fewer, longer values (SHAPE=long): custom properties holding 40-word
# texts, a tenth as many calculated properties, and notes as tags — the kind of payload where
# memory goes to the text rather than to the per-value structures.
gen_long() {
    python3 - "$1" "$2" <<'EOF'
import json, sys
mb, out = int(sys.argv[1]), sys.argv[2]
target = mb * 1000 * 1000
words = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor "
         "incididunt ut labore et dolore magna aliqua Zürich 東京").split()
def text(i, n):
    return " ".join(words[(i + k) % len(words)] for k in range(n))
def body(n):
    props = {f"prop-{i:06d}": text(i, 40) for i in range(n)}
    calc = [{"id": f"cp-{i}", "name": f"Calculated {i}", "timeframe": 30, "value": i * 1.5}
            for i in range(n // 10)]
    notes = [{"key": f"note-{i}", "value": text(i, 60)} for i in range(n // 10)]
    return {"userProperties": {"userId": "u-long", "name": "Long Values",
                               "email": "long@example.com", "city": "Oslo",
                               "properties": props},
            "calculatedProperties": calc, "tags": notes}
probe = 1000
per = len(json.dumps(body(probe), ensure_ascii=False).encode()) / probe
n = max(10, int(target / per))
open(out, "w", encoding="utf-8").write(json.dumps(body(n), ensure_ascii=False))
EOF
}

now_ns() { date +%s%N; }

# What each tool shows once it has the file (grep -E patterns on the captured pane).
# userscope draws the identity from a sample first ("opened from FILE" in the header, the
# counts saying "loading…"), then every pane once the whole file is parsed (the Overview's
# Attributes row shows a number). jless draws nothing before it has parsed the whole file.
US_FIRST="opened from"
US_LOADED="┃Attributes +[0-9]"
JL_FIRST="userProperties"

# time_to_frame NAME CMD PATTERN → milliseconds from `tmux new-session` to PATTERN on screen.
time_to_frame() {
    local name=$1 cmd=$2 pattern=$3 start end
    tmux kill-session -t "$name" 2>/dev/null || true
    start=$(now_ns)
    tmux new-session -d -s "$name" -x 120 -y 40 "$cmd; sleep 60"
    while ! tmux capture-pane -p -t "$name" 2>/dev/null | grep -qE -- "$pattern"; do
        sleep 0.005
        if [ $(( ($(now_ns) - start) / 1000000 )) -gt 60000 ]; then
            echo "timeout waiting for $pattern" >&2
            break
        fi
    done
    end=$(now_ns)
    tmux kill-session -t "$name" 2>/dev/null || true
    echo $(( (end - start) / 1000 ))
}

median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.1f", m/1000}'; }

# peak_rss NAME CMD PATTERN → KiB (max RSS of the tool, quit with q after its first frame).
peak_rss() {
    local name=$1 cmd=$2 pattern=$3 out="$WORK/$1.time"
    rm -f "$out"
    tmux kill-session -t "$name" 2>/dev/null || true
    tmux new-session -d -s "$name" -x 120 -y 40 "/usr/bin/time -v -o $out $cmd; sleep 60"
    until tmux capture-pane -p -t "$name" | grep -qE -- "$pattern"; do sleep 0.02; done
    sleep 0.5
    tmux send-keys -t "$name" q
    for _ in $(seq 200); do [ -s "$out" ] && grep -q "Maximum resident" "$out" && break; sleep 0.05; done
    tmux kill-session -t "$name" 2>/dev/null || true
    awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$out"
}

echo "# open a saved payload: $(date -u '+%Y-%m-%d %H:%M UTC'), REPS=$REPS, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# userscope $("$BIN" --version 2>/dev/null | cut -d' ' -f2), jless $([ -n "$JLESS" ] && "$JLESS" --version | cut -d' ' -f2 || echo absent)"
printf "| size | file bytes | userscope: identity on screen, median ms | userscope: all panes loaded, median ms | jless: first frame, median ms | userscope identity runs (ms) | userscope loaded runs (ms) | jless runs (ms) |\n|---|---|---|---|---|---|---|---|\n"
runs() { awk '{printf "%s%.0f", (NR>1?" ":""), $1/1000}'; }
for mb in $SIZES; do
    file="$WORK/coho-${SHAPE}-${mb}mb.json"
    if [ ! -s "$file" ]; then
        if [ "$SHAPE" = long ]; then gen_long "$mb" "$file"; else gen "$mb" "$file"; fi
    fi
    bytes=$(stat -L -c %s "$file")
    us=() full=() jl=()
    for _ in $(seq "$REPS"); do
        # Interleaved so that load on the shared box hits both tools alike.
        us+=("$(time_to_frame us-open "$BIN open $file --vendor coho --max-size-mib 128" "$US_FIRST")")
        full+=("$(time_to_frame us-full "$BIN open $file --vendor coho --max-size-mib 128" "$US_LOADED")")
        if [ -n "$JLESS" ]; then
            jl+=("$(time_to_frame jl-open "$JLESS $file" "$JL_FIRST")")
        fi
    done
    jl_med="n/a"; jl_runs="n/a"
    if [ -n "$JLESS" ]; then
        jl_med=$(printf '%s\n' "${jl[@]}" | median)
        jl_runs=$(printf '%s\n' "${jl[@]}" | runs)
    fi
    echo "| ${mb} MB | $bytes | $(printf '%s\n' "${us[@]}" | median) | $(printf '%s\n' "${full[@]}" | median) | $jl_med | $(printf '%s\n' "${us[@]}" | runs) | $(printf '%s\n' "${full[@]}" | runs) | $jl_runs |"
done

last=$(echo "$SIZES" | awk '{print $NF}')
file="$WORK/coho-${SHAPE}-${last}mb.json"
bytes=$(stat -L -c %s "$file")
rss_us=$(peak_rss us-rss "$BIN open $file --vendor coho --max-size-mib 128" "$US_LOADED")
echo
echo "| peak RSS at ${last} MB ($bytes bytes) | KiB | × payload |"
echo "|---|---|---|"
awk -v k="$rss_us" -v b="$bytes" 'BEGIN {printf "| userscope | %d | %.2f |\n", k, k*1024/b}'
if [ -n "$JLESS" ]; then
    rss_jl=$(peak_rss jl-rss "$JLESS $file" "$JL_FIRST")
    awk -v k="$rss_jl" -v b="$bytes" 'BEGIN {printf "| jless | %d | %.2f |\n", k, k*1024/b}'
fi
echo "# payloads kept in $WORK"
