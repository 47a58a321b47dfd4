"""Before the window: check that Qt's platform plugin can load and a display exists.

Qt 6 answers a missing X library (``libxcb-cursor0`` on a fresh Debian or Ubuntu) with
a multi-line message and an abort. hoview asks first, without importing Qt: it finds the
platform plugin Qt would load (``QT_QPA_PLATFORM``, else Wayland in a Wayland session
when the plugin is there, else xcb), lists the shared libraries the plugin needs that
the dynamic loader cannot find (``ldd``), and turns what is missing into one line naming
the libraries and the command that installs them.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

#: Library name prefix -> (Debian/Ubuntu package, Fedora package).
PACKAGES: dict[str, tuple[str, str]] = {
    "libxcb-cursor.so": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-keysyms.so": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-image.so": ("libxcb-image0", "xcb-util-image"),
    "libxcb-render-util.so": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-shape.so": ("libxcb-shape0", "libxcb"),
    "libxcb-randr.so": ("libxcb-randr0", "libxcb"),
    "libxcb-xkb.so": ("libxcb-xkb1", "libxcb"),
    "libxcb-xinput.so": ("libxcb-xinput0", "libxcb"),
    "libxcb-sync.so": ("libxcb-sync1", "libxcb"),
    "libxcb-xfixes.so": ("libxcb-xfixes0", "libxcb"),
    "libxcb-shm.so": ("libxcb-shm0", "libxcb"),
    "libxcb-render.so": ("libxcb-render0", "libxcb"),
    "libxcb.so": ("libxcb1", "libxcb"),
    "libxkbcommon-x11.so": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libxkbcommon.so": ("libxkbcommon0", "libxkbcommon"),
    "libX11-xcb.so": ("libx11-xcb1", "libX11-xcb"),
    "libX11.so": ("libx11-6", "libX11"),
    "libSM.so": ("libsm6", "libSM"),
    "libICE.so": ("libice6", "libICE"),
    "libEGL.so": ("libegl1", "libglvnd-egl"),
    "libGL.so": ("libgl1", "libglvnd-glx"),
    "libOpenGL.so": ("libopengl0", "libglvnd-opengl"),
    "libfontconfig.so": ("libfontconfig1", "fontconfig"),
    "libfreetype.so": ("libfreetype6", "freetype"),
    "libdbus-1.so": ("libdbus-1-3", "dbus-libs"),
    "libglib-2.0.so": ("libglib2.0-0", "glib2"),
    "libgthread-2.0.so": ("libglib2.0-0", "glib2"),
    "libwayland-client.so": ("libwayland-client0", "libwayland-client"),
    "libwayland-cursor.so": ("libwayland-cursor0", "libwayland-cursor"),
    "libwayland-egl.so": ("libwayland-egl1", "libwayland-egl"),
}
#: Platforms that draw without a display (tests, servers).
HEADLESS = frozenset({"offscreen", "minimal", "vnc", "linuxfb", "eglfs"})
_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found", re.M)


@dataclass
class PlatformCheck:
    """What :func:`check_platform` found.

    Attributes
    ----------
    platform : str
        The platform plugin Qt would load (``xcb``, ``wayland``, ``offscreen`` ...).
    plugin : pathlib.Path or None
        Its shared library, ``None`` if not found.
    missing : list of str
        Libraries the plugin needs that the loader cannot find.
    display : str or None
        The display the window would open on (``$DISPLAY`` / ``$WAYLAND_DISPLAY``);
        ``None`` when there is none (and one is needed).
    problem : str or None
        One line for the user when the window cannot open; ``None`` when it can.
    """

    platform: str
    plugin: Path | None
    missing: list[str] = field(default_factory=list)
    display: str | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the window can open."""
        return self.problem is None


def qt_plugin_folder() -> Path | None:
    """Return the folder of Qt's platform plugins (without importing Qt), if found."""
    override = os.environ.get("QT_QPA_PLATFORM_PLUGIN_PATH")
    if override:
        return Path(override.split(os.pathsep)[0])
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    for root in spec.submodule_search_locations:
        folder = Path(root) / "Qt" / "plugins" / "platforms"
        if folder.is_dir():
            return folder
    return None


