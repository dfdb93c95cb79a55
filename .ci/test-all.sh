#!/usr/bin/env bash
# The whole check, as CI runs it: bash .ci/test-all.sh
#
# Works on a fresh Debian/Ubuntu machine with only a Rust toolchain, as root (or with
# password-less sudo), without a terminal. It:
#   1. installs what the tests need when missing (dbus, gnome-keyring, secret-tool, tmux; zsh, fish and man-db for the completion and man page checks);
#   2. checks formatting and clippy on every target, benches included (warnings are errors);
#   3. runs the whole test suite inside a private D-Bus session with a throwaway, unlocked
#      gnome-keyring, so the keyring tests (USERSCOPE_REAL_KEYRING=1) use a real Secret
#      Service and never the developer's own keyring.
# Exits non-zero on the first failure.
set -euo pipefail

script="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
repo="$(cd "$(dirname "$script")/.." && pwd)"

section() { printf '\n==== %s ====\n' "$*"; }
fail() { printf 'test-all: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------
# Inside the private D-Bus session (the script calls itself through dbus-run-session).
# ---------------------------------------------------------------------------------------------
in_session() {
    cd "$repo"
    section "start a throwaway gnome-keyring"
    # A fresh data dir: an old login.keyring with another password would still "unlock" and
    # then refuse every write. A fresh runtime dir: no control socket of another daemon.
    keyring_home="$(mktemp -d -t userscope-keyring.XXXXXX)"
    mkdir -m 700 "$keyring_home/data" "$keyring_home/runtime"
    export XDG_DATA_HOME="$keyring_home/data"
    export XDG_RUNTIME_DIR="$keyring_home/runtime"
    unset GNOME_KEYRING_CONTROL
    daemon_pid=""
    cleanup() {
        if [[ -n "$daemon_pid" ]]; then
            kill "$daemon_pid" 2>/dev/null || true
        fi
        rm -rf "$keyring_home"
    }
    trap cleanup EXIT

    printf %s pass | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    # --unlock returns before the daemon owns the name; a request sent earlier would start a
    # second, locked daemon. Wait (bounded) until the name has an owner.
    owner=""
    for _ in $(seq 100); do
        if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
            org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; then
            owner=yes
            break
        fi
        sleep 0.1
    done
    [[ -n "$owner" ]] || fail "gnome-keyring did not take org.freedesktop.secrets within 10 s"
    daemon_pid="$(dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets \
        | awk '/uint32/ {print $2}')"
    echo "gnome-keyring-daemon (pid ${daemon_pid:-?}) owns org.freedesktop.secrets; keyring data in $XDG_DATA_HOME"

    section "cargo test --workspace (unit, integration and doc tests; real keyring)"
    export USERSCOPE_REAL_KEYRING=1
    cargo test --workspace --locked --no-fail-fast
    section "all tests passed"
}

if [[ "${1:-}" == "--in-session" ]]; then
    in_session
    exit 0
fi

# ---------------------------------------------------------------------------------------------
# Outside: packages, lints, then the session.
# ---------------------------------------------------------------------------------------------
cd "$repo"
export CI="${CI:-true}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

section "system packages"
missing=()
for tool in dbus-run-session dbus-daemon dbus-send dbus-launch gnome-keyring-daemon secret-tool tmux zsh fish man; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if ((${#missing[@]})); then
    echo "missing: ${missing[*]}"
    command -v apt-get >/dev/null 2>&1 || fail "no apt-get: install dbus, dbus-x11, gnome-keyring, libsecret-tools and tmux by hand"
    sudo=()
    if [[ "$(id -u)" -ne 0 ]]; then
        command -v sudo >/dev/null 2>&1 || fail "not root and no sudo: install dbus dbus-x11 gnome-keyring libsecret-tools tmux zsh fish man-db"
        sudo=(sudo -n)
    fi
    # dbus-x11 in the same transaction satisfies gnome-keyring's session-bus dependency
    # without pulling systemd (dbus-user-session).
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        dbus dbus-x11 gnome-keyring libsecret-tools tmux zsh fish man-db </dev/null
else
    echo "all present: dbus, dbus-x11, gnome-keyring, libsecret-tools, tmux, zsh, fish, man-db"
fi

section "rust toolchain"
for component in rustfmt clippy; do
    if ! cargo "${component/rustfmt/fmt}" --version >/dev/null 2>&1; then
        command -v rustup >/dev/null 2>&1 || fail "cargo $component is missing and there is no rustup to add it"
        rustup component add "$component"
    fi
done
cargo --version
rustc --version

section "cargo fmt --check"
cargo fmt --all -- --check

section "cargo clippy --all-targets -- -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

# clippy --all-targets already type-checks the benches; building them in release here would
# double the cold-build time for no extra signal.

section "test suite inside a private D-Bus session"
dbus-run-session -- bash "$script" --in-session </dev/null
