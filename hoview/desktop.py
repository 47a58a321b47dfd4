"""``hoview --install-desktop-entry``: hoview among the desktop's applications, for one user.

Following the freedesktop.org specifications (Desktop Entry, Icon Theme, Shared MIME
Info, MIME Applications Associations), it installs under ``$XDG_DATA_HOME`` (default
``~/.local/share``):

- ``applications/hoview.desktop``, from ``resources/hoview.desktop``, whose ``Exec``
  names this installation's ``hoview`` by its full path (a virtual environment is not on
  the desktop's ``PATH``);
- ``icons/hicolor/scalable/apps/hoview.svg``;
- ``mime/packages/hoview-dicom.xml``: ``application/dicom`` for ``*.dcm`` and for any file
  with ``DICM`` at byte 128;

and makes hoview the default application for ``application/dicom`` in
``$XDG_CONFIG_HOME/mimeapps.list``, so double-clicking a DICOM file opens it. Where
xdg-utils is installed, ``xdg-mime`` installs the MIME type and sets the default;
otherwise the files are written directly. The caches are refreshed with
``update-mime-database`` and ``update-desktop-database`` when present. Only DICOM's
default changes: the other types the entry lists (PNG, JPEG, TIFF, BMP) offer hoview in
"Open With" and nothing more. ``--uninstall-desktop-entry`` takes it all away.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from hoview.errors import HoviewError
from hoview.paths import resource_path
from hoview.terminal import emit

DESKTOP_FILE = "hoview.desktop"
ICON_FILE = "hoview.svg"
MIME_FILE = "hoview-dicom.xml"
DICOM_MIME = "application/dicom"
MIME_XML = """<?xml version="1.0" encoding="UTF-8"?>
<mime-info xmlns="http://www.freedesktop.org/standards/shared-mime-info">
  <mime-type type="application/dicom">
    <comment>DICOM image</comment>
    <glob pattern="*.dcm"/>
    <magic priority="60">
      <match type="string" offset="128" value="DICM"/>
    </magic>
  </mime-type>
</mime-info>
"""


def data_home() -> Path:
    """Return ``$XDG_DATA_HOME`` (default ``~/.local/share``)."""
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def config_home() -> Path:
    """Return ``$XDG_CONFIG_HOME`` (default ``~/.config``)."""
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")


def launcher() -> str:
    """Return the command line that starts this installation's hoview, quoted for Exec.

    The bundle's launcher names itself in ``$HOVIEW_LAUNCHER``; otherwise the ``hoview``
    script that is running, the one beside this Python, or ``python -m hoview``.
    """
    given = os.environ.get("HOVIEW_LAUNCHER")
    if given and Path(given).is_file():
        return _exec_quote(str(Path(given).resolve()))
    script = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if script is not None and script.name == "hoview" and script.exists():
        return _exec_quote(str(script.resolve()))
    beside = Path(sys.executable).with_name("hoview")
    if beside.exists():
        return _exec_quote(str(beside))
    return f"{_exec_quote(sys.executable)} -m hoview"


def _exec_quote(argument: str) -> str:
    """Quote an argument as the Desktop Entry spec's ``Exec`` key wants."""
    if not any(c in argument for c in " \t\n\"'\\><~|&;$*?#()`"):
        return argument
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in argument)
    return f'"{escaped}"'


def desktop_entry() -> str:
    """Return ``hoview.desktop`` with ``Exec`` and ``Icon`` set for this installation."""
    lines = []
    for line in resource_path(DESKTOP_FILE).read_text(encoding="utf-8").splitlines():
        if line.startswith(("Exec=", "Icon=", "TryExec=")):
            continue
        lines.append(line)
        if line.strip() == "[Desktop Entry]":
            lines += [f"Exec={launcher()} %F", "Icon=hoview"]
    return "\n".join(lines) + "\n"


