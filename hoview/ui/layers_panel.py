"""The layers panel: switch annotation layers on and off, down to the film without arrows.

The :class:`~hoview.annotations.AnnotationDocument` is the one source of truth (as in
napari's layer list): the rows only show the document's layers, every user action calls
a document method, and every document event refreshes the rows. Rows are filled with
the tree's signals blocked, so showing a change never writes it back.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QKeyEvent, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QColorDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hoview.annotations import AnnotationDocument, DocumentEvent, History, Layer
from hoview.ui.annotation_session import AnnotationSession

VISIBLE_COLUMN, LOCK_COLUMN, COLOUR_COLUMN, NAME_COLUMN, COUNT_COLUMN = range(5)
_HEADERS = ["Show", "Lock", "Colour", "Layer", "Count"]
_ID = Qt.ItemDataRole.UserRole
_F = Qt.ItemFlag
_EDITABLE = (
    _F.ItemIsEnabled
    | _F.ItemIsSelectable
    | _F.ItemIsUserCheckable
    | _F.ItemIsEditable
    | _F.ItemIsDragEnabled
    | _F.ItemNeverHasChildren
)


def _check(on: bool) -> Qt.CheckState:
    return Qt.CheckState.Checked if on else Qt.CheckState.Unchecked


def first_drawable_layer(document: AnnotationDocument | None) -> str | None:
    """Return the layer a freshly opened document should make current.

    The topmost layer that is visible and unlocked; else the topmost visible one; else
    the top layer. A hidden top layer (a reviewer hid it last time) must not leave
    every tool refusing to draw.

    Parameters
    ----------
    document : AnnotationDocument or None
        The document being shown.

    Returns
    -------
    str or None
        A layer id, or ``None`` when there is no document or it has no layers.
    """
    if document is None or not document.layers:
        return None
    top_first = list(reversed(document.layers))  # the panel's rows, top first
    for wanted in (lambda la: la.visible and not la.locked, lambda la: la.visible):
        for layer in top_first:
            if wanted(layer):
                return layer.id
    return top_first[0].id


def _swatch(colour: str) -> QIcon:
    pixmap = QPixmap(14, 14)
    pixmap.fill(QColor(colour))
    painter = QPainter(pixmap)
    painter.setPen(QColor("#404040"))
    painter.drawRect(0, 0, 13, 13)
    painter.end()
    return QIcon(pixmap)


class LayersPanel(QWidget):
    """Show a document's layers (top row drawn on top) and edit them through it.

    Parameters
    ----------
    parent : QWidget, optional
        Qt parent.

    Attributes
    ----------
    tree : QTreeWidget
        One row per layer: visibility, lock, colour swatch, name, annotation count.
    show_annotations_box : QCheckBox
        The document-wide switch (:attr:`AnnotationDocument.annotations_visible`).
    message_label : QLabel
        Why the document refused the last action ("" when it did not).
    selection_provider : callable
        Returns the ids of the selected annotations (set by the window; default
        none), used by :meth:`move_selected_here`.
    """

    #: Emitted with the id of the current layer ("" when there is none).
    current_layer_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document: AnnotationDocument | None = None
        self._history: History | None = None
        self._read_only = False
        self._filling = False  # rows are being rebuilt: their signals are not the user's
        self._batch = 0
        self._current_id = ""
        self._error = ""
        self.selection_provider: Callable[[], list[str]] = list

        self.show_annotations_box = QCheckBox("Show annotations (H)")
        self.show_annotations_box.setToolTip("Off: the film without arrows")
        self.show_annotations_box.toggled.connect(self._on_show_annotations_changed)

        tree = self.tree = QTreeWidget()
        tree.setHeaderLabels(_HEADERS)
        tree.setRootIsDecorated(False)
        tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        tree.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        tree.header().setStretchLastSection(False)
        tree.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        tree.header().setSectionResizeMode(NAME_COLUMN, QHeaderView.ResizeMode.Stretch)
        tree.itemChanged.connect(self._on_item_changed)
        tree.currentItemChanged.connect(self._on_current_item_changed)
        tree.itemClicked.connect(self._on_item_clicked)
        tree.itemDoubleClicked.connect(self._on_item_double_clicked)
        tree.installEventFilter(self)  # F2 edits the name, whatever column is current
        # A drop moves rows in the tree's model; write the new order back once it is done.
        self._drop_timer = QTimer(self, singleShot=True, interval=0)
        self._drop_timer.timeout.connect(self._on_rows_order_changed)
        tree.model().rowsInserted.connect(self._on_rows_inserted)

        row = QHBoxLayout()
        row.setSpacing(2)

        def button(text: str, tip: str, slot: Callable[[], object]) -> QPushButton:
            widget = QPushButton(text, toolTip=tip)
            if len(text) == 1:  # the symbol buttons stay narrow
                widget.setFixedWidth(28)
            widget.clicked.connect(lambda: slot())
            row.addWidget(widget)
            return widget

        self.add_button = button("+", "Add layer", self.add_layer)
        self.delete_button = button("-", "Delete layer", self.delete_current_layer)
        self.up_button = button("↑", "Move layer up", self.move_current_up)
        self.down_button = button("↓", "Move layer down", self.move_current_down)
        self.solo_button = button("Solo", "Show only this layer", self.solo_current)
        self.show_all_button = button("All", "Show all layers", self.show_all)
        self.move_here_button = button(
            "Move here", "Move the selected annotations to this layer", self.move_selected_here
        )
        row.addStretch(1)
        self.message_label = QLabel(wordWrap=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        for part in (self.show_annotations_box, tree, row, self.message_label):
            (layout.addLayout if part is row else layout.addWidget)(part)
        # Disconnect on destruction: the document must not call a panel Qt has deleted.
        self._link: list[Callable[[], None]] = []
        link = self._link
        self.destroyed.connect(lambda *_: [detach() for detach in link])
        self._refresh()

    # -- the document -------------------------------------------------------------------

    @property
    def document(self) -> AnnotationDocument | None:
        """The document shown, or ``None``."""
        return self._document

    @property
    def read_only(self) -> bool:
        """Whether the panel only shows the layers and never writes."""
        return self._read_only

    def set_session(self, session: AnnotationSession | None) -> None:
        """Show the layers of ``session``'s document (``None``: nothing).

        Call it again after :meth:`AnnotationSession.reload`, which replaces the document.
        """
        if session is None:
            self.set_document(None)
        else:
            self.set_document(session.document, session.read_only, session.history)

    def set_document(
        self,
        document: AnnotationDocument | None,
        read_only: bool = False,
        history: History | None = None,
    ) -> None:
        """Show the layers of ``document`` and follow its events.

        Parameters
        ----------
        document : AnnotationDocument or None
            What to show; the previous document's events are disconnected.
        read_only : bool
            Show the layers greyed out and never write (the sidecar could not be read).
        history : History, optional
            Makes a reorder or a delete (several document edits) one undo step.
        """
        for detach in self._link:
            detach()
        self._link.clear()
        self._document, self._read_only, self._history = document, read_only, history
        self._current_id = ""
        self.message_label.clear()
        if document is not None:
            callback = document.events.connect(self._on_document_changed)
            self._link.append(lambda: document.events.disconnect(callback))
        self._refresh()
        first = first_drawable_layer(document)
        if first is not None and first != self._current_id:
            self.set_current_layer(first)

    def current_layer_id(self) -> str | None:
        """Return the id of the current layer (new arrows go onto it), or ``None``."""
        return self._current_id or None

    def set_current_layer(self, layer_id: str) -> None:
        """Make layer ``layer_id`` the current layer."""
        item = self.item_for_layer(layer_id)
        if item is not None:
            self.tree.setCurrentItem(item, NAME_COLUMN)

    def item_for_layer(self, layer_id: str) -> QTreeWidgetItem | None:
        """Return the row of layer ``layer_id``, or ``None``."""
        ids = self._row_ids()
        return self.tree.topLevelItem(ids.index(layer_id)) if layer_id in ids else None

    def _row_ids(self) -> list[str]:
        """Return the layer ids of the rows, top row first."""
        tree = self.tree
        return [tree.topLevelItem(r).data(0, _ID) for r in range(tree.topLevelItemCount())]

    # -- actions: each one calls document methods ------------------------------------

    def _writable(self) -> AnnotationDocument | None:
        return None if self._read_only else self._document

    @contextlib.contextmanager
    def _edit(self, description: str | None = None) -> Iterator[None]:
        """Make one action one undo step, refresh once after it, and show a refusal."""
        self._batch += 1
        self._error = ""
        try:
            history = self._history
            with history.group(description) if history else contextlib.nullcontext():
                yield
        except (KeyError, ValueError) as exc:
            self._error = str(exc).strip("'\"")
        finally:
            self._batch -= 1
            self.message_label.setText(self._error)
            self._refresh()

    def add_layer(self) -> Layer | None:
        """Add a layer "Layer N" on top of the others, make it current and return it."""
        document, layer = self._writable(), None
        if document is None:
            return None
        n = len(document.layers) + 1
        while document.layer_by_name(f"Layer {n}") is not None:
            n += 1
        with self._edit():
            layer = document.add_layer(f"Layer {n}")
        if layer is not None:
            self.set_current_layer(layer.id)
        return layer

    def delete_layer(self, layer_id: str, move_to: str | None = None) -> bool:
        """Remove layer ``layer_id`` as one undo step; return whether it was removed.

        Parameters
        ----------
        layer_id : str
            The layer to remove. The last layer is never removed.
        move_to : str or None
            The layer its annotations go to; ``None`` deletes them with the layer.
        """
        document = self._writable()
        if document is None or len(document.layers) <= 1:
            return False
        members = [a.id for a in document.annotations if a.layer == layer_id]
        with self._edit("Delete layer"):
            if members and move_to is None:
                document.remove(members)
            document.remove_layer(layer_id, move_to=move_to)
        return not self._error

    def delete_current_layer(self) -> bool:
        """Delete the current layer, first asking where its annotations go."""
        document, layer_id = self._writable(), self._current_id
        if document is None or not layer_id or len(document.layers) <= 1:
            return False
        count = sum(a.layer == layer_id for a in document.annotations)
        if not count:
            return self.delete_layer(layer_id)
        ids = [la.id for la in document.layers]
        i = ids.index(layer_id)
        target = document.layer(ids[i - 1] if i > 0 else ids[i + 1])  # below; above for the bottom
        box = QMessageBox(QMessageBox.Icon.Question, "Delete layer", "", parent=self)
        box.setText(f"Layer {document.layer(layer_id).name!r} holds {count} annotations.")
        role = QMessageBox.ButtonRole
        move = box.addButton(f"Move them to {target.name!r}", role.AcceptRole)
        delete = box.addButton("Delete them", role.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() not in (move, delete):
            return False
        return self.delete_layer(layer_id, target.id if box.clickedButton() is move else None)

    def _reorder(self, ids_bottom_first: list[str]) -> None:
        """Give the layers this order: update_layer for each layer whose order changes."""
        document = self._writable()
        if document is None or sorted(ids_bottom_first) != sorted(la.id for la in document.layers):
            self._refresh()
            return
        orders = sorted(layer.order for layer in document.layers)
        if len(set(orders)) != len(orders):  # ties: number them afresh
            orders = list(range(len(orders)))
        with self._edit("Reorder layers"):
            for layer_id, order in zip(ids_bottom_first, orders, strict=True):
                if document.layer(layer_id).order != order:
                    document.update_layer(layer_id, order=order)

    def _move_current(self, step: int) -> None:
        ids = self._row_ids()[::-1]
        i = ids.index(self._current_id) if self._current_id in ids else -1
        if i >= 0 and 0 <= i + step < len(ids):
            ids[i], ids[i + step] = ids[i + step], ids[i]
            self._reorder(ids)

    def move_current_up(self) -> None:
        """Move the current layer one place up: swap orders with the layer above."""
        self._move_current(+1)

    def move_current_down(self) -> None:
        """Move the current layer one place down: swap orders with the layer below."""
        self._move_current(-1)

    def solo_current(self) -> None:
        """Show only the current layer."""
        document = self._writable()
        if document is not None and self._current_id:
            document.solo_layer(self._current_id)

    def show_all(self) -> None:
        """Show every layer."""
        document = self._writable()
        if document is not None:
            document.show_all_layers()

    def toggle_annotations(self) -> None:
        """Show or hide every annotation at once (the viewer's H key)."""
        document = self._writable()
        if document is not None:
            document.set_all_visible(not document.annotations_visible)

    def move_selected_here(self) -> bool:
        """Move the annotations :attr:`selection_provider` names to the current layer."""
        document, ids = self._writable(), list(self.selection_provider())
        if document is None or not ids or not self._current_id:
            return False
        with self._edit():
            document.move_to_layer(ids, self._current_id)
        return not self._error

    def set_layer_colour(self, layer_id: str, colour: QColor | str) -> bool:
        """Give layer ``layer_id`` the colour ``colour`` (a QColor or ``#rrggbb``)."""
        document, colour = self._writable(), QColor(colour)
        if document is None or not colour.isValid():
            return False
        with self._edit():
            document.update_layer(layer_id, colour=colour.name())
        return not self._error

    def choose_colour(self, layer_id: str) -> None:
        """Ask for layer ``layer_id``'s colour with a QColorDialog, then set it."""
        document = self._writable()
        if document is not None:
            initial = QColor(document.layer(layer_id).colour)
            colour = QColorDialog.getColor(initial, self, "Layer colour")
            if colour.isValid():
                self.set_layer_colour(layer_id, colour)

    def edit_current_name(self) -> None:
        """Start editing the current layer's name (F2, double-click)."""
        item = self.tree.currentItem()
        if item is not None and not self._read_only:
            self.tree.editItem(item, NAME_COLUMN)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Edit the name on F2 (the tree's own F2 would edit the current column)."""
        if (
            watched is self.tree
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_F2
            and self.tree.state() != QAbstractItemView.State.EditingState
        ):
            self.edit_current_name()
            return True
        return super().eventFilter(watched, event)

    # -- view -> document ------------------------------------------------------------------

    def _on_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        layer_id, document = item.data(0, _ID), self._writable()
        if document is None:  # read-only: show the row as the document has it again
            self._fill_rows([layer_id])
            return
        checked = item.checkState(column) == Qt.CheckState.Checked
        name = item.text(NAME_COLUMN).strip()
        with self._edit():  # an empty name changes nothing; the refresh puts it back
            if column == VISIBLE_COLUMN:
                document.set_layer_visible(layer_id, checked)
            elif column == LOCK_COLUMN:
                document.update_layer(layer_id, locked=checked)
            elif column == NAME_COLUMN and name:
                document.update_layer(layer_id, name=name)

    def _on_show_annotations_changed(self, checked: bool) -> None:
        document = self._writable()
        if document is not None:
            document.set_all_visible(checked)
        self._fill_switch()

    def _on_current_item_changed(self, *_: object) -> None:
        item = self.tree.currentItem()
        layer_id = item.data(0, _ID) if item is not None else ""
        if layer_id != self._current_id:
            self._current_id = layer_id
            self.current_layer_changed.emit(layer_id)
        self._update_buttons()

    def _on_item_clicked(self, item: QTreeWidgetItem, column: int) -> None:
        if column == COLOUR_COLUMN:
            self.choose_colour(item.data(0, _ID))

    def _on_item_double_clicked(self, item: QTreeWidgetItem, column: int) -> None:
        if column in (NAME_COLUMN, COUNT_COLUMN):
            self.edit_current_name()

    def _on_rows_inserted(self, *_: object) -> None:
        if not self._filling:
            self._drop_timer.start()

    def _on_rows_order_changed(self) -> None:
        """Write the rows' order after a drag and drop back to the document."""
        self._reorder(self._row_ids()[::-1])

    # -- document -> view ------------------------------------------------------------------

    def _on_document_changed(self, event: DocumentEvent) -> None:
        if self._batch:  # the action refreshes once when it is done
            return
        if event.type == "visibility_changed" and event.layers:
            self._fill_rows(event.layers)
        elif event.type in ("added", "removed", "changed"):
            self._fill_rows(self._row_ids())
        elif event.type.startswith("layer_"):
            self._refresh()
        else:
            self._fill_switch()

    def _refresh(self) -> None:
        """Rebuild the rows if the layers or their order changed, then fill them all."""
        document = self._document
        wanted = [la.id for la in reversed(document.layers)] if document is not None else []
        tree = self.tree
        if wanted != self._row_ids():
            old_row = max(tree.indexOfTopLevelItem(tree.currentItem()), 0)
            self._filling = True
            tree.blockSignals(True)
            try:
                tree.clear()
                for layer_id in wanted:
                    item = QTreeWidgetItem(tree)
                    item.setData(0, _ID, layer_id)
                    item.setTextAlignment(COUNT_COLUMN, Qt.AlignmentFlag.AlignRight)
                keep = self.item_for_layer(self._current_id or first_drawable_layer(document))
                if keep is None and wanted:  # the current layer went: take its neighbour
                    keep = tree.topLevelItem(min(old_row, len(wanted) - 1))
                tree.setCurrentItem(keep)
            finally:
                tree.blockSignals(False)
                self._filling = False
        self._fill_rows(wanted)
        self._fill_switch()
        self._on_current_item_changed()

    def _fill_rows(self, layer_ids: Iterable[str]) -> None:
        """Show the document's state in the rows of ``layer_ids``, signals blocked."""
        document = self._document
        if document is None:
            return
        counts = Counter(a.layer for a in document.annotations)
        layers = {layer.id: layer for layer in document.layers}
        flags = _F.ItemNeverHasChildren if self._read_only else _EDITABLE  # greyed out
        self.tree.blockSignals(True)
        try:
            for layer_id in layer_ids:
                item, layer = self.item_for_layer(layer_id), layers.get(layer_id)
                if item is None or layer is None:
                    continue
                item.setFlags(flags)
                item.setCheckState(VISIBLE_COLUMN, _check(layer.visible))
                item.setCheckState(LOCK_COLUMN, _check(layer.locked))
                item.setIcon(COLOUR_COLUMN, _swatch(layer.colour))
                item.setToolTip(COLOUR_COLUMN, f"{layer.colour} (click to change)")
                item.setText(NAME_COLUMN, layer.name)
                item.setText(COUNT_COLUMN, str(counts[layer_id]))
                item.setToolTip(COUNT_COLUMN, f"{counts[layer_id]} annotations on this layer")
        finally:
            self.tree.blockSignals(False)

    def _fill_switch(self) -> None:
        """Show the document-wide switch as the document has it."""
        box, document = self.show_annotations_box, self._document
        box.blockSignals(True)
        box.setChecked(document.annotations_visible if document is not None else True)
        box.setEnabled(self._writable() is not None)
        box.blockSignals(False)

    def _update_buttons(self) -> None:
        document, ids, layer_id = self._writable(), self._row_ids(), self._current_id
        layers = {la.id: la for la in document.layers} if document is not None else {}
        row = ids.index(layer_id) if layer_id in ids and layer_id in layers else -1
        current = row >= 0
        locked = current and layers[layer_id].locked
        self.add_button.setEnabled(document is not None)
        self.delete_button.setEnabled(current and len(ids) > 1)
        self.up_button.setEnabled(current and row > 0)
        self.down_button.setEnabled(current and row < len(ids) - 1)
        self.solo_button.setEnabled(current)
        self.show_all_button.setEnabled(document is not None)
        self.move_here_button.setEnabled(current and not locked)
