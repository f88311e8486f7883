#!/usr/bin/env bash
# Build dist/sms-operator-console-<version>-macos-<arch>.dmg from the application bundle
# that packaging/build.py made on this Mac ("dist/SMS Operator Console.app"). The disk
# image holds the bundle and a link to /Applications, to drag it onto.
#
# Signing: MACOS_CODESIGN_IDENTITY names a "Developer ID Application: …" identity in the
# keychain, by its name (or any unique part of it, as codesign accepts; not by its SHA-1 hash,
# which the check below cannot compare). Set it for packaging/build.py, which signs the
# bundle with it and the hardened runtime (else ad hoc), AND for this script, which then
# checks that the bundle carries that signature and the hardened runtime, and signs the
# disk image. When NOTARY_PROFILE also names a notarytool keychain profile (xcrun
# notarytool store-credentials), Apple notarizes the application (sent as a zip made by
# ditto), its ticket is stapled to it, and then the disk image is notarized and stapled
# too, so Gatekeeper opens either without a question, even offline. A submission Apple
# does not accept fails the script, after printing Apple's log of it.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
app="$root/dist/SMS Operator Console.app"

if [ ! -d "$app" ]; then
    echo "build-dmg.sh: no $app; run packaging/build.py on macOS first" >&2
    exit 1
fi
if [ -n "${NOTARY_PROFILE:-}" ] && [ -z "${MACOS_CODESIGN_IDENTITY:-}" ]; then
    echo "build-dmg.sh: NOTARY_PROFILE is set but MACOS_CODESIGN_IDENTITY is not; Apple" \
        "notarizes only what a Developer ID signed" >&2
    exit 1
fi

version=$(/usr/libexec/PlistBuddy -c "Print :CFBundleShortVersionString" "$app/Contents/Info.plist")
arch=$(lipo -archs "$app/Contents/MacOS/sms-console" | tr ' ' '+')
dmg="$root/dist/sms-operator-console-$version-macos-$arch.dmg"

codesign --verify --deep --strict "$app"

if [ -n "${MACOS_CODESIGN_IDENTITY:-}" ]; then
    # codesign -dvv describes the signature on stderr: the first Authority line is the
    # signing certificate (an ad hoc signature has none), and the CodeDirectory line's
    # flags include "runtime" when the hardened runtime is on.
    details=$(codesign -dvv "$app" 2>&1)
    authority=$(awk '/^Authority=/ { sub(/^Authority=/, ""); print; exit }' <<<"$details")
    case "$authority" in
        *"$MACOS_CODESIGN_IDENTITY"*) ;;
        *)
            echo "build-dmg.sh: the application is signed by '${authority:-nobody (ad hoc)}'," \
                "not by '$MACOS_CODESIGN_IDENTITY': run packaging/build.py with" \
                "MACOS_CODESIGN_IDENTITY set as well" >&2
            exit 1
            ;;
    esac
    if ! grep -Eq '^CodeDirectory .*flags=0x[0-9a-fA-F]+\([^)]*runtime' <<<"$details"; then
        echo "build-dmg.sh: the application's signature lacks the hardened runtime," \
            "which notarization requires:" >&2
        echo "$details" >&2
        exit 1
    fi
    echo "the application is signed by $authority, with the hardened runtime"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One field of notarytool's JSON answer (read on stdin), or nothing.
json_field() {
    python3 -c '
import json, sys
text = sys.stdin.read()
try:
    answer = json.loads(text)
except ValueError:
    lines = [line for line in text.splitlines() if line.lstrip().startswith("{")]
    answer = json.loads(lines[-1]) if lines else {}
print(answer.get(sys.argv[1], ""))
' "$1" 2>/dev/null || true
}

# notarize FILE: submit FILE to Apple's notary service and wait for its verdict; anything
# but "Accepted" prints Apple's log of the submission and fails the script.
notarize() {
    local file=$1 answer id status
    echo "notarizing $(basename "$file"); this takes a few minutes"
    answer=$(xcrun notarytool submit "$file" --keychain-profile "$NOTARY_PROFILE" \
        --wait --output-format json) || true
    id=$(json_field id <<<"$answer")
    status=$(json_field status <<<"$answer")
    echo "notarization of $(basename "$file"): ${status:-no verdict} (submission ${id:-none})"
    if [ "$status" != "Accepted" ]; then
        echo "$answer" >&2
        if [ -n "$id" ]; then
            echo "+ xcrun notarytool log $id --keychain-profile \"\$NOTARY_PROFILE\"" >&2
            xcrun notarytool log "$id" --keychain-profile "$NOTARY_PROFILE" >&2 || true
        fi
        echo "build-dmg.sh: Apple did not accept $(basename "$file")" >&2
        exit 1
    fi
}

if [ -n "${NOTARY_PROFILE:-}" ]; then
    # The application itself first: stapled, it opens without a question however it
    # leaves the disk image. A bundle is sent as a zip, which keeps its signature only
    # when ditto makes it.
    ditto -c -k --keepParent "$app" "$work/app.zip"
    notarize "$work/app.zip"
    xcrun stapler staple "$app"
    xcrun stapler validate "$app"
    spctl --assess --type execute --verbose "$app"
fi

staging="$work/staging"
mkdir "$staging"
# ditto keeps the bundle's symbolic links, extended attributes and signatures intact.
ditto "$app" "$staging/SMS Operator Console.app"
ln -s /Applications "$staging/Applications"

# hdiutil create fails now and then on a busy machine ("Resource busy"): try again, waiting
# longer each time.
attempts=5
for attempt in $(seq "$attempts"); do
    rm -f "$dmg"
    if hdiutil create -volname "SMS Operator Console $version" -srcfolder "$staging" \
        -fs HFS+ -format UDZO -imagekey zlib-level=9 -ov "$dmg"; then
        break
    fi
    if [ "$attempt" -eq "$attempts" ]; then
        echo "build-dmg.sh: hdiutil create failed $attempts times" >&2
        exit 1
    fi
    delay=$((2 ** (attempt + 1)))
    echo "hdiutil create failed (attempt $attempt of $attempts); again in $delay s" >&2
    sleep "$delay"
done
hdiutil verify "$dmg"

if [ -n "${MACOS_CODESIGN_IDENTITY:-}" ]; then
    codesign --sign "$MACOS_CODESIGN_IDENTITY" --timestamp "$dmg"
    codesign --verify --strict "$dmg"
    if [ -n "${NOTARY_PROFILE:-}" ]; then
        notarize "$dmg"
        xcrun stapler staple "$dmg"
        xcrun stapler validate "$dmg"
        spctl --assess --type open --context context:primary-signature --verbose "$dmg"
    fi
fi
echo "built $dmg ($(du -k "$dmg" | cut -f1) KiB)"
