"""The montage builder: pick open films, order and caption them, preview, export.

A teacher adds the frame on screen (with the window it is shown in and its annotations
as they are in memory) or every open image, drags the list into order, types a caption
per film (or leaves "Case N"), chooses pairs, columns, a title, the tile size and the
page, and exports one slide-sized PNG, paper pages in a PDF, or lecture slides (.pptx)
whose arrows appear on click. The list names the files
to help the teacher find their way; the export never does.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QItemSelectionModel, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QIcon, QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressDialog,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from hoview.display.pipeline import VOI
from hoview.errors import HoviewError
from hoview.render.export import save_pages
from hoview.render.film import render_film
from hoview.render.montage import case_caption
from hoview.render.qimage import array_to_qimage
from hoview.sources.base import Frame, Series
from hoview.ui import export_prompts
from hoview.ui.canvas import ViewerCanvas
from hoview.ui.montage_model import PAGES, MontageItem, MontageOptions, MontagePlan
from hoview.ui.settings import Preferences

#: Milliseconds of quiet after a change before the preview is drawn again.
PREVIEW_DELAY_MS = 250
#: Size of the thumbnails in the list.
ICON = 56
#: Most columns offered.
MAX_COLUMNS = 8


class _Cancelled(Exception):
    """The user pressed Cancel in the progress dialog."""


class PreviewLabel(QLabel):
    """Shows a page scaled to fit, or a line of text when there is nothing to show."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(480, 300)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setStyleSheet("background: #3a3a3a; color: #dddddd;")
        self.setWordWrap(True)
        self._image: QImage | None = None

    def show_page(self, page: np.ndarray) -> None:
        """Show ``page`` (uint8 RGB) scaled into the label."""
        self._image = array_to_qimage(page)
        self._rescale()

    def show_text(self, text: str) -> None:
        """Show a message instead of a page."""
        self._image = None
        self.clear()
        self.setText(text)

    def _rescale(self) -> None:
        if self._image is None:
            return
        box = self.size() - QSize(12, 12)
        self.setPixmap(
            QPixmap.fromImage(self._image).scaled(
                box,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )

    def resizeEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt API
        """Fit the page to the new size."""
        super().resizeEvent(event)
        self._rescale()


class MontageBuilder(QDialog):
    """Build a montage of open films; a window that stays open beside the viewer.

    Parameters
    ----------
    canvas : ViewerCanvas
        The viewer's canvas: "Add current frame" takes its frame, window and annotations.
    preferences : Preferences
        Keeps the last export folder.
    open_series : callable
        Returns the series open in the viewer ("Add all open images").
    parent : QWidget, optional
        The main window.
    """

    #: Emitted with a one-line report for the status bar.
    message = Signal(str)

    def __init__(
        self,
        canvas: ViewerCanvas,
        preferences: Preferences,
        open_series: Callable[[], list[Series]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Montage builder")
        self.setModal(False)
        self.resize(1040, 640)
        self.canvas = canvas
        self.preferences = preferences
        self.open_series = open_series
        self._items: dict[int, MontageItem] = {}
        self._next_key = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.update_preview)
        self._build()
        canvas.sessions.changed.connect(lambda _session: self._schedule_if_shown())
        self._on_selection_changed()
        self.update_preview()

    # --- building -----------------------------------------------------------------

    def _build(self) -> None:
        self.list = QListWidget(self)
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.list.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setIconSize(QSize(ICON, ICON))
        self.list.setSpacing(2)
        self.list.setMinimumWidth(330)
        self.list.setToolTip("Drag to change the order")
        self.list.itemSelectionChanged.connect(self._on_selection_changed)
        model = self.list.model()
        for signal in (model.rowsMoved, model.rowsInserted, model.rowsRemoved):
            signal.connect(lambda *_: self._changed())
        self.caption = QLineEdit(self)
        self.caption.textEdited.connect(self._on_caption_edited)
        self.add_current = QPushButton("Add current frame", self)
        self.add_current.clicked.connect(self.add_current_frame)
        self.add_all = QPushButton("Add all open images", self)
        self.add_all.clicked.connect(self.add_open_images)
        self.remove = QPushButton("Remove", self)
        self.remove.clicked.connect(self.remove_selected)

        self.pairs = QCheckBox("Each film without and with arrows", self)
        self.columns = QComboBox(self)
        self.columns.addItem("Auto", None)
        for n in range(1, MAX_COLUMNS + 1):
            self.columns.addItem(str(n), n)
        self.title = QLineEdit(self)
        self.title.setPlaceholderText("No title")
        self.tile_size = QSpinBox(self)
        self.tile_size.setRange(0, 4000)
        self.tile_size.setSingleStep(50)
        self.tile_size.setSpecialValueText("Auto")
        self.tile_size.setSuffix(" px")
        self.tile_size.setToolTip("Each picture's box; Auto fills the slide or the page")
        self.page = QComboBox(self)
        for key, (label, _paper, _suffix) in PAGES.items():
            self.page.addItem(label, key)
        self.strip_labels = QCheckBox("Leave out labels (quiz)", self)
        self.arrows_on_click = QCheckBox("Slides: arrows appear on click", self)
        self.arrows_on_click.setChecked(True)
        self.arrows_on_click.setToolTip(
            "Lecture slides: one slide per film with the arrows appearing at a click; "
            "off gives two slides per film (without, then with arrows)"
        )
        self.pairs.toggled.connect(self._changed)
        self.strip_labels.toggled.connect(self._changed)
        self.columns.currentIndexChanged.connect(self._changed)
        self.page.currentIndexChanged.connect(self._changed)
        self.tile_size.valueChanged.connect(self._changed)
        self.title.textChanged.connect(self._changed)

        self.preview = PreviewLabel(self)
        self.preview_info = QLabel(self)
        self.preview_info.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.export_button = QPushButton("Export...", self)
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.export)
        self.slides_button = QPushButton("Lecture slides...", self)
        self.slides_button.setToolTip("Export the list as a PowerPoint deck (.pptx)")
        self.slides_button.clicked.connect(self.export_slides)
        close = QPushButton("Close", self)
        close.clicked.connect(self.close)

        images = QGroupBox("Films, in order (drag to reorder)", self)
        left = QVBoxLayout(images)
        left.addWidget(self.list, 1)
        caption_row = QFormLayout()
        caption_row.addRow("Caption", self.caption)
        left.addLayout(caption_row)
        adding = QHBoxLayout()
        for button in (self.add_current, self.add_all, self.remove):
            adding.addWidget(button)
        left.addLayout(adding)

        options = QGroupBox("Layout", self)
        form = QFormLayout(options)
        form.addRow("Title", self.title)
        form.addRow("Page", self.page)
        form.addRow("Columns", self.columns)
        form.addRow("Tile size", self.tile_size)
        form.addRow(self.pairs)
        form.addRow(self.strip_labels)
        form.addRow(self.arrows_on_click)

        right = QVBoxLayout()
        right.addWidget(self.preview, 1)
        right.addWidget(self.preview_info)
        right.addWidget(options)

        body = QHBoxLayout()
        body.addWidget(images, 2)
        body.addLayout(right, 3)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.slides_button)
        buttons.addWidget(self.export_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addLayout(buttons)

    # --- the items ----------------------------------------------------------------

    def items(self) -> list[MontageItem]:
        """Return the films in the list's order."""
        return [
            self._items[self.list.item(row).data(Qt.ItemDataRole.UserRole)]
            for row in range(self.list.count())
        ]

    def options(self) -> MontageOptions:
        """Return the layout chosen in the dialog."""
        return MontageOptions(
            pairs=self.pairs.isChecked(),
            columns=self.columns.currentData(),
            title=self.title.text(),
            tile_size=self.tile_size.value() or None,
            page=self.page.currentData(),
            strip_labels=self.strip_labels.isChecked(),
        )

    def plan(self) -> MontagePlan:
        """Return what an export would write now."""
        return MontagePlan(self.items(), self.options())

    def add_item(self, item: MontageItem) -> None:
        """Append ``item`` to the list, with a thumbnail."""
        key = self._next_key
        self._next_key += 1
        self._items[key] = item
        entry = QListWidgetItem(_icon(item), "")
        entry.setData(Qt.ItemDataRole.UserRole, key)
        entry.setToolTip(item.describe())
        entry.setFlags(entry.flags() & ~Qt.ItemFlag.ItemIsDropEnabled)
        self.list.addItem(entry)
        self.list.setCurrentItem(entry, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self._changed()

    def add_current_frame(self) -> MontageItem | None:
        """Add the frame on screen, with its current window and in-memory annotations."""
        frame = self.canvas.frame
        if frame is None:
            return None
        series = self.canvas.series
        count = len(series.frames) if series is not None else 1
        item = self._item(
            frame, self.canvas.voi, self.canvas.frame_index, count, self.canvas.invert
        )
        self.add_item(item)
        return item

    def add_open_images(self) -> int:
        """Add every open series that is not in the list yet.

        The series on screen gives its current frame and window, the others their
        middle frame in the file's own window.

        Returns
        -------
        int
            How many films were added.
        """
        present = {(i.frame.source.path, i.frame.number) for i in self.items()}
        added = 0
        for series in self.open_series():
            if not series.frames:
                continue
            if series is self.canvas.series and self.canvas.frame is not None:
                index, window = self.canvas.frame_index, self.canvas.voi
                invert = self.canvas.invert
            else:
                index, window, invert = len(series.frames) // 2, None, False
            frame = series.frames[index]
            if (frame.source.path, frame.number) in present:
                continue
            self.add_item(self._item(frame, window, index, len(series.frames), invert))
            added += 1
        return added

    def remove_selected(self) -> None:
        """Take the selected films out of the montage."""
        for entry in self.list.selectedItems():
            key = entry.data(Qt.ItemDataRole.UserRole)
            self.list.takeItem(self.list.row(entry))
            self._items.pop(key, None)
        self._changed()

    def set_caption(self, row: int, caption: str) -> None:
        """Set the caption of the film in ``row`` (empty: "Case N")."""
        self._items[self.list.item(row).data(Qt.ItemDataRole.UserRole)].caption = caption
        if self.list.currentRow() == row and self.caption.text() != caption:
            self.caption.setText(caption)
        self._changed()

    def _item(
        self, frame: Frame, window: VOI | None, index: int, count: int, invert: bool = False
    ) -> MontageItem:
        document = self.canvas.sessions.session(frame.source).document
        position = f"image {index + 1} of {count}" if count > 1 else ""
        return MontageItem(frame, window, document, invert=invert, position=position)

    # --- reacting -----------------------------------------------------------------

    def _changed(self) -> None:
        """Refresh the list's texts now and the preview after a short pause."""
        for row, item in enumerate(self.items()):
            caption = item.caption.strip() or case_caption(row, None)
            self.list.item(row).setText(f"{caption}\n{item.describe()}")
        self._on_selection_changed()
        self._timer.start()

    def _schedule_if_shown(self) -> None:
        if self.isVisible() and self._items:
            self._timer.start()

    def _on_selection_changed(self) -> None:
        row = self.list.currentRow()
        has_item = 0 <= row < self.list.count() and self.list.currentItem().isSelected()
        self.caption.setEnabled(has_item)
        self.remove.setEnabled(bool(self.list.selectedItems()))
        self.export_button.setEnabled(self.list.count() > 0)
        self.slides_button.setEnabled(self.list.count() > 0)
        if has_item:
            item = self.items()[row]
            if self.caption.text() != item.caption:
                self.caption.setText(item.caption)
            self.caption.setPlaceholderText(case_caption(row, None))
        else:
            self.caption.clear()
            self.caption.setPlaceholderText("Select a film to caption it")

    def _on_caption_edited(self, text: str) -> None:
        row = self.list.currentRow()
        if 0 <= row < self.list.count():
            self.set_caption(row, text)

    def update_preview(self) -> None:
        """Draw the first page of the montage as it would be exported now."""
        self._timer.stop()
        plan = self.plan()
        if not plan.items:
            self.preview.show_text("Add films to see the montage here.")
            self.preview_info.setText("")
            return
        try:
            pages, result = plan.compose()
        except (HoviewError, ValueError) as exc:
            self.preview.show_text(str(exc))
            self.preview_info.setText("")
            return
        self.preview.show_page(pages[0])
        height, width = pages[0].shape[:2]
        films = f"{len(plan.items)} film{'s' if len(plan.items) != 1 else ''}"
        if plan.options.paper:
            count = len(pages)
            where = f"page 1 of {count} shown" if count > 1 else "1 page"
            self.preview_info.setText(f"{films}, {result.tiles} pictures \u00b7 {where}")
        else:
            self.preview_info.setText(
                f"{films}, {result.tiles} pictures \u00b7 {width} \u00d7 {height} px"
            )

    # --- exporting ----------------------------------------------------------------

    def export(self) -> Path | None:
        """Ask for a file and write the montage; return the file, or ``None``."""
        plan = self.plan()
        if not plan.items:
            return None
        if not export_prompts.confirm_burned_in(self, plan.warnings()):
            return None
        suffix = plan.options.suffix
        filters = [export_prompts.IMAGE_FILTER, export_prompts.PDF_FILTER]
        if suffix == ".pdf":
            filters.reverse()
        out = export_prompts.ask_save_path(
            self,
            "Export montage",
            self.preferences.export_folder / f"montage{suffix}",
            ";;".join(filters),
        )
        if out is None:
            return None
        out = export_prompts.with_suffix(out, suffix)
        self.preferences.export_folder = out.parent
        fitted = plan.options.for_suffix(out.suffix)
        if fitted.page != plan.options.page:
            self.page.setCurrentIndex(self.page.findData(fitted.page))
            plan = MontagePlan(plan.items, fitted)
        return self._write(plan, out)

    def export_slides(self) -> Path | None:
        """Ask for a file and write the list as lecture slides; return it, or ``None``."""
        from hoview.ui.slides_export import export_slides

        return export_slides(self)

    def _write(self, plan: MontagePlan, out: Path) -> Path | None:
        total = len(plan.items) + 1
        progress = QProgressDialog("Rendering the montage...", "Cancel", 0, total, self)
        progress.setWindowTitle("Montage")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)
        progress.setValue(0)

        def step(done: int, _total: int) -> None:
            progress.setValue(done)
            if progress.wasCanceled():
                raise _Cancelled

        try:
            pages, result = plan.compose(step)
            progress.setLabelText(f"Writing {out.name}...")
            save_pages(pages, out, dpi=plan.options.dpi)
        except _Cancelled:
            self.message.emit("Montage export cancelled")
            return None
        except HoviewError as exc:
            export_prompts.show_error(self, str(exc))
            return None
        except ValueError as exc:
            export_prompts.show_error(self, f"{out}: {exc}")
            return None
        except OSError as exc:
            export_prompts.show_error(self, f"{out}: cannot write ({exc.strerror or exc})")
            return None
        finally:
            progress.setValue(total)
            progress.close()
        pages_text = f"{result.pages} page{'s' if result.pages != 1 else ''}"
        self.message.emit(f"Exported {out} ({len(plan.items)} films, {pages_text})")
        return out


def _icon(item: MontageItem) -> QIcon:
    """Return a thumbnail of the film with its arrows (black if it cannot be read)."""
    pixmap = QPixmap(ICON, ICON)
    pixmap.fill(Qt.GlobalColor.black)
    try:
        film = render_film(item.frame, item.document, window=item.window, max_size=ICON)
    except HoviewError:
        return QIcon(pixmap)
    image = array_to_qimage(film.annotated)
    painter = QPainter(pixmap)
    painter.drawImage((ICON - image.width()) // 2, (ICON - image.height()) // 2, image)
    painter.end()
    return QIcon(pixmap)
