"""File -> Export -> Lecture slides (.pptx): the montage builder's list as a deck."""

from __future__ import annotations

import shutil

import pytest
from pptx import Presentation

from hoview.annotations import Arrow
from hoview.render.slide_timing import click_targets
from hoview.ui.slides_export import EXPORT_SLIDES


@pytest.fixture
def study(tmp_path, sample_data_dir):
    folder = tmp_path / "study"
    shutil.copytree(sample_data_dir, folder, ignore=shutil.ignore_patterns("*.py", "*.md"))
    return folder


@pytest.fixture
def window(window, qtbot, study):
    """The main window (conftest's) with the sample study open."""
    window.open_paths([study], wait=True)
    qtbot.waitUntil(lambda: window.series_panel.count() == 3, timeout=20000)
    yield window
    if window.exports.builder is not None:
        window.exports.builder.close()  # a top-level window left open takes later tests' mouse


def pictures(slide):
    return [s for s in slide.shapes if s.shape_type == 13]


def test_the_menu_entry_exports_the_frame_on_screen_with_unsaved_arrows(window, save_as):
    dialog = save_as("lecture.pptx")
    document = window.canvas.session().document
    layer = document.layers[0].id
    document.add(Arrow(tail=(100.0, 100.0), head=(300.0, 300.0), layer=layer))  # unsaved
    window.actions_by_text[EXPORT_SLIDES].trigger()
    out = dialog.answer
    assert out.is_file(), window.statusBar().currentMessage()
    slides = list(Presentation(str(out)).slides)
    assert len(slides) == 2  # the title slide and the one case
    plain, annotated = pictures(slides[1])
    assert click_targets(slides[1]._element) == [[annotated.shape_id]]
    assert "1 films on 2 slides" in window.statusBar().currentMessage()


def test_builder_list_order_captions_and_two_slides_per_case(window, save_as):
    window.actions_by_text["Montage builder..."].trigger()
    builder = window.exports.builder
    assert builder.add_open_images() == 3
    builder.set_caption(0, "First film")
    builder.title.setText("Hip lecture")
    builder.arrows_on_click.setChecked(False)
    dialog = save_as("deck")
    builder.slides_button.click()
    out = dialog.answer.with_suffix(".pptx")
    deck = Presentation(str(out))
    slides = list(deck.slides)
    assert len(slides) == 1 + 2 * 3
    assert slides[0].shapes.title.text == "Hip lecture"
    assert slides[1].shapes.title.text == slides[2].shapes.title.text == "First film"
    assert all(not click_targets(s._element) for s in slides)


def test_cancelling_the_file_dialog_writes_nothing(window, save_as, tmp_path):
    save_as(None)
    assert window.exports.export_slides() is None
    assert not list((tmp_path / "out").iterdir())
