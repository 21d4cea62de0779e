#!/bin/sh
# Run a command inside a throwaway D-Bus session with an unlocked gnome-keyring and a fresh
# HOME, so tests use a real Secret Service without touching the developer's own keychain.
# Usage: scripts/with-test-keyring.sh <command> [args...]
set -eu
if ! command -v dbus-run-session >/dev/null 2>&1 || ! command -v gnome-keyring-daemon >/dev/null 2>&1; then
  echo "with-test-keyring: needs dbus-run-session and gnome-keyring-daemon (apt-get install -y --no-install-recommends dbus gnome-keyring)" >&2
  exit 2
fi
TEST_HOME=$(mktemp -d)
export HOME="$TEST_HOME"
export XDG_CONFIG_HOME="$TEST_HOME/.config" XDG_DATA_HOME="$TEST_HOME/.local/share" XDG_RUNTIME_DIR="$TEST_HOME/run"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
status=0
dbus-run-session -- sh -c 'echo -n latchkey-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"' with-test-keyring "$@" || status=$?
rm -rf "$TEST_HOME"
exit $status
