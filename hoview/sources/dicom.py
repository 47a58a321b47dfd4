"""One DICOM file: its header, its frames, and lazy pixel decoding (pydicom + pylibjpeg)."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pydicom
from pydicom.dataset import Dataset
from pydicom.pixels import get_decoder
from pydicom.uid import UID

from hoview.display.attributes import PixelAttributes
from hoview.errors import NoPixelDataError, UnreadableImageError, UnsupportedCompressionError
from hoview.sources.base import Frame, FrameCache, ImageSource, Overlay
from hoview.sources.decoders import decode_frame
from hoview.sources.dicom_attributes import finite_floats, pixel_attributes
from hoview.sources.dicom_checks import check_image_header, frame_count
from hoview.sources.dicom_header import (
    DEFER_SIZE,
    dicom_metadata,
    ensure_transfer_syntax,
    has_dicom_preamble,
    looks_like_dicom,
    one_line,
    read_header,
)
from hoview.sources.functional_groups import FrameAttributes, FunctionalGroups
from hoview.sources.native_pixels import read_native_frame
from hoview.sources.short_pixels import native_shortfall, padded_dataset
from hoview.sources.spacing import PIXEL_SPACING, Spacing, read_spacing

__all__ = [
    "DEFER_SIZE",
    "DicomImage",
    "dicom_metadata",
    "has_dicom_preamble",
    "looks_like_dicom",
    "read_header",
    "read_overlays",
]

log = logging.getLogger(__name__)


class DicomImage(ImageSource):
    """One DICOM file, single- or multi-frame.

    The header is read when the object is built; pixel data stays in the file and
    each frame is decoded the first time it is asked for.

    Parameters
    ----------
    path : str or pathlib.Path
        The DICOM file.
    cache : FrameCache, optional
        Where decoded frames are kept (the shared default cache if omitted).
    dataset : pydicom.dataset.Dataset, optional
        A header already read from ``path`` (e.g. by a folder scan).

    Raises
    ------
    UnreadableImageError
        If the file is not DICOM, its header is malformed, or it has no pixel data.
    UnsupportedCompressionError
        If no installed decoder handles its transfer syntax.

    """

    kind = "dicom"

    def __init__(
        self,
        path: str | Path,
        cache: FrameCache | None = None,
        dataset: Dataset | None = None,
    ) -> None:
        super().__init__(path, cache)
        ds = read_header(self.path) if dataset is None else dataset
        ensure_transfer_syntax(ds)
        self.dataset = ds
        if not any(tag in ds for tag in (0x7FE00010, 0x7FE00008, 0x7FE00009)):
            sop = UID(str(ds.get("SOPClassUID", ""))).name if "SOPClassUID" in ds else ""
            what = f" (it is {sop})" if sop else ""
            raise NoPixelDataError(self.path, f"DICOM file has no pixel data{what}", ds)
        for keyword in ("Rows", "Columns", "BitsAllocated", "PhotometricInterpretation"):
            if ds.get(keyword) in (None, ""):
                raise UnreadableImageError(self.path, f"DICOM image has no {keyword}")
        check_image_header(ds, self.path)
        self.transfer_syntax = UID(str(ds.file_meta.TransferSyntaxUID))
        self._check_decoder()
        self._check_native_length()
        self._frames = frame_count(ds, self.path, self.transfer_syntax.is_encapsulated)
        self._attributes = pixel_attributes(ds, self.path)
        self._groups = FunctionalGroups.from_dataset(ds, self.frame_count, self.path)
        self._per_frame = None
        if self._groups is not None:  # enhanced multi-frame: each frame's own rescale, windows
            modality = str(ds.get("Modality", "") or "")
            self._per_frame = FrameAttributes(self._attributes, self._groups, modality)

    def _check_decoder(self) -> None:
        ts = self.transfer_syntax
        try:
            decoder = get_decoder(ts)
        except NotImplementedError as exc:
            raise UnsupportedCompressionError(
                self.path, f"no decoder for transfer syntax {ts.name or ts} ({ts})"
            ) from exc
        if not decoder.is_available:
            raise UnsupportedCompressionError(
                self.path,
                f"no installed decoder handles {ts.name} ({ts}); "
                f"install one of: {', '.join(decoder.missing_dependencies) or 'a plugin'}",
            )

    def _check_native_length(self) -> None:
        """Refuse cut-off or empty native pixel data; note data shorter than its frames."""
        self._shortfall = None
        if self.transfer_syntax.is_encapsulated:
            return
        self._shortfall = native_shortfall(self.dataset, self.path)
        if self._shortfall is not None:
            log.info("%s: %s", self.path, self._shortfall.warning)

    @property
    def warnings(self) -> tuple[str, ...]:
        """What the user should know about how this file is shown, one line each."""
        shortfall = getattr(self, "_shortfall", None)
        notes = () if shortfall is None else (shortfall.warning,)
        return notes + ((self._frames.warning,) if self._frames.warning else ())

    @property
    def decoder(self) -> str:
        """The decoder of the last frame decoded ("native" for uncompressed data)."""
        return getattr(self, "_decoder", "")

    @property
    def rows(self) -> int:
        """Rows (0028,0010)."""
        return int(self.dataset.Rows)

    @property
    def columns(self) -> int:
        """Columns (0028,0011)."""
        return int(self.dataset.Columns)

    @property
    def frame_count(self) -> int:
        """Number of Frames (0028,0008), 1 when absent."""
        count = self._frames.shown  # never more than the pixel data holds
        shortfall = getattr(self, "_shortfall", None)
        if shortfall is not None:  # the frames short pixel data reaches
            count = min(count, shortfall.frames_held)
        return count

    @property
    def attributes(self) -> PixelAttributes:
        """How stored values are displayed (Modality LUT, VOI, Presentation LUT).

        For an enhanced multi-frame file, frame 1's (see :meth:`frame_attributes`).
        """
        return self._attributes if self._per_frame is None else self._per_frame(1)

    def frame_attributes(self, number: int) -> PixelAttributes:
        """Return how frame ``number``'s values are displayed.

        Its functional groups' rescale (0028,9145) and windows (0028,9132) over the
        image's attributes.
        """
        return self._attributes if self._per_frame is None else self._per_frame(number)

    @property
    def functional_groups(self) -> FunctionalGroups | None:
        """The enhanced multi-frame functional groups, ``None`` for a classic file."""
        return self._groups

    def frames(self) -> list[Frame]:
        """All frames, a multi-frame volume's sorted along the slice normal (Plane Position)."""
        frames = super().frames()
        order = None if self._groups is None else self._groups.slice_order()
        return frames if order is None else [frames[i] for i in order]

    def per_frame_summary(self) -> dict[str, Any] | None:
        """Return what the functional groups say per frame (:meth:`FunctionalGroups.summary`)."""
        return None if self._groups is None else self._groups.summary()

    @property
    def identity(self) -> dict[str, Any]:
        """SOP Instance UID (0008,0018) and the image's size."""
        uid = str(self.dataset.get("SOPInstanceUID", "") or "").strip()
        # keyed on the UID as the file has it, valid or not (over 64 characters, a
        # space, non-ASCII); only an absurd one (over 1024 characters) falls back
        key = {"sop_instance_uid": uid} if 0 < len(uid) <= 1024 else {"sha256": self.sha256}
        return {
            **key,
            "columns": self.columns,
            "rows": self.rows,
            "frames": self.frame_count,
        }

    @property
    def pixel_spacing(self) -> Spacing | None:
        """(row, column) spacing in mm by the rules of :mod:`hoview.sources.spacing`.

        Pixel Spacing (0028,0030); else Imager Pixel Spacing (0018,1164) divided by
        Estimated Radiographic Magnification Factor (0018,1114); else Imager Pixel
        Spacing as it is (at the detector). A :class:`Spacing`, equal to the plain pair.
        """
        return self.spacing

    @property
    def spacing(self) -> Spacing | None:
        """The spacing with its source (see :mod:`hoview.sources.spacing`), or ``None``."""
        if not hasattr(self, "_spacing"):  # read once: the canvas asks on every repaint
            self._spacing = read_spacing(self.dataset)
            if self._spacing is None and self._groups is not None:
                pair = self._groups.pixel_spacing(0)  # Pixel Measures
                self._spacing = Spacing(*pair, PIXEL_SPACING) if pair else None
        return self._spacing

    @property
    def metadata(self) -> dict[str, Any]:
        """Header fields for people and for grouping into studies and series."""
        if not hasattr(self, "_metadata"):  # read once: the canvas asks on every repaint
            self._metadata = dicom_metadata(self.dataset)
            if self._groups is not None:
                for key, value in self._groups.frame_metadata(0).items():
                    self._metadata.setdefault(key, value)
        return dict(self._metadata)

    @property
    def overlays(self) -> tuple[Overlay, ...]:
        """Overlay planes (60xx,3000) with their bitmaps, read on first use."""
        if not hasattr(self, "_overlays"):
            self._overlays = tuple(read_overlays(self.dataset, self.path))
        return self._overlays

    def _decode(self, number: int) -> np.ndarray:
        # by the declared count: index None would decode every frame the header claims
        index = number - 1 if self._frames.declared > 1 else None
        if self.transfer_syntax.is_encapsulated:
            decoded = decode_frame(self.dataset, self.path, index, self.frame_count)
            arr, self._decoder = decoded.pixels, decoded.decoder
        else:
            try:
                if self._shortfall is not None and not hasattr(self, "_padded"):
                    self._padded = padded_dataset(self.dataset, self._shortfall)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    padded = getattr(self, "_padded", None)
                    arr = _decode_native(self.dataset, self.path, index, padded)
            except (KeyboardInterrupt, SystemExit, GeneratorExit):
                raise
            except BaseException as exc:  # noqa: B036 - any decoder failure is the file's fault
                raise UnreadableImageError(self.path, _decodeone_line(exc)) from exc
            self._decoder = "native"
        if arr.ndim == 3 and arr.shape[0] == 1 and self.attributes.samples_per_pixel == 1:
            arr = arr[0]
        expected: tuple[int, ...] = (self.rows, self.columns)
        if self.attributes.samples_per_pixel == 3:
            expected = (self.rows, self.columns, 3)  # not a grey array a bad header gave
        if arr.shape != expected:
            raise UnreadableImageError(
                self.path, f"decoded frame has shape {arr.shape}, expected {expected}"
            )
        return arr


