"""What the frozen console leaves out: Qt parts it never loads, and Linux system libraries.

The spec filters PyInstaller's file lists with :func:`unwanted` before anything is
collected, and ``build.py`` checks the finished build with :func:`unwanted_in_build`.
Plain Python with no imports beyond the standard library: the spec runs it under
PyInstaller, the build script under any Python.

Qt: the console is a widgets application; it needs a windowing platform (xcb, Wayland,
Windows, Cocoa) plus offscreen for ``--self-check``, the SVG icon engine, the image
formats of MMS thumbnails, input methods, the desktop portal's file dialogs, and native
styles. It loads no translation (Qt's own texts stay in English), nothing of QtNetwork,
and no embedded-device plugin (eglfs, linuxfb, vnc, evdev).

Linux system libraries: PyInstaller copies every shared library the program links from
the build machine. Those of the desktop (X11 and xcb, Wayland, fontconfig, D-Bus, GLib,
OpenSSL, the C++ runtime) must come from the installed system instead: a copy from the
build machine can be older than the system's configuration files (fontconfig warns) or
than the graphics drivers the system loads into the process (Mesa needs the system's
libstdc++). The package declares them as dependencies; Python's own runtime libraries
and Qt's stay in the build.
"""

from __future__ import annotations

import re
import sys
from pathlib import PurePath

# Plugin folder -> plugin base names kept (file names without "lib" and the suffix).
KEEP_PLUGINS: dict[str, frozenset[str]] = {
    "platforms": frozenset({"qxcb", "qwayland", "qoffscreen", "qwindows", "qcocoa"}),
    "platformthemes": frozenset({"qxdgdesktopportal"}),
    "platforminputcontexts": frozenset(
        {"composeplatforminputcontextplugin", "ibusplatforminputcontextplugin"}
    ),
    "xcbglintegrations": frozenset({"qxcb-egl-integration", "qxcb-glx-integration"}),
    "wayland-decoration-client": frozenset({"bradient", "adwaita"}),
    "wayland-graphics-integration-client": frozenset({"qt-plugin-wayland-egl"}),
    "wayland-shell-integration": frozenset({"xdg-shell"}),
    "iconengines": frozenset({"qsvgicon"}),
    # PNG and BMP are built into Qt; these are the other image types operators attach.
    "imageformats": frozenset({"qsvg", "qjpeg", "qgif", "qwebp", "qico"}),
    "styles": frozenset({"qmodernwindowsstyle", "qwindowsvistastyle", "qmacstyle"}),
}

# Qt libraries only the dropped plugins use; opengl32sw is Windows' software OpenGL,
# which a widgets application never asks for.
# (Linux and Windows name them Qt6…, macOS's frameworks Qt….)
UNUSED_QT_LIBRARIES = re.compile(
    r"^(lib)?Qt6?(EglFSDeviceIntegration|EglFsKmsSupport|Network|WlShellIntegration)\b"
    r"|^opengl32sw\.dll$",
    re.IGNORECASE,
)

LINUX_SYSTEM_DIRS = ("/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/", "/usr/local/lib/")
# Linked by the program but part of its Python, whichever Python built it.
KEEP_SYSTEM = re.compile(r"^libpython3")

_SUFFIX = re.compile(r"\.(so(\.\d+)*|dll|dylib)$")


def plugin_name(file_name: str) -> str:
    """``libqxcb.so`` -> ``qxcb``; ``qwindows.dll`` -> ``qwindows``."""
    stem = _SUFFIX.sub("", file_name)
    return stem.removeprefix("lib")


def unwanted_qt(destination: str) -> bool:
    """Whether a file at ``destination`` (relative to the build's root) is unused Qt."""
    parts = PurePath(destination.replace("\\", "/")).parts
    # PyInstaller also links some Qt libraries at the top of the build, outside PySide6.
    if any(UNUSED_QT_LIBRARIES.search(part) for part in parts):
        return True
    if "PySide6" not in parts:
        return False
    if "translations" in parts and parts[-1].endswith(".qm"):
        return True
    if "plugins" in parts:
        index = parts.index("plugins")
        if len(parts) < index + 3:
            return False
        folder, name = parts[index + 1], parts[-1]
        return plugin_name(name) not in KEEP_PLUGINS.get(folder, frozenset())
    return False


def linux_system_library(destination: str, source: str) -> bool:
    """A library from the build machine's system that the installed system provides."""
    if not sys.platform.startswith("linux") or "/" in destination.replace("\\", "/"):
        return False
    name = PurePath(destination).name
    return source.startswith(LINUX_SYSTEM_DIRS) and not KEEP_SYSTEM.match(name)


def unwanted(destination: str, source: str = "") -> bool:
    """The spec's filter over PyInstaller's (destination, source, kind) entries."""
    return unwanted_qt(destination) or linux_system_library(destination, source)


def unwanted_in_build(root: PurePath, path: PurePath) -> bool:
    """The build script's check: a file in the finished build that should not be there."""
    return unwanted_qt(str(path.relative_to(root)))
