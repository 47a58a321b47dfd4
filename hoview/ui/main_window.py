"""The main window: wires the canvas, panels, menus and status bar together.

It holds no feature logic: opening is :mod:`hoview.ui.loader`, viewing the canvas,
annotations the sessions and tools, saving the sessions' autosave, exports
:mod:`hoview.ui.exports`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSignalBlocker, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QStackedWidget,
)

from hoview.paths import in_dicomweb_cache, sample_data_folder
from hoview.render.paint import SCREEN_SIZES
from hoview.sources.base import ImageSource, OpenResult, Series
from hoview.sources.raster import RASTER_SUFFIXES
from hoview.ui.annotation_session import SaveState, SessionStore
from hoview.ui.canvas import ViewerCanvas
from hoview.ui.exports import ExportActions
from hoview.ui.findings_panel import install_findings_panel
from hoview.ui.frame_bar import FrameBar
from hoview.ui.layers_panel import LayersPanel
from hoview.ui.layouts import LayoutActions
from hoview.ui.loader import Loader
from hoview.ui.orientation_dialog import ask_orientation
from hoview.ui.pacs_actions import PacsActions, split_references
from hoview.ui.pacs_presentations import newest_presentations
from hoview.ui.presentation_panel import PresentationPanel
from hoview.ui.presentation_states import (
    PresentationEntry,
    match_presentations,
    show_as_presented,
)
from hoview.ui.preset_menu import PresetMenu
from hoview.ui.save_banner import SaveBanner
from hoview.ui.series_panel import THUMBNAILS_AT_THE_LATEST_MS, SeriesPanel
from hoview.ui.settings import Preferences, PreferencesDialog
from hoview.ui.shortcuts_dialog import ShortcutsDialog
from hoview.ui.start_screen import StartScreen
from hoview.ui.tool_controller import ToolController
from hoview.ui.toolbar import ANNOTATIONS_ACTION, AnnotationsSwitch, build_toolbar, decorate
from hoview.ui.view_actions import make_action, view_actions
from hoview.ui.viewer_area import ViewerArea

#: How long an open runs before the progress bar shows (ms).
PROGRESS_DELAY_MS = 150

#: The Open dialog's filters. DICOM files often have no ending: "All files" stays.
OPEN_FILTERS = (
    "Images (" + " ".join(f"*{s}" for s in (".dcm", ".dicom", *RASTER_SUFFIXES)) + " DICOMDIR)",
    "All files (*)",
)


class MainWindow(QMainWindow):
    """hoview's window: series thumbnails, the image, layers, and a status bar.

    Parameters
    ----------
    preferences : Preferences, optional
        Settings kept between runs (a test passes its own).
    """

    def __init__(self, preferences: Preferences | None = None) -> None:
        super().__init__()
        self.setWindowTitle("hoview")
        self.resize(1280, 900)
        self.setAcceptDrops(True)
        self.preferences = preferences if preferences is not None else Preferences()
        self.sessions = SessionStore(self)
        self.viewer = ViewerArea(self.sessions, self)
        self.canvas: ViewerCanvas = self.viewer.canvas
        self.canvas.author = self.preferences.author
        self.canvas.default_colour = self.preferences.arrow_colour
        self.canvas.glyph_sizes = SCREEN_SIZES[self.preferences.annotation_size]
        self.frame_bar = FrameBar(self.canvas, self)
        self.viewer.add_below(self.frame_bar)
        self.start_screen = StartScreen(self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.start_screen)
        self.stack.addWidget(self.viewer)
        self.setCentralWidget(self.stack)
        self.series_panel = SeriesPanel(self)
        self.layers_panel = LayersPanel(self)
        series_dock = self._dock("Series", self.series_panel, Qt.DockWidgetArea.LeftDockWidgetArea)
        layers_dock = self._dock("Layers", self.layers_panel, Qt.DockWidgetArea.RightDockWidgetArea)
        self.layers_panel.setMaximumWidth(330)
        self.presentation_panel = PresentationPanel(self.sessions, self)
        self.presentation_panel.setMaximumWidth(330)
        self.presentation_dock = self._dock(
            "Presentation state", self.presentation_panel, Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.splitDockWidget(layers_dock, self.presentation_dock, Qt.Orientation.Vertical)
        self.presentation_dock.hide()  # shown while a presentation state is open
        self.presentation_dock.setFeatures(  # its Close button closes it, not the dock's
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.resizeDocks([series_dock, layers_dock], [150, 280], Qt.Orientation.Horizontal)
        self.status_label = QLabel(self)
        self.statusBar().addWidget(self.status_label, 1)
        self.progress = QProgressBar(self)
        self.progress.setMaximumWidth(200)
        self.progress.hide()
        self.statusBar().addPermanentWidget(self.progress)
        self.pacs = PacsActions(self.canvas, self)
        self.statusBar().addPermanentWidget(self.pacs.cancel_button)
        self.save_banner = SaveBanner(self)
        self.statusBar().addPermanentWidget(self.save_banner)
        self.warning_label = QLabel(self)
        self.warning_label.setStyleSheet("color: #b00020; font-weight: bold")
        self.statusBar().addPermanentWidget(self.warning_label)
        self.tools = ToolController(self.canvas, self)
        self.loader = Loader(self)
        self._series: list[Series] = []
        #: Paths opened but not yet in the recent list: written once the image is shown,
        #: so saving the preferences does not hold up the first frame.
        self._recent_pending: list[Path] = []
        self._recent_timer = QTimer(self)
        self._recent_timer.setSingleShot(True)
        self._recent_timer.timeout.connect(self._record_recent)
        self._progress_timer = QTimer(self)
        self._progress_timer.setSingleShot(True)
        self._progress_timer.timeout.connect(self._show_progress)
        self.exports = ExportActions(self.canvas, self.preferences, lambda: self._series, self)
        self._connect()
        self._build_menus()
        self.findings_panel, self.findings_dock = install_findings_panel(self)
        self._show_start_screen()

    # --- building -----------------------------------------------------------------

    def _dock(self, title: str, widget, area) -> QDockWidget:  # noqa: ANN001
        dock = QDockWidget(title, self)
        dock.setObjectName(f"{title}Panel")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _connect(self) -> None:
        self.viewer.status_changed.connect(self.status_label.setText)  # the active viewport's
        self.canvas.frame_changed.connect(lambda *_: self._on_image_changed())
        self.series_panel.series_chosen.connect(self._on_series_chosen)
        self.series_panel.series_activated.connect(self._on_series_chosen)
        self.series_panel.presentation_chosen.connect(self._on_presentation_chosen)
        self.presentation_panel.active_changed.connect(self.presentation_dock.setVisible)
        self.canvas.frame_painted.connect(self._on_frame_painted)
        self.layers_panel.current_layer_changed.connect(self._on_current_layer_changed)
        self.layers_panel.selection_provider = lambda: sorted(self.canvas.tool.selected)
        self.sessions.state_changed.connect(self._on_save_state_changed)
        self.save_banner.retry_requested.connect(self._on_retry_save)
        self.save_banner.save_elsewhere_requested.connect(self._on_save_elsewhere)
        self.save_banner.reload_requested.connect(self._on_reload_sidecar)
        self.save_banner.overwrite_requested.connect(lambda: self._on_retry_save(force=True))
        self.tools.message.connect(lambda text: self.statusBar().showMessage(text, 4000))
        self.exports.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.loader.first_image.connect(self._on_first_image)
        self.loader.progress.connect(self._on_progress)
        self.loader.finished.connect(self._on_loaded)
        self.pacs.first_image.connect(self._on_pacs_first_image)
        self.pacs.open_requested.connect(lambda path: self.open_paths([path]))
        self.pacs.progress.connect(self._on_progress)
        self.pacs.busy_changed.connect(self._on_pacs_busy)
        self.pacs.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.pacs.stored_changed.connect(self._update_title)
        self.start_screen.open_file_requested.connect(self._on_open_file)
        self.start_screen.open_folder_requested.connect(self._on_open_folder)
        self.start_screen.open_sample_requested.connect(self._on_open_sample)
        self.start_screen.open_path_requested.connect(lambda p: self.open_paths([p]))

    def _build_menus(self) -> None:
        menus = {
            name: self.menuBar().addMenu(f"&{name}")
            for name in ("File", "Edit", "View", "Window", "Image", "Tools", "Help")
        }
        file_menu = menus["File"]
        for text, shortcut, slot in (
            ("&Open file...", QKeySequence.StandardKey.Open, self._on_open_file),
            ("Open &folder...", "Ctrl+Shift+O", self._on_open_folder),
            ("Open the &sample study", None, self._on_open_sample),
            ("&Save annotations now", QKeySequence.StandardKey.Save, self._on_retry_save),
            ("Save annotations &elsewhere...", None, self._on_save_elsewhere),
            ("&Preferences...", None, self._on_preferences),
            ("&Quit", QKeySequence.StandardKey.Quit, self.close),
        ):
            action = QAction(text, self)
            if shortcut is not None:
                action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(lambda _c=False, s=slot: s())
            file_menu.addAction(action)
            if text == "Open the &sample study":
                file_menu.addAction(self.pacs.open_action)
                file_menu.addAction(self.pacs.cancel_action)
            if text == "Save annotations &elsewhere...":
                file_menu.addAction(self.pacs.store_action)
                file_menu.addSeparator()
                export_menu = file_menu.addMenu("E&xport")
                export_menu.addActions(self.exports.actions)
                self.addActions(self.exports.actions)
                file_menu.addAction(self.exports.presentation_action)
                file_menu.addSeparator()
        self.view_specs = view_actions(self.canvas, lambda: self.viewer.active_canvas)
        exports = [*self.exports.actions, self.exports.presentation_action]
        self.actions_by_text: dict[str, QAction] = {a.text(): a for a in exports}
        for spec in self.view_specs:
            action = make_action(self, spec)
            menus[spec.menu].addAction(action)
            self.actions_by_text[spec.text] = action
        presets = [self.actions_by_text[f"Preset {n}"] for n in range(1, 10)]
        self.preset_menu = PresetMenu(self.canvas, presets, menus["Window"])
        compare = QAction("Compare with / without annotations", self)
        compare.setShortcut(QKeySequence("Ctrl+K"))
        compare.setCheckable(True)
        compare.toggled.connect(self.viewer.set_compare)
        self.addAction(compare)
        menus["View"].addAction(compare)
        self.actions_by_text[compare.text()] = compare
        self.layouts = LayoutActions(self.viewer, lambda: self._series, self)
        self.layouts.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.layouts.add_to(menus["View"])
        self.actions_by_text.update(self.layouts.actions)
        cine = self.frame_bar.play_action
        self.addAction(cine)
        menus["Image"].addAction(cine)
        orientation = QAction("Set &orientation...", self)
        orientation.triggered.connect(lambda _c=False: ask_orientation(self.canvas, self))
        menus["Image"].addAction(orientation)
        self.actions_by_text[orientation.text()] = orientation
        for action in self.tools.actions.values():
            self.addAction(action)
            menus["Tools"].addAction(action)
        for action in self.tools.edit_actions.values():
            menus["Edit"].addAction(action)
        self.toolbar = build_toolbar(self, self.tools.actions.values(), self.actions_by_text)
        decorate([cine])
        self.annotations_switch = AnnotationsSwitch(self.actions_by_text[ANNOTATIONS_ACTION], self)
        shortcuts = QAction("&Keyboard shortcuts", self)
        shortcuts.triggered.connect(self._on_show_shortcuts)
        menus["Help"].addAction(shortcuts)

    # --- opening ------------------------------------------------------------------

    def open_paths(self, paths: list[Path], wait: bool = False) -> None:
        """Open files and folders in the background; ``wait`` blocks until done (tests)."""
        if not paths:
            return
        self._opening = [Path(p) for p in paths]
        self.progress.setRange(0, 0)
        self._progress_timer.start(PROGRESS_DELAY_MS)  # no bar flashing for a quick open
        self.loader.open(self._opening)
        if wait:
            self.loader.wait()
            self._record_recent()

    def open_locations(self, texts: list[str]) -> None:
        """Open files, folders and DICOMweb references (``name:UID``, a study URL)."""
        paths, references, problems = split_references(texts)
        self.pacs.open_references(references)
        self.open_paths(paths)
        if problems:
            QMessageBox.warning(self, "hoview", "\n".join(problems))

    def _on_pacs_first_image(self, image: ImageSource) -> None:
        self._show_series([Series(uid="first", frames=image.frames())])  # the rest is coming

    def _on_pacs_busy(self, busy: bool) -> None:
        self.progress.setRange(0, 0)
        self.progress.setVisible(busy)
        self.pacs.cancel_button.setVisible(busy)

    def _on_first_image(self, image: ImageSource) -> None:
        if not self._series:
            self._show_series([Series(uid="first", frames=image.frames())], keep_panel=True)

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _show_progress(self) -> None:
        if self.loader.busy:
            self.progress.show()

    def _on_loaded(self, result: OpenResult, problems: list[str]) -> None:
        self._progress_timer.stop()
        self.progress.hide()
        opened = [p for p in self.loader.opened if not in_dicomweb_cache(p)]  # cache: evicted
        failed = [p for p in self._opening if p not in opened]
        self._recent_pending = [p for p in self._recent_pending if p not in failed] + opened
        self._recent_timer.start(THUMBNAILS_AT_THE_LATEST_MS)
        if [p for p in failed if self.preferences.remove_recent(p)]:
            self.start_screen.set_recent(self.preferences.recent_files)
        if result.series:
            found = match_presentations(result.series, result.objects)
            self._show_series(result.series, newest_presentations(found))
        if problems:
            QMessageBox.warning(self, "hoview", "\n".join(problems))

    def _show_series(
        self,
        series: list[Series],
        presentations: list[PresentationEntry] | None = None,
        keep_panel: bool = False,
    ) -> None:
        self._series = list(series)
        if not keep_panel:
            # Thumbnails once the canvas has shown the first series: they do not hold it up.
            self.series_panel.set_series(self._series, deferred=True, presentations=presentations)
        self.stack.setCurrentWidget(self.viewer)
        self.viewer.clear_viewports()  # a new open: its first series in the primary viewport
        self._on_series_chosen(0)
        if not keep_panel:
            with QSignalBlocker(self.series_panel):  # series 0 is already on screen
                self.series_panel.setCurrentRow(0)

    def _on_frame_painted(self) -> None:
        """Do, now the canvas has shown an image, the work that would have held it up."""
        self.series_panel.after_first_paint()
        if self._recent_pending:
            self._recent_timer.start(0)

    def _record_recent(self) -> None:
        self._recent_timer.stop()
        pending, self._recent_pending = self._recent_pending, []
        for path in pending:
            self.preferences.add_recent(path)

    def _show_start_screen(self) -> None:
        self.start_screen.set_recent(self.preferences.recent_files)
        self.start_screen.set_sample_available(sample_data_folder() is not None)
        self.stack.setCurrentWidget(self.start_screen)

    def _on_series_chosen(self, row: int) -> None:
        if 0 <= row < len(self._series):
            self.viewer.set_series(self._series[row])
            if self.canvas.frame is None:  # otherwise frame_changed has told the panels
                self._on_image_changed()

    def _on_presentation_chosen(self, entry: PresentationEntry) -> None:
        self.viewer.set_active(self.canvas)  # presentation states are shown on the primary
        if self.canvas.series is not self._series[entry.series_index]:  # else: keep the view
            self._on_series_chosen(entry.series_index)
        self.canvas.set_frame_index(entry.frame_index)
        if self.canvas.frame is not None:
            if self.presentation_panel.open(entry, self.canvas.frame.source) is not None:
                show_as_presented(self.canvas, entry)

    def _on_image_changed(self) -> None:
        session = self.canvas.session()
        self.layers_panel.set_session(session)
        self.presentation_panel.set_session(session)
        self.annotations_switch.set_session(session)
        frame = self.canvas.frame
        warnings = list(frame.source.warnings) if frame is not None else []
        if session and session.read_only:
            warnings.insert(0, f"Annotations read-only: {session.load_error}")
        self.warning_label.setText("; ".join(warnings))
        self.warning_label.setToolTip("\n".join(warnings))
        if session is not None and session.notice:
            self.statusBar().showMessage(session.take_notice(), 20000)
        self._update_title()
        self.pacs.schedule_check()  # debounced: scrolling a series checks once it stops

    # --- saving -------------------------------------------------------------------

    def _update_title(self) -> None:
        frame = self.canvas.frame
        if frame is None:
            self.setWindowTitle("hoview")
            return
        session = self.canvas.session()
        state = {
            SaveState.SAVED: "annotations saved",
            SaveState.UNSAVED: "annotations not saved yet",
            SaveState.FAILED: "annotations NOT SAVED",
            SaveState.CONFLICT: "annotations NOT SAVED (changed on disk)",
            SaveState.READ_ONLY: "annotations read-only",
        }[session.state]
        parts = ("hoview", frame.source.path.name, state, self.pacs.title_note())
        self.setWindowTitle(" - ".join(part for part in parts if part))

    def _on_save_state_changed(self, session) -> None:  # noqa: ANN001
        if session is self.canvas.session():
            self._update_title()
            if session.state is SaveState.SAVED:
                self.pacs.schedule_check()
        problems = [
            s for s in self.sessions.sessions() if s.state in (SaveState.FAILED, SaveState.CONFLICT)
        ]
        self.save_banner.show_problem(problems[0] if problems else None)

    def _on_retry_save(self, force: bool = False) -> None:
        session = self.save_banner.session or self.canvas.session()
        if session is not None:
            session.save_now(force=force)

    def _on_save_elsewhere(self) -> None:
        session = self.save_banner.session or self.canvas.session()
        if session is None:
            return
        name, _ = QFileDialog.getSaveFileName(
            self, "Save annotations elsewhere", f"{session.source.path.name}.hoview.json"
        )
        if name:
            try:
                session.save_copy(Path(name))
            except OSError as exc:
                QMessageBox.warning(self, "hoview", f"{name}: cannot write ({exc.strerror})")

    def _on_reload_sidecar(self) -> None:
        session = self.save_banner.session
        if session is not None:
            session.reload()
            self._on_image_changed()

    def _on_current_layer_changed(self, layer_id: str) -> None:
        self.canvas.current_layer_id = layer_id or None

    # --- menus --------------------------------------------------------------------

    def _on_open_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Open image", "", ";;".join(OPEN_FILTERS))
        if name:
            self.open_paths([Path(name)])

    def _on_open_folder(self) -> None:
        name = QFileDialog.getExistingDirectory(self, "Open folder")
        if name:
            self.open_paths([Path(name)])

    def _on_open_sample(self) -> None:
        folder = sample_data_folder()
        if folder is not None:
            self.open_paths([folder])

    def _on_preferences(self) -> None:
        if PreferencesDialog(self.preferences, self).exec():
            self.canvas.author = self.preferences.author
            self.canvas.default_colour = self.preferences.arrow_colour
            self.canvas.glyph_sizes = SCREEN_SIZES[self.preferences.annotation_size]
            self.canvas.update()

    def _on_show_shortcuts(self) -> None:
        ShortcutsDialog(self.shortcut_rows(), self).exec()

    def shortcut_rows(self) -> list[tuple[str, str, str]]:
        """Every action with a shortcut: (menu, action, keys), for the help dialog."""
        rows = []
        for menu in self.menuBar().actions():
            actions = list(menu.menu().actions())
            while actions:
                action = actions.pop(0)
                if action.menu() is not None:  # a submenu (File -> Export)
                    actions[:0] = action.menu().actions()
                    continue
                keys = ", ".join(k.toString() for k in action.shortcuts())
                if keys:
                    rows.append(
                        (menu.text().replace("&", ""), action.text().replace("&", ""), keys)
                    )
        return rows

    # --- Qt events ----------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt API
        """Accept files and folders dragged from the desktop."""
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt API
        """Open what was dropped."""
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            QTimer.singleShot(0, lambda: self.open_paths(paths))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        """Save pending annotations; if some cannot be saved, ask before closing."""
        unsaved = self.sessions.flush()
        self.pacs.retriever.cancel()
        self.pacs.wait()
        self.loader.wait()
        self._record_recent()
        if unsaved:
            names = "\n".join(str(s.source.path.name) for s in unsaved)
            answer = QMessageBox.question(
                self,
                "hoview",
                f"The annotations of these images could not be saved:\n{names}\n\n"
                "Close anyway and lose those changes?",
            )
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        self.preferences.sync()
        event.accept()
