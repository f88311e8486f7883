"""The built .deb, unpacked into a temporary root (``dpkg-deb -x``) and run from there.

Not part of ``make test``: ``make deb-check`` builds the package first, then runs these.
The package is ``dist/sms-operator-console_*.deb`` unless SMS_CONSOLE_DEB names one.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.packaging.startup import desktop_environment, launch, xvfb
from tests.packaging.unpacked import APP, PACKAGE, field

APP_ID = "com.example.sms_operator_console"
MAX_INSTALLED_BYTES = 150_000_000
# The C library of the oldest systems the README names (Ubuntu 22.04: 2.35, Debian 12: 2.36).
MAX_GLIBC = (2, 35)
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
CHECKS = ("resources", "listener", "simulator", "send", "receipt", "keychain", "window toolkit")
# Generous on a busy CI machine; the README's figure comes from tests/packaging/startup.py.
WINDOW_LIMIT = 10.0


def elf_files(root: Path) -> Iterator[Path]:
    for path in (root / APP).rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as file:
                if file.read(4) == b"\x7fELF":
                    yield path


def objdump(flag: str, paths: list[Path]) -> str:
    return subprocess.run(
        ["objdump", flag, *map(str, paths)], capture_output=True, text=True, check=False
    ).stdout


def owner(library: str) -> str:
    """The Debian package that provides ``library`` on this machine."""
    found = subprocess.run(
        ["dpkg-query", "-S", f"*/{library}"], capture_output=True, text=True, check=False
    ).stdout
    owners = {
        line.split(":")[0]
        for line in found.splitlines()
        if "-dev" not in line.split(":")[0] and "/usr/lib/debug/" not in line
    }
    assert owners, f"{library} is not installed here; cannot tell which package provides it"
    return sorted(owners)[0]


def test_control_file(deb: Path) -> None:
    assert field(deb, "Package") == PACKAGE
    assert field(deb, "Architecture") == "amd64"
    assert re.fullmatch(r"\d+\.\d+\.\d+", field(deb, "Version"))
    assert field(deb, "Section") == "comm"
    assert "<" in field(deb, "Maintainer")
    assert field(deb, "Description").startswith("desktop console")


def test_dependencies_cover_every_system_library_the_files_link(deb: Path, root: Path) -> None:
    files = list(elf_files(root))
    bundled = {p.name for p in (root / APP).rglob("*.so*")}
    needed = set(re.findall(r"NEEDED\s+(\S+)", objdump("-p", files)))
    declared = {
        alternative.split()[0]
        for group in field(deb, "Depends").split(",")
        for alternative in group.split("|")
    }

    from_system = sorted(needed - bundled)
    missing = {lib: owner(lib) for lib in from_system if owner(lib) not in declared}

    assert missing == {}, f"libraries from packages not in Depends: {missing}"
    # Qt's xcb platform: the libraries its plugin cannot start without.
    assert {"libxcb-cursor0", "libxcb-icccm4", "libxkbcommon-x11-0", "libegl1"} <= declared


def test_c_library_needed_is_old_enough_for_the_named_distributions(deb: Path, root: Path) -> None:
    versions = re.findall(r"GLIBC_(\d+)\.(\d+)", objdump("-T", list(elf_files(root))))
    highest = max((int(major), int(minor)) for major, minor in versions)

    assert highest <= MAX_GLIBC, f"the build needs glibc {highest}; built on too new a system?"
    assert f"libc6 (>= {highest[0]}.{highest[1]})" in field(deb, "Depends")


def test_no_build_machine_paths_are_left_in_library_search_paths(root: Path) -> None:
    paths = re.findall(r"R(?:UN)?PATH\s+(\S+)", objdump("-p", list(elf_files(root))))

    assert [p for p in paths if not all(e.startswith("$ORIGIN") for e in p.split(":"))] == []


def test_installed_size_is_at_most_150_mb(deb: Path, root: Path) -> None:
    declared = int(field(deb, "Installed-Size")) * 1024
    unpacked = sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink())

    assert unpacked <= declared + 4096
    assert declared <= MAX_INSTALLED_BYTES, f"{declared / 1e6:.0f} MB installed"


def test_files_are_where_a_desktop_looks_for_them(root: Path) -> None:
    share = root / "usr" / "share"
    expected = [
        root / "usr" / "bin" / "sms-console",
        root / APP / "sms-console",
        share / "applications" / f"{PACKAGE}.desktop",
        share / "metainfo" / f"{APP_ID}.metainfo.xml",
        share / "icons" / "hicolor" / "scalable" / "apps" / f"{PACKAGE}.svg",
        share / "man" / "man1" / "sms-console.1.gz",
        share / "doc" / PACKAGE / "copyright",
        share / "doc" / PACKAGE / "changelog.gz",
        share / "lintian" / "overrides" / PACKAGE,
        *(
            share / "icons" / "hicolor" / f"{n}x{n}" / "apps" / f"{PACKAGE}.png"
            for n in HICOLOR_SIZES
        ),
    ]

    assert [str(p.relative_to(root)) for p in expected if not p.is_file()] == []
    assert os.access(root / "usr" / "bin" / "sms-console", os.X_OK)
    # No translations or plugins the console does not use.
    qt = root / APP / "_internal" / "PySide6" / "Qt"
    assert list(qt.rglob("*.qm")) == []
    assert sorted(p.name for p in (qt / "plugins" / "platforms").iterdir()) == [
        "libqoffscreen.so",
        "libqwayland.so",
        "libqxcb.so",
    ]


def test_lintian_reports_no_errors(deb: Path) -> None:
    result = subprocess.run(
        ["lintian", "--fail-on", "error", str(deb)], capture_output=True, text=True, check=False
    )

    errors = [line for line in result.stdout.splitlines() if line.startswith("E:")]
    assert errors == [], result.stdout
    assert result.returncode == 0, result.stdout + result.stderr


def test_desktop_file_validates(root: Path) -> None:
    desktop = root / "usr" / "share" / "applications" / f"{PACKAGE}.desktop"
    result = subprocess.run(
        ["desktop-file-validate", str(desktop)], capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout + result.stderr == ""


def test_metainfo_validates(root: Path) -> None:
    metainfo = root / "usr" / "share" / "metainfo" / f"{APP_ID}.metainfo.xml"
    result = subprocess.run(
        ["appstreamcli", "validate", "--no-net", "--pedantic", str(metainfo)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def self_check(root: Path, home: Path, *, wrapper: list[str] | None = None) -> tuple[int, str, str]:
    env = {**desktop_environment(home), "QT_QPA_PLATFORM": "offscreen"}
    command = [str(root / "usr" / "bin" / "sms-console"), "--self-check"]
    with subprocess.Popen(
        [*(wrapper or []), *command],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as process:
        try:
            out, err = process.communicate(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            out, err = process.communicate()
            pytest.fail(f"--self-check did not finish\nstdout:\n{out}\nstderr:\n{err}")
    return process.returncode, out, err


def test_installed_launcher_passes_self_check_with_nothing_on_stderr(
    root: Path, tmp_path: Path
) -> None:
    returncode, out, err = self_check(root, tmp_path)

    assert returncode == 0, out + err
    assert err == ""
    lines = out.splitlines()
    assert [line.split(":")[0].split(maxsplit=1) for line in lines[:-1]] == [
        ["ok", name] for name in CHECKS
    ]
    assert f"application icon at {root / APP}" in out
    assert lines[-1] == f"self-check passed: all {len(CHECKS)} checks"


def test_frozen_build_reaches_a_real_secret_service(root: Path, tmp_path: Path) -> None:
    tools = ("dbus-run-session", "gnome-keyring-daemon")
    missing = [tool for tool in tools if shutil.which(tool) is None]
    assert missing == [], f"{missing} not installed (scripts/system_packages.sh installs them)"
    # The daemon creates the login keyring unlocked with the password on its stdin and
    # returns once its Secret Service is on the private bus.
    script = (
        'printf test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"'
    )

    returncode, out, err = self_check(
        root, tmp_path, wrapper=["dbus-run-session", "--", "sh", "-c", script, "sh"]
    )

    assert returncode == 0, out + err
    assert "ok    keychain: Secret Service keychain" in out, out


def test_window_opens_under_x_quickly_and_quietly(root: Path, tmp_path: Path) -> None:
    env = desktop_environment(tmp_path)
    launcher = str(root / "usr" / "bin" / "sms-console")
    with xvfb() as display:
        for command in ([launcher, "--demo"], [launcher]):
            result = launch(command, display, env, limit=WINDOW_LIMIT)

            print(f"{' '.join(command[1:]) or 'profile'}: window shown in {result.seconds:.2f} s")
            assert result.seconds <= WINDOW_LIMIT, result.stderr
            assert result.returncode == 0, result.stderr
            assert result.stderr == ""
