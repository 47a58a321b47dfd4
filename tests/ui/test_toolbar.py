"""The toolbar: an icon and a tooltip with the keys on every button; H shows its state."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QIcon, QImage
from PySide6.QtWidgets import QToolButton

from hoview.paths import resource_path
from hoview.ui.toolbar import ANNOTATIONS_ACTION, ICONS, icon_path, load_icon

ICON_FOLDER = resource_path("icons")


@pytest.fixture
def film(tmp_path, sample_data_dir):
    """A copy of the sample film and its sidecar (two arrows), so saves stay in tmp."""
    for name in ("pelvis_ap.dcm", "pelvis_ap.dcm.hoview.json"):
        shutil.copy(sample_data_dir / name, tmp_path / name)
    return tmp_path / "pelvis_ap.dcm"


def painted_pixels(icon: QIcon, size: int = 24) -> int:
    image = icon.pixmap(QSize(size, size)).toImage().convertToFormat(QImage.Format.Format_ARGB32)
    return sum(
        1
        for x in range(image.width())
        for y in range(image.height())
        if image.pixelColor(x, y).alpha()
    )


def toolbar_actions(window):
    return [a for a in window.toolbar.actions() if not a.isSeparator()]


def test_every_icon_file_is_an_svg_qt_reads_and_paints():
    names = {n for v in ICONS.values() for n in ((v,) if isinstance(v, str) else v)}
    shipped = {p.stem for p in Path(ICON_FOLDER).glob("*.svg")}
    assert names <= shipped
    assert (Path(ICON_FOLDER) / "LICENSE").read_text().count("MIT") >= 1
    for name in sorted(shipped):
        icon = QIcon(icon_path(name))
        assert not icon.isNull(), name
        assert painted_pixels(icon) > 20, name
        assert painted_pixels(icon, 48) > 80, name


def test_icons_are_tinted_to_the_palette(qapp):
    white = load_icon("arrow", colour=QColor("white"))
    image = white.pixmap(QSize(24, 24)).toImage()
    colours = {
        image.pixelColor(x, y).name()
        for x in range(24)
        for y in range(24)
        if image.pixelColor(x, y).alpha() == 255
    }
    assert colours == {"#ffffff"}


def test_every_toolbar_button_has_an_icon_and_a_tooltip_with_its_keys(window):
    actions = toolbar_actions(window)
    texts = [a.text() for a in actions]
    for expected in ("Select", "Arrow", "Text", "Ruler", ANNOTATIONS_ACTION, "Fit to window"):
        assert expected in texts
    assert any("Compare" in t for t in texts)
    for action in actions:
        assert not action.icon().isNull(), action.text()
        assert painted_pixels(action.icon()) > 20, action.text()
        keys = [k.toString() for k in action.shortcuts()]
        assert keys, action.text()
        assert f"({keys[0]}" in action.toolTip(), action.toolTip()
        button = window.toolbar.widgetForAction(action)
        assert isinstance(button, QToolButton)
        assert button.iconSize().width() >= 16
    arrow = window.tools.actions["arrow"]
    assert arrow.toolTip().endswith("(A)")
    assert window.actions_by_text[ANNOTATIONS_ACTION].toolTip() == "Show / hide annotations (H)"
    compare = window.actions_by_text["Compare with / without annotations"]
    assert compare.toolTip().endswith("(Ctrl+K)")


def test_the_cine_button_has_play_and_pause_icons(window):
    play = window.frame_bar.play_action
    assert not play.icon().isNull()
    on = play.icon().pixmap(QSize(24, 24), QIcon.Mode.Normal, QIcon.State.On).toImage()
    off = play.icon().pixmap(QSize(24, 24), QIcon.Mode.Normal, QIcon.State.Off).toImage()
    assert on != off
    assert "(P)" in play.toolTip()


def test_h_button_is_checkable_and_follows_the_document_both_ways(window, film):
    window.open_paths([film], wait=True)
    h = window.actions_by_text[ANNOTATIONS_ACTION]
    box = window.layers_panel.show_annotations_box
    document = window.canvas.session().document
    assert h.isCheckable()
    assert h.isChecked() and box.isChecked() and document.annotations_visible
    # H (the key, the menu item) hides: the button shows it, and the panel's switch.
    h.trigger()
    assert not document.annotations_visible
    assert not h.isChecked() and not box.isChecked()
    # The panel's switch shows again: the button follows.
    box.click()
    assert document.annotations_visible
    assert h.isChecked()
    # The toolbar button itself.
    window.toolbar.widgetForAction(h).click()
    assert not document.annotations_visible and not box.isChecked() and not h.isChecked()
    # A change made on the document (an undo, a reload) reaches the button too.
    document.set_all_visible(True)
    assert h.isChecked() and box.isChecked()


def test_h_button_follows_the_image_shown(window, film, tmp_path):
    window.open_paths([film], wait=True)
    h = window.actions_by_text[ANNOTATIONS_ACTION]
    h.trigger()
    assert not h.isChecked()
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(film, other / film.name)  # no sidecar: annotations shown
    window.open_paths([other / film.name], wait=True)
    assert window.canvas.session().document.annotations_visible
    assert h.isChecked()
