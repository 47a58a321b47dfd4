"""The sidecar file: ``<image file name>.hoview.json`` beside the image.

Where the image's folder cannot be written (a CD, a read-only share), the sidecar lives
in the user's data folder instead (``platformdirs.user_data_dir("hoview")/sidecars``, or
``$HOVIEW_DATA_DIR/sidecars``), named by the image identity; :func:`locate` says where.

Loading validates everything (:mod:`hoview.annotations.codec`) and never writes. Saving
is atomic: the bytes go to a uniquely named temporary file in the same folder
(``.<name>.<pid>.<random>.tmp``), are flushed and fsynced, the previous file is kept as
``<name>.bak``, and ``os.replace`` puts the new one in place, so the sidecar is always
the old or the new version, whatever happens. Temporary files left by a crash are
removed by the next save. A file that changed on disk since it was loaded (content
hash) is never overwritten without ``force=True``.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import tempfile
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hoview.annotations.atomic import digest, remove_stale_temp_files, write_atomic
from hoview.annotations.codec import document_from_json, dumps
from hoview.annotations.errors import (
    SidecarConflictError,
    SidecarError,
    SidecarMismatchError,
    SidecarSyntaxError,
    SidecarTooLargeError,
    SidecarUnreadableError,
    SidecarValidationError,
    SidecarVersionError,
    SidecarWriteError,
)
from hoview.annotations.jsonio import MAX_BYTES, parse
from hoview.annotations.model import AnnotationDocument, check_identity

__all__ = [
    "DiskState",
    "LoadResult",
    "SidecarConflictError",
    "SidecarError",
    "SidecarMismatchError",
    "SidecarSyntaxError",
    "SidecarTooLargeError",
    "SidecarUnreadableError",
    "SidecarValidationError",
    "SidecarVersionError",
    "SidecarWriteError",
    "data_dir",
    "fallback_path",
    "load",
    "load_sidecar",
    "locate",
    "open_annotations",
    "save",
    "save_path",
    "sidecar_path",
]

#: What a sidecar's file name adds to the image's.
SUFFIX = ".hoview.json"
#: Environment variable that moves the user data folder (tests, portable installs).
DATA_DIR_ENV = "HOVIEW_DATA_DIR"
_PLAIN_NAME = re.compile(r"[^/\\:\x00-\x1f]{1,255}")


@dataclass(frozen=True)
class DiskState:
    """What a document knows about its file, kept in ``document.disk_state``.

    Attributes
    ----------
    path : pathlib.Path
        The file loaded from or last saved to (absolute).
    sha256 : str or None
        SHA-256 of its bytes then; ``None`` if they could not be read.
    readable : bool
        ``False`` when the file could not be loaded: saving over it needs ``force``.
    """

    path: Path
    sha256: str | None
    readable: bool = True


@dataclass(frozen=True)
class LoadResult:
    """What :func:`open_annotations` found.

    Attributes
    ----------
    document : AnnotationDocument
        The annotations, or an empty document when there were none or they were invalid.
    path : pathlib.Path or None
        The sidecar read, or ``None`` when the image has none yet.
    error : SidecarError or None
        Why the sidecar could not be loaded; it is left untouched, and saving over it
        raises :class:`SidecarUnreadableError` unless forced.
    """

    document: AnnotationDocument
    path: Path | None
    error: SidecarError | None = None


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
    if not fallback.is_file():
        return beside if beside.is_file() else None
    if not beside.is_file() or not _folder_writable(beside.parent):
        return fallback
    return beside


def save_path(image_path: str | Path, identity: Any) -> Path:
    """Return where :func:`save` would write the sidecar of this image now."""
    beside = sidecar_path(image_path)
    return beside if _folder_writable(beside.parent) else fallback_path(identity)


def _absolute(path: Path) -> Path:
    return Path(os.path.abspath(path))


def _folder_writable(folder: Path) -> bool:
    """Whether a file can really be created in ``folder`` (tried, not guessed).

    Permission bits do not tell (root ignores them; shares and CDs lie), so this
    creates and removes a small probe file.
    """
    try:
        fd, name = tempfile.mkstemp(prefix=".hoview-probe-", dir=folder)
    except OSError:
        return False
    os.close(fd)
    with suppress(OSError):
        os.unlink(name)
    return True


def _read(path: Path) -> bytes:
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size > MAX_BYTES:
                raise SidecarTooLargeError(
                    path, f"{size:,} bytes is far larger than any sidecar (limit {MAX_BYTES:,})"
                )
            return f.read(MAX_BYTES + 1)
    except OSError as exc:
        raise SidecarError(path, f"cannot read the sidecar ({exc.strerror or exc})") from None


def load_sidecar(path: str | Path, identity: Any = None) -> AnnotationDocument:
    """Load and check one sidecar file.

    Parameters
    ----------
    path : str or pathlib.Path
        The ``.hoview.json`` file.
    identity : mapping or None
        The image's identity (``ImageSource.identity``); ``None`` skips the check that
        the sidecar belongs to the image (e.g. to list a sidecar on its own).

    Returns
    -------
    AnnotationDocument
        With ``disk_state`` set, so :func:`save` can tell if the file changed since.

    Raises
    ------
    SidecarError
        A subclass saying what is wrong, naming the file and the failing item.
    """
    path = Path(path)
    raw = _read(path)
    document = document_from_json(parse(raw, path), identity, path)
    document.disk_state = DiskState(_absolute(path), hashlib.sha256(raw).hexdigest())
    return document


def load(image_path: str | Path, identity: Any) -> AnnotationDocument:
    """Load an image's annotations, or return a new document if it has none.

    Raises
    ------
    SidecarError
        If the sidecar exists but cannot be used (see :func:`open_annotations` for the
        variant that opens the image anyway).
    """
    path = locate(image_path, identity)
    if path is None:
        return AnnotationDocument(identity)
    return load_sidecar(path, identity)


def open_annotations(image_path: str | Path, identity: Any) -> LoadResult:
    """Load an image's annotations without raising for a bad sidecar.

    A sidecar that cannot be used gives an empty document, the error to show, and a
    ``disk_state`` that stops :func:`save` from overwriting the file unless forced.
    """
    path = locate(image_path, identity)
    if path is None:
        return LoadResult(AnnotationDocument(identity), None)
    try:
        return LoadResult(load_sidecar(path, identity), path)
    except SidecarError as exc:
        document = AnnotationDocument(identity)
        document.disk_state = DiskState(_absolute(path), None, readable=False)
        return LoadResult(document, path, exc)


def save(document: AnnotationDocument, image_path: str | Path, *, force: bool = False) -> Path:
    """Write the document's sidecar atomically and return where it went.

    Parameters
    ----------
    document : AnnotationDocument
        What to save; its ``disk_state`` is updated.
    image_path : str or pathlib.Path
        The image the annotations belong to; the sidecar goes beside it, or to the
        user data folder when its folder cannot be written.
    force : bool
        Overwrite even a file that changed on disk or could not be loaded (it is kept
        as the ``.bak`` backup).

    Raises
    ------
    SidecarConflictError
        The file changed on disk since it was loaded (or appeared since); untouched.
    SidecarUnreadableError
        The file could not be loaded; untouched.
    SidecarWriteError
        The operating system refused (disk full...); the old file is untouched.
    """
    image_path = Path(image_path)
    name = image_path.name
    data = dumps(
        document, name if _PLAIN_NAME.fullmatch(name) and name not in (".", "..") else None
    )
    target = _absolute(sidecar_path(image_path))
    if _folder_writable(target.parent):
        try:
            return _save_to(document, target, data, force)
        except PermissionError:
            pass
        except OSError as exc:
            if exc.errno != errno.EROFS:
                raise SidecarWriteError(target, f"cannot write ({exc.strerror or exc})") from None
    target = _absolute(fallback_path(document.identity))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        return _save_to(document, target, data, force)
    except OSError as exc:
        raise SidecarWriteError(target, f"cannot write ({exc.strerror or exc})") from None


def _save_to(document: AnnotationDocument, target: Path, data: bytes, force: bool) -> Path:
    remove_stale_temp_files(target)
    current = digest(target)
    state = document.disk_state
    if current is not None and not force:
        if state is not None and state.path == target and not state.readable:
            raise SidecarUnreadableError(
                target,
                "the annotations in this file could not be loaded, so saving would lose "
                "them: fix or remove the file first (or save with force)",
            )
        if state is None or state.path != target or state.sha256 != current:
            raise SidecarConflictError(
                target,
                "changed on disk since the annotations were loaded: reload it, or save "
                "with force to overwrite (the other version is kept as the backup)",
            )
    write_atomic(target, data, backup=current is not None)
    document.disk_state = DiskState(target, hashlib.sha256(data).hexdigest())
    return target
