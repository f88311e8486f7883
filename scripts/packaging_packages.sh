#!/usr/bin/env bash
# Debian packages that building and checking the .deb need, beyond scripts/system_packages.sh:
# binutils (PyInstaller reads and strips shared libraries with it), patchelf (build.py
# clears the build machine's library paths), dpkg-dev, lintian,
# desktop-file-utils (desktop-file-validate), appstream (appstreamcli), x11-utils
# (xwininfo, to see the installed program's window appear under Xvfb).
# Installs only what is missing, so a prepared machine is left untouched.
set -euo pipefail
packages=(binutils patchelf dpkg-dev lintian desktop-file-utils appstream x11-utils)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing Debian packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
