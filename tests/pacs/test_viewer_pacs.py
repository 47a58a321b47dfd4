"""The viewer and a real Orthanc (issue 13): search, open while it streams, annotate,
store to the PACS, and a colleague's fresh workstation sees the arrow as a presentation
state; a bad password and a server gone mid-retrieve end in one clear line."""

from __future__ import annotations

import shutil
import threading

import numpy as np
import pydicom
import pytest
from PySide6.QtCore import QPointF, QSettings, Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox

from hoview.pacs.client import PacsClient
from hoview.pacs.servers import Server, resolve_server
from hoview.render.qimage import qimage_to_array
from hoview.ui.main_window import MainWindow
from hoview.ui.pacs_actions import NOT_STORED
from hoview.ui.pacs_dialog import IDENTIFYING_COLUMNS
from hoview.ui.settings import Preferences

LEFT = Qt.MouseButton.LeftButton
#: The arrows drawn (tail, head), image pixels: clear of the film's edges and each other.
TAIL, HEAD = (900.0, 1300.0), (1000.0, 1100.0)
TAIL2, HEAD2 = (1300.0, 500.0), (1200.0, 700.0)
#: How far (screen pixels) from the arrow's box its head and outline may reach.
REACH = 45


# --- fixtures ---------------------------------------------------------------------------


@pytest.fixture
def places(tmp_path, monkeypatch):
    """The user's cache, data and config folders, all in ``tmp_path``; returns a setter."""

    def use(name: str) -> None:
        for env, folder in (
            ("HOVIEW_CACHE_DIR", f"{name}-cache"),
            ("HOVIEW_DATA_DIR", f"{name}-data"),
        ):
            monkeypatch.setenv(env, str(tmp_path / folder))

    monkeypatch.setenv("HOVIEW_CONFIG_DIR", str(tmp_path / "config"))
    use("first")
    return use


@pytest.fixture
def archive(orthanc_factory):
    """An Orthanc of this test's own (the session's one is shared with the CLI tests)."""
    server = orthanc_factory()
    yield server
    server.stop()


def configure(tmp_path, archive, extra: str = "") -> Server:
    """Name ``archive`` "test" in ``servers.toml``; return it."""
    config = tmp_path / "config"
    config.mkdir(exist_ok=True)
    text = f'[servers.test]\nurl = "{archive.url}"\ntimeout = 10\n{extra}'
    (config / "servers.toml").write_text(text, "utf-8")
    return resolve_server("test")


@pytest.fixture
def server(archive, places, tmp_path) -> Server:
    """The test's Orthanc as the configured server "test"."""
    return configure(tmp_path, archive)


def _window(qtbot, tmp_path, name: str) -> MainWindow:
    settings = QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat)
    win = MainWindow(Preferences(settings))
    qtbot.addWidget(win)
    win.resize(1200, 850)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def window(qtbot, tmp_path):
    win = _window(qtbot, tmp_path, "first")
    yield win
    win.pacs.wait()
    win.sessions.flush()


@pytest.fixture
def study(server, sample_data_dir, tmp_path):
    """The sample film and a second instance of its series, stored to the server."""
    film = pydicom.dcmread(sample_data_dir / "pelvis_ap.dcm")
    second = pydicom.dcmread(sample_data_dir / "pelvis_ap.dcm")
    second.SOPInstanceUID = pydicom.uid.generate_uid()
    second.file_meta.MediaStorageSOPInstanceUID = second.SOPInstanceUID
    second.InstanceNumber = 2
    PacsClient(server).store([film, second])
    return {"uid": str(film.StudyInstanceUID), "film": film, "second": second}


def hold_back(monkeypatch) -> threading.Event:
    """Let the first instance asked for through; the others wait until the event is set."""
    original = PacsClient.retrieve_instance
    release = threading.Event()
    first: list[str] = []
    lock = threading.Lock()

    def retrieve(self, study_uid, series, instance):
        with lock:
            if not first:
                first.append(instance)
        if instance != first[0]:
            release.wait(10.0)
        return original(self, study_uid, series, instance)

    monkeypatch.setattr(PacsClient, "retrieve_instance", retrieve)
    return release


@pytest.fixture
def slow_second(monkeypatch, study):
    """The second instance waits until the test lets it go: the first image must not wait."""
    return hold_back(monkeypatch)


