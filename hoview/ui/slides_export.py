"""File -> Export -> Lecture slides (.pptx): the montage builder's list as a deck.

The films are the builder's, in its order, with their captions, windows and the
annotations as they are in memory; the deck's title is the builder's title and "Leave
out labels" applies. "Arrows appear on click" (on by default) gives one slide per case
with the click animation, off gives two slides per case (without, then with arrows).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QProgressDialog

from hoview.errors import HoviewError
from hoview.render.slides import PPTX_SUFFIX, build_slides
from hoview.ui import export_prompts

if TYPE_CHECKING:
    from hoview.ui.montage_builder import MontageBuilder

#: The Export submenu's entry.
EXPORT_SLIDES = "Lecture slides (.pptx)..."
#: The save dialog's filter and default name.
SLIDES_FILTER = "PowerPoint slides (*.pptx)"
SLIDES_NAME = "lecture.pptx"


class _Cancelled(Exception):
    """The user pressed Cancel in the progress dialog."""


def export_slides(builder: MontageBuilder) -> Path | None:
    """Ask for a file and write the builder's films as a deck; return it, or ``None``.

    Parameters
    ----------
    builder : MontageBuilder
        Its films (in order), captions, title, "Leave out labels" and "Arrows appear
        on click" choices.
    """
    plan = builder.plan()
    if not plan.items:
        builder.message.emit("Add films to the montage builder's list first")
        return None
    if not export_prompts.confirm_burned_in(builder, plan.warnings()):
        return None
    default = builder.preferences.export_folder / SLIDES_NAME
    out = export_prompts.ask_save_path(builder, "Export lecture slides", default, SLIDES_FILTER)
    if out is None:
        return None
    out = export_prompts.with_suffix(out, PPTX_SUFFIX)
    builder.preferences.export_folder = out.parent
    total = len(plan.items) + 1
    progress = QProgressDialog("Rendering the slides...", "Cancel", 0, total, builder)
    progress.setWindowTitle("Lecture slides")
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(300)

    def step(done: int, _total: int) -> None:
        progress.setValue(done)
        QApplication.processEvents()
        if progress.wasCanceled():
            raise _Cancelled

    options = plan.options
    try:
        result = build_slides(
            [item.request() for item in plan.items],
            out,
            title=options.title.strip() or None,
            animate=builder.arrows_on_click.isChecked(),
            strip_labels=options.strip_labels,
            progress=step,
        )
    except _Cancelled:
        builder.message.emit("Slides export cancelled")
        return None
    except HoviewError as exc:
        export_prompts.show_error(builder, str(exc))
        return None
    finally:
        progress.setValue(total)
        progress.close()
    builder.message.emit(f"Exported {out} ({result.cases} films on {result.slides} slides)")
    return out
