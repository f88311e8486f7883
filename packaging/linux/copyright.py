"""Write the package's copyright file: the console's notice, then every bundled component.

Run with the build environment's Python (``build/venv``), where exactly the frozen
console's dependencies are installed::

    build/venv/bin/python packaging/linux/copyright.py OUTPUT

Each component comes with the licence its own metadata declares and the licence files it
ships. Licences Debian keeps in /usr/share/common-licenses (Apache 2.0, the GPL family,
MPL 2.0) are referred to there instead of being copied, as Debian policy asks.
"""

from __future__ import annotations

import re
import sys
import sysconfig
from importlib.metadata import Distribution, PackageNotFoundError, distribution
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PACKAGE = "sms-operator-console"

HEADER = """\
SMS Operator Console

Copyright: the SMS Operator Console authors. All rights reserved.
License: proprietary. This program may be used and copied only under the terms agreed
with its owner.

The program under /opt/sms-operator-console contains the components below, each under
its own licence.
"""

QT = """\
The Qt 6 libraries (The Qt Company Ltd. and other contributors)
License: LGPL-3.0-only (also offered under GPL-2.0-only or GPL-3.0-only)
 The Qt libraries are shipped as separate shared libraries in
 /opt/sms-operator-console/_internal/PySide6/Qt, which may be replaced.
 The full text of the GNU Lesser General Public License version 3 is in
 /usr/share/common-licenses/LGPL-3, and the GNU General Public License it extends in
 /usr/share/common-licenses/GPL-3.
 Qt includes third-party components (among them ICU, under the Unicode licence),
 listed with their licences at https://doc.qt.io/qt-6/licenses-used-in-qt.html.
"""

# Licence texts Debian systems already have, by a phrase each one's text starts with.
COMMON = (
    ("Apache License", "Version 2.0", "/usr/share/common-licenses/Apache-2.0"),
    ("GNU LESSER GENERAL PUBLIC LICENSE", "Version 3", "/usr/share/common-licenses/LGPL-3"),
    ("GNU GENERAL PUBLIC LICENSE", "Version 3", "/usr/share/common-licenses/GPL-3"),
    ("GNU GENERAL PUBLIC LICENSE", "Version 2", "/usr/share/common-licenses/GPL-2"),
    ("Mozilla Public License", "Version 2.0", "/usr/share/common-licenses/MPL-2.0"),
)
_CLASSIFIER = re.compile(r"^License :: (?:OSI Approved :: )?(.+)$")


def bundled(root: str) -> list[Distribution]:
    """``root`` and everything it needs at run time in this environment, by name."""
    found: dict[str, Distribution] = {}
    waiting = [root]
    while waiting:
        name = canonicalize_name(waiting.pop())
        if name in found:
            continue
        try:
            dist = distribution(name)
        except PackageNotFoundError:
            continue
        found[name] = dist
        for line in dist.requires or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                waiting.append(requirement.name)
    return [found[name] for name in sorted(found) if name != canonicalize_name(root)]


def licence_name(dist: Distribution) -> str:
    meta = dist.metadata
    expression = (meta.get_all("License-Expression") or [None])[0]
    if expression:
        return str(expression)
    declared = (meta.get_all("License") or [None])[0]
    if declared and "\n" not in declared and len(declared) < 80:
        return str(declared)
    classifiers = [
        match.group(1)
        for value in meta.get_all("Classifier") or []
        if (match := _CLASSIFIER.match(value))
    ]
    return " OR ".join(classifiers) or "see the licence text below"


def common_licence(text: str) -> str | None:
    head = text[:600]
    for title, version, path in COMMON:
        if title in head and version in head:
            return path
    return None


def licence_texts(dist: Distribution) -> list[str]:
    texts = []
    for name in dist.metadata.get_all("License-File") or []:
        text = dist.read_text(f"licenses/{name}") or dist.read_text(name)
        if not text:
            continue
        path = common_licence(text)
        texts.append(f"The full text is in {path}." if path else text.strip())
    return texts


def indented(text: str) -> str:
    """Continuation lines as in Debian control-style files: blank lines become " ."."""
    return "\n".join(f" {line}" if line.strip() else " ." for line in text.splitlines())


def python_section() -> str:
    version = sysconfig.get_python_version()
    candidates = [
        Path(sysconfig.get_path("stdlib")) / "LICENSE.txt",
        Path(f"/usr/share/doc/python{version}/copyright"),
    ]
    text = next((p.read_text(encoding="utf-8") for p in candidates if p.is_file()), None)
    body = text.strip() if text else "See https://docs.python.org/3/license.html."
    return (
        f"Python {sys.version.split()[0]} (Python Software Foundation)\n"
        f"License: PSF-2.0\n{indented(body)}\n"
    )


def main(output: Path) -> None:
    sections = [HEADER, python_section(), QT]
    for dist in bundled(PACKAGE):
        name, version = dist.metadata["Name"], dist.version
        texts = licence_texts(dist)
        body = "\n\n".join(texts) if texts else "No licence file is shipped with it."
        sections.append(f"{name} {version}\nLicense: {licence_name(dist)}\n{indented(body)}\n")
    output.write_text("\n".join(sections), encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: copyright.py OUTPUT")
    main(Path(sys.argv[1]))
