"""The bounded DICOMweb cache: ``<root>/<study>/<series>/<sop>.dcm``, whole studies evicted.

The root is :func:`hoview.paths.dicomweb_cache_root`. Each study folder's modification
time is its last use (touched on every retrieve); when the cache is over its limit
(:func:`hoview.pacs.servers.cache_limit_bytes`), the least recently used studies that are
not in use are deleted whole. Files are written to a temporary name and renamed when
complete, so a file named ``<sop>.dcm`` is always a whole instance. No sidecar is ever
written here (:mod:`hoview.annotations.sidecar_places`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path

from pydicom.dataset import Dataset

from hoview.paths import dicomweb_cache_root

__all__ = ["InstanceCache", "PART_PREFIX"]

#: Temporary files of instances being written (never read as instances).
PART_PREFIX = ".part-"
_in_use: dict[Path, int] = {}
_in_use_lock = threading.Lock()


class InstanceCache:
    """Where retrieved instances are kept.

    Parameters
    ----------
    root : pathlib.Path, optional
        The cache folder (default :func:`hoview.paths.dicomweb_cache_root`).
    limit : int, optional
        The size limit in bytes (default :func:`hoview.pacs.servers.cache_limit_bytes`).
    """

    def __init__(self, root: Path | None = None, limit: int | None = None) -> None:
        from hoview.pacs.servers import cache_limit_bytes

        self.root = Path(root) if root is not None else dicomweb_cache_root()
        self.limit = cache_limit_bytes() if limit is None else int(limit)

    def study_folder(self, study: str) -> Path:
        """Return the folder of a study."""
        return self.root / study

    def instance_path(self, study: str, series: str, sop: str) -> Path:
        """Return where an instance is (or will be) kept."""
        return self.root / study / series / f"{sop}.dcm"

    def write(self, ds: Dataset, target: Path) -> Path:
        """Write ``ds`` to ``target`` atomically: temporary file, fsync, rename.

        An interrupted write leaves no file named ``target``.
        """
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=PART_PREFIX, dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                ds.save_as(handle, enforce_file_format=True)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(name, target)
        except BaseException:
            with suppress(OSError):
                os.unlink(name)
            raise
        return target

    def touch(self, study: str) -> None:
        """Mark a study as just used (least recently used studies go first)."""
        folder = self.study_folder(study)
        folder.mkdir(parents=True, exist_ok=True)
        os.utime(folder)

    def hold(self, study: str) -> None:
        """Mark a study as in use in this process: eviction leaves it alone."""
        with _in_use_lock:
            key = self.study_folder(study)
            _in_use[key] = _in_use.get(key, 0) + 1

    def release(self, study: str) -> None:
        """Undo one :meth:`hold`."""
        with _in_use_lock:
            key = self.study_folder(study)
            if _in_use.get(key, 0) <= 1:
                _in_use.pop(key, None)
            else:
                _in_use[key] -= 1

    def remove_parts(self, study: str) -> None:
        """Delete temporary files an interrupted retrieve of ``study`` left behind."""
        for part in self.study_folder(study).glob(f"*/{PART_PREFIX}*"):
            with suppress(OSError):
                part.unlink()

    def size(self, folder: Path | None = None) -> int:
        """Return the bytes held under ``folder`` (default: the whole cache)."""
        total = 0
        for base, _dirs, files in os.walk(folder or self.root):
            for name in files:
                with suppress(OSError):
                    total += os.lstat(os.path.join(base, name)).st_size
        return total

    def evict(self, keep: Iterable[str] = ()) -> list[str]:
        """Delete least recently used studies until the cache is within its limit.

        Studies in ``keep`` or held (:meth:`hold`) are never deleted. Returns the
        Study Instance UIDs deleted.
        """
        if not self.root.is_dir():
            return []
        kept = {self.study_folder(uid) for uid in keep}
        with _in_use_lock:
            kept |= set(_in_use)
        studies = []
        for folder in self.root.iterdir():
            if folder.is_dir() and not folder.is_symlink():
                with suppress(OSError):
                    studies.append((folder.stat().st_mtime, folder, self.size(folder)))
        total = sum(size for _, _, size in studies)
        deleted = []
        for _mtime, folder, size in sorted(studies, key=lambda item: item[0]):
            if total <= self.limit:
                break
            if folder in kept:
                continue
            shutil.rmtree(folder, ignore_errors=True)
            total -= size
            deleted.append(folder.name)
        return deleted
