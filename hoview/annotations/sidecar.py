"""The sidecar file: ``<image file name>.hoview.json`` beside the image.

Where the image's folder cannot be written (a CD, a read-only share), the sidecar lives
in the user's data folder instead (``platformdirs.user_data_dir("hoview")/sidecars``, or
``$HOVIEW_DATA_DIR/sidecars``), named by the image identity; :func:`locate` says where.

Loading validates everything (:mod:`hoview.annotations.codec`). Saving is atomic: the
bytes go to a uniquely named temporary file in the same folder
(``.<name>.<pid>.<random>.tmp``), are flushed and fsynced, the previous file is kept as
``<name>.bak``, and ``os.replace`` puts the new one in place, so the sidecar is always
the old or the new version, whatever happens. Temporary files left by a crash are
removed by the next save. A file that changed on disk since it was loaded (content
hash) is never overwritten without ``force=True``.

Several writers. Every save holds the sidecar's advisory lock
(:mod:`hoview.annotations.lock`, ``.<name>.lock``, at most 10 s of waiting) from the
"changed on disk?" check to the rename, so two saves never interleave. :func:`update`
(``hoview annotate``) re-reads the sidecar under the lock and applies its edit there:
concurrent commands never lose or refuse an edit. The viewer merges by annotation id
(:mod:`hoview.annotations.merge`).

Read-only, then writable again. When the image's folder can be written and a sidecar
from the user data folder exists too (saved while the folder was read-only), both are
loaded and merged (:func:`~hoview.annotations.merge.union`: every id, the later
``modified`` wins). :func:`open_annotations` and :func:`update` write the merge beside
the image at once and then remove the fallback file (only after that write succeeded,
and only if nobody changed it meanwhile) and say so in a notice; :func:`load` merges in
memory, and the next :func:`save` of that document does the same.

Odd paths (:mod:`hoview.annotations.file_kinds`). A sidecar that is a FIFO, a device or
a socket is refused at once (never opened in a way that blocks). A sidecar that is a
symbolic link stays a link: the file it points to is written atomically in its own
folder (temporary file and backup beside the target); a link to anything but a regular
file is refused. A ``.bak`` that is a symbolic link is replaced, never followed.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from hoview.annotations import sidecar_places as places
from hoview.annotations.atomic import digest, remove_stale_temp_files, write_atomic
from hoview.annotations.codec import document_from_json, dumps
from hoview.annotations.errors import (
    SidecarConflictError,
    SidecarError,
    SidecarLockError,
    SidecarMismatchError,
    SidecarPathError,
    SidecarSyntaxError,
    SidecarTooLargeError,
    SidecarUnreadableError,
    SidecarValidationError,
    SidecarVersionError,
    SidecarWriteError,
)
from hoview.annotations.file_kinds import open_regular, real_file
from hoview.annotations.jsonio import MAX_BYTES, parse
from hoview.annotations.lock import sidecar_lock
from hoview.annotations.merge import Snapshot, union
from hoview.annotations.model import AnnotationDocument
from hoview.annotations.sidecar_places import (
    DATA_DIR_ENV,
    SUFFIX,
    data_dir,
    fallback_path,
    locate,
    save_path,
    sidecar_path,
)

__all__ = [
    "DATA_DIR_ENV",
    "SUFFIX",
    "DiskState",
    "LoadResult",
    "SidecarConflictError",
    "SidecarError",
    "SidecarLockError",
    "SidecarMismatchError",
    "SidecarPathError",
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
    "update",
]

_PLAIN_NAME = re.compile(r"[^/\\:\x00-\x1f]{1,255}")
T = TypeVar("T")


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
    merged_fallback : (pathlib.Path, str) or None
        A sidecar from the user data folder (and its SHA-256) merged into this
        document; the next save beside the image removes it if it is unchanged.
    """

    path: Path
    sha256: str | None
    readable: bool = True
    merged_fallback: tuple[Path, str] | None = None


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
    notice : str
        Something the user should be told once, e.g. that annotations saved in the
        user data folder while the image's folder was read-only were merged back;
        ``""`` when there is nothing to tell.
    """

    document: AnnotationDocument
    path: Path | None
    error: SidecarError | None = None
    notice: str = ""


def _read(path: Path) -> bytes:
    try:
        with os.fdopen(open_regular(path), "rb") as f:
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
        The ``.hoview.json`` file (a symbolic link to one is followed).
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
        A subclass saying what is wrong, naming the file and the failing item
        (:class:`SidecarPathError` for a FIFO, a device or a link to one).
    """
    path = Path(path)
    raw = _read(real_file(path))
    document = document_from_json(parse(raw, path), identity, path)
    document.disk_state = DiskState(places.absolute(path), hashlib.sha256(raw).hexdigest())
    return document


