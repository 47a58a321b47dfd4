"""What every source of pixels offers: images, frames, series and studies.

An *image* is one file (a DICOM instance, a PNG...). It holds one or more *frames*,
numbered from 1 as in DICOM. A *series* is an ordered list of frames, from one
multi-frame file or from many single-frame files; a *study* groups series.
"""

from __future__ import annotations

import hashlib
import itertools
import threading
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from hoview.display.attributes import PixelAttributes
from hoview.errors import FrameOutOfRangeError
from hoview.sources.spacing import PIXEL_SPACING, Spacing

if TYPE_CHECKING:
    from hoview.sources.dicom_object import DicomObject


@dataclass(frozen=True)
class Overlay:
    """A DICOM overlay plane (60xx,3000 Overlay Data) as a bitmap.

    Parameters
    ----------
    group : int
        The overlay group, ``0x6000`` to ``0x601E``.
    bitmap : numpy.ndarray
        ``(rows, columns)`` bool array in image pixel coordinates, or
        ``(frames, rows, columns)`` for multi-frame overlays.
    origin : tuple of int
        Overlay Origin (60xx,0050) as (row, column), 1-based as in DICOM.
    kind : str
        Overlay Type (60xx,0040): ``"G"`` graphics or ``"R"`` region of interest.
    description : str
        Overlay Description or Label.

    """

    group: int
    bitmap: np.ndarray = field(compare=False)
    origin: tuple[int, int] = (1, 1)
    kind: str = "G"
    description: str = ""


def file_sha256(path: str | Path, chunk: int = 2**20) -> str:
    """Return the SHA-256 of a file's bytes, as lower-case hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            digest.update(block)
    return digest.hexdigest()


class FrameCache:
    """A small, thread-safe, least-recently-used cache of decoded frames.

    Parameters
    ----------
    max_bytes : int
        Evict the oldest frames once the cached arrays exceed this many bytes.
        The most recent frame is always kept, even when it alone is larger.

    """

    def __init__(self, max_bytes: int = 512 * 2**20) -> None:
        self.max_bytes = int(max_bytes)
        self._items: OrderedDict[Hashable, np.ndarray] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        #: Keys being loaded: the event set when the load ends, and the loading thread.
        self._loading: dict[Hashable, tuple[threading.Event, int]] = {}

    @property
    def nbytes(self) -> int:
        """Bytes currently held."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: Hashable, load: Callable[[], np.ndarray]) -> np.ndarray:
        """Return the cached array for ``key``, calling ``load()`` on a miss.

        While another thread loads the same key (a frame decoded ahead in the
        background), this waits for its result instead of decoding it a second time;
        if that load fails, this thread loads it itself (and meets its own error).
        """
        me = threading.get_ident()
        while True:
            with self._lock:
                if key in self._items:
                    self._items.move_to_end(key)
                    return self._items[key]
                running = self._loading.get(key)
                if running is None or running[1] == me:
                    done = threading.Event()
                    self._loading[key] = (done, me)
                    break
            running[0].wait()
        try:
            array = load()
            array.setflags(write=False)
            with self._lock:
                if key not in self._items:
                    self._items[key] = array
                    self._bytes += array.nbytes
                while self._bytes > self.max_bytes and len(self._items) > 1:
                    _, old = self._items.popitem(last=False)
                    self._bytes -= old.nbytes
            return array
        finally:
            with self._lock:
                if self._loading.get(key, (None,))[0] is done:
                    del self._loading[key]
            done.set()

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._items

    def discard(self, key: Hashable) -> None:
        """Forget the frame cached for ``key``, if any."""
        with self._lock:
            array = self._items.pop(key, None)
            if array is not None:
                self._bytes -= array.nbytes

    def clear(self) -> None:
        """Forget every cached frame."""
        with self._lock:
            self._items.clear()
            self._bytes = 0


#: The cache shared by every source unless one is given.
DEFAULT_CACHE = FrameCache()

#: Numbers every image source apart, for cache keys.
_SOURCE_NUMBERS = itertools.count(1)


