#!/usr/bin/env bash
# Build dist/sms-operator-console_<version>_<arch>.deb from the frozen console that
# packaging/build.py made (`make deb` runs both):
#   /opt/sms-operator-console/   the program (PyInstaller's one-folder build)
#   /usr/bin/sms-console         the command on the PATH
#   /usr/share/applications, icons/hicolor, metainfo, man, doc, lintian/overrides
#   /lib/systemd/system          team mode's receiver units, installed disabled
#   /etc/sms-console/receiver.env  their settings (a conffile)
#   /usr/share/sms-operator-console/nginx  the TLS reverse proxy's site for them
# Run as any user: dpkg-deb records every file as root's.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
package=sms-operator-console
# AppStream's component id (reverse DNS); the desktop file keeps the name the window
# gives Wayland as its app id (sms-operator-console), and the metainfo points at it.
app_id=com.example.sms_operator_console
app="$root/dist/sms-console"
icons="$root/build/icons"
python="$root/build/venv/bin/python"

if [ ! -x "$app/sms-console" ] || [ ! -d "$icons/hicolor" ]; then
    echo "build-deb.sh: no frozen console in $app; run packaging/build.py first" >&2
    exit 1
fi

version=$("$python" -c 'import importlib.metadata as m; print(m.version("sms-operator-console"))')
arch=$(dpkg --print-architecture)
maintainer=${DEB_MAINTAINER:-"SMS Operator Console maintainers <maintainers@sms-operator-console.example>"}
# The release date is the last commit's, so that rebuilding the same source gives the same text.
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s)}
release_day=$(date -u -d "@$epoch" +%Y-%m-%d)
release_time=$(date -u -d "@$epoch" -R)

# The oldest C library and C++ runtime the build works with: the highest symbol
# versions any of its files asks for (the build machine's glibc sets this).
symbol_floor() {
    find "$app" -type f \( -name '*.so*' -o -name sms-console \) -print0 \
        | xargs -0 objdump -T 2>/dev/null \
        | grep -o "$1_[0-9][0-9.]*" | sed "s/^$1_//" | sort -uV | tail -n 1
}
glibc=$(symbol_floor GLIBC)
glibcxx=$(symbol_floor GLIBCXX)
case "$glibcxx" in
    3.4.29 | 3.4.28) gcc=11 ;;
    3.4.30) gcc=12 ;;
    3.4.31) gcc=13 ;;
    3.4.32 | 3.4.33) gcc=14 ;;
    *) echo "build-deb.sh: unexpected C++ runtime version GLIBCXX_$glibcxx" >&2; exit 1 ;;
esac

# What the build links from the system (see packaging/prune.py): Python's runtime
# libraries, and what Qt's xcb, Wayland and offscreen platforms need. Ubuntu 24.04 and
# Debian 13 renamed two of them (the 64-bit time_t transition), hence the alternatives.
# tests/packaging/test_deb.py checks this list against the libraries the files name.
depends=(
    "libc6 (>= $glibc)" "libstdc++6 (>= $gcc)" "libgcc-s1"
    libbz2-1.0 libffi8 liblzma5 libsqlite3-0 libuuid1 zlib1g libzstd1
    "libssl3t64 | libssl3" "libglib2.0-0t64 | libglib2.0-0" libdbus-1-3
    libfontconfig1 libfreetype6 libegl1 libgl1
    libx11-6 libx11-xcb1 libxcb1 libxcb-cursor0 libxcb-glx0 libxcb-icccm4 libxcb-image0
    libxcb-keysyms1 libxcb-randr0 libxcb-render0 libxcb-render-util0 libxcb-shape0
    libxcb-shm0 libxcb-sync1 libxcb-util1 libxcb-xfixes0 libxcb-xkb1
    libxkbcommon0 libxkbcommon-x11-0
    libwayland-client0 libwayland-cursor0 libwayland-egl1
    adduser
)
joined=$(printf '%s, ' "${depends[@]}")

stage="$root/build/deb/$package"
rm -rf "$root/build/deb"
mkdir -p "$stage/DEBIAN" "$stage/opt/$package"
cp -a "$app/." "$stage/opt/$package/"

