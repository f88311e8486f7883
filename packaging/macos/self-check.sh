#!/usr/bin/env bash
# The workflow's check of a built console on macOS: `sms-console --self-check` in the
# given application bundle must pass, write nothing on stderr and find the macOS Keychain.
#
#   bash packaging/macos/self-check.sh "dist/SMS Operator Console.app"
#
# What the program wrote on stderr is printed before anything fails, so a failure shows why.
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: self-check.sh APPLICATION.app" >&2
    exit 2
fi
app=$1
out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT

s=0
"$app/Contents/MacOS/sms-console" --self-check >"$out" 2>"$err" || s=$?
cat "$out"
cat "$err" >&2
if [ "$s" -ne 0 ]; then
    echo "self-check.sh: --self-check of $app failed (exit status $s)" >&2
    exit 1
fi
if [ -s "$err" ]; then
    echo "self-check.sh: --self-check of $app wrote to stderr" >&2
    exit 1
fi
# console.keychain.backends.describe_backend's words for keyring's macOS backend.
keychain="ok    keychain: macOS Keychain"
if ! grep -Fqx "$keychain" "$out"; then
    echo "self-check.sh: --self-check of $app did not find the macOS Keychain" \
        "(no line '$keychain')" >&2
    exit 1
fi
