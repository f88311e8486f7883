"""Team mode's receiver in the .deb: its systemd units, their settings, and that nothing
enables or starts them.

The units are checked by ``systemd-analyze verify`` in a root made of the unpacked
package and this machine's own units (the targets they name), so that the program in
ExecStart is the packaged one; no systemd needs to be running.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.packaging.unpacked import PACKAGE, ROOT, field

UNITS = Path("lib") / "systemd" / "system"
SERVICE = "sms-console-receiver.service"
TEMPLATE = "sms-console-receiver@.service"
ENV_FILE = Path("etc") / "sms-console" / "receiver.env"
SITE = "sms-console-receiver.conf"
NGINX_SITE = Path("usr") / "share" / PACKAGE / "nginx" / SITE
USER = "sms-console-receiver"
ROLES_SQL = ROOT / "console" / "store" / "postgres" / "roles.sql"
# What the maintainer scripts may ask of systemd: nothing that enables or starts a unit.
ALLOWED_VERBS = {"daemon-reload", "try-restart", "stop"}
HARDENING = {
    "NoNewPrivileges": "yes",
    "CapabilityBoundingSet": "",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "PrivateTmp": "yes",
    "PrivateDevices": "yes",
    "ProtectKernelTunables": "yes",
    "ProtectKernelModules": "yes",
    "ProtectKernelLogs": "yes",
    "ProtectControlGroups": "yes",
    "RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
    "RestrictNamespaces": "yes",
    "LockPersonality": "yes",
    "MemoryDenyWriteExecute": "yes",
    "SystemCallFilter": "@system-service",
}


def settings(unit: Path) -> dict[str, list[str]]:
    """Each key of the unit's sections with its values, in order."""
    found: dict[str, list[str]] = {}
    for line in unit.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith(("#", ";", "[")):
            key, value = line.split("=", 1)
            found.setdefault(key.strip(), []).append(value.strip())
    return found


