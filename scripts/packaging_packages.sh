#!/usr/bin/env bash
# Debian packages that building and checking the .deb need, beyond scripts/system_packages.sh:
# binutils (PyInstaller reads and strips shared libraries with it), patchelf (build.py
# clears the build machine's library paths), dpkg-dev, lintian,
# desktop-file-utils (desktop-file-validate), appstream (appstreamcli), x11-utils
# (xwininfo, to see the installed program's window appear under Xvfb), systemd
# (systemd-analyze, to check the receiver's units).
set -euo pipefail
packages=(binutils patchelf dpkg-dev lintian desktop-file-utils appstream x11-utils systemd)
bash "$(dirname "$0")/apt_install_missing.sh" "${packages[@]}"