install -D -m 0755 "$here/sms-console" "$stage/usr/bin/sms-console"
install -D -m 0644 "$here/$package.desktop" "$stage/usr/share/applications/$package.desktop"
sed -e "s/@VERSION@/$version/" -e "s/@DATE@/$release_day/" "$here/$app_id.metainfo.xml.in" \
    | install -D -m 0644 /dev/stdin "$stage/usr/share/metainfo/$app_id.metainfo.xml"
for folder in "$icons"/hicolor/*/; do
    size=$(basename "$folder")
    install -D -m 0644 "$folder/apps/$package.png" \
        "$stage/usr/share/icons/hicolor/$size/apps/$package.png"
done
install -D -m 0644 "$root/resources/icons/$package.svg" \
    "$stage/usr/share/icons/hicolor/scalable/apps/$package.svg"

doc="$stage/usr/share/doc/$package"
mkdir -p "$doc" "$stage/usr/share/man/man1" "$stage/usr/share/lintian/overrides"
"$python" "$here/copyright.py" "$doc/copyright"
cat > "$doc/changelog" <<EOF
$package ($version) stable; urgency=medium

  * Release $version of the SMS Operator Console: the operator window, the
    command line, demo mode and the --self-check option.

 -- $maintainer  $release_time
EOF
gzip -9n "$doc/changelog"
gzip -9n -c "$here/sms-console.1" > "$stage/usr/share/man/man1/sms-console.1.gz"
install -m 0644 "$here/lintian-overrides" "$stage/usr/share/lintian/overrides/$package"

# Team mode's receiver: its units (no symlinks in *.wants: nothing enables them), their
# settings, and the reverse proxy's site. /lib rather than /usr/lib: Debian 12's and
# Ubuntu 22.04's systemd packages put units there.
for unit in sms-console-receiver.service sms-console-receiver@.service; do
    install -D -m 0644 "$here/$unit" "$stage/lib/systemd/system/$unit"
done
install -D -m 0644 "$here/receiver.env" "$stage/etc/sms-console/receiver.env"
install -D -m 0644 "$root/packaging/nginx/sms-console-receiver.conf" \
    "$stage/usr/share/$package/nginx/sms-console-receiver.conf"

# Libraries need no execute bit; only the two programs keep one.
find "$stage" -type d -exec chmod 0755 {} +
find "$stage" -type f -exec chmod 0644 {} +
chmod 0755 "$stage/usr/bin/sms-console" "$stage/opt/$package/sms-console"
for script in postinst prerm postrm; do
    install -m 0755 "$here/$script" "$stage/DEBIAN/$script"
done
echo /etc/sms-console/receiver.env > "$stage/DEBIAN/conffiles"

installed_kib=$(du -sk --apparent-size --exclude=DEBIAN "$stage" | cut -f1)
cat > "$stage/DEBIAN/control" <<EOF
Package: $package
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $installed_kib
Depends: ${joined%, }
Suggests: gnome-keyring
Section: comm
Priority: optional
Description: desktop console to send SMS and MMS and follow each message
 Support staff send SMS and MMS to customers through the Genesys SMS
 aggregation HTTP API and see, live, what happened to each message: the
 provider's answer, every delivery receipt, and customer replies.
 .
 Passwords are kept in the desktop's keychain (Secret Service). A demo mode
 runs against a built-in provider simulator, with no account needed, and
 "sms-console --self-check" checks an installation without a display.
 .
 For a team, sms-console-receiver.service (installed disabled) receives the
 provider's callbacks into a shared PostgreSQL database, behind a TLS
 reverse proxy.
EOF
# Conffiles are left out, as dh_md5sums does: dpkg keeps their sums itself.
(cd "$stage" && find . \( -path ./DEBIAN -o -path ./etc \) -prune -o -type f -printf '%P\0' | sort -z \
    | xargs -0 md5sum) > "$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/control" "$stage/DEBIAN/md5sums" "$stage/DEBIAN/conffiles"

deb="$root/dist/${package}_${version}_${arch}.deb"
# Written aside first: an interrupted build must not leave a truncated package in dist/.
SOURCE_DATE_EPOCH=$epoch dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb.partial" >/dev/null
mv "$deb.partial" "$deb"
echo "built $deb ($(du -k "$deb" | cut -f1) KiB; installed size $installed_kib KiB)"
