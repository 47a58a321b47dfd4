"""Folders, DICOMDIRs and single files: find the images, group them, sort them.

Studies are keyed by Study Instance UID (0020,000D), series by Series Instance UID
(0020,000E), instances by SOP Instance UID (0008,0018). A multi-frame file is a series
of its own. Raster images (PNG, JPEG...) are one series each, and the raster images of
one folder form one study named after the folder.

Only headers are read: pixel data stay in the files until a frame is shown.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any, cast

import numpy as np
from pydicom.uid import MediaStorageDirectoryStorage

from hoview.errors import NoPixelDataError, UnreadableImageError
from hoview.sources.base import FrameCache, ImageSource, OpenResult, Series, Skipped, Study
from hoview.sources.dicom import DicomImage, has_dicom_preamble, looks_like_dicom, read_header
from hoview.sources.dicom_object import DicomObject, holds_images
from hoview.sources.opening import looks_like_raster
from hoview.sources.raster import RasterImage

#: ``progress(done, total)``: called with the number of files handled so far.
Progress = Callable[[int, int], None]

#: hoview's own annotation files; a scan passes over them without counting them.
SIDECAR_SUFFIXES = (".hoview.json", ".hoview.json.bak", ".hoview.json.lock")

#: Reason given for a DICOMDIR met during a folder scan.
DICOMDIR_IN_FOLDER = "DICOMDIR (an index; the folder is scanned instead)"


# Header-only reading. dicom.read_header converts every element after reading (which
# loads deferred pixel data) and DicomImage's length check calls get_item() without
# keep_deferred (which loads it too), so a scan would hold every slice's pixel bytes.
# Once both keep deferred values deferred, this block reduces to _check_complete.


def open_header_only(path: str | Path, cache: FrameCache | None = None) -> ImageSource:
    """Open one file for a scan: DICOM header or raster header, no pixels.

    Raises
    ------
    UnreadableImageError
        If the file is empty, not an image, or an image hoview cannot read.

    """
    path = Path(path)
    if path.stat().st_size == 0:
        raise UnreadableImageError(path, "empty file")
    if has_dicom_preamble(path) or (not looks_like_raster(path) and looks_like_dicom(path)):
        ds = read_header(path)
        if ds.file_meta.get("MediaStorageSOPClassUID") == MediaStorageDirectoryStorage:
            raise UnreadableImageError(path, DICOMDIR_IN_FOLDER)
        return DicomImage(path, cache, dataset=ds)
    if looks_like_raster(path):
        return RasterImage(path, cache)
    raise UnreadableImageError(path, "not a DICOM file or an image")


def list_files(root: str | Path) -> tuple[list[Path], list[Skipped]]:
    """List the files under ``root`` in path order (sorted by name, folders in place).

    Linked folders are followed once (a link loop ends there); sidecars are left out;
    devices, pipes and broken links are returned as skipped.
    """
    files: list[Path] = []
    skipped: list[Skipped] = []
    visited: set[tuple[int, int]] = set()

    def entries(folder: Path) -> Iterator[os.DirEntry[str]]:
        try:
            info = folder.stat()
            if (info.st_dev, info.st_ino) in visited:
                return iter(())
            visited.add((info.st_dev, info.st_ino))
            with os.scandir(folder) as it:
                return iter(sorted(it, key=lambda e: e.name))
        except OSError as exc:
            skipped.append(Skipped(folder, f"cannot list the folder ({exc.strerror or exc})"))
            return iter(())

    stack = [entries(Path(root))]
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        try:
            is_dir, is_file = entry.is_dir(), entry.is_file()
        except OSError as exc:
            skipped.append(Skipped(Path(entry.path), f"cannot read ({exc.strerror or exc})"))
            continue
        if is_dir:
            stack.append(entries(Path(entry.path)))
        elif entry.name.endswith(SIDECAR_SUFFIXES):
            continue
        elif is_file:
            files.append(Path(entry.path))
        else:
            reason = "broken link" if entry.is_symlink() else "not a regular file"
            skipped.append(Skipped(Path(entry.path), reason))
    return files, skipped


def open_files(
    paths: Sequence[Path],
    progress: Progress | None = None,
    cache: FrameCache | None = None,
    root: Path | None = None,
) -> OpenResult:
    """Open each file's header, never stopping at a bad one, and group the images.

    An exception raised by ``progress`` is not caught: it is how a caller cancels.
    """
    images: list[ImageSource] = []
    skipped: list[Skipped] = []
    objects: list[DicomObject] = []
    total = len(paths)
    if progress is not None:
        progress(0, total)
    for done, path in enumerate(paths, start=1):
        try:
            if path.name.upper() == "DICOMDIR":
                skipped.append(Skipped(path, DICOMDIR_IN_FOLDER))
            else:
                images.append(open_header_only(path, cache))
        except NoPixelDataError as exc:  # a report, a presentation state: not an error
            if holds_images(exc.dataset):
                skipped.append(Skipped(path, exc.message))
            else:
                objects.append(DicomObject(path, exc.dataset))
        except UnreadableImageError as exc:
            skipped.append(Skipped(path, exc.message))
        except Exception as exc:  # noqa: BLE001 - one bad file never stops a scan
            skipped.append(Skipped(path, f"cannot read the file ({type(exc).__name__}: {exc})"))
        if progress is not None:
            progress(done, total)
    result = group_images(images, root)
    result.skipped[:0] = skipped
    result.objects = objects
    return result


def scan_folder(
    path: str | Path, progress: Progress | None = None, cache: FrameCache | None = None
) -> OpenResult:
    """Find every image under a folder and group it into studies and series.

    Files are read in a fixed order (sorted by path), headers only. A file that is
    not an image, or cannot be read, is listed in ``OpenResult.skipped`` with a
    one-line reason; it never stops the scan. Hidden files and folders are treated
    like any other. hoview's sidecars (``*.hoview.json``, their ``.bak`` and ``.lock``) are
    passed over and not counted. A DICOMDIR in the folder is not used (a scan also
    finds files it does not list); it is listed as skipped.

    Parameters
    ----------
    path : str or pathlib.Path
        The folder.
    progress : callable, optional
        ``progress(done, total)``, called once the files are listed (``done=0``) and
        after each file. An exception it raises is not caught (that cancels the scan).
    cache : FrameCache, optional
        Where the images will keep decoded frames.

    Returns
    -------
    OpenResult
        Studies with their series and frames, and the skipped files.

    Raises
    ------
    UnreadableImageError
        If ``path`` is not a folder.

    """
    path = Path(path)
    if not path.is_dir():
        what = "no such file or folder" if not path.exists() else "not a folder"
        raise UnreadableImageError(path, what)
    files, skipped = list_files(path)
    result = open_files(files, progress, cache, root=path)
    result.skipped[:0] = skipped
    return result


def group_images(images: Iterable[ImageSource], root: Path | None = None) -> OpenResult:
    """Group images into studies and series and put everything in display order.

    A second file with a SOP Instance UID already seen is skipped as a duplicate of
    the first. Within a series, instances are sorted by position along the slice
    normal (Image Position (0020,0032) projected on the cross product of the Image
    Orientation (0020,0037) cosines) when every instance has both and they agree:
    ascending, unless the Instance Numbers (0020,0013) fall strictly as the
    position rises, then descending, so that image 1 is Instance Number 1 whenever
    numbers and positions agree in either direction. Without positions, instances
    are sorted by Instance Number; then by file name (natural order).
    Series are sorted by Series Number, description and UID; studies by Study Date,
    Time, description and UID.

    Parameters
    ----------
    images : iterable of ImageSource
        Opened images; the first of two duplicates is kept.
    root : pathlib.Path, optional
        Folder that duplicate reasons name files relative to.

    Returns
    -------
    OpenResult
        The studies, and the duplicates as skipped files.

    """
    result = OpenResult()
    first_with_sop: dict[str, ImageSource] = {}
    # study key -> series key -> [(image, metadata)]
    drafts: dict[str, dict[tuple[str, str], list[tuple[ImageSource, dict[str, Any]]]]] = {}
    for image in images:
        meta = image.metadata
        if image.kind == "dicom":
            sop = str(meta.get("sop_instance_uid", ""))
            if sop in first_with_sop:
                name = _display_name(first_with_sop[sop].path, root)
                result.skipped.append(Skipped(image.path, f"duplicate of {name}"))
                continue
            if sop:
                first_with_sop[sop] = image
            study = str(meta.get("study_instance_uid") or f"folder:{image.path.parent}")
            series = str(meta.get("series_instance_uid") or f"file:{image.path}")
            own = str(image.path) if image.frame_count > 1 else ""
        else:
            study, series, own = f"folder:{image.path.parent}", f"file:{image.path}", ""
        drafts.setdefault(study, {}).setdefault((series, own), []).append((image, meta))
    keyed = sorted((_build_study(uid, parts) for uid, parts in drafts.items()), key=_by_key)
    result.studies = [study for _, study in keyed]
    return result


def join_results(results: Sequence[OpenResult]) -> OpenResult:
    """Group the images of files opened one by one as a scan of them together would.

    Several files given at once (a double-click on a selection, a file manager's "Open
    with") that belong to one series become that series, in display order, instead of
    one series a file; files of other series and studies keep theirs.

    Parameters
    ----------
    results : sequence of OpenResult
        What :func:`hoview.sources.open_path` gave for each file.

    Returns
    -------
    OpenResult
        The images regrouped, and every result's skipped files and objects.
    """
    seen: set[int] = set()
    images: list[ImageSource] = []
    for result in results:
        for series in result.series:
            for frame in series.frames:
                if id(frame.source) not in seen:
                    seen.add(id(frame.source))
                    images.append(frame.source)
    joined = group_images(images)
    for result in results:
        joined.skipped.extend(result.skipped)
        joined.objects.extend(result.objects)
    return joined


def _by_key(item: tuple[tuple, Any]) -> tuple:
    return item[0]


def _build_study(uid: str, drafts: dict[tuple[str, str], list[Any]]) -> tuple[tuple, Study]:
    series_list = []
    for (series_uid, _), members in drafts.items():
        members = sorted(members, key=_instance_keys(members))
        metas = [meta for _, meta in members]
        number = _integer(_first(metas, "series_number"))
        series = Series(
            uid=series_uid,
            frames=[frame for image, _ in members for frame in image.frames()],
            description=str(_first(metas, "series_description")),
            modality=str(_first(metas, "modality")),
            number=number,
        )
        key = (
            number is None,
            number or 0,
            series.description,
            series_uid,
            _natural(str(members[0][0].path)),
        )
        series_list.append((key, series))
    series_list.sort(key=_by_key)
    metas = [meta for members in drafts.values() for _, meta in members]
    description = str(_first(metas, "study_description"))
    if uid.startswith("folder:") and not description:
        folder = Path(uid[len("folder:") :])
        description = folder.name or folder.resolve().name
    date, time = str(_first(metas, "study_date")), str(_first(metas, "study_time"))
    study = Study(uid=uid, series=[s for _, s in series_list], description=description)
    return (not date, date, time, description, uid), study


def _instance_keys(members: list[tuple[ImageSource, dict[str, Any]]]) -> Callable[[Any], tuple]:
    """Return a sort key for one series' members: position, Instance Number, name."""
    positions = [_vector(meta.get("image_position"), 3) for _, meta in members]
    orientations = [_vector(meta.get("image_orientation"), 6) for _, meta in members]
    normal = None
    if all(p is not None for p in positions) and all(o is not None for o in orientations):
        every = cast("list[np.ndarray]", orientations)  # no None: checked just above
        first = every[0]
        if all(np.allclose(o, first, atol=1e-4) for o in every):
            normal = np.cross(first[:3], first[3:])
    where = {id(image): i for i, (image, _) in enumerate(members)}
    numbers = [_integer(meta.get("instance_number")) for _, meta in members]
    along = [0.0] * len(members)
    if normal is not None:  # only when every position is known
        along = [round(float(np.dot(cast(np.ndarray, p), normal)), 4) for p in positions]
    direction = _numbering_direction(along, numbers)
    along = [direction * a for a in along]

    def key(member: tuple[ImageSource, dict[str, Any]]) -> tuple:
        image, _ = member
        i = where[id(image)]
        number = numbers[i]
        return along[i], number is None, number or 0, _natural(str(image.path))

    return key


def _numbering_direction(along: list[float], numbers: list[int | None]) -> int:
    """Return -1 when Instance Numbers fall as the position rises, else 1.

    Only when every instance has a number, the numbers are distinct, the positions
    are distinct, and the numbers strictly fall along the normal: then ordering by
    descending position puts Instance Number 1 first, as PACS viewers do.
    """
    known = [n for n in numbers if n is not None]
    if len(along) < 2 or len(known) < len(numbers) or len(set(known)) < len(known):
        return 1
    if len(set(along)) < len(along):
        return 1
    ranked = [n for _, n in sorted(zip(along, known, strict=True))]
    return -1 if all(a > b for a, b in pairwise(ranked)) else 1


def _first(metas: list[dict[str, Any]], key: str) -> Any:
    return next((meta[key] for meta in metas if meta.get(key) not in (None, "")), "")


def _integer(value: Any) -> int | None:
    try:
        return int(float(value)) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _vector(value: Any, size: int) -> np.ndarray | None:
    try:
        array = np.asarray(value, dtype=float).ravel()
    except (TypeError, ValueError):
        return None
    return array if array.size == size and np.all(np.isfinite(array)) else None


def _natural(text: str) -> tuple:
    """Return a sort key that puts ``img2`` before ``img10``.

    Only ASCII digits count as numbers: a superscript or other Unicode digit ("x³")
    is text (``int("³")`` fails although ``"³".isdigit()``).
    """
    return tuple(
        (0, int(p), "") if p[:1] in _ASCII_DIGITS else (1, 0, p)
        for p in re.split(r"([0-9]+)", text)
    )


_ASCII_DIGITS = frozenset("0123456789")


def _display_name(path: Path, root: Path | None) -> str:
    if root is not None and path.is_relative_to(root):
        return str(path.relative_to(root))
    return path.name