@pytest.fixture
def boxes(monkeypatch):
    """Message boxes answered at once; returns the texts they showed."""
    shown: list[str] = []

    def warning(parent, title, text, *args, **kwargs):
        shown.append(text)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", warning)
    return shown


# --- helpers ----------------------------------------------------------------------------


def grab(canvas) -> np.ndarray:
    """The canvas as it paints now, RGB, as ints."""
    return qimage_to_array(canvas.grab().toImage()).astype(int)


def near(canvas, points, shape) -> np.ndarray:
    transform = canvas.image_transform()
    mapped = [transform.map(QPointF(*p)) for p in points]
    xs, ys = [p.x() for p in mapped], [p.y() for p in mapped]
    mask = np.zeros(shape[:2], bool)
    x0, x1 = int(min(xs)) - REACH, int(max(xs)) + REACH
    y0, y1 = int(min(ys)) - REACH, int(max(ys)) + REACH
    mask[max(y0, 0) : y1, max(x0, 0) : x1] = True
    return mask


def headers_of(table) -> list[str]:
    return [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]


def screen(canvas, point):
    return canvas.image_transform().map(QPointF(*point)).toPoint()


def drag(qtbot, canvas, start, end) -> None:
    qtbot.mousePress(canvas, LEFT, pos=start)
    for step in (1, 2, 3):
        qtbot.mouseMove(canvas, start + (end - start) * step / 4)
    qtbot.mouseMove(canvas, end)
    qtbot.mouseRelease(canvas, LEFT, pos=end)


def opened(window) -> bool:
    """Whether the retrieve and the folder load after it are over."""
    busy = window.pacs.retriever.busy or window.loader.busy
    return not busy and window.series_panel.count() > 0


def search(qtbot, window, **fields):
    dialog = window.pacs.ask_and_open()
    dialog.server_box.setCurrentText("test")
    for name, text in fields.items():
        getattr(dialog, name).setText(text)
    qtbot.mouseClick(dialog.search_button, LEFT)
    dialog.wait()
    return dialog


# --- the loop ---------------------------------------------------------------------------


def test_search_open_annotate_store_and_a_colleague_sees_the_arrow(
    qtbot, window, archive, server, study, slow_second, places, tmp_path
):
    # 1. find the study: the dialog's form and table
    dialog = search(qtbot, window, modality="dx", date_from="19000101", date_to="29991231")
    assert dialog.table.rowCount() == 1
    headers = headers_of(dialog.table)
    assert set(IDENTIFYING_COLUMNS) <= set(headers)  # anonymous mode is off
    assert dialog.table.item(0, 1).text() == "DX"
    assert dialog.table.item(0, 4).text() == "2"
    assert dialog.open_button.isEnabled()
    dialog.grab().save("/tmp/pacs_dialog.png")

    # 2. open it: the first image shows while the second instance is still coming
    qtbot.mouseClick(dialog.open_button, LEFT)
    qtbot.waitUntil(lambda: window.canvas.frame is not None, timeout=10000)
    assert window.pacs.retriever.busy
    assert window.progress.isVisible() and window.pacs.cancel_button.isVisible()
    slow_second.set()
    qtbot.waitUntil(lambda: opened(window), timeout=20000)
    assert not window.progress.isVisible()
    first = window.canvas.series.frames[0].source
    assert first.dataset.SOPInstanceUID == study["film"].SOPInstanceUID
    assert len(window.canvas.series.frames) == 2
    assert NOT_STORED not in window.windowTitle()

    # 3. an arrow, drawn with the arrow tool
    canvas = window.canvas
    session = canvas.session()
    window.tools.set_tool("arrow")
    drag(qtbot, canvas, screen(canvas, TAIL), screen(canvas, HEAD))
    assert len(session.document.annotations) == 1
    qtbot.waitUntil(lambda: NOT_STORED in window.windowTitle(), timeout=10000)

    # 4. stored to the PACS it came from: the title stops saying so
    job = window.pacs.store()
    assert job is not None
    job.wait()
    qtbot.waitUntil(lambda: NOT_STORED not in window.windowTitle(), timeout=10000)
    assert "stored presentation state" in window.statusBar().currentMessage()
    window.pacs.wait()
    count = archive.rest("/statistics")["CountInstances"]
    assert count == 3  # the film, its second instance, the presentation state

    # pushed again unchanged: the same instance, one copy in the archive
    window.pacs.store().wait()
    window.pacs.wait()
    assert archive.rest("/statistics")["CountInstances"] == count
    assert NOT_STORED not in window.windowTitle()

    # changed: a new presentation state in the same series; the newest is the one shown
    drag(qtbot, canvas, screen(canvas, TAIL2), screen(canvas, HEAD2))
    qtbot.waitUntil(lambda: NOT_STORED in window.windowTitle(), timeout=10000)
    window.pacs.store().wait()
    qtbot.waitUntil(lambda: NOT_STORED not in window.windowTitle(), timeout=10000)
    assert archive.rest("/statistics")["CountInstances"] == count + 1
    window.pacs.wait()
    window.sessions.flush()

    # 5. a colleague: another cache, another data folder, a new window
    places("colleague")
    other = _window(qtbot, tmp_path, "colleague")
    other.pacs.open_study(server, study["uid"])
    qtbot.waitUntil(lambda: opened(other), timeout=20000)
    other_canvas = other.canvas
    assert not list(other_canvas.session().document.annotations)  # no sidecar here
    entries = other.series_panel.presentations()
    assert len(entries) == 1
    plain = grab(other_canvas)
    panel = other.series_panel
    panel.setCurrentRow(panel.row_of_presentation(entries[0]))
    assert other.presentation_panel.presentation is not None
    drawn = grab(other_canvas)
    changed = np.abs(drawn - plain).sum(axis=2) > 0
    for arrow in ((TAIL, HEAD), (TAIL2, HEAD2)):  # both arrows: the newest version
        mask = near(other_canvas, arrow, changed.shape)
        assert changed[mask].sum() > 50
    other.pacs.wait()
    other.sessions.flush()


