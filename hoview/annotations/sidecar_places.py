"""Where an image's sidecar is: beside the image, or in the user's data folder.

Beside the image: ``<image file name>.hoview.json``. Where the image's folder cannot be
written (a CD, a read-only share), the sidecar lives in the user's data folder instead
(``platformdirs.user_data_dir("hoview")/sidecars``, or ``$HOVIEW_DATA_DIR/sidecars``),
named by the image identity. Images in the DICOMweb cache (:mod:`hoview.pacs`) always
keep theirs in the user data folder: eviction deletes the cached files. Nothing here
reads or writes a sidecar.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from contextlib import suppress
from pathlib import Path
from typing import Any

from hoview.annotations.model import check_identity

__all__ = [
    "DATA_DIR_ENV",
    "SUFFIX",
    "absolute",
    "data_dir",
    "exists",
    "fallback_path",
    "folder_writable",
    "locate",
    "save_path",
    "sidecar_path",
]

#: What a sidecar's file name adds to the image's.
SUFFIX = ".hoview.json"
#: Environment variable that moves the user data folder (tests, portable installs).
DATA_DIR_ENV = "HOVIEW_DATA_DIR"


def sidecar_path(image_path: str | Path) -> Path:
    """Return the sidecar's place beside the image (``pelvis.dcm.hoview.json``)."""
    image_path = Path(image_path)
    return image_path.with_name(image_path.name + SUFFIX)


def data_dir() -> Path:
    """Return the user's hoview data folder (``$HOVIEW_DATA_DIR`` if set)."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir("hoview", appauthor=False))


def fallback_path(identity: Any) -> Path:
    """Return where the sidecar goes when the image's folder cannot be written.

    Named by the image identity: ``sidecars/sop-<SOP Instance UID>.hoview.json`` or
    ``sidecars/sha256-<hex>.hoview.json`` in :func:`data_dir`.
    """
    identity = check_identity(identity)
    uid = identity.get("sop_instance_uid")
    if uid is not None:
        plain = re.fullmatch(r"[0-9][0-9.]*", uid)
        key = uid if plain else hashlib.sha256(uid.encode()).hexdigest()
        name = f"sop-{key}"
    else:
        name = f"sha256-{identity['sha256']}"
    return data_dir() / "sidecars" / (name + SUFFIX)


def locate(image_path: str | Path, identity: Any) -> Path | None:
    """Return where the sidecar of an image is, or ``None`` if it has none yet.

    Beside the image, or in the user data folder (see :func:`fallback_path`); when both
    exist, the one :func:`save` would write wins: beside the image if its folder can be
    written, else the fallback.
    """
    beside = sidecar_path(image_path)
    fallback = fallback_path(identity)
    if not exists(fallback):
        return beside if exists(beside) else None
    if not exists(beside) or not folder_writable(beside.parent):
        return fallback
    return beside


def exists(path: Path) -> bool:
    """Whether anything is at ``path``: a FIFO or a dangling link counts (and is refused)."""
    return os.path.lexists(path)


def save_path(image_path: str | Path, identity: Any) -> Path:
    """Return where :func:`save` would write the sidecar of this image now."""
    beside = sidecar_path(image_path)
    return beside if folder_writable(beside.parent) else fallback_path(identity)


def absolute(path: Path) -> Path:
    """Return ``path`` made absolute without resolving symbolic links."""
    return Path(os.path.abspath(path))


def folder_writable(folder: Path) -> bool:
    """Whether a file can really be created in ``folder`` (tried, not guessed).

    Permission bits do not tell (root ignores them; shares and CDs lie), so this
    creates and removes a small probe file. A folder of the DICOMweb cache counts as
    not writable: eviction deletes it, with any sidecar beside its images.
    """
    from hoview.paths import in_dicomweb_cache

    if in_dicomweb_cache(folder):
        return False
    try:
        fd, name = tempfile.mkstemp(prefix=".hoview-probe-", dir=folder)
    except OSError:
        return False
    os.close(fd)
    with suppress(OSError):
        os.unlink(name)
    return True