class ImageSource(ABC):
    """One image file with one or more frames.

    Subclasses read the header when built and decode pixels one frame at a time,
    only when asked.
    """

    path: Path
    #: ``"dicom"`` or ``"raster"``.
    kind: str = ""

    def __init__(self, path: str | Path, cache: FrameCache | None = None) -> None:
        self.path = Path(path)
        self._cache = DEFAULT_CACHE if cache is None else cache
        self._sha256: str | None = None
        # The cache key: unique for the life of the process. id(self) is not -- a new
        # image at a freed object's address would be shown the old image's pixels.
        self._cache_key = next(_SOURCE_NUMBERS)

    @property
    def sha256(self) -> str:
        """SHA-256 of the file's bytes, computed on first use."""
        if self._sha256 is None:
            self._sha256 = file_sha256(self.path)
        return self._sha256

    @property
    @abstractmethod
    def rows(self) -> int:
        """Image height in pixels."""

    @property
    @abstractmethod
    def columns(self) -> int:
        """Image width in pixels."""

    @property
    @abstractmethod
    def frame_count(self) -> int:
        """Number of frames (1 for a single-frame image)."""

    @property
    @abstractmethod
    def attributes(self) -> PixelAttributes:
        """How the stored values of every frame are displayed."""

    @property
    @abstractmethod
    def identity(self) -> dict[str, Any]:
        """What a sidecar uses to recognise this image.

        ``{"sop_instance_uid": ...}`` for DICOM, ``{"sha256": ...}`` for raster files,
        plus ``columns``, ``rows`` and ``frames``.
        """

    @property
    def metadata(self) -> dict[str, Any]:
        """Header fields for people: modality, descriptions, UIDs, pixel spacing...

        Keys in :data:`hoview.privacy.IDENTIFYING_FIELDS` identify the patient.
        """
        return {}

    @property
    def overlays(self) -> tuple[Overlay, ...]:
        """DICOM overlay planes; none for raster images."""
        return ()

    @property
    def pixel_spacing(self) -> tuple[float, float] | None:
        """(row, column) spacing in mm, or ``None`` when unknown."""
        return None

    @property
    def spacing(self) -> Spacing | None:
        """:attr:`pixel_spacing` with where it came from (:mod:`hoview.sources.spacing`).

        ``None`` when lengths are in pixels (raster images, DICOM without spacing).
        """
        pair = self.pixel_spacing
        if pair is None or isinstance(pair, Spacing):
            return pair
        return Spacing(pair[0], pair[1], PIXEL_SPACING)

    @property
    def warnings(self) -> tuple[str, ...]:
        """How the picture differs from what the file says, one line each (e.g. padding)."""
        return ()

    def frame_attributes(self, number: int) -> PixelAttributes:
        """Return how frame ``number`` (from 1) is displayed.

        The image's :attr:`attributes`, unless its frames carry their own (enhanced
        multi-frame DICOM).
        """
        return self.attributes

    def per_frame_summary(self) -> dict[str, Any] | None:
        """Return what varies per frame (rescale, windows, positions), for ``info``."""
        return None

    def frame(self, number: int) -> Frame:
        """Return frame ``number`` (1-based) without decoding it."""
        self._check_frame(number)
        return Frame(self, number)

    def frames(self) -> list[Frame]:
        """All frames in order, none of them decoded."""
        return [Frame(self, n) for n in range(1, self.frame_count + 1)]

    def pixels(self, number: int) -> np.ndarray:
        """Return the stored values of frame ``number`` (1-based), decoded once and cached.

        Returns a read-only ``(rows, columns)`` array for grey images or
        ``(rows, columns, 3)`` for colour.

        Raises
        ------
        FrameOutOfRangeError
            If ``number`` is not in ``1..frame_count``.
        UnreadableImageError
            If the pixels cannot be decoded.

        """
        self._check_frame(number)
        return self._cache.get((self._cache_key, number), lambda: self._decode(number))

    def is_decoded(self, number: int) -> bool:
        """Whether frame ``number`` is in the frame cache (decoded and kept)."""
        return (self._cache_key, number) in self._cache

    def release(self, number: int) -> None:
        """Drop frame ``number`` from the frame cache; it is decoded again when asked for.

        For work that shows a frame once (a montage tile): the memory goes back at once
        instead of when newer frames push it out.
        """
        self._cache.discard((self._cache_key, number))

    @abstractmethod
    def _decode(self, number: int) -> np.ndarray:
        """Decode frame ``number`` (already checked) to stored values."""

    def _check_frame(self, number: int) -> None:
        if isinstance(number, bool) or not isinstance(number, (int, np.integer)):
            raise TypeError(f"frame: expected an integer, got {type(number).__name__}")
        if not 1 <= number <= self.frame_count:
            raise FrameOutOfRangeError(
                self.path,
                f"frame {number} is out of range: the image has {self.frame_count} "
                f"frame{'s' if self.frame_count != 1 else ''} (numbered from 1)",
            )


