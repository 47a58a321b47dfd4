"""File -> Export in the viewer: the frame as shown, the with/without pair, the warnings."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pydicom
import pytest
from PIL import Image
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from hoview.annotations import Arrow
from hoview.render import layout
from hoview.render.film import render_film
from hoview.ui import export_prompts
from hoview.ui.annotation_session import SaveState

#: The sample sidecar's two arrows (tail, head), image pixels.
ARROWS = [((110.0, 560.0), (268.0, 690.0)), ((1840.0, 560.0), (1678.0, 690.0))]
#: How far from an arrow's end points its head, outline and label may reach.
REACH = 90


@pytest.fixture
def film(tmp_path, sample_data_dir):
    """A copy of the sample film and its sidecar (two arrows), so nothing touches the repo."""
    folder = tmp_path / "films"
    folder.mkdir()
    for name in ("pelvis_ap.dcm", "pelvis_ap.dcm.hoview.json"):
        shutil.copy(sample_data_dir / name, folder / name)
    return folder / "pelvis_ap.dcm"


@pytest.fixture
def burned_in_film(tmp_path, sample_data_dir):
    """The sample film flagged Burned In Annotation (0028,0301) YES."""
    folder = tmp_path / "flagged"
    folder.mkdir()
    ds = pydicom.dcmread(sample_data_dir / "pelvis_ap.dcm")
    ds.BurnedInAnnotation = "YES"
    path = folder / "pelvis_ap.dcm"
    ds.save_as(path)
    return path


@pytest.fixture
def errors(monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(
        export_prompts.QMessageBox, "warning", lambda parent, title, text: shown.append(text)
    )
    return shown


def trigger(window, text):
    window.actions_by_text[text].trigger()


def read_png(path: Path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGB")).astype(int)


def near_arrows(shape, arrows=ARROWS, reach=REACH) -> np.ndarray:
    """A mask of the pixels within ``reach`` of each arrow's box."""
    mask = np.zeros(shape[:2], bool)
    for (x1, y1), (x2, y2) in arrows:
        x0, x_1 = int(min(x1, x2)) - reach, int(max(x1, x2)) + reach
        y0, y_1 = int(min(y1, y2)) - reach, int(max(y1, y2)) + reach
        mask[max(y0, 0) : y_1, max(x0, 0) : x_1] = True
    return mask


def pair_halves(pair: np.ndarray, size=(2000, 1700)) -> tuple[np.ndarray, np.ndarray, tuple]:
    """Cut the without and with halves out of a pair, where compose_pair puts them."""
    metrics = layout.Metrics.for_height(size[1])
    page_size = layout.page_for_box(2, 2, size, metrics, title=False)
    page = layout.place([size, size], 2, page_size, size, metrics, title=False)
    assert pair.shape[:2] == (page_size[1], page_size[0])
    halves = []
    for cell in page.cells:
        x, y, w, h = cell.image
        halves.append(pair[y : y + h, x : x + w])
    return halves[0], halves[1], page.cells[0].caption


def test_export_menu_lists_the_actions_with_shortcuts(window):
    rows = {(menu, action, keys) for menu, action, keys in window.shortcut_rows()}
    assert ("File", "Export image...", "Ctrl+E") in rows
    assert ("File", "Export with/without pair...", "Ctrl+Shift+E") in rows
    assert ("File", "Montage builder...", "Ctrl+Shift+M") in rows
    file_menu = window.menuBar().actions()[0].menu()
    export = [a.menu() for a in file_menu.actions() if a.menu() is not None]
    assert [a.text() for a in export[0].actions()] == [
        "Export image...",
        "Export with/without pair...",
        "Montage builder...",
        "Lecture slides (.pptx)...",
    ]


def test_export_image_writes_the_frame_as_shown_at_native_size(window, film, save_as):
    window.open_paths([film], wait=True)
    dialog = save_as("shown.png")
    trigger(window, "Export image...")
    out = dialog.answer
    assert out.is_file()
    # A generic default name in the (default) export folder: never the source's name.
    assert dialog.offered[0].name == "image.png"
    assert "pelvis" not in str(dialog.offered[0].name)
    written = read_png(out)
    assert written.shape == (1700, 2000, 3)
    frame = window.canvas.frame
    expected = render_film(frame, window.canvas.session().document, window=window.canvas.voi)
    assert np.abs(written - expected.annotated.astype(int)).max() <= 1
    plain = expected.plain.astype(int)
    changed = np.abs(written - plain).max(axis=2) > 30
    assert changed.sum() > 200
    assert not changed[~near_arrows(written.shape)].any()
    assert str(out) in window.statusBar().currentMessage()
    # The next export starts in the folder of this one.
    save_as("again.png")
    trigger(window, "Export image...")
    assert export_prompts.ask_save_path.offered[0] == out.parent / "image.png"


def test_export_image_follows_window_invert_and_hidden_annotations(window, film, save_as):
    window.open_paths([film], wait=True)
    trigger(window, "Preset 2")  # bone window
    trigger(window, "Show / hide annotations")
    save_as("plain.png")
    trigger(window, "Export image...")
    plain = read_png(export_prompts.ask_save_path.answer)
    frame = window.canvas.frame
    bone = render_film(frame, window.canvas.session().document, window=window.canvas.voi)
    assert np.abs(plain - bone.plain.astype(int)).max() <= 1  # no arrows, bone window
    default = render_film(frame, window.canvas.session().document)
    assert np.abs(plain - default.plain.astype(int)).mean() > 5
    trigger(window, "Show / hide annotations")
    trigger(window, "Invert")
    save_as("inverted.png")
    trigger(window, "Export image...")
    inverted = read_png(export_prompts.ask_save_path.answer)
    away = ~near_arrows(inverted.shape)
    assert np.abs(inverted[away] - (255 - plain[away])).max() <= 1
    # The arrows are still drawn (white, black outline) over the negative.
    assert (np.abs(inverted - (255 - plain)).max(axis=2) > 30).sum() > 200