def test_anonymous_mode_leaves_the_patient_out_of_the_results(qtbot, window, study):
    window.canvas.anonymous = True
    dialog = search(qtbot, window)
    assert dialog.table.rowCount() == 1
    headers = headers_of(dialog.table)
    assert headers == ["Date", "Modality", "Description", "Series", "Instances"]
    cells = [dialog.table.item(0, c).text() for c in range(len(headers))]
    assert str(study["film"].PatientID) not in cells
    assert str(study["film"].PatientName).replace("^", " ").strip() not in cells
    dialog.reject()


def test_a_study_url_or_name_and_uid_opens_through_the_same_stream(qtbot, window, server, study):
    window.open_locations([f"{server.url}/studies/{study['uid']}"])
    qtbot.waitUntil(lambda: window.canvas.frame is not None, timeout=10000)
    qtbot.waitUntil(lambda: opened(window), timeout=20000)
    assert len(window.canvas.series.frames) == 2
    assert window.preferences.recent_files == []  # the cache is no place to come back to
    window.open_locations([f"test:{study['uid']}"])
    qtbot.waitUntil(lambda: opened(window), timeout=20000)
    assert window.pacs.server_for(window.canvas.frame.source.path) == server


# --- faults ------------------------------------------------------------------------------


def test_a_bad_password_says_authentication_failed_and_never_the_password(
    qtbot, window, orthanc_factory, places, tmp_path, monkeypatch, boxes
):
    archive = orthanc_factory(users={"alice": "right-horse-battery"})
    extra = 'auth = "basic"\nuser = "alice"\nsecret = "env:HOVIEW_TEST_SECRET"\n'
    monkeypatch.setenv("HOVIEW_TEST_SECRET", "wrong-staple-4711")
    configure(tmp_path, archive, extra)
    dialog = search(qtbot, window)
    assert boxes == ["test: authentication failed (401)"]
    assert "wrong-staple-4711" not in dialog.status.text()
    assert dialog.table.rowCount() == 0
    dialog.reject()
    monkeypatch.setenv("HOVIEW_TEST_SECRET", "right-horse-battery")
    good = search(qtbot, window)
    assert len(boxes) == 1 and good.table.rowCount() == 0  # logged in: an empty archive
    assert good.status.text() == "test: 0 studies found"
    good.reject()
    archive.stop()


def test_the_server_stopped_mid_retrieve_keeps_the_screen_and_a_retry_resumes(
    qtbot, window, archive, server, study, slow_second, boxes
):
    window.pacs.open_study(server, study["uid"])
    qtbot.waitUntil(lambda: window.canvas.frame is not None, timeout=10000)
    shown = window.canvas.frame.source.path
    archive.stop()
    slow_second.set()
    qtbot.waitUntil(lambda: opened(window), timeout=20000)
    assert len(boxes) == 1
    assert boxes[0].startswith("test: server not reachable")
    assert "1 of 2 instances kept" in boxes[0]
    assert window.canvas.frame is not None and window.canvas.frame.source.path == shown
    assert not window.progress.isVisible()
    archive.start()
    window.pacs.open_study(server, study["uid"])
    qtbot.waitUntil(lambda: opened(window), timeout=20000)
    assert len(window.canvas.series.frames) == 2 and len(boxes) == 1