def _load(image_path: Path, identity: Any) -> tuple[AnnotationDocument, Path | None, str]:
    """Return the document, the sidecar it came from, and a notice (a merged fallback)."""
    beside = places.absolute(sidecar_path(image_path))
    fallback = places.absolute(fallback_path(identity))
    if places.exists(fallback) and places.folder_writable(real_file(beside).parent):
        document, notice = _merge_fallback(beside, fallback, identity)
        return document, beside, notice
    path = locate(image_path, identity)
    if path is None:
        return AnnotationDocument(identity), None, ""
    return load_sidecar(path, identity), path, ""


def _merge_fallback(beside: Path, fallback: Path, identity: Any) -> tuple[AnnotationDocument, str]:
    """Merge the user data folder's sidecar into the one beside the image (in memory)."""
    moved = load_sidecar(fallback, identity)
    merged_fallback = (fallback, moved.disk_state.sha256)
    if not places.exists(beside):
        moved.disk_state = DiskState(beside, None, merged_fallback=merged_fallback)
        return moved, (
            f"{fallback}: annotations saved here while {beside.parent} could not be written "
            f"are moved to {beside.name}"
        )
    here = load_sidecar(beside, identity)
    pair = (here, moved)
    with suppress(OSError):
        if os.stat(real_file(beside)).st_mtime > os.stat(real_file(fallback)).st_mtime:
            pair = (moved, here)
    merged = union(Snapshot.of(pair[0]), Snapshot.of(pair[1]))
    new = sum(1 for a in merged.annotations if a.id not in here or here.get(a.id) != a)
    document = AnnotationDocument(
        identity, merged.layers, merged.annotations, merged.view, merged.extra
    )
    document.disk_state = DiskState(beside, here.disk_state.sha256, merged_fallback=merged_fallback)
    return document, (
        f"{fallback}: {new} annotation(s) saved here while {beside.parent} could not be "
        f"written are merged into {beside.name}"
    )


def load(image_path: str | Path, identity: Any) -> AnnotationDocument:
    """Load an image's annotations, or return a new document if it has none.

    Writes nothing: a sidecar from the user data folder is merged in memory (see the
    module notes); the next :func:`save` writes the merge and removes it.

    Raises
    ------
    SidecarError
        If the sidecar exists but cannot be used (see :func:`open_annotations` for the
        variant that opens the image anyway).
    """
    return _load(Path(image_path), identity)[0]


def open_annotations(image_path: str | Path, identity: Any) -> LoadResult:
    """Load an image's annotations without raising for a bad sidecar.

    A sidecar that cannot be used gives an empty document, the error to show, and a
    ``disk_state`` that stops :func:`save` from overwriting the file unless forced.
    A sidecar from the user data folder, now that the image's folder can be written,
    is merged and written beside the image at once; ``notice`` says so.
    """
    image_path = Path(image_path)
    try:
        document, path, notice = _load(image_path, identity)
    except SidecarError as exc:
        path = exc.path if exc.path is not None else locate(image_path, identity)
        document = AnnotationDocument(identity)
        if path is not None:
            document.disk_state = DiskState(places.absolute(path), None, readable=False)
        return LoadResult(document, path, exc)
    state = document.disk_state
    if state is not None and state.merged_fallback is not None:
        try:
            path = save(document, image_path)
        except SidecarError as exc:
            notice += f", but could not be written yet: {exc}"
        else:
            gone = not places.exists(state.merged_fallback[0])
            notice += "; the copy in the user data folder is removed" if gone else ""
    return LoadResult(document, path, None, notice)


def _encode(document: AnnotationDocument, image_path: Path) -> bytes:
    name = image_path.name
    plain = _PLAIN_NAME.fullmatch(name) and name not in (".", "..")
    return dumps(document, name if plain else None)


