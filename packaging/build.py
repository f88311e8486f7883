"""Build the frozen console with PyInstaller (one folder, windowed), pruned of unused Qt.

    python3 packaging/build.py

The same script runs on Linux, Windows and macOS, with Python 3.11 to 3.13:

1. A build environment of its own in ``build/venv``, with the console installed from this
   source tree as a normal package (not an editable one) next to PyInstaller: the build
   then finds ``console.resources`` and the package metadata as an installed console
   does, and none of the development tools get in.
2. The application icon in every size and format (``build/icons``).
3. PyInstaller with ``packaging/sms-console.spec``: ``dist/sms-console/``, and on macOS
   also ``dist/SMS Operator Console.app``.
4. Pruning: the spec leaves unused Qt plugins, libraries and translations out before
   the files are collected (see ``packaging/prune.py``); this script then checks that
   none of them reached the result, and reports its size.

The installers are made from that result: ``packaging/linux/build-deb.sh``,
``packaging/windows/sms-operator-console.iss`` and ``packaging/macos/build-dmg.sh``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

from prune import unwanted_in_build

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build"
VENV = BUILD / "venv"
ICONS = BUILD / "icons"
WORK = BUILD / "pyinstaller"
DIST = ROOT / "dist"
SPEC = ROOT / "packaging" / "sms-console.spec"
SVG = ROOT / "resources" / "icons" / "sms-operator-console.svg"
APP_FOLDER = DIST / "sms-console"
MAC_APP = DIST / "SMS Operator Console.app"


def venv_python() -> Path:
    if sys.platform == "win32":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def run(*command: str | Path, cwd: Path = ROOT, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(str(part) for part in command), flush=True)
    subprocess.run([str(part) for part in command], cwd=cwd, env=env, check=True)


def requirements() -> list[str]:
    """What the build environment needs: the console's dependencies, its build backend
    and the ``packaging`` extra (PyInstaller), all from pyproject.toml."""
    with (ROOT / "pyproject.toml").open("rb") as file:
        project = tomllib.load(file)
    return [
        *project["build-system"]["requires"],
        *project["project"]["dependencies"],
        *project["project"]["optional-dependencies"]["packaging"],
    ]


def prepare_environment(fresh: bool) -> None:
    python = venv_python()
    usable = python.exists() and (
        subprocess.run([python, "-c", "pass"], check=False, capture_output=True).returncode == 0
    )
    if fresh or not usable:
        shutil.rmtree(VENV, ignore_errors=True)
        run(sys.executable, "-m", "venv", VENV)
        run(python, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(python, "-m", "pip", "install", "--quiet", *requirements())
    # Reinstalled every time: the version number does not change with every edit.
    run(
        python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
        "--force-reinstall", ROOT,
    )  # fmt: skip


def make_icons() -> None:
    shutil.rmtree(ICONS, ignore_errors=True)
    ICONS.mkdir(parents=True)
    run(venv_python(), ROOT / "packaging" / "icons.py", SVG, ICONS)


def freeze() -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "SMS_CONSOLE_ICONS": str(ICONS),
        # The source tree must not shadow the installed package (it has no
        # console/resources folder, and no metadata).
        "PYTHONSAFEPATH": "1",
    }
    if sys.platform == "darwin":
        # A bundle that cannot be signed, or whose signature does not verify (codesign
        # --verify --deep --strict), fails the build instead of a warning in its log.
        env["PYINSTALLER_STRICT_BUNDLE_CODESIGN_ERROR"] = "1"
        env["PYINSTALLER_VERIFY_BUNDLE_SIGNATURE"] = "1"
    run(
        venv_python(), "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
        "--distpath", DIST, "--workpath", WORK, SPEC,
        cwd=WORK, env=env,
    )  # fmt: skip


def clear_build_machine_runpaths(result: Path) -> None:
    """Linux: drop library search paths that point into the build machine's Python.

    Some Python builds (pyenv's, the hosted runners') give their extension modules an
    absolute RUNPATH to their own lib folder; in the installed program it would name a
    folder of the build machine. The modules need nothing from it (the interpreter is
    loaded before them). Paths relative to the module ($ORIGIN, Qt's) stay.
    """
    if shutil.which("patchelf") is None:
        raise SystemExit("patchelf is needed on Linux (scripts/packaging_packages.sh installs it)")
    for path in sorted(result.rglob("*.so*")):
        if path.is_symlink() or not path.is_file():
            continue
        found = subprocess.run(
            ["patchelf", "--print-rpath", path], capture_output=True, text=True, check=False
        )
        if found.returncode != 0:
            continue  # not an ELF file
        entries = [entry for entry in found.stdout.strip().split(":") if entry]
        kept = [entry for entry in entries if entry.startswith("$ORIGIN")]
        if kept == entries:
            continue
        if kept:
            subprocess.run(["patchelf", "--set-rpath", ":".join(kept), path], check=True)
        else:
            subprocess.run(["patchelf", "--remove-rpath", path], check=True)


def check_pruned(result: Path) -> None:
    left = [
        path for path in result.rglob("*") if path.is_file() and unwanted_in_build(result, path)
    ]
    if left:
        listing = "\n  ".join(str(path.relative_to(result)) for path in left[:20])
        raise SystemExit(f"unused Qt files reached the build:\n  {listing}")


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--fresh", action="store_true", help="make the build environment anew first"
    )
    args = parser.parse_args()
    if not (3, 11) <= sys.version_info[:2] <= (3, 13):
        raise SystemExit("the build needs Python 3.11 to 3.13")
    started = time.monotonic()
    prepare_environment(args.fresh)
    make_icons()
    freeze()
    result = MAC_APP if sys.platform == "darwin" else APP_FOLDER
    if sys.platform.startswith("linux"):
        clear_build_machine_runpaths(result)
    check_pruned(result)
    megabytes = size_of(result) / 1_000_000
    print(f"built {result} ({megabytes:.0f} MB) in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
