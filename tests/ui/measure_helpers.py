"""What the measuring-tool tests share: films, a canvas at 1:1, mouse gestures, menus.

The films are copies of the sample AP pelvis (2000 x 1700) in ``tmp_path`` with its two
arrows (``dx-r-hip``, ``dx-l-hip`` on the DICOM film; ``png-r-hip``, ``png-l-hip`` on
the PNG). A canvas shown at zoom 1 maps one screen pixel to one image pixel, so a drag
of 16 screen pixels is a line of 16 image pixels exactly.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pydicom
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QMenu

LEFT = Qt.MouseButton.LeftButton
RIGHT = Qt.MouseButton.RightButton
SIDECAR = ".hoview.json"


def dicom_film(folder: Path, sample_data_dir: Path, spacing: tuple[float, float] | None) -> Path:
    """Copy the sample DICOM film and its sidecar into ``folder``.

    With ``spacing``, the copy has Pixel Spacing (0028,0030) ``(row, column)`` mm and no
    Imager Pixel Spacing; without, the sample's Imager Pixel Spacing of 0.2 mm stays.
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "pelvis_ap.dcm"
    ds = pydicom.dcmread(sample_data_dir / "pelvis_ap.dcm")
    if spacing is not None:
        for keyword in ("ImagerPixelSpacing", "EstimatedRadiographicMagnificationFactor"):
            if keyword in ds:
                delattr(ds, keyword)
        ds.PixelSpacing = list(spacing)
    ds.save_as(path)
    shutil.copy(sample_data_dir / ("pelvis_ap.dcm" + SIDECAR), folder / (path.name + SIDECAR))
    return path


def raster_film(folder: Path, sample_data_dir: Path) -> Path:
    """Copy the sample PNG film (no spacing) and its sidecar into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("pelvis_ap.png", "pelvis_ap.png" + SIDECAR):
        shutil.copy(sample_data_dir / name, folder / name)
    return folder / "pelvis_ap.png"


def tool_canvas(qtbot, film: Path, centre: tuple[float, float], author: str | None = None):
    """Show ``film`` on a 900 x 780 canvas with the tools, at zoom 1 centred on ``centre``."""
    from hoview.sources import open_path
    from hoview.ui.canvas import ViewerCanvas
    from hoview.ui.tool_controller import ToolController

    canvas = ViewerCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(900, 780)
    canvas.set_series(open_path(film).series[0])
    if author is not None:
        canvas.author = author
    canvas.show()
    qtbot.waitExposed(canvas)
    canvas.controller = ToolController(canvas)
    one_to_one(canvas, centre)
    return canvas


def one_to_one(canvas, centre: tuple[float, float]) -> None:
    """Show the image at zoom 1 with image point ``centre`` in the middle of the canvas."""
    geometry = replace(canvas.state.geometry, zoom=1.0, center_x=centre[0], center_y=centre[1])
    canvas.set_geometry(geometry)


def screen(canvas, point: tuple[float, float]) -> QPoint:
    """Return the canvas position (whole pixels) of an image point."""
    return canvas.image_transform().map(QPointF(*point)).toPoint()


def image_point(canvas, pos: QPoint) -> tuple[float, float]:
    """Return the image point under a canvas position."""
    return canvas.screen_to_image(QPointF(pos))


def drag(qtbot, canvas, start: QPoint, end: QPoint) -> None:
    """Press at ``start``, move in steps, release at ``end`` (left button)."""
    qtbot.mousePress(canvas, LEFT, pos=start)
    for step in (1, 2, 3):
        qtbot.mouseMove(canvas, start + (end - start) * step / 4)
    qtbot.mouseMove(canvas, end)
    qtbot.mouseRelease(canvas, LEFT, pos=end)


def click(qtbot, canvas, pos: QPoint) -> None:
    """Move to ``pos`` and click the left button there."""
    qtbot.mouseMove(canvas, pos)
    qtbot.mouseClick(canvas, LEFT, pos=pos)


def context_menu(qtbot, controller, canvas, pos: QPoint) -> QMenu:
    """Right-click ``pos`` and return the context menu that pops up."""
    qtbot.mouseClick(canvas, RIGHT, pos=pos)
    menu = controller.context_menu
    assert menu is not None, "no context menu"
    qtbot.waitUntil(menu.isVisible)
    return menu


def choose(menu: QMenu, text: str) -> None:
    """Trigger the menu's action called ``text`` and close the menu."""
    texts = [a.text().replace("&", "") for a in menu.actions()]
    assert text in texts, f"{text!r} not in {texts}"
    action = menu.actions()[texts.index(text)]
    assert action.isEnabled()
    action.trigger()
    menu.close()


def menu_texts(menu: QMenu) -> list[str]:
    """Return the texts of a menu's actions (separators left out)."""
    return [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]
