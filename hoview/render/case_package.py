"""A case package for teaching-file sites (Radiopaedia, RSNA's teaching files).

``hoview case`` writes a folder a teacher uploads as it is: every image twice,
``NN-without.png`` and ``NN-with.png`` (JPEG with ``jpeg=True``), in reading order,
without overlays or any identifying text; ``case.json`` describing each image (its
caption, the findings, laterality and grades and the labels from its sidecar, the
modality, body part and view); and ``README.txt`` saying what each file is.

Images keep their own pixels up to :data:`MAX_SIDE` on the long side (so a film of at
least 1,600 pixels gives at least 1,600), and are never enlarged; ``square=True`` puts
each in a black bounding square, as Radiopaedia asks for illustrations.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from hoview.annotations import AnnotationDocument
from hoview.annotations.atomic import write_atomic
from hoview.errors import HoviewError
from hoview.render.cases import CaseName, case_names
from hoview.render.export import grey_if_possible
from hoview.render.film import (
    Film,
    FilmRequest,
    drawn_document,
    open_films,
    render_film,
    render_in_parallel,
)
from hoview.render.teach import case_discussion, case_heading, case_requests
from hoview.sources.base import Frame

#: Longest side of a packaged image; smaller films keep their size.
MAX_SIDE = 2560
#: JPEG quality with ``jpeg=True``.
JPEG_QUALITY = 92
#: The description file and the note for the uploader.
CASE_JSON, README = "case.json", "README.txt"
#: Names this package writes (and so may replace from an earlier run in the same folder).
_OURS = re.compile(r"^\d{2,}-(without|with)\.(png|jpg)$")
#: What case.json says it is.
FORMAT = "hoview case package 1"


@dataclass
class CaseResult:
    """What :func:`build_case_package` wrote.

    Attributes
    ----------
    folder : pathlib.Path
        The package folder.
    images : int
        Images in it (each as a without/with pair).
    files : list of str
        The file names written, in order.
    warnings : list of str
        Burned-in text warnings (these name the file; the package does not).
    """

    folder: Path
    images: int
    files: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def squared(rgb: np.ndarray) -> np.ndarray:
    """Centre an ``(h, w, 3)`` image on a black square as wide as its long side."""
    height, width = rgb.shape[:2]
    side = max(height, width)
    out = np.zeros((side, side, 3), np.uint8)
    top, left = (side - height) // 2, (side - width) // 2
    out[top : top + height, left : left + width] = rgb
    return out


def encode_image(rgb: np.ndarray, jpeg: bool) -> bytes:
    """PNG (or JPEG), 8-bit grey when the three channels agree, with no metadata."""
    image = Image.fromarray(grey_if_possible(rgb))
    out = io.BytesIO()
    if jpeg:
        image.save(out, "JPEG", quality=JPEG_QUALITY)
    else:
        image.save(out, "PNG", compress_level=6)
    return out.getvalue()


def image_record(
    number: int,
    names: tuple[str, str],
    caption: str,
    case: CaseName,
    frame: Frame,
    document: AnnotationDocument,
    discussion: str | None,
    size: tuple[int, int],
) -> dict[str, Any]:
    """Describe one packaged image for ``case.json``; nothing in it identifies anyone.

    The findings and labels are those drawn on the ``with`` image (visible layers of
    the frame shown); the header gives only modality, body part and view.
    """
    meta = frame.source.metadata
    findings, labels = [], []
    for annotation in document.visible_annotations(frame.number):
        if annotation.label:
            labels.append(annotation.label)
        finding = annotation.finding
        if finding is not None:
            findings.append(
                {
                    "label": annotation.label,
                    "finding": finding.finding,
                    "laterality": finding.laterality,
                    "grade": finding.grade,
                    "suggested_grade": finding.suggested_grade,
                }
            )
    return {
        "image": number,
        "without": names[0],
        "with": names[1],
        "caption": caption,
        "case": case.number,
        "part": case.part,
        "modality": _plain(meta.get("modality")),
        "body_part": _plain(meta.get("body_part")),
        "view": _plain(meta.get("view_position")),
        "width": size[0],
        "height": size[1],
        "findings": findings,
        "labels": labels,
        "discussion": discussion,
    }


def _plain(value: object) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def build_case_package(
    requests: Sequence[FilmRequest | Path | str],
    out_dir: Path,
    *,
    jpeg: bool = False,
    square: bool = False,
    title: str | None = None,
    discussions: Sequence[str] = (),
    strip_labels: bool = False,
    orientation_markers: bool = False,
    progress: Callable[[int, int], None] | None = None,
    warn: Callable[[str], None] | None = None,
) -> CaseResult:
    """Write a case package into ``out_dir``.

    Parameters
    ----------
    requests : sequence of FilmRequest or path
        The images in reading order (``PATH@N-M`` of a series gives each slice).
    out_dir : pathlib.Path
        The folder; made if missing. Files of an earlier package there that this one
        does not rewrite (``NN-with.png`` beyond its count) are removed.
    jpeg : bool
        JPEG instead of PNG.
    square : bool
        Each image centred in a black bounding square.
    title : str, optional
        The case title in ``case.json`` and ``README.txt``.
    discussions : sequence of str
        Discussion per image; else the sidecar's ``teaching.discussion``.
    strip_labels : bool
        Leave the users' labels out of the images and of ``case.json``.
    orientation_markers : bool
        Orientation letters on the edges where known (default off: teaching-file sites
        want images without overlays).
    progress : callable, optional
        ``progress(done, total)`` after each image.
    warn : callable, optional
        Called with each burned-in text warning before anything is written.

    Returns
    -------
    CaseResult

    Raises
    ------
    HoviewError
        Naming ``out_dir`` if there are no images, more discussions than images, or
        it cannot be written; naming the image if it cannot be read.
    """
    out_dir = Path(out_dir)
    films = case_requests(requests, discussions, out_dir, "a case package")
    if out_dir.exists() and not out_dir.is_dir():
        raise HoviewError(out_dir, "exists and is not a folder")
    films, frames, warnings = open_films(films, warn)
    names = case_names(films, frames)
    # Read once: drawn on the image and described in case.json.
    documents = [_document(request, frame) for request, frame in zip(films, frames, strict=True)]

    def job(i: int) -> Callable[[], Film]:
        frame = frames[i]
        return lambda: render_film(
            frame,
            documents[i],
            window=films[i].window,
            invert=films[i].invert,
            max_size=MAX_SIDE,
            strip_labels=strip_labels,
            orientation_markers=orientation_markers,
        )

    digits = max(2, len(str(len(films))))
    suffix = "jpg" if jpeg else "png"
    records, written = [], []
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for i, film in enumerate(render_in_parallel([job(i) for i in range(len(films))], progress)):
            pair = (f"{i + 1:0{digits}d}-without.{suffix}", f"{i + 1:0{digits}d}-with.{suffix}")
            for name, rgb in zip(pair, (film.plain, film.annotated), strict=True):
                write_atomic(
                    out_dir / name, encode_image(squared(rgb) if square else rgb, jpeg), False
                )
                written.append(name)
            document = drawn_document(documents[i], strip_labels)
            given = discussions[i] if i < len(discussions) else None
            caption = case_heading(i, films[i].caption, film.teaching, names[i])
            size = (max(film.size), max(film.size)) if square else film.size
            discussion = case_discussion(given, film.teaching)
            records.append(
                image_record(i + 1, pair, caption, names[i], frames[i], document, discussion, size)
            )
        description = {"format": FORMAT, "title": title, "images": records}
        text = json.dumps(description, indent=2, ensure_ascii=False) + "\n"
        write_atomic(out_dir / CASE_JSON, text.encode("utf-8"), False)
        write_atomic(out_dir / README, readme_text(title, records, jpeg, square).encode(), False)
    except OSError as exc:
        raise HoviewError(out_dir, f"cannot write the package ({exc.strerror or exc})") from exc
    written += [CASE_JSON, README]
    _remove_stale(out_dir, set(written))
    return CaseResult(out_dir, len(films), written, warnings)


def _document(request: FilmRequest, frame: Frame) -> AnnotationDocument:
    """Return the annotations the images were drawn with: the viewer's, else the sidecar's."""
    if request.document is not None:
        return request.document
    from hoview.annotations import load

    return load(frame.source.path, frame.source.identity)


def _remove_stale(folder: Path, keep: set[str]) -> None:
    """Remove image files of an earlier, longer package in the same folder."""
    for path in folder.iterdir():
        if _OURS.match(path.name) and path.name not in keep:
            path.unlink(missing_ok=True)


def readme_text(
    title: str | None, records: Sequence[dict[str, Any]], jpeg: bool, square: bool
) -> str:
    """Return the note for whoever uploads the package: what each file is."""
    kind = "JPEG" if jpeg else "PNG"
    lines = [
        f"{title or 'Teaching case'}: case package written by hoview",
        "",
        f"Each image is here twice, as {kind}, in reading order:",
        "  NN-without  the image as acquired, windowed, with no arrows or labels;",
        "  NN-with     the same image with the teacher's arrows and labels.",
        "Nothing in the images or in case.json identifies the patient: no names, IDs,",
        "dates or institution, and no text burned into the pixels by hoview.",
    ]
    if square:
        lines.append("Each image is centred in a black square, as illustrations are uploaded.")
    lines += [
        "case.json describes each image: caption, findings (laterality, grade),",
        "labels, modality, body part and view.",
        "",
        "Files:",
    ]
    for record in records:
        lines.append(f"  {record['without']}, {record['with']}: {record['caption']}")
    return "\n".join(lines) + "\n"