@dataclass(frozen=True, eq=False)
class Frame:
    """One frame of an image: lazy pixels plus the image's metadata.

    Parameters
    ----------
    source : ImageSource
        The image the frame belongs to.
    number : int
        The frame number in that image, from 1.

    """

    source: ImageSource
    number: int

    @property
    def rows(self) -> int:
        """Frame height in pixels."""
        return self.source.rows

    @property
    def columns(self) -> int:
        """Frame width in pixels."""
        return self.source.columns

    @property
    def attributes(self) -> PixelAttributes:
        """How the stored values are displayed (an enhanced file's: this frame's own)."""
        return self.source.frame_attributes(self.number)

    def pixels(self) -> np.ndarray:
        """Return the stored values, decoded on first use (see :meth:`ImageSource.pixels`)."""
        return self.source.pixels(self.number)

    def __repr__(self) -> str:
        return f"Frame({self.source.path.name!r}, {self.number})"


@dataclass
class Series:
    """An ordered list of frames that belong together.

    Parameters
    ----------
    uid : str
        Series Instance UID, or a made-up key for raster files.
    frames : list of Frame
        The frames in display order.
    description : str
        Series Description (0008,103E) or the file name.
    modality : str
        Modality (0008,0060), ``""`` when unknown.
    number : int or None
        Series Number (0020,0011).

    """

    uid: str
    frames: list[Frame] = field(default_factory=list)
    description: str = ""
    modality: str = ""
    number: int | None = None

    def __len__(self) -> int:
        return len(self.frames)

    @property
    def sources(self) -> list[ImageSource]:
        """The distinct images of the series, in frame order."""
        seen: dict[int, ImageSource] = {}
        for frame in self.frames:
            seen.setdefault(id(frame.source), frame.source)
        return list(seen.values())


@dataclass
class Study:
    """Series that share a Study Instance UID.

    Parameters
    ----------
    uid : str
        Study Instance UID, or a made-up key for raster files.
    series : list of Series
        The series, ordered by Series Number then description.
    description : str
        Study Description (0008,1030).

    """

    uid: str
    series: list[Series] = field(default_factory=list)
    description: str = ""


@dataclass
class Skipped:
    """A file a scan left out, and why.

    Parameters
    ----------
    path : pathlib.Path
        The file.
    reason : str
        One line: what the file is or what is wrong with it.

    """

    path: Path
    reason: str


@dataclass
class OpenResult:
    """What :func:`hoview.sources.open_path` found.

    Parameters
    ----------
    studies : list of Study
        Studies found, each with its series.
    skipped : list of Skipped
        Files that were not images, with their reasons.
    objects : list of DicomObject
        DICOM files that hold no image but something else (a report, a presentation
        state, a key object selection, an RT plan), in path order.

    """

    studies: list[Study] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    objects: list[DicomObject] = field(default_factory=list)

    @property
    def series(self) -> list[Series]:
        """Every series of every study, in order."""
        return [s for study in self.studies for s in study.series]

    def skipped_reasons(self) -> dict[str, int]:
        """How many files were skipped for each reason."""
        counts: dict[str, int] = {}
        for item in self.skipped:
            counts[item.reason] = counts.get(item.reason, 0) + 1
        return counts
