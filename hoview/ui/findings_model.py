"""The rows of the findings panel, their filters and their text for a report. No Qt.

One row per annotation of the images of a series: what it is, its label and finding, the
layer and frame it is on, who drew it and, for measurements, the value as
:func:`hoview.annotations.measures.measure` words it with the spacing measurements use
(a user calibration first, :func:`hoview.sources.spacing.calibrated`). The panel
(:mod:`hoview.ui.findings_panel`) shows these rows; the frame slider marks the frames
:func:`annotated_frames` gives. Nothing here names the patient: the author is a user.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hoview.annotations import Annotation, AnnotationDocument, Finding, Text
from hoview.annotations.measures import measure
from hoview.sources.base import ImageSource, Series
from hoview.sources.spacing import Spacing, calibrated

__all__ = [
    "COLUMNS",
    "FindingRow",
    "annotated_frames",
    "filter_rows",
    "finding_rows",
    "grade_text",
    "kind_text",
    "to_tsv",
]

#: The columns of the panel and of the copied table, in order.
COLUMNS = ("Kind", "Label", "Finding", "Laterality", "Grade", "Layer", "Frame", "Author", "Value")

#: How the panel names a kind when the sidecar's name is not what a reader says.
_KIND_NAMES = {"cobb": "Cobb angle"}

#: One image and its annotations: ``(source, document)``.
ImageDocument = tuple[ImageSource, AnnotationDocument]


@dataclass(frozen=True, slots=True)
class FindingRow:
    """One annotation as the findings panel lists it.

    Attributes
    ----------
    annotation_id : str
        The annotation's id (what the view state selects).
    index : int
        Where its frame is in the series, from 0 (what the frame slider shows).
    centre : (float, float)
        The middle of its points, in image pixel coordinates ``(x, y)``.
    shown : bool
        Whether it is drawn (its layer visible and the image's annotations on).
    kind, label, finding, laterality, grade, layer, author, value : str
        The text of the columns (:data:`COLUMNS`); ``""`` when there is none.
    """

    annotation_id: str
    index: int
    centre: tuple[float, float]
    shown: bool
    kind: str
    label: str
    finding: str
    laterality: str
    grade: str
    layer: str
    author: str
    value: str

    @property
    def frame(self) -> int:
        """The frame's position in the series, from 1 (as the frame slider counts)."""
        return self.index + 1

    def cells(self) -> tuple[str, ...]:
        """Return the row's text, one string per column of :data:`COLUMNS`."""
        return (
            self.kind,
            self.label,
            self.finding,
            self.laterality,
            self.grade,
            self.layer,
            str(self.frame),
            self.author,
            self.value,
        )


def kind_text(annotation: Annotation) -> str:
    """Return what the panel calls ``annotation``'s kind (``"arrow"``, ``"Cobb angle"``)."""
    return _KIND_NAMES.get(annotation.kind, annotation.kind)


def grade_text(finding: Finding | None) -> str:
    """Return the reader's grade, with hoview's suggestion when it differs or is alone.

    ``"Brooker III"``; ``"Brooker II (suggested Brooker III)"`` when the reader chose
    otherwise; ``"— (suggested Brooker III)"`` when the reader has not chosen yet.
    """
    if finding is None:
        return ""
    grade, suggested = finding.grade or "", finding.suggested_grade or ""
    if suggested and suggested != grade:
        return f"{grade or '—'} (suggested {suggested})"
    return grade


def measuring_spacing(source: ImageSource, document: AnnotationDocument) -> Spacing | None:
    """Return the spacing ``document``'s measurements use: its user calibration first."""
    return calibrated(source.spacing, document.calibration)


def _centre(annotation: Annotation) -> tuple[float, float]:
    points = annotation.points
    if not points:
        return (0.0, 0.0)
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2)


def _frame_indexes(series: Series) -> dict[tuple[int, int], int]:
    return {(id(f.source), f.number): i for i, f in enumerate(series.frames)}


def finding_rows(series: Series, documents: Iterable[ImageDocument]) -> list[FindingRow]:
    """Return a row for every annotation of ``documents`` on a frame of ``series``.

    Parameters
    ----------
    series : Series
        The series shown; a row's :attr:`FindingRow.index` is its frame's place in it.
    documents : iterable of (ImageSource, AnnotationDocument)
        The images of the series with their annotations (some or all of them).

    Returns
    -------
    list of FindingRow
        In frame order, then layer order, then the order they were drawn. Annotations
        on hidden layers are listed too (``shown`` is false).
    """
    where = _frame_indexes(series)
    rows: list[tuple[int, int, int, FindingRow]] = []
    for source, document in documents:
        spacing = measuring_spacing(source, document)
        layers = {layer.id: (rank, layer) for rank, layer in enumerate(document.layers)}
        for order, annotation in enumerate(document.annotations):
            index = where.get((id(source), annotation.frame))
            if index is None:
                continue
            rank, layer = layers.get(annotation.layer, (len(layers), None))
            measured = measure(annotation, spacing)
            label = annotation.label or (annotation.text if isinstance(annotation, Text) else "")
            finding = annotation.finding
            row = FindingRow(
                annotation_id=annotation.id,
                index=index,
                centre=_centre(annotation),
                shown=document.annotations_visible and layer is not None and layer.visible,
                kind=kind_text(annotation),
                label=label or "",
                finding=finding.finding if finding is not None else "",
                laterality=(finding.laterality or "") if finding is not None else "",
                grade=grade_text(finding),
                layer=layer.name if layer is not None else "",
                author=annotation.author,
                value=measured.text if measured is not None else "",
            )
            rows.append((index, rank, order, row))
    rows.sort(key=lambda item: item[:3])
    return [item[3] for item in rows]


def filter_rows(
    rows: Sequence[FindingRow], layer: str | None = None, finding: str | None = None
) -> list[FindingRow]:
    """Return the rows on layer ``layer`` with finding ``finding`` (``None``: any)."""
    return [
        row
        for row in rows
        if (layer is None or row.layer == layer) and (finding is None or row.finding == finding)
    ]


def _cell(text: str) -> str:
    return " ".join(text.split())  # no tab or line break inside a cell


def to_tsv(rows: Sequence[FindingRow]) -> str:
    """Return ``rows`` as tab-separated text with a header line, for pasting into a report.

    Values carry their units (``"15.0 mm"``, ``"37.5°"``); every line ends with a newline.
    """
    lines = ["\t".join(COLUMNS)]
    lines += ["\t".join(_cell(cell) for cell in row.cells()) for row in rows]
    return "\n".join(lines) + "\n"


def annotated_frames(series: Series, documents: Iterable[ImageDocument]) -> list[int]:
    """Return the places in ``series`` (from 0) of the frames with visible annotations.

    Visible as the image's own document says: on a shown layer, with the image's
    annotations switched on (:meth:`AnnotationDocument.visible_annotations`).
    """
    where = _frame_indexes(series)
    marked = set()
    for source, document in documents:
        for annotation in document.visible_annotations():
            index = where.get((id(source), annotation.frame))
            if index is not None:
                marked.add(index)
    return sorted(marked)
