"""The console's version for the installers: as written, as plain numbers, against a tag.

    python packaging/version.py                      0.1.0 (pyproject.toml's version)
    python packaging/version.py --numeric 4 1.2rc1   1.2.0.0
    python packaging/version.py --check-tag v0.1.0   fails unless the tag is v<version>

Windows version resources and Inno Setup's VersionInfoVersion take four numbers, and
macOS's CFBundleVersion up to three, where the package version may carry a suffix such
as ``rc1`` or ``.post1``: :func:`numeric` keeps the release numbers of a PEP 440 version,
padded with zeros. ``packaging/sms-console.spec`` uses it too.

Plain Python (3.11+) with nothing installed: the workflow checks the tag before any
environment is made.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
# An optional epoch ("1!"), then the release numbers; whatever follows is a suffix.
_RELEASE = re.compile(r"(?:\d+!)?(\d+(?:\.\d+)*)")


CANONICAL = re.compile(r"\d+(\.\d+)*((a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?")


def project_version() -> str:
    """The version written in pyproject.toml."""
    with PYPROJECT.open("rb") as file:
        return str(tomllib.load(file)["project"]["version"])


def numeric(version: str, parts: int) -> tuple[int, ...]:
    """The release numbers of ``version``, cut or padded with zeros to ``parts`` numbers."""
    found = _RELEASE.match(version.strip().lower())
    if found is None:
        raise ValueError(f"not a version: {version!r}")
    numbers = tuple(int(number) for number in found.group(1).split("."))
    return (numbers + (0,) * parts)[:parts]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("version", nargs="?", help="default: the version in pyproject.toml")
    parser.add_argument(
        "--numeric", type=int, metavar="N", help="print the version as N numbers instead"
    )
    parser.add_argument("--check-tag", metavar="TAG", help="fail unless TAG is v<version>")
    args = parser.parse_args(argv)
    version = args.version or project_version()
    if not CANONICAL.fullmatch(version):
        # Installers are named from the normalised version; a tag must match it exactly.
        raise SystemExit(f"the version {version} is not in canonical form (e.g. 1.2.0, 1.2.0rc1)")
    if args.check_tag is not None:
        if args.check_tag != f"v{version}":
            raise SystemExit(
                f"the tag {args.check_tag} does not match the package version {version} "
                f"(pyproject.toml): tag v{version}, or change the version first"
            )
        print(f"the tag {args.check_tag} matches the package version {version}")
        return
    if args.numeric is not None:
        try:
            numbers = numeric(version, args.numeric)
        except ValueError as exc:
            raise SystemExit(str(exc)) from None
        print(".".join(str(number) for number in numbers))
    else:
        print(version)


if __name__ == "__main__":
    main(sys.argv[1:])