def _decode_native(
    ds: Dataset, path: Path, index: int | None, padded: Dataset | None
) -> np.ndarray:
    """Decode one frame (``index`` from 0) or the only frame (``None``) of native data.

    An uncompressed grey frame is read straight into an array
    (:func:`~hoview.sources.native_pixels.read_native_frame`). Otherwise a file with a
    preamble and file meta is decoded straight from disk, reading only the frame asked
    for; a bare data set (no file meta), a deflated file, or one the
    direct reader stumbles on, through its header (which reads all pixel data).
    Pixel data shorter than its frames is decoded from ``padded``
    (:func:`~hoview.sources.short_pixels.padded_dataset`).
    """
    arr = read_native_frame(ds, path, index)
    if arr is not None:
        return arr
    if padded is not None:
        return pydicom.pixels.pixel_array(padded, index=index)
    deflated = ds.file_meta.TransferSyntaxUID == pydicom.uid.DeflatedExplicitVRLittleEndian
    if ds.preamble is not None and not deflated:
        try:
            return pydicom.pixels.pixel_array(path, index=index)
        except (ValueError, KeyError, AttributeError):
            pass  # e.g. an odd Basic Offset Table the data set reader tolerates
    return pydicom.pixels.pixel_array(ds, index=index)


def _decodeone_line(exc: BaseException) -> str:
    text = one_line(exc)
    lowered = text.lower()
    if "less than expected" in lowered or "truncated" in lowered or "too short" in lowered:
        return f"pixel data is truncated ({text})"
    if isinstance(exc, EOFError):
        return "pixel data is truncated (the file ends early)"
    return f"cannot decode the pixel data ({text})"


