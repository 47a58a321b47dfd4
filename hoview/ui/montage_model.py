"""What the montage builder holds: the chosen frames, their captions, the options.

No widgets here: the builder dialog shows and edits these, and they turn into the
arguments of :func:`hoview.render.montage.compose_montage`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from hoview.annotations import AnnotationDocument
from hoview.display.attributes import Window
from hoview.display.pipeline import VOI
from hoview.render import layout
from hoview.render.film import FilmRequest, burned_in_warnings
from hoview.render.montage import MontageResult, case_caption, compose_montage
from hoview.sources.base import Frame

#: Page choices: label, paper (``None``: one slide-sized image) and file ending.
PAGES = {
    "slide": ("Slide (PNG)", None, ".png"),
    "a4": ("A4 pages (PDF)", "a4", ".pdf"),
    "letter": ("Letter pages (PDF)", "letter", ".pdf"),
}


@dataclass
class MontageItem:
    """One film in the montage: a frame as it was when added, and its caption.

    Parameters
    ----------
    frame : Frame
        The open frame.
    window : Window or LookupTable or None
        The window it was shown with when added (``None``: the file's own).
    document : AnnotationDocument or None
        Its annotations in memory, unsaved edits included.
    caption : str
        The teacher's caption; empty means "Case N" by position.
    invert : bool
        Whether it was shown negated when added.
    position : str
        Where the frame sits in its series ("image 22 of 40"), for the list; may be empty.
    """

    frame: Frame
    window: VOI | None = None
    document: AnnotationDocument | None = None
    caption: str = ""
    invert: bool = False
    position: str = ""

    def describe(self) -> str:
        """Say which image this is, for the builder's list (on screen only, never exported)."""
        parts = [self.frame.source.path.name]
        if self.position:
            parts.append(self.position)
        if isinstance(self.window, Window):
            parts.append(f"W {self.window.width:g} L {self.window.center:g}")
        return " \u00b7 ".join(parts)

    def request(self) -> FilmRequest:
        """Return the film request for :func:`compose_montage`."""
        return FilmRequest(
            self.frame.source.path,
            self.frame.number,
            window=self.window,
            caption=self.caption.strip() or None,
            invert=self.invert,
            opened=self.frame,
            document=self.document,
        )


@dataclass
class MontageOptions:
    """How the montage is laid out.

    Parameters
    ----------
    pairs : bool
        Each film as a without/with arrows pair.
    columns : int or None
        Cells per row; ``None`` picks what shows the films largest.
    title : str
        Across the top of each page (empty: none).
    tile_size : int or None
        Each cell's image box in pixels; ``None`` fills a slide or the paper width.
    page : {"slide", "a4", "letter"}
        One black slide image, or white paper pages for a PDF.
    strip_labels : bool
        Leave out typed labels (a quiz).
    """

    pairs: bool = False
    columns: int | None = None
    title: str = ""
    tile_size: int | None = None
    page: str = "slide"
    strip_labels: bool = False

    @property
    def paper(self) -> str | None:
        """``"a4"``, ``"letter"`` or ``None`` for a slide."""
        return PAGES[self.page][1]

    @property
    def suffix(self) -> str:
        """The file ending the page choice writes (``.png`` or ``.pdf``)."""
        return PAGES[self.page][2]

    @property
    def dpi(self) -> int | None:
        """Resolution recorded in a PDF (sets its paper size), ``None`` for a slide."""
        return layout.DPI if self.paper else None

    def for_suffix(self, suffix: str) -> MontageOptions:
        """Return these options fitted to a file ending: a PDF needs paper, PNG a slide."""
        is_pdf = suffix.lower() == ".pdf"
        if is_pdf and self.paper is None:
            return replace(self, page="a4")
        if not is_pdf and self.paper is not None:
            return replace(self, page="slide")
        return self


@dataclass
class MontagePlan:
    """The items in order and the options: what the builder will export."""

    items: Sequence[MontageItem] = field(default_factory=list)
    options: MontageOptions = field(default_factory=MontageOptions)

    def captions(self) -> list[str]:
        """Return the caption of each item as exported ("Case N" when left empty)."""
        return [case_caption(i, item.caption.strip()) for i, item in enumerate(self.items)]

    def warnings(self) -> list[str]:
        """Return one burned-in text warning per source that needs one, in order."""
        return burned_in_warnings([item.frame for item in self.items])

    def compose(
        self, progress: Callable[[int, int], None] | None = None
    ) -> tuple[list[np.ndarray], MontageResult]:
        """Render the pages with :func:`compose_montage`.

        Raises
        ------
        ValueError
            If there are no items or the tiles do not fit.
        HoviewError
            If a film cannot be rendered.
        """
        o = self.options
        return compose_montage(
            [item.request() for item in self.items],
            pairs=o.pairs,
            columns=o.columns,
            title=o.title.strip() or None,
            tile_size=o.tile_size,
            paper=o.paper,
            strip_labels=o.strip_labels,
            progress=progress,
        )