def install_entry(use_xdg_utils: bool = True) -> list[Path]:
    """Install the desktop entry, icon and DICOM MIME type; return the files written.

    Raises
    ------
    HoviewError
        Naming the folder that cannot be written.
    """
    data = data_home()
    files = [
        data / "applications" / DESKTOP_FILE,
        data / "icons" / "hicolor" / "scalable" / "apps" / ICON_FILE,
        data / "mime" / "packages" / MIME_FILE,
    ]
    xdg = use_xdg_utils and shutil.which("xdg-mime")
    try:
        with tempfile.TemporaryDirectory(prefix="hoview-desktop-") as tmp:
            entry, mime = Path(tmp) / DESKTOP_FILE, Path(tmp) / MIME_FILE
            entry.write_text(desktop_entry(), encoding="utf-8")
            mime.write_text(MIME_XML, encoding="utf-8")
            _copy(resource_path(ICON_FILE), files[1])
            # The entry is copied, not given to xdg-desktop-menu, which would also make
            # hoview the default for every type it lists (PNG, JPEG...), not only DICOM.
            _copy(entry, files[0])
            if xdg:
                _run(["xdg-mime", "install", "--mode", "user", "--novendor", str(mime)])
            else:
                _copy(mime, files[2])
            _refresh(data)
        if xdg:
            _run(["xdg-mime", "default", DESKTOP_FILE, DICOM_MIME])
        else:
            set_default(config_home() / "mimeapps.list", DICOM_MIME, DESKTOP_FILE)
    except OSError as exc:
        raise HoviewError(
            data, f"cannot install the desktop entry ({exc.strerror or exc})"
        ) from exc
    return files


def uninstall_entry(use_xdg_utils: bool = True) -> list[Path]:
    """Remove what :func:`install_entry` put in place; return the files removed."""
    data = data_home()
    files = [
        data / "applications" / DESKTOP_FILE,
        data / "icons" / "hicolor" / "scalable" / "apps" / ICON_FILE,
        data / "mime" / "packages" / MIME_FILE,
    ]
    removed = [f for f in files if f.exists()]
    xdg = use_xdg_utils and shutil.which("xdg-mime")
    if xdg and files[2].exists():
        _run(["xdg-mime", "uninstall", "--mode", "user", str(files[2])], check=False)
    for path in files:
        path.unlink(missing_ok=True)
    _refresh(data)
    for associations in default_lists():
        if associations.exists():
            set_default(associations, DICOM_MIME, None, only_if=DESKTOP_FILE)
    return removed


def default_lists() -> list[Path]:
    """Return the user's files that may name a default application for a MIME type.

    ``mimeapps.list`` in the config folder (the specification's place), and the
    ``mimeapps.list`` and older ``defaults.list`` that xdg-utils also writes in the data
    folder's ``applications``.
    """
    apps = data_home() / "applications"
    return [config_home() / "mimeapps.list", apps / "mimeapps.list", apps / "defaults.list"]


def set_default(mimeapps: Path, mime: str, desktop: str | None, only_if: str | None = None) -> None:
    """Set (or, with ``desktop=None``, remove) ``mime``'s default in a mimeapps.list.

    Other sections and entries are kept. With ``only_if``, the entry is changed only
    when it names that desktop file (uninstall leaves another program's choice alone).
    """
    lines = mimeapps.read_text(encoding="utf-8").splitlines() if mimeapps.exists() else []
    section, start, found = None, None, None
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("["):
            section = stripped
            if section == "[Default Applications]":
                start = i
        elif section == "[Default Applications]" and stripped.split("=", 1)[0] == mime:
            found = i
    if found is not None:
        current = lines[found].split("=", 1)[1].split(";")[0].strip()
        if only_if is not None and current != only_if:
            return
        if desktop is None:
            del lines[found]
        else:
            lines[found] = f"{mime}={desktop};"
    elif desktop is not None:
        if start is None:
            lines += ([""] if lines else []) + ["[Default Applications]"]
            start = len(lines) - 1
        lines.insert(start + 1, f"{mime}={desktop};")
    else:
        return
    mimeapps.parent.mkdir(parents=True, exist_ok=True)
    mimeapps.write_text("\n".join(lines) + "\n", encoding="utf-8")


def run_desktop_entry(install: bool) -> int:
    """Run ``hoview --install-desktop-entry`` (or ``--uninstall-...``); print what it did."""
    if install:
        files = install_entry()
        emit(f"installed the desktop entry: {files[0]}")
        emit(f"DICOM files ({DICOM_MIME}) now open with hoview")
    else:
        removed = uninstall_entry()
        emit(f"removed {len(removed)} file(s); DICOM files no longer open with hoview")
    return 0


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def _refresh(data: Path) -> None:
    """Refresh the user's MIME and desktop caches, where the tools exist."""
    if shutil.which("update-mime-database") and (data / "mime").is_dir():
        _run(["update-mime-database", str(data / "mime")], check=False)
    if shutil.which("update-desktop-database") and (data / "applications").is_dir():
        _run(["update-desktop-database", str(data / "applications")], check=False)


def _run(command: list[str], check: bool = True) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    if check and done.returncode != 0:
        reason = (done.stderr or done.stdout).strip().splitlines()
        raise OSError(
            f"{shlex.join(command[:2])} failed: {reason[-1] if reason else done.returncode}"
        )