def read_overlays(ds: Dataset, path: Path | None = None) -> list[Overlay]:
    """Read every overlay plane (groups 6000-601E) that carries Overlay Data.

    Parameters
    ----------
    ds : pydicom.dataset.Dataset
        The data set.
    path : pathlib.Path, optional
        For log messages.

    Returns
    -------
    list of Overlay
        One per plane, bitmap in image pixel coordinates (Overlay Origin applied by
        the viewer, which knows where the plane goes).

    """
    overlays = []
    for group in range(0x6000, 0x6020, 2):
        if (group << 16 | 0x3000) not in ds:
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                bitmap = np.asarray(ds.overlay_array(group)).astype(bool)
        except Exception as exc:  # noqa: BLE001 - a bad overlay must not stop the image
            log.info("%s: overlay %04X skipped: %s", path or "", group, one_line(exc))
            continue
        kind = ds.get((group, 0x0040))
        label = ds.get((group, 0x1500)) or ds.get((group, 0x0022))
        overlays.append(
            Overlay(
                group=group,
                bitmap=bitmap,
                origin=_overlay_origin(ds, group, path),
                kind=str(kind.value).strip() if kind is not None else "G",
                description=str(label.value).strip() if label is not None else "",
            )
        )
    return overlays


def _overlay_origin(ds: Dataset, group: int, path: Path | None) -> tuple[int, int]:
    """Overlay Origin (60xx,0050) as (row, column); (1, 1) when absent or not two integers."""
    element = ds.get((group, 0x0050))
    values = finite_floats(element.value) if element is not None else []
    if len(values) == 2 and all(v.is_integer() for v in values):
        return int(values[0]), int(values[1])
    if element is not None:
        log.info("%s: Overlay Origin (%04X,0050) %r ignored", path or "", group, element.value)
    return 1, 1