def test_pair_is_the_film_twice_with_captions_and_arrows_only_on_the_right(window, film, save_as):
    window.open_paths([film], wait=True)
    dialog = save_as("pair.png")
    trigger(window, "Export with/without pair...")
    assert dialog.offered[0].name == "pair.png"
    pair = read_png(dialog.answer)
    assert pair.shape[1] > 2 * 2000 and pair.shape[0] > 1700
    without, with_arrows, caption = pair_halves(pair)
    frame = window.canvas.frame
    plain = render_film(frame, window.canvas.session().document, window=window.canvas.voi).plain
    assert np.abs(without - plain.astype(int)).max() <= 1
    changed = np.abs(with_arrows - without).max(axis=2) > 30
    assert changed.sum() > 200
    assert not changed[~near_arrows(changed.shape)].any()
    x, y, w, h = caption
    assert pair[y : y + h, x : x + w].max() > 200  # caption text under the tile


def test_pair_shows_arrows_even_when_hidden_on_screen_and_unsaved_edits(window, film, save_as):
    window.open_paths([film], wait=True)
    session = window.canvas.session()
    new = ((900.0, 300.0), (1000.0, 420.0))
    session.document.add(Arrow(tail=new[0], head=new[1], layer="findings", label=None))
    session.document.set_all_visible(False)
    assert session.state == SaveState.UNSAVED  # not written to the sidecar yet
    save_as("pair.png")
    trigger(window, "Export with/without pair...")
    without, with_arrows, _ = pair_halves(read_png(export_prompts.ask_save_path.answer))
    changed = np.abs(with_arrows - without).max(axis=2) > 30
    assert changed[near_arrows(changed.shape, [new], reach=10)].sum() > 100
    assert changed[near_arrows(changed.shape, ARROWS[:1], reach=10)].sum() > 100
    assert not changed[~near_arrows(changed.shape, [*ARROWS, new])].any()


def test_unsaved_arrow_appears_in_the_image_export(window, film, save_as):
    window.open_paths([film], wait=True)
    document = window.canvas.session().document
    new = ((900.0, 300.0), (1000.0, 420.0))
    document.add(Arrow(tail=new[0], head=new[1], layer="findings"))
    save_as("edited.png")
    trigger(window, "Export image...")
    written = read_png(export_prompts.ask_save_path.answer)
    plain = render_film(window.canvas.frame, document, window=window.canvas.voi).plain
    changed = np.abs(written - plain.astype(int)).max(axis=2) > 30
    assert changed[near_arrows(changed.shape, [new], reach=10)].sum() > 100


def answer_warning_box(button_text: str, seen: list[str]) -> None:
    """Click ``button_text`` in the message box once it is up."""

    def click():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, click)
            return
        seen.append(box.text() + "\n" + box.informativeText())
        for button in box.buttons():
            if button.text().replace("&", "") == button_text:
                button.click()
                return
        raise AssertionError(f"no {button_text!r} in {[b.text() for b in box.buttons()]}")

    QTimer.singleShot(0, click)


@pytest.mark.parametrize("action", ["Export image...", "Export with/without pair..."])
def test_burned_in_warning_cancel_writes_nothing(window, burned_in_film, save_as, action):
    window.open_paths([burned_in_film], wait=True)
    dialog = save_as("never.png")
    seen: list[str] = []
    answer_warning_box("Cancel", seen)
    trigger(window, action)
    assert seen and "Burned In Annotation is YES" in seen[0]
    assert "pelvis_ap.dcm" in seen[0]
    assert dialog.offered == []  # not even asked where
    assert not list(dialog.answer.parent.iterdir())


def test_burned_in_warning_export_anyway_writes(window, burned_in_film, save_as):
    window.open_paths([burned_in_film], wait=True)
    dialog = save_as("anyway.png")
    seen: list[str] = []
    answer_warning_box("Export anyway", seen)
    trigger(window, "Export image...")
    assert seen and "identifying text" in seen[0]
    assert dialog.answer.is_file()


def test_no_warning_for_the_sample_film(window, film, save_as, monkeypatch):
    asked = []
    monkeypatch.setattr(export_prompts, "confirm_burned_in", lambda *a: asked.append(a) or True)
    window.open_paths([film], wait=True)
    save_as("ok.png")
    trigger(window, "Export image...")
    assert asked == []


def test_write_errors_show_one_line_naming_the_file(
    window, film, save_as, tmp_path, errors, monkeypatch
):
    window.open_paths([film], wait=True)
    missing = tmp_path / "no such folder" / "image.png"
    save_as(missing)
    trigger(window, "Export image...")
    assert len(errors) == 1 and str(missing) in errors[0] and "\n" not in errors[0]
    assert not missing.exists()
    save_as("image.xyz")
    trigger(window, "Export with/without pair...")
    assert len(errors) == 2 and "image.xyz" in errors[1]
    assert window.canvas.frame is not None  # still running


def test_a_name_without_ending_gets_png_and_cancel_does_nothing(window, film, save_as):
    window.open_paths([film], wait=True)
    dialog = save_as("handout")
    trigger(window, "Export image...")
    assert dialog.answer.with_name("handout.png").is_file()
    dialog = save_as(None)
    trigger(window, "Export image...")
    assert dialog.offered  # asked, cancelled, nothing else happens


def test_nothing_open_nothing_asked(window, save_as):
    dialog = save_as("x.png")
    trigger(window, "Export image...")
    trigger(window, "Export with/without pair...")
    assert dialog.offered == []