@pytest.fixture(scope="module")
def system_root(root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The unpacked package, with this machine's units beside its own."""
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze is missing: run scripts/packaging_packages.sh"
    tree = tmp_path_factory.mktemp("system-root")
    shutil.copytree(root, tree, symlinks=True, dirs_exist_ok=True, copy_function=os.link)
    ours = {p.name for p in (root / UNITS).iterdir()}
    shutil.copytree(
        "/lib/systemd/system",
        tree / UNITS,
        symlinks=True,
        dirs_exist_ok=True,
        ignore=lambda _folder, names: [n for n in names if n in ours],
    )
    return tree


def test_units_settings_and_proxy_site_are_where_systemd_and_admins_look(
    deb: Path, root: Path
) -> None:
    expected = [root / UNITS / SERVICE, root / UNITS / TEMPLATE, root / ENV_FILE, root / NGINX_SITE]

    assert [str(p.relative_to(root)) for p in expected if not p.is_file()] == []
    # The site tests/e2e/test_reverse_proxy.py runs in nginx is the one shipped.
    assert (root / NGINX_SITE).read_bytes() == (ROOT / "packaging" / "nginx" / SITE).read_bytes()
    conffiles = subprocess.run(
        ["dpkg-deb", "--info", str(deb), "conffiles"], capture_output=True, text=True, check=True
    ).stdout.split()
    assert conffiles == [f"/{ENV_FILE}"]


@pytest.mark.parametrize("unit", [SERVICE, "sms-console-receiver@8788.service"])
def test_unit_passes_systemd_analyze_verify_without_a_word(system_root: Path, unit: str) -> None:
    result = subprocess.run(
        ["systemd-analyze", "verify", f"--root={system_root}", "--man=no", unit],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout + result.stderr == ""


def test_verify_would_see_a_unit_whose_program_is_missing(system_root: Path) -> None:
    program = system_root / "usr" / "bin" / "sms-console"
    program.rename(program.with_name("moved"))
    try:
        result = subprocess.run(
            ["systemd-analyze", "verify", f"--root={system_root}", "--man=no", SERVICE],
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        program.with_name("moved").rename(program)

    assert result.returncode != 0
    assert "/usr/bin/sms-console" in result.stderr


@pytest.mark.parametrize("unit", [SERVICE, TEMPLATE])
def test_unit_runs_hardened_as_its_own_user_with_a_lasting_data_folder(
    root: Path, unit: str
) -> None:
    found = settings(root / UNITS / unit)

    assert found["User"] == [USER]
    assert found["Group"] == [USER]
    assert {key: found.get(key, [None])[0] for key in HARDENING} == HARDENING
    assert found["Restart"] == ["on-failure"]
    # The settings with the path token live in the state directory, which systemd keeps.
    assert found["StateDirectory"] == [USER]
    assert f"SMS_CONSOLE_DATA_DIR=/var/lib/{USER}" in found["Environment"]
    assert found["EnvironmentFile"] == [f"-/{ENV_FILE}"]
    # The callback URL (with its token) is printed on stdout: never into the journal.
    assert found["StandardOutput"] == ["null"]
    exec_start = found["ExecStart"][0]
    assert exec_start.startswith("/usr/bin/sms-console receiver --host 127.0.0.1 ")
    assert "--trusted-proxy 127.0.0.1/32" in exec_start
    # No secret on the command line, where `ps` shows it.
    assert "--path-token" not in exec_start
    assert "PASSWORD" not in (root / UNITS / unit).read_text(encoding="utf-8")


def test_packaged_program_prints_the_roles_sql_for_the_shared_store(
    root: Path, tmp_path: Path
) -> None:
    result = subprocess.run(
        [str(root / "usr" / "bin" / "sms-console"), "--data-dir", str(tmp_path), "db", "roles"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout == ROLES_SQL.read_text(encoding="utf-8")


def test_units_are_disabled_once_unpacked(root: Path) -> None:
    for unit in (SERVICE, "sms-console-receiver@8788.service"):
        result = subprocess.run(
            ["systemctl", f"--root={root}", "is-enabled", unit],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.stdout.strip() == "disabled", result.stdout + result.stderr
    assert not (root / "etc" / "systemd").exists()


def test_maintainer_scripts_create_the_user_and_never_enable_or_start_a_unit(
    deb: Path, tmp_path: Path
) -> None:
    control = tmp_path / "control"
    subprocess.run(["dpkg-deb", "--control", str(deb), str(control)], check=True)
    scripts = {p.name: p.read_text(encoding="utf-8") for p in control.iterdir()}
    verbs = [
        verb
        for text in scripts.values()
        for verb in re.findall(
            r"(?:systemctl|deb-systemd-invoke|deb-systemd-helper)(?:\s+--\S+)*\s+(\S+)", text
        )
    ]
    # The commands postinst runs, each recording its arguments instead of acting.
    shims = tmp_path / "bin"
    shims.mkdir()
    calls = tmp_path / "calls"
    for name in ("adduser", "getent", "systemctl", "deb-systemd-invoke", "deb-systemd-helper"):
        shim = shims / name
        exit_status = 2 if name == "getent" else 0  # getent: no such user yet
        shim.write_text(f'#!/bin/sh\necho "{name} $*" >> {calls}\nexit {exit_status}\n')
        shim.chmod(0o755)
    subprocess.run(
        ["sh", str(control / "postinst"), "configure", ""],
        env={"PATH": f"{shims}:/usr/bin:/bin"},
        check=True,
    )
    ran = calls.read_text(encoding="utf-8").splitlines()

    assert {"postinst", "prerm", "postrm"} <= scripts.keys()
    assert verbs
    assert set(verbs) <= ALLOWED_VERBS, verbs
    assert f"getent passwd {USER}" in ran
    assert any(
        line.startswith("adduser --system --group") and line.endswith(f" {USER}") for line in ran
    ), ran
    assert not [
        line for line in ran if re.search(r"(?<![\w-])(enable|start|restart)(?![\w-])", line)
    ]
    assert "adduser" in [d.split()[0] for d in field(deb, "Depends").split(", ")]