def chosen_platform(plugins: Path | None) -> str:
    """Return the platform Qt would pick: ``QT_QPA_PLATFORM``, Wayland, else xcb."""
    asked = os.environ.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()
    if asked:
        return asked
    wayland = plugins is not None and (plugins / "libqwayland.so").exists()
    if wayland and os.environ.get("WAYLAND_DISPLAY"):
        return "wayland"
    return "xcb"


def missing_libraries(library: Path) -> list[str]:
    """Return the shared libraries ``library`` needs that the dynamic loader cannot find.

    Asks ``ldd`` (all of them, transitively); without ``ldd``, loads the library and
    reports the one the loader names.
    """
    ldd = shutil.which("ldd")
    if ldd is not None:
        try:
            done = subprocess.run([ldd, str(library)], capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.SubprocessError):
            done = None
        if done is not None and (done.returncode == 0 or _NOT_FOUND.search(done.stdout)):
            return sorted(set(_NOT_FOUND.findall(done.stdout)))
    import ctypes

    try:
        ctypes.CDLL(str(library), mode=getattr(os, "RTLD_LAZY", 1))
    except OSError as exc:
        named = re.match(r"([^:\s]+\.so[.\d]*)", str(exc))
        return [named.group(1)] if named and named.group(1) != str(library) else [str(exc)]
    return []


def check_platform() -> PlatformCheck:
    """Check, without importing Qt, that the viewer's window can open.

    Returns
    -------
    PlatformCheck
        With ``problem`` set to one line when it cannot: no display, no plugin, or
        the plugin's missing libraries and the command that installs them.
    """
    folder = qt_plugin_folder()
    platform = chosen_platform(folder)
    plugin = folder / f"libq{platform}.so" if folder is not None else None
    if plugin is not None and not plugin.exists():
        plugin = None
    check = PlatformCheck(platform, plugin)
    if platform in HEADLESS:
        check.display = platform
    elif platform == "wayland":
        check.display = os.environ.get("WAYLAND_DISPLAY") or None
    else:
        check.display = os.environ.get("DISPLAY") or None
    if plugin is None:
        check.problem = (
            f"Qt's {platform!r} platform plugin is not installed "
            "(reinstall PySide6, or choose another with QT_QPA_PLATFORM)"
        )
        return check
    check.missing = missing_libraries(plugin)
    if check.missing:
        check.problem = (
            f"Qt cannot open a window: its {platform} plugin needs "
            f"{', '.join(check.missing)}; {install_hint(check.missing)}"
        )
    elif check.display is None:
        variable = "WAYLAND_DISPLAY" if platform == "wayland" else "DISPLAY"
        check.problem = (
            f"no display to open a window on ({variable} is not set): run hoview in a "
            "desktop session, or use `hoview render` and `hoview info` on the command line"
        )
    return check


def install_hint(missing: list[str]) -> str:
    """Return "install them with: ..." for this system's package manager."""
    debian = sorted({_package(name, 0) for name in missing})
    fedora = sorted({_package(name, 1) for name in missing})
    like = _os_family()
    commands = []
    if like in ("debian", ""):
        commands.append(f"sudo apt-get install {' '.join(debian)} (Debian, Ubuntu)")
    if like in ("fedora", ""):
        commands.append(f"sudo dnf install {' '.join(fedora)} (Fedora)")
    return "install with: " + " or ".join(commands)


def _package(library: str, column: int) -> str:
    for prefix, names in sorted(PACKAGES.items(), key=lambda kv: -len(kv[0])):
        if library.startswith(prefix):
            return names[column]
    return library


def _os_family() -> str:
    """Return "debian", "fedora" or "" (unknown), from ``/etc/os-release``."""
    try:
        text = Path("/etc/os-release").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    fields = dict(
        line.split("=", 1) for line in text.splitlines() if "=" in line and not line.startswith("#")
    )
    words = " ".join(fields.get(k, "").strip('"').lower() for k in ("ID", "ID_LIKE")).split()
    if {"debian", "ubuntu"} & set(words):
        return "debian"
    if {"fedora", "rhel", "centos"} & set(words):
        return "fedora"
    return ""
