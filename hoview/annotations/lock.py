"""An advisory lock around one sidecar's read-check-write, between processes.

``with sidecar_lock(path):`` holds an exclusive lock on ``.<name>.lock`` beside the
sidecar (``fcntl.flock`` on POSIX, ``msvcrt.locking`` on Windows) and waits at most
:data:`LOCK_TIMEOUT` seconds for it. Every hoview that saves a sidecar takes it, so a
viewer's autosave and any number of ``hoview annotate`` processes take turns.

The lock file holds nothing. On POSIX its holder removes it just before letting go, so
no clutter is left; a waiter that then wins the lock of the removed file sees that the
path no longer names what it locked and tries again, so two processes never both think
they hold the lock. A file left by a process that was killed is harmless (the kernel
drops a dead process's locks) and the next save removes it. The lock file is opened
without following symbolic links and without truncating anything.

Why ``fcntl`` and not the ``filelock`` library: it is in the standard library, and it
lets a folder where no lock file can be created fail at once (``OSError``, so the save
goes to the user data folder) instead of being retried until the timeout.
"""

from __future__ import annotations

import errno
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from hoview.annotations.errors import SidecarLockError

__all__ = ["LOCK_TIMEOUT", "lock_path", "sidecar_lock"]

#: Seconds a save waits for another process to finish with the same sidecar.
LOCK_TIMEOUT = 10.0
#: Seconds between two tries while waiting.
_POLL = 0.005
_POLL_MAX = 0.05

if sys.platform != "win32":  # not os.name: mypy then skips the other system's branch
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                return False
            raise
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)

else:  # pragma: no cover - Windows
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)


def lock_path(sidecar: Path) -> Path:
    """Return the lock file of a sidecar: ``.<name>.lock`` in the same folder."""
    return sidecar.with_name(f".{sidecar.name}.lock")


def _open(path: Path) -> int:
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        return os.open(path, flags, 0o666)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise SidecarLockError(
                path, "the sidecar's lock file is a symbolic link: remove it"
            ) from None
        raise


def _still_named(fd: int, path: Path) -> bool:
    """Whether ``path`` still names the file open as ``fd`` (it was not removed)."""
    if os.name != "posix":
        return True
    try:
        named = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (named.st_dev, named.st_ino) == (mine.st_dev, mine.st_ino)


@contextmanager
def sidecar_lock(sidecar: Path, timeout: float | None = None) -> Iterator[Path]:
    """Hold the lock of ``sidecar`` for the ``with`` block.

    Parameters
    ----------
    sidecar : pathlib.Path
        The sidecar file (it need not exist); the lock file goes beside it.
    timeout : float, optional
        Seconds to wait for another process to let go; default :data:`LOCK_TIMEOUT`.

    Yields
    ------
    pathlib.Path
        The lock file.

    Raises
    ------
    SidecarLockError
        If the lock is still held by someone else after ``timeout`` seconds, or the
        lock file is a symbolic link.
    OSError
        If no lock file can be created there (a read-only folder).
    """
    path = lock_path(sidecar)
    timeout = LOCK_TIMEOUT if timeout is None else timeout
    deadline = time.monotonic() + timeout
    pause = _POLL
    while True:
        fd = _open(path)
        try:
            locked = _try_lock(fd)
            if locked and _still_named(fd, path):
                break
            if locked:  # the holder removed it as we got it: take the new one
                _unlock(fd)
                os.close(fd)
                continue
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
        if time.monotonic() >= deadline:
            raise SidecarLockError(
                sidecar,
                f"another program has been saving these annotations for over {timeout:g} s "
                f"(lock file {path.name}): try again, or close the other program",
            )
        time.sleep(pause)
        pause = min(pause * 1.5, _POLL_MAX)
    try:
        yield path
    finally:
        if os.name == "posix":
            with suppress(OSError):
                os.unlink(path)
        with suppress(OSError):
            _unlock(fd)
        os.close(fd)
