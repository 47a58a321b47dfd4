"""The montage builder: pick open films, order, caption, preview and export them."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pydicom
import pytest
from PIL import Image
from PySide6.QtCore import QModelIndex, Qt

from hoview.annotations import Arrow
from hoview.display.attributes import Window
from hoview.ui import export_prompts
from hoview.ui.main_window import MainWindow
from hoview.ui.montage_builder import PREVIEW_DELAY_MS
from hoview.ui.montage_model import MontageOptions


@pytest.fixture
def study(tmp_path, sample_data_dir):
    """A copy of the sample study (DX film, CT series, PNG film) and its sidecars."""
    folder = tmp_path / "study"
    shutil.copytree(sample_data_dir, folder, ignore=shutil.ignore_patterns("*.py", "*.md"))
    return folder


@pytest.fixture
def window(qtbot, preferences, study):
    win = MainWindow(preferences)
    qtbot.addWidget(win)
    win.resize(1200, 850)
    win.show()
    qtbot.waitExposed(win)
    win.open_paths([study], wait=True)
    qtbot.waitUntil(lambda: win.series_panel.count() == 3, timeout=20000)
    yield win
    win.sessions.flush()


@pytest.fixture
def builder(window, qtbot):
    window.actions_by_text["Montage builder..."].trigger()
    dialog = window.exports.builder
    assert dialog is not None and dialog.isVisible()
    return dialog


def preview_array(builder) -> np.ndarray:
    image = builder.preview.pixmap().toImage()
    image = image.convertToFormat(image.Format.Format_Grayscale8)
    w, h = image.width(), image.height()
    data = np.frombuffer(image.constBits(), np.uint8, count=image.bytesPerLine() * h)
    return data.reshape(h, image.bytesPerLine())[:, :w].copy()


def pdf_pages(path: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", path.read_bytes()))


def names(builder) -> list[str]:
    return [item.frame.source.path.name for item in builder.items()]


def test_add_current_frame_keeps_its_window_and_document(window, builder):
    trigger_preset = window.actions_by_text["Preset 2"]
    trigger_preset.trigger()
    item = builder.add_current_frame()
    assert isinstance(item.window, Window) and item.window == window.canvas.voi
    assert item.document is window.canvas.session().document
    # Changing the viewer's window later does not change the film already added.
    window.actions_by_text["Preset 1"].trigger()
    assert builder.items()[0].window == item.window != window.canvas.voi


def test_add_all_open_images_once_each_and_remove(builder):
    assert builder.add_open_images() == 3
    assert sorted(names(builder)) == ["ct_021.dcm", "pelvis_ap.dcm", "pelvis_ap.png"]
    assert builder.add_open_images() == 0  # already there
    assert builder.list.count() == 3
    # The list names the files for the teacher; the captions are "Case N".
    assert "pelvis_ap.dcm" in builder.list.item(0).text()
    assert builder.plan().captions() == ["Case 1", "Case 2", "Case 3"]
    builder.list.setCurrentRow(1)
    builder.remove.click()
    assert builder.list.count() == 2 and "ct_021.dcm" not in names(builder)
    assert builder.list.item(1).text().startswith("Case 2")


def test_reorder_by_the_model_and_captions_follow(builder):
    builder.add_open_images()
    before = names(builder)
    moved = builder.list.model().moveRow(QModelIndex(), 2, QModelIndex(), 0)
    assert moved
    assert names(builder) == [before[2], before[0], before[1]]
    assert builder.list.item(0).text().startswith("Case 1\n" + before[2])


def test_edit_captions_placeholder_and_preview_debounce(builder, qtbot):
    builder.add_open_images()
    builder.update_preview()
    first = preview_array(builder)
    builder.list.setCurrentRow(0)
    assert builder.caption.placeholderText() == "Case 1" and builder.caption.text() == ""
    qtbot.keyClicks(builder.caption, "Brooker III")
    assert builder.items()[0].caption == "Brooker III"
    assert builder.list.item(0).text().startswith("Brooker III\n")
    assert builder.plan().captions() == ["Brooker III", "Case 2", "Case 3"]
    # Not redrawn on every keystroke: the preview follows after a short pause.
    assert np.array_equal(preview_array(builder), first)
    qtbot.wait(PREVIEW_DELAY_MS + 200)
    assert not np.array_equal(preview_array(builder), first)
    builder.list.setCurrentRow(1)
    assert builder.caption.text() == "" and builder.caption.placeholderText() == "Case 2"
    builder.set_caption(1, "CT")
    builder.list.setCurrentRow(0)
    assert builder.caption.text() == "Brooker III"


def test_preview_shows_the_montage(builder, qtbot):
    assert builder.preview.pixmap().isNull()
    assert "Add films" in builder.preview.text()
    builder.add_open_images()
    qtbot.waitUntil(lambda: not builder.preview.pixmap().isNull(), timeout=5000)
    pixels = preview_array(builder)
    assert pixels.max() > 150 and pixels.mean() > 10
    assert "3 films" in builder.preview_info.text()
    for _ in range(5):
        builder.add_current_frame()
    builder.page.setCurrentIndex(builder.page.findData("a4"))
    builder.pairs.setChecked(True)
    builder.update_preview()
    pages = len(builder.plan().compose()[0])
    assert pages > 1  # 16 pictures do not fit on one A4 page
    assert f"page 1 of {pages} shown" in builder.preview_info.text()
    assert preview_array(builder).mean() > 100  # white paper


def test_export_png_is_the_previewed_montage(window, builder, save_as, qtbot):
    builder.add_open_images()
    builder.title.setText("Heterotopic ossification")
    builder.columns.setCurrentIndex(builder.columns.findData(3))
    dialog = save_as("lecture.png")
    assert builder.export() == dialog.answer
    default, filters = dialog.offered[0], dialog.filters[0]
    assert default.name == "montage.png" and filters.startswith("PNG")
    written = np.asarray(Image.open(dialog.answer).convert("RGB")).astype(int)
    assert written.shape == (1080, 1920, 3)
    expected = builder.plan().compose()[0][0].astype(int)
    diff = np.abs(written - expected).max(axis=2)
    # Identical but for a few grey levels of caption antialiasing (Qt's glyph cache).
    assert diff.max() <= 16 and (diff > 1).mean() < 0.001
    assert str(dialog.answer) in window.statusBar().currentMessage()
    assert "lecture" not in str(window.preferences.export_folder)
    assert window.preferences.export_folder == dialog.answer.parent


def test_export_pdf_pages(builder, save_as):
    builder.add_open_images()
    for _ in range(5):
        builder.add_current_frame()
    builder.pairs.setChecked(True)
    builder.title.setText("Hip ossification")
    builder.page.setCurrentIndex(builder.page.findData("a4"))
    pages = len(builder.plan().compose()[0])
    assert pages > 1
    dialog = save_as("handout.pdf")
    builder.export()
    default, filters = dialog.offered[0], dialog.filters[0]
    assert default.name == "montage.pdf" and filters.startswith("PDF")
    data = dialog.answer.read_bytes()
    assert data.startswith(b"%PDF")
    assert pdf_pages(dialog.answer) == pages
    assert b"pelvis" not in data.lower()


def test_the_file_ending_decides_the_page(builder, save_as):
    builder.add_current_frame()
    dialog = save_as("slide.pdf")  # a PDF asked for while "Slide" is chosen: A4 paper
    builder.export()
    assert builder.options().page == "a4" and pdf_pages(dialog.answer) == 1
    dialog = save_as("again.png")
    builder.export()
    assert builder.options().page == "slide"
    assert Image.open(dialog.answer).size == (1920, 1080)


def test_unsaved_edits_and_window_go_into_the_montage(window, builder, save_as):
    document = window.canvas.session().document
    document.add(Arrow(tail=(900.0, 300.0), head=(1000.0, 420.0), layer="findings"))
    builder.add_current_frame()
    builder.tile_size.setValue(400)
    with_edit = builder.plan().compose()[0][0].astype(int)
    document.remove(document.annotations[-1].id)
    without_edit = builder.plan().compose()[0][0].astype(int)
    assert (np.abs(with_edit - without_edit).max(axis=2) > 30).sum() > 20


def test_burned_in_films_are_listed_in_one_warning(
    window, builder, save_as, study, monkeypatch, qtbot
):
    flagged = study / "flagged"
    flagged.mkdir()
    for name in ("a.dcm", "b.dcm"):
        ds = pydicom.dcmread(study / "pelvis_ap.dcm")
        ds.BurnedInAnnotation = "YES"
        ds.SOPInstanceUID = pydicom.uid.generate_uid()
        ds.save_as(flagged / name)
    window.open_paths([flagged], wait=True)
    qtbot.waitUntil(lambda: window.canvas.frame.source.path.parent == flagged, timeout=10000)
    builder.add_open_images()
    window.series_panel.setCurrentRow(0)
    builder.add_current_frame()
    asked: list[list[str]] = []
    answers = iter([False, True])
    monkeypatch.setattr(
        export_prompts,
        "confirm_burned_in",
        lambda parent, warnings: asked.append(warnings) or next(answers),
    )
    dialog = save_as("montage.png")
    assert builder.export() is None
    assert len(asked) == 1 and len(asked[0]) >= 1
    assert all("Burned In Annotation is YES" in w for w in asked[0])
    assert dialog.offered == [] and not dialog.answer.exists()
    assert builder.export() == dialog.answer and dialog.answer.is_file()


def test_cancel_in_the_progress_dialog_writes_nothing(window, builder, save_as, monkeypatch):
    builder.add_open_images()
    monkeypatch.setattr("hoview.ui.montage_builder.QProgressDialog.wasCanceled", lambda self: True)
    dialog = save_as("montage.png")
    assert builder.export() is None
    assert not dialog.answer.exists()
    assert "cancelled" in window.statusBar().currentMessage()


def test_errors_are_one_line_messages(builder, save_as, tmp_path, monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(
        export_prompts.QMessageBox, "warning", lambda p, t, text: shown.append(text)
    )
    builder.add_current_frame()
    save_as(tmp_path / "missing" / "montage.png")
    assert builder.export() is None
    assert len(shown) == 1 and "missing" in shown[0] and "\n" not in shown[0]


def test_options_map_to_the_montage(builder):
    builder.pairs.setChecked(True)
    builder.strip_labels.setChecked(True)
    builder.tile_size.setValue(300)
    builder.title.setText("Quiz")
    builder.page.setCurrentIndex(builder.page.findData("letter"))
    assert builder.options() == MontageOptions(
        pairs=True, columns=None, title="Quiz", tile_size=300, page="letter", strip_labels=True
    )
    assert builder.options().suffix == ".pdf" and builder.options().paper == "letter"
    builder.tile_size.setValue(0)
    assert builder.tile_size.text() == "Auto" and builder.options().tile_size is None


def test_builder_stays_one_window(window, builder):
    builder.add_current_frame()
    window.actions_by_text["Montage builder..."].trigger()
    assert window.exports.builder is builder and builder.list.count() == 1
    assert builder.windowModality() == Qt.WindowModality.NonModal


def test_an_inverted_film_stays_inverted_in_the_montage(window, builder):
    builder.tile_size.setValue(300)
    builder.add_current_frame()
    upright = builder.plan().compose()[0][0].astype(int)
    for entry in range(builder.list.count()):
        builder.list.item(entry).setSelected(True)
    builder.remove_selected()
    window.canvas.set_invert(True)
    item = builder.add_current_frame()
    assert item.invert
    inverted = builder.plan().compose()[0][0].astype(int)
    # The film's tile is negated: where the upright tile is bright, it is dark.
    bright = upright.max(axis=2) > 200
    assert bright.sum() > 100
    assert inverted[bright].max(axis=1).mean() < 80