def _at_save_place(image_path: Path, identity: Any, action: Callable[[Path], T]) -> T:
    """Run ``action(sidecar)`` holding the lock of the sidecar :func:`save` writes.

    Beside the image if its folder can be written (for a symbolic link: the folder of
    the file it points to), else in the user data folder.
    """
    beside = places.absolute(sidecar_path(image_path))
    if places.folder_writable(real_file(beside).parent):
        try:
            with sidecar_lock(real_file(beside)):
                return action(beside)
        except PermissionError:
            pass
        except OSError as exc:
            if exc.errno != errno.EROFS:
                raise SidecarWriteError(beside, f"cannot write ({exc.strerror or exc})") from None
    fallback = places.absolute(fallback_path(identity))
    try:
        fallback.parent.mkdir(parents=True, exist_ok=True)
        with sidecar_lock(real_file(fallback)):
            return action(fallback)
    except OSError as exc:
        raise SidecarWriteError(fallback, f"cannot write ({exc.strerror or exc})") from None


def save(document: AnnotationDocument, image_path: str | Path, *, force: bool = False) -> Path:
    """Write the document's sidecar atomically and return where it went.

    The sidecar's lock is held from the check for changes on disk to the rename.

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
    SidecarLockError
        Another program held the lock for too long; untouched.
    SidecarPathError
        The sidecar is a FIFO, a device, or a link to one; untouched.
    SidecarWriteError
        The operating system refused (disk full...); the old file is untouched.
    """
    image_path = Path(image_path)
    data = _encode(document, image_path)
    return _at_save_place(
        image_path, document.identity, lambda target: _save_to(document, target, data, force)
    )


def update(
    image_path: str | Path,
    identity: Any,
    edit: Callable[[AnnotationDocument], T],
    notify: Callable[[str], None] | None = None,
) -> tuple[Path, T]:
    """Apply ``edit`` to the sidecar as it is on disk now, and save, under its lock.

    What ``hoview annotate`` does: another program's changes saved meanwhile are read
    first, so nothing is lost and nothing is refused as a conflict.

    Parameters
    ----------
    image_path : str or pathlib.Path
        The image.
    identity : mapping
        Its identity (``ImageSource.identity``).
    edit : callable
        ``edit(document)`` changes the document (and returns anything); if it raises,
        nothing is written.
    notify : callable, optional
        Called with a one-line notice (a sidecar from the user data folder merged).

    Returns
    -------
    (pathlib.Path, object)
        Where the sidecar was written, and what ``edit`` returned.

    Raises
    ------
    SidecarError
        As :func:`save`, or if the sidecar on disk cannot be read (untouched).
    """
    image_path = Path(image_path)
    beside = places.absolute(sidecar_path(image_path))
    fallback = places.absolute(fallback_path(identity))

    def action(target: Path) -> tuple[Path, T]:
        notice = ""
        if target == beside and places.exists(fallback):
            document, notice = _merge_fallback(beside, fallback, identity)
        elif places.exists(target):
            document = load_sidecar(target, identity)
        else:
            document = AnnotationDocument(identity)
        result = edit(document)
        written = _save_to(document, target, _encode(document, image_path), False)
        if notice and notify is not None:
            gone = not places.exists(fallback)
            notify(notice + ("; the copy in the user data folder is removed" if gone else ""))
        return written, result

    return _at_save_place(image_path, identity, action)


def _save_to(document: AnnotationDocument, target: Path, data: bytes, force: bool) -> Path:
    """Check and write, the caller holding the lock of ``target``."""
    real = real_file(target)
    remove_stale_temp_files(real)
    current = digest(real)
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
    write_atomic(real, data, backup=current is not None)
    document.disk_state = DiskState(target, hashlib.sha256(data).hexdigest())
    if state is not None and state.merged_fallback is not None:
        if target != state.merged_fallback[0]:
            _remove_merged(*state.merged_fallback)
    return target


def _remove_merged(fallback: Path, sha256: str) -> None:
    """Remove a merged sidecar of the user data folder if nobody changed it since."""
    with suppress(OSError, SidecarError), sidecar_lock(real_file(fallback), timeout=2.0):
        if digest(real_file(fallback)) == sha256:
            os.unlink(fallback)
