#!/usr/bin/env bash
# Build dist/sms-operator-console-<version>-macos-<arch>.dmg from the application bundle
# that packaging/build.py made on this Mac ("dist/SMS Operator Console.app"). The disk
# image holds the bundle and a link to /Applications, to drag it onto.
#
# Signing: packaging/build.py signs the bundle with MACOS_CODESIGN_IDENTITY (a
# "Developer ID Application: …" identity in the keychain) when it is set, else ad hoc.
# With an identity, this script also signs the disk image, and when NOTARY_PROFILE names
# a notarytool keychain profile (xcrun notarytool store-credentials) it has Apple
# notarize the image and staples the ticket, so Gatekeeper opens it without a question.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
app="$root/dist/SMS Operator Console.app"

if [ ! -d "$app" ]; then
    echo "build-dmg.sh: no $app; run packaging/build.py on macOS first" >&2
    exit 1
fi

version=$(/usr/libexec/PlistBuddy -c "Print :CFBundleShortVersionString" "$app/Contents/Info.plist")
arch=$(lipo -archs "$app/Contents/MacOS/sms-console" | tr ' ' '+')
dmg="$root/dist/sms-operator-console-$version-macos-$arch.dmg"

codesign --verify --deep --strict "$app"

staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
# ditto keeps the bundle's symbolic links, extended attributes and signatures intact.
ditto "$app" "$staging/SMS Operator Console.app"
ln -s /Applications "$staging/Applications"

rm -f "$dmg"
hdiutil create -volname "SMS Operator Console $version" -srcfolder "$staging" \
    -fs HFS+ -format UDZO -imagekey zlib-level=9 -ov "$dmg"
hdiutil verify "$dmg"

if [ -n "${MACOS_CODESIGN_IDENTITY:-}" ]; then
    codesign --sign "$MACOS_CODESIGN_IDENTITY" --timestamp "$dmg"
    if [ -n "${NOTARY_PROFILE:-}" ]; then
        xcrun notarytool submit "$dmg" --keychain-profile "$NOTARY_PROFILE" --wait
        xcrun stapler staple "$dmg"
    fi
fi
echo "built $dmg ($(du -k "$dmg" | cut -f1) KiB)"
