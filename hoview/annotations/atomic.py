"""Atomic file replacement with a backup, and cleanup after a crash.

The new bytes go to ``.<name>.<pid>.<random>.tmp`` in the target's folder, are flushed
and fsynced, the current file is kept as ``<name>.bak`` (a hard link, else a copy), and
``os.replace`` swaps the new file in: a reader, or a process killed at any moment,
sees the old file or the new one, never a mixture. The pid in a temporary file's name
lets the next save remove what a dead process left behind.

A ``<name>.bak`` that is a symbolic link is replaced by the backup (``os.replace``
renames onto the link itself); the file it pointed to is never touched.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import stat
import time
from contextlib import suppress
from pathlib import Path

from hoview.annotations.file_kinds import open_regular

#: What the backup of the previous version adds to the file's name.
BACKUP_SUFFIX = ".bak"
#: A temporary file older than this is stale even if its process seems alive.
STALE_SECONDS = 3600


def digest(path: Path) -> str | None:
    """Return the SHA-256 of a file's bytes, or ``None`` if there is no such file.

    Raises
    ------
    SidecarPathError
        If ``path`` is not a regular file (a FIFO is never read: it would block).
    """
    sha = hashlib.sha256()
    try:
        fd = open_regular(path)
    except FileNotFoundError:
        return None
    with os.fdopen(fd, "rb") as f:
        while block := f.read(2**20):
            sha.update(block)
    return sha.hexdigest()


def _temp_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")


def write_atomic(target: Path, data: bytes, backup: bool) -> None:
    """Temporary file in the same folder, flush + fsync, backup, ``os.replace``."""
    while True:
        tmp = _temp_name(target)
        try:
            fd = os.open(
                tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666
            )
            break
        except FileExistsError:
            continue
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if backup:
            with suppress(OSError):
                os.chmod(tmp, stat.S_IMODE(os.stat(target).st_mode))
            _backup(target)
        os.replace(tmp, target)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_folder(target.parent)


def _backup(target: Path) -> None:
    """Keep the current file as ``<name>.bak`` (a hard link if possible, else a copy)."""
    backup = target.with_name(target.name + BACKUP_SUFFIX)
    with suppress(OSError):
        # lstat: a backup that is a symbolic link is replaced (the link), never followed.
        a, b = os.lstat(target), os.lstat(backup)
        if (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino):
            return  # a crash between the two renames left them one file: already backed up
    tmp = _temp_name(backup)
    try:
        try:
            os.link(target, tmp)
        except OSError:
            shutil.copyfile(target, tmp)
        os.replace(tmp, backup)
        # rename() between two links of one file does nothing (POSIX): drop the link.
        with suppress(FileNotFoundError):
            os.unlink(tmp)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def remove_stale_temp_files(target: Path) -> None:
    """Remove temporary files of this sidecar left by a process that died mid-save."""
    pattern = re.compile(
        rf"\.{re.escape(target.name)}(?:{re.escape(BACKUP_SUFFIX)})?\.([0-9]+)\.[0-9a-f]+\.tmp"
    )
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return
    now = time.time()
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None:
            continue
        with suppress(OSError):
            old = now - entry.stat(follow_symlinks=False).st_mtime > STALE_SECONDS
            if old or not _process_alive(int(match[1])):
                os.unlink(entry.path)


def _process_alive(pid: int) -> bool:
    if os.name != "posix":
        return True  # no safe check: rely on the file's age
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True
