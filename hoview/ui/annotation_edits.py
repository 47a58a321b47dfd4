"""Editing commands the window's menus call: finding, colour, label, delete.

Each acts on editable annotations only (not on a locked layer, never in a read-only
session) and is one undo step. Imported DICOM graphics (polyline, circle, ellipse,
point) can be deleted but not edited.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable

from hoview.annotations import (
    Annotation,
    Finding,
    Style,
    Text,
)
from hoview.ui import tool_dialogs
from hoview.ui.canvas_tool import ToolContext
from hoview.ui.tool_support import (
    changeable_ids,
    editable_ids,
    editable_session,
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


def edit_finding(canvas: ToolContext, ids: Iterable[str]) -> int:
    """Ask for a finding (starting from the first annotation's) and give it to ``ids``."""
    session = editable_session(canvas)
    ids = changeable_ids(session.document, ids) if session is not None else []
    if not ids:
        return 0
    finding = tool_dialogs.edit_finding_dialog(
        canvas.dialog_parent(), session.document.get(ids[0]).finding
    )
    return 0 if finding is None else set_finding(canvas, ids, finding)


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
        session.document.remove(removed)
        select(canvas, [i for i in selected_ids(canvas) if i not in removed])
    return len(removed)
