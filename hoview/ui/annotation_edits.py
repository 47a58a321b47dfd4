"""Editing commands the menus call: finding, colour, label, delete, bridging, calibration.

Each acts on editable annotations only (not on a locked layer, never in a read-only
session) and is one undo step. Imported DICOM graphics (polyline, circle, ellipse,
point) can be deleted but not edited. Every edit that may change a gap (or the
calibration) brings the Brooker suggestions of the arrows up to date in the same undo
step (:func:`hoview.annotations.brooker.refresh_suggestions`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable

from hoview.annotations import (
    Annotation,
    Finding,
    Gap,
    Style,
    Text,
)
from hoview.annotations.calibration import Calibration
from hoview.annotations.measures import measure
from hoview.ui import tool_dialogs
from hoview.ui.canvas_tool import ToolContext
from hoview.ui.tool_support import (
    changeable_ids,
    editable_ids,
    editable_session,
    measuring_spacing,
    refresh_brooker,
    select,
    selected_ids,
)

# -- editing helpers (the window's menus call these) ----------------------------------


def _edit_each(
    canvas: ToolContext,
    ids: Iterable[str],
    description: str,
    change: Callable[[Annotation], dict[str, object]],
) -> int:
    """Apply ``change(annotation)`` to each editable annotation as one undo step."""
    session = editable_session(canvas)
    if session is None:
        return 0
    document = session.document
    changed = 0
    with session.history.group(description):
        for annotation_id in changeable_ids(document, ids):
            old = document.get(annotation_id)
            if document.update(annotation_id, **change(old)) is not old:
                changed += 1
        if changed:
            refresh_brooker(canvas, session)
    return changed


def set_finding(canvas: ToolContext, ids: Iterable[str], finding: Finding | None) -> int:
    """Give annotations a structured finding (``None`` removes it); one undo step.

    Returns
    -------
    int
        How many annotations changed (locked and read-only ones never do).
    """
    return _edit_each(canvas, ids, "Set finding", lambda _a: {"finding": finding})


def set_colour(canvas: ToolContext, ids: Iterable[str], colour: str | None) -> int:
    """Colour annotations ``#rrggbb`` (``None``: their layer's colour); one undo step.

    Returns
    -------
    int
        How many annotations changed.

    Raises
    ------
    ValueError
        If ``colour`` is not ``#rrggbb``.
    """
    Style(colour=colour)  # check it before touching anything
    return _edit_each(
        canvas,
        ids,
        "Set colour",
        lambda a: {"style": dataclasses.replace(a.style, colour=colour)},
    )


def set_label(canvas: ToolContext, annotation_id: str, label: str | None) -> bool:
    """Set an annotation's label (``""`` or ``None`` removes it); return whether it changed."""
    return bool(
        _edit_each(canvas, [annotation_id], "Edit label", lambda _a: {"label": label or None})
    )


def edit_label(canvas: ToolContext, annotation_id: str) -> bool:
    """Ask for an annotation's label (a text's words) and set it; return whether it changed."""
    session = editable_session(canvas)
    if session is None or not changeable_ids(session.document, [annotation_id]):
        return False
    annotation = session.document.get(annotation_id)
    if isinstance(annotation, Text):
        text = tool_dialogs.ask_text(canvas.dialog_parent(), annotation.text)
        if not text or annotation_id not in session.document:
            return False
        return bool(_edit_each(canvas, [annotation_id], "Edit text", lambda _a: {"text": text}))
    label = tool_dialogs.ask_label(canvas.dialog_parent(), annotation.label)
    return label is not None and set_label(canvas, annotation_id, label)


def set_bridging(canvas: ToolContext, gap_id: str, bridging: bool) -> bool:
    """Mark a gap as bridging (Brooker IV) or not; return whether it changed.

    The suggestion of the arrow the gap names follows in the same undo step.
    """
    session = editable_session(canvas)
    if session is None or gap_id not in session.document:
        return False
    if not isinstance(session.document.get(gap_id), Gap):
        return False
    description = "Mark as bridging" if bridging else "Mark as not bridging"
    return bool(_edit_each(canvas, [gap_id], description, lambda _a: {"bridging": bridging}))


def suggestion_note(canvas: ToolContext, annotation_id: str) -> str:
    """Say where an arrow's suggested grade comes from ("" when it has none).

    ``"suggested: Brooker III from a 6.2 mm gap"``; the narrowest gap naming the
    arrow decides, a bridging one first (``"... from a bridging gap"``).
    """
    session = canvas.session()
    if session is None or annotation_id not in session.document:
        return ""
    document = session.document
    finding = document.get(annotation_id).finding
    if finding is None or finding.suggested_grade is None:
        return ""
    spacing = measuring_spacing(canvas)
    gaps = [a for a in document.annotations if isinstance(a, Gap) and a.arrow == annotation_id]
    measured = [m for m in (measure(g, spacing) for g in gaps) if m is not None]
    if not measured:
        return f"suggested: {finding.suggested_grade}"
    narrowest = min(measured, key=lambda m: (not m.bridging, m.value))
    where = "a bridging gap" if narrowest.bridging else f"a {narrowest.text} gap"
    return f"suggested: {finding.suggested_grade} from {where}"


def edit_finding(canvas: ToolContext, ids: Iterable[str]) -> int:
    """Ask for a finding (starting from the first annotation's) and give it to ``ids``.

    The dialog shows hoview's Brooker suggestion beside the grade; the reader's
    choice is stored as ``grade``, the suggestion stays ``suggested_grade``.
    """
    session = editable_session(canvas)
    ids = changeable_ids(session.document, ids) if session is not None else []
    if not ids:
        return 0
    note = suggestion_note(canvas, ids[0])
    finding = tool_dialogs.edit_finding_dialog(
        canvas.dialog_parent(),
        session.document.get(ids[0]).finding,
        *([note] if note else []),  # (a stand-in dialog may take two arguments)
    )
    return 0 if finding is None else set_finding(canvas, ids, finding)


def set_calibration(canvas: ToolContext, calibration: Calibration | None) -> bool:
    """Set the image's user calibration (``None`` removes it); return whether it worked.

    Every measurement then reads in the calibrated millimetres, and the arrows' Brooker
    suggestions follow (one undo step for them; the calibration itself is saved, not
    undone, like the image's orientation).
    """
    session = editable_session(canvas)
    if session is None:
        return False
    with session.history.group("Calibrate" if calibration else "Remove calibration"):
        session.document.set_calibration(calibration)
        refresh_brooker(canvas, session)
    canvas.update()
    return True


def edit_colour(canvas: ToolContext, ids: Iterable[str]) -> int:
    """Ask for a colour (starting from the first annotation's) and give it to ``ids``."""
    session = editable_session(canvas)
    ids = changeable_ids(session.document, ids) if session is not None else []
    if not ids:
        return 0
    first = session.document.get(ids[0])
    colour = tool_dialogs.ask_colour(
        canvas.dialog_parent(), session.document.resolved_style(first).colour
    )
    return 0 if colour is None else set_colour(canvas, ids, colour)


def delete(canvas: ToolContext, ids: Iterable[str]) -> int:
    """Remove annotations (not those on locked layers) as one undo step; return how many."""
    session = editable_session(canvas)
    if session is None:
        return 0
    removed = editable_ids(session.document, ids)
    if removed:
        with session.history.group():  # a gap and its arrow's suggestion: one step
            session.document.remove(removed)
            refresh_brooker(canvas, session)
        select(canvas, [i for i in selected_ids(canvas) if i not in removed])
    return len(removed)
