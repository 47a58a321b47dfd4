"""What a sidecar path names: only regular files are read or written.

A sidecar path that is a FIFO, a device (``/dev/zero``) or a socket is refused at once:
it is never opened in a way that could block (a FIFO without a writer) or read without
end (``/dev/zero``). A symbolic link is kept: the file it points to is read, and written
atomically in that file's own folder (see :func:`real_file`); a link to something that
is not a regular file, or to nothing, is refused.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from hoview.annotations.errors import SidecarPathError

__all__ = ["describe_mode", "open_regular", "real_file"]


def describe_mode(mode: int) -> str:
    """Name a kind of file for a message (``"a FIFO"``, ``"a character device"``)."""
    for test, name in (
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISLNK, "a symbolic link"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def _refuse(path: Path, mode: int, link_to: str | None = None) -> SidecarPathError:
    what = describe_mode(mode)
    if link_to is not None:
        return SidecarPathError(
            path, f"is a symbolic link to {link_to}, which is {what}, not a regular file"
        )
    return SidecarPathError(path, f"is {what}, not a regular file: refused")


def real_file(path: Path) -> Path:
    """Return the regular file that reading or writing ``path`` means.

    Parameters
    ----------
    path : pathlib.Path
        A sidecar path; it need not exist.

    Returns
    -------
    pathlib.Path
        ``path`` itself (a regular file, or nothing yet), or the file a symbolic link
        at ``path`` finally points to (links of links followed).

    Raises
    ------
    SidecarPathError
        If ``path`` is a FIFO, device, socket or folder, or a link to one of these or
        to nothing.
    """
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return path
    if stat.S_ISREG(info.st_mode):
        return path
    if not stat.S_ISLNK(info.st_mode):
        raise _refuse(path, info.st_mode)
    target = Path(os.path.realpath(path))
    try:
        info = os.stat(target)
    except OSError:
        raise SidecarPathError(
            path, f"is a symbolic link to {target}, which does not exist"
        ) from None
    if not stat.S_ISREG(info.st_mode):
        raise _refuse(path, info.st_mode, str(target))
    return target


def open_regular(path: Path) -> int:
    """Open a file for reading, refusing anything but a regular file without blocking.

    ``O_NONBLOCK`` keeps a FIFO without a writer from blocking the open; ``fstat`` on
    the open file then tells what it is, so nothing is read from a FIFO or device.

    Raises
    ------
    SidecarPathError
        If the file is not a regular file.
    OSError
        If it cannot be opened (``FileNotFoundError`` if there is none).
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        mode = os.fstat(fd).st_mode
    except BaseException:
        os.close(fd)
        raise
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise _refuse(path, mode)
    return fd
