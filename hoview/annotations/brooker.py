"""The Brooker grade of heterotopic ossification about the hip, suggested from gaps.

Brooker AF, Bowerman JW, Robinson RA, Riley LH Jr. Ectopic ossification following
total hip replacement: incidence and a method of classification. J Bone Joint Surg Am.
1973;55(8):1629-1632. The classes, on an AP radiograph of the pelvis:

- I: islands of bone within the soft tissues about the hip;
- II: bone spurs from the pelvis or the proximal femur, leaving at least 1 cm between
  opposing bone surfaces;
- III: bone spurs leaving less than 1 cm between opposing bone surfaces;
- IV: apparent bony ankylosis of the hip (the ossification bridges the joint).

hoview suggests II, III or IV from a :class:`~hoview.annotations.measure_kinds.Gap`
measured in millimetres. Class I (islands with no spur, so no gap to measure) is the
reader's call. The suggestion is stored in the finding's ``suggested_grade``, apart
from the reader's ``grade``, so a report shows both.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from hoview.annotations.measure_kinds import Gap
from hoview.annotations.shapes import Annotation, Arrow, Finding

if TYPE_CHECKING:
    from hoview.annotations.model import AnnotationDocument

#: The finding a gap's arrow must carry for a suggestion.
HETEROTOPIC_OSSIFICATION = "heterotopic ossification"
#: The gap, in mm, from which the opposing surfaces are far enough apart for class II.
CLASS_II_MIN_MM = 10.0
#: The grades, as the finding stores them.
GRADES = ("Brooker I", "Brooker II", "Brooker III", "Brooker IV")


def suggest(gap_mm: float | None, bridging: bool = False) -> str | None:
    """Return the Brooker grade a gap suggests, or ``None`` when it cannot.

    Parameters
    ----------
    gap_mm : float or None
        The gap between opposing bone surfaces in mm; ``None`` when the image has no
        spacing (a gap in pixels suggests nothing).
    bridging : bool
        The ossification bridges the joint.

    Returns
    -------
    str or None
        ``"Brooker IV"`` when bridging, ``"Brooker II"`` for at least 10 mm,
        ``"Brooker III"`` for less, ``None`` without millimetres.
    """
    if bridging:
        return "Brooker IV"
    if gap_mm is None:
        return None
    return "Brooker II" if gap_mm >= CLASS_II_MIN_MM else "Brooker III"


def is_heterotopic_ossification(finding: Finding | None) -> bool:
    """Whether ``finding`` is heterotopic ossification (or no finding yet)."""
    return finding is None or finding.finding.strip().lower() == HETEROTOPIC_OSSIFICATION


def check_gap_target(arrow: Annotation, gap: Gap) -> None:
    """Check ``gap`` may belong to ``arrow``'s finding.

    Raises
    ------
    ValueError
        ``arrow`` is not an arrow, is on another layer or frame, or its finding is not
        heterotopic ossification.
    """
    if not isinstance(arrow, Arrow):
        raise ValueError(f"arrow: {arrow.id} is a {arrow.kind}, not an arrow")
    if arrow.layer != gap.layer:
        raise ValueError(f"arrow: {arrow.id} is on another layer than the gap")
    if arrow.frame != gap.frame:
        raise ValueError(f"arrow: {arrow.id} is on frame {arrow.frame}, the gap on {gap.frame}")
    if not is_heterotopic_ossification(arrow.finding):
        assert arrow.finding is not None
        raise ValueError(
            f"arrow: {arrow.id} marks {arrow.finding.finding!r}, "
            f"not {HETEROTOPIC_OSSIFICATION}; a Brooker grade needs heterotopic ossification"
        )


def suggested_finding(
    arrow: Annotation, gaps: Iterable[Gap], spacing: tuple[float, float] | None
) -> Finding | None:
    """Return ``arrow``'s finding with the suggestion its gaps make.

    The narrowest gap decides (a bridge anywhere is IV). An arrow without a finding
    gets one of heterotopic ossification; one whose finding is something else is
    returned unchanged. The reader's own ``grade`` is never touched.

    Parameters
    ----------
    arrow : Annotation
        The arrow on the finding.
    gaps : iterable of Gap
        The gaps that name it (``gap.arrow == arrow.id``).
    spacing : (float, float) or None
        The spacing measurements use (user calibration first).
    """
    finding = arrow.finding
    if not is_heterotopic_ossification(finding):
        return finding
    suggestion = None
    narrowest: float | None = None
    for gap in gaps:
        value, unit = gap.length(spacing)
        if gap.bridging:
            suggestion = "Brooker IV"
            break
        if unit == "mm" and (narrowest is None or value < narrowest):
            narrowest = value
    if suggestion is None and narrowest is not None:
        suggestion = suggest(narrowest)
    if finding is None:
        if suggestion is None:
            return None
        return Finding(HETEROTOPIC_OSSIFICATION, suggested_grade=suggestion)
    if finding.suggested_grade == suggestion:
        return finding
    return Finding(
        finding.finding,
        finding.laterality,
        finding.grade,
        suggestion,
        extra=finding.extra,
    )


def refresh_suggestions(document: AnnotationDocument, spacing: tuple[float, float] | None) -> int:
    """Bring every arrow's suggested grade in line with the gaps that name it.

    Call it after adding, moving or removing a gap, or after a calibration: arrows some
    gap names get the suggestion their gaps make; arrows no gap names any more lose
    theirs. Each change is an ordinary undoable :meth:`AnnotationDocument.update`
    (group them with :meth:`hoview.annotations.history.History.group` in an editor).

    Parameters
    ----------
    document : AnnotationDocument
        The annotations.
    spacing : (float, float) or None
        The spacing measurements use (a user calibration first).

    Returns
    -------
    int
        How many arrows changed.
    """
    gaps: dict[str, list[Gap]] = {}
    for annotation in document.annotations:
        if isinstance(annotation, Gap) and annotation.arrow is not None:
            gaps.setdefault(annotation.arrow, []).append(annotation)
    changed = 0
    for annotation in document.annotations:
        if not isinstance(annotation, Arrow):
            continue
        named = gaps.get(annotation.id, [])
        finding = annotation.finding
        if not named and (finding is None or finding.suggested_grade is None):
            continue
        new = suggested_finding(annotation, named, spacing)
        if not named and finding is not None:
            new = Finding(finding.finding, finding.laterality, finding.grade, extra=finding.extra)
        if new != finding:
            document.update(annotation.id, finding=new)
            changed += 1
    return changed
