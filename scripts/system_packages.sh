#!/usr/bin/env bash
# Debian packages the window and its tests need: Qt's offscreen and xcb platform
# libraries, Xvfb for screenshots, a real Secret Service (gnome-keyring on D-Bus), and a
# real PostgreSQL server for the shared store's tests (started by them, never as a service),
# nginx for the test of the receivers' TLS reverse proxy (run by it, unprivileged), and
# wrk, the HTTP load generator of the listener's benchmarks.
set -euo pipefail
packages=(
    libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 fonts-dejavu-core fonts-noto-color-emoji
    libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
    libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-xfixes0 libxcb-xkb1
    xvfb xauth dbus dbus-x11 gnome-keyring
    postgresql nginx
    wrk
)
bash "$(dirname "$0")/apt_install_missing.sh" "${packages[@]}"