def test_a_refused_store_keeps_the_arrow_in_the_sidecar_marked_not_stored(
    qtbot, window, orthanc_factory, places, tmp_path, sample_data_dir, boxes
):
    refuse = (
        "function ReceivedInstanceFilter(dicom, origin, info)\n"
        "  return dicom.Modality ~= 'PR' and dicom.Modality ~= 'SR'\n"
        "end\n"
    )
    archive = orthanc_factory(lua=refuse)
    server = configure(tmp_path, archive)
    film = pydicom.dcmread(sample_data_dir / "pelvis_ap.dcm")
    PacsClient(server).store([film])
    window.pacs.open_study(server, str(film.StudyInstanceUID))
    qtbot.waitUntil(lambda: opened(window), timeout=20000)
    canvas = window.canvas
    window.tools.set_tool("arrow")
    drag(qtbot, canvas, screen(canvas, TAIL), screen(canvas, HEAD))
    qtbot.waitUntil(lambda: NOT_STORED in window.windowTitle(), timeout=10000)
    window.pacs.store().wait()
    assert len(boxes) == 1
    assert boxes[0].startswith("test: the server refused the store")
    assert "stay in the sidecar" in boxes[0]
    window.pacs.wait()
    assert NOT_STORED in window.windowTitle()
    assert len(canvas.session().document.annotations) == 1
    archive.stop()


def test_a_local_film_asks_which_server_and_is_stored_there(
    qtbot, window, archive, server, study, sample_data_dir, tmp_path, monkeypatch, boxes
):
    folder = tmp_path / "local"
    folder.mkdir()
    for name in ("pelvis_ap.dcm", "pelvis_ap.dcm.hoview.json"):  # two arrows already
        shutil.copy(sample_data_dir / name, folder / name)
    window.open_paths([folder / "pelvis_ap.dcm"], wait=True)
    asked = []

    def get_item(parent, title, question, names, current, editable):
        asked.append(names)
        return "test", True

    monkeypatch.setattr(QInputDialog, "getItem", get_item)
    count = archive.rest("/statistics")["CountInstances"]
    window.pacs.store().wait()
    assert asked == [["test", "URL..."]] and boxes == []
    assert window.statusBar().currentMessage().startswith("test: stored presentation state")
    assert archive.rest("/statistics")["CountInstances"] > count
    assert NOT_STORED not in window.windowTitle()  # not an image from the PACS
    window.pacs.store().wait()
    assert len(asked) == 1  # the server it went to is remembered


def test_cancel_keeps_what_came_and_shows_it(
    qtbot, window, server, sample_data_dir, monkeypatch, boxes
):
    film = pydicom.dcmread(sample_data_dir / "pelvis_ap.dcm")
    copies = []
    for number in range(2, 9):
        copy = pydicom.dcmread(sample_data_dir / "pelvis_ap.dcm")
        copy.SOPInstanceUID = pydicom.uid.generate_uid()
        copy.file_meta.MediaStorageSOPInstanceUID = copy.SOPInstanceUID
        copy.InstanceNumber = number
        copies.append(copy)
    PacsClient(server).store([film, *copies])
    release = hold_back(monkeypatch)
    window.pacs.open_study(server, str(film.StudyInstanceUID))
    qtbot.waitUntil(lambda: window.canvas.frame is not None, timeout=10000)
    assert window.pacs.cancel_action.isEnabled()
    window.pacs.cancel_button.click()
    release.set()
    qtbot.waitUntil(lambda: opened(window), timeout=20000)
    assert boxes == []  # a cancel is no error
    assert "retrieve cancelled" in window.statusBar().currentMessage()
    assert 1 <= len(window.canvas.series.frames) < 8
    assert not window.pacs.cancel_button.isVisible()


def test_a_malformed_date_is_refused_before_asking_the_server(qtbot, window, server, boxes):
    dialog = search(qtbot, window, date_from="2024-03")
    assert boxes == ["Study date: expected YYYYMMDD (8 digits)"]
    assert dialog.table.rowCount() == 0 and dialog.search_button.isEnabled()
    dialog.reject()
