"""``hoview doctor``: what this installation has, for a bug report.

Versions of hoview, Python and the libraries it uses; the DICOM decoders installed for
each compressed transfer syntax and the one hoview chooses; whether Qt's platform
plugin can open a window; hoview's data, cache and config folders; and the outside
programs some features and the tests use (DCMTK, dicom3tools, LibreOffice, xdg-utils).
Nothing here identifies a patient or the user: the home folder is written ``~``.
"""

from __future__ import annotations

import os
import platform
import shutil
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

#: Distributions whose versions a report shows, in this order.
DISTRIBUTIONS = (
    "hoview",
    "pydicom",
    "numpy",
    "pillow",
    "PySide6-Essentials",
    "pylibjpeg",
    "pylibjpeg-libjpeg",
    "pylibjpeg-openjpeg",
    "pylibjpeg-rle",
    "pyjpegls",
    "python-gdcm",
    "highdicom",
    "dicomweb-client",
    "python-pptx",
    "jsonschema",
)
#: Outside programs: (package, programs, what uses them).
PROGRAMS = (
    (
        "DCMTK",
        ("dcmdump", "dcmj2pnm", "dcmpschk", "dcmp2pgm"),
        "tests: reference renderer, GSPS checks",
    ),
    ("dicom3tools", ("dciodvfy",), "tests: DICOM object verification"),
    ("LibreOffice", ("soffice",), "tests: opening lecture decks"),
    ("xdg-utils", ("xdg-mime", "xdg-desktop-menu"), "--install-desktop-entry"),
    ("Orthanc", ("Orthanc",), "tests: a real PACS"),
)


def tidy_path(path: Path | str) -> str:
    """Write ``path`` with the home folder as ``~`` (no user name in a bug report)."""
    text = str(path)
    home = str(Path.home())
    if home not in ("", "/") and (text == home or text.startswith(home + os.sep)):
        return "~" + text[len(home) :]
    return text


def versions() -> dict[str, str]:
    """Return Python's, the OS's and each distribution's version ("missing" if absent)."""
    found = {
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }
    for name in DISTRIBUTIONS:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "missing"
    try:
        from PySide6 import QtCore

        found["Qt"] = QtCore.qVersion()
    except ImportError as exc:
        found["Qt"] = f"cannot load ({exc})"
    return found


def decoders() -> list[dict[str, Any]]:
    """Return, per compressed transfer syntax, the installed decoders and the choice."""
    from pydicom.uid import UID

    from hoview.sources.decoders import PREFERRED_PLUGINS, plugins_for

    rows = []
    for syntax in PREFERRED_PLUGINS:
        installed = list(plugins_for(syntax))
        rows.append(
            {
                "transfer_syntax": UID(syntax).name,
                "keyword": UID(syntax).keyword,
                "uid": str(syntax),
                "installed": installed,
                "chosen": installed[0] if installed else None,
            }
        )
    return rows


def qt_platform() -> dict[str, Any]:
    """Return the platform plugin check (:mod:`hoview.qt_preflight`) as data."""
    from hoview.qt_preflight import check_platform

    check = check_platform()
    return {
        "platform": check.platform,
        "plugin": tidy_path(check.plugin) if check.plugin else None,
        "missing_libraries": check.missing,
        "display": check.display,
        "window_can_open": check.ok,
        "problem": check.problem,
    }


def folders() -> dict[str, str]:
    """Return hoview's user data, cache and config folders."""
    from hoview.annotations.sidecar_places import data_dir
    from hoview.paths import config_dir, dicomweb_cache_root

    return {
        "data": tidy_path(data_dir()),
        "cache": tidy_path(dicomweb_cache_root()),
        "config": tidy_path(config_dir()),
    }


def programs() -> list[dict[str, Any]]:
    """Return each outside program suite: found or not, where, and what uses it."""
    rows = []
    for name, commands, used_by in PROGRAMS:
        where = {command: shutil.which(command) for command in commands}
        rows.append(
            {
                "name": name,
                "present": all(where.values()),
                "missing": [c for c, p in where.items() if p is None],
                "used_by": used_by,
            }
        )
    return rows


def report() -> dict[str, Any]:
    """Return the whole report as JSON-ready data."""
    return {
        "versions": versions(),
        "decoders": decoders(),
        "qt": qt_platform(),
        "folders": folders(),
        "programs": programs(),
        "executable": tidy_path(sys.executable),
    }


def format_report(data: dict[str, Any]) -> str:
    """Return the report as a short text table."""
    lines = ["hoview doctor", "", "Versions"]
    lines += [f"  {name:<20} {version}" for name, version in data["versions"].items()]
    lines += ["", "Decoders (transfer syntax: chosen; also installed)"]
    for row in data["decoders"]:
        others = ", ".join(row["installed"][1:]) or "-"
        lines.append(f"  {row['keyword']:<26} {row['chosen'] or 'NONE':<10} {others}")
    qt = data["qt"]
    state = "can open a window" if qt["window_can_open"] else qt["problem"]
    lines += ["", "Qt platform", f"  {qt['platform']:<20} {state}"]
    lines += ["", "Folders"] + [f"  {k:<20} {v}" for k, v in data["folders"].items()]
    lines += ["", "Programs"]
    for row in data["programs"]:
        state = "present" if row["present"] else "missing " + ", ".join(row["missing"])
        lines.append(f"  {row['name']:<20} {state:<28} {row['used_by']}")
    lines.append(f"\nPython: {data['executable']}")
    return "\n".join(lines)
