"""The calibration tool under pytest-qt: a line of known length sets the image's spacing.

A raster film has no spacing: a ruler of 40 pixels reads "40.0 px". Drag a line of 100
pixels, type 50 mm: 0.5 mm per pixel, and the same ruler reads "20.0 mm calibrated",
on screen, in ``measure()`` and in the saved sidecar's ``calibration``.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from measure_helpers import (
    SIDECAR,
    choose,
    click,
    context_menu,
    dicom_film,
    drag,
    menu_texts,
    raster_film,
    screen,
    tool_canvas,
)
from PySide6.QtCore import Qt

from hoview.annotations import Gap, Ruler
from hoview.annotations.measures import measure
from hoview.render.qimage import qimage_to_array
from hoview.ui import tool_dialogs
from hoview.ui.annotation_menu import MEASURE_GAP, REMOVE_CALIBRATION
from hoview.ui.annotation_session import SaveState
from hoview.ui.measure_tools import CalibrateTool
from hoview.ui.tool_support import measuring_spacing

P_HIP_MIDDLE = (1759, 625)  # the PNG's left-hip arrow "png-l-hip"


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("HOVIEW_DATA_DIR", str(tmp_path / "user-data"))


@pytest.fixture
def asked(monkeypatch):
    """Answer the length dialog with ``asked.answer`` (mm); record the pixels it was told."""

    class Asked:
        answer: float | None = 50.0
        pixels: list[float] = []

        def __call__(self, parent, pixels):
            self.pixels.append(pixels)
            return self.answer

    stand_in = Asked()
    stand_in.pixels = []
    monkeypatch.setattr(tool_dialogs, "ask_length_mm", stand_in)
    return stand_in


def show(qtbot, path):
    return tool_canvas(qtbot, path, (1600, 800), author="Dr Tester")


@pytest.fixture
def raster(tmp_path, sample_data_dir):
    return raster_film(tmp_path / "film", sample_data_dir)


@pytest.fixture
def canvas(qtbot, raster):
    return show(qtbot, raster)


def ruler(canvas):
    (found,) = [a for a in canvas.session().document.annotations if isinstance(a, Ruler)]
    return found


def calibrate(qtbot, canvas, start=(1300, 1000), length_px=100):
    canvas.controller.set_tool("calibrate")
    assert isinstance(canvas.tool, CalibrateTool)
    end = (start[0] + length_px, start[1])
    drag(qtbot, canvas, screen(canvas, start), screen(canvas, end))


def test_a_raster_film_reads_px_until_calibrated_then_mm_calibrated(canvas, qtbot, asked, raster):
    canvas.controller.set_tool("ruler")
    drag(qtbot, canvas, screen(canvas, (1500, 700)), screen(canvas, (1540, 700)))
    assert measuring_spacing(canvas) is None
    assert measure(ruler(canvas), measuring_spacing(canvas)).text == "40.0 px"
    label = (slice(0, 780), slice(0, 900))
    before = qimage_to_array(canvas.grab().toImage())[label]

    with qtbot.waitSignal(
        canvas.status_changed, check_params_cb=lambda text: "calibrated 0.5 mm/px" in text
    ):
        calibrate(qtbot, canvas)

    assert asked.pixels == [100.0]
    calibration = canvas.session().document.calibration
    assert calibration.start == (1300, 1000) and calibration.end == (1400, 1000)
    assert (calibration.length_mm, calibration.author) == (50.0, "Dr Tester")
    assert calibration.mm_per_pixel == 0.5
    assert measure(ruler(canvas), measuring_spacing(canvas)).text == "20.0 mm calibrated"
    assert [a.kind for a in canvas.session().document.annotations] == [
        "arrow",
        "arrow",
        "ruler",
    ]  # the calibration line is not an annotation
    assert "calibrated 0.5 mm/px" in canvas.status_text()
    after = qimage_to_array(canvas.grab().toImage())[label]
    assert not np.array_equal(before, after)  # the ruler on screen reads the new length

    session = canvas.session()
    qtbot.waitUntil(lambda: session.state is SaveState.SAVED, timeout=5000)
    saved = json.loads(raster.with_name(raster.name + SIDECAR).read_text("utf-8"))
    assert saved["calibration"]["points"] == [[1300.0, 1000.0], [1400.0, 1000.0]]
    assert saved["calibration"]["length_mm"] == 50.0


def test_a_click_or_a_cancelled_length_calibrates_nothing(canvas, qtbot, asked):
    canvas.controller.set_tool("calibrate")
    click(qtbot, canvas, screen(canvas, (1300, 1000)))
    assert asked.pixels == []
    asked.answer = None
    calibrate(qtbot, canvas)
    assert asked.pixels == [100.0]
    assert canvas.session().document.calibration is None


def test_calibrating_suggests_the_grade_a_gap_in_pixels_could_not(canvas, qtbot, asked):
    menu = context_menu(qtbot, canvas.controller, canvas, screen(canvas, P_HIP_MIDDLE))
    choose(menu, MEASURE_GAP)
    drag(qtbot, canvas, screen(canvas, (1500, 900)), screen(canvas, (1516, 900)))
    document = canvas.session().document
    (gap,) = [a for a in document.annotations if isinstance(a, Gap)]
    assert measure(gap, measuring_spacing(canvas)).text == "16.0 px"
    assert document.get("png-l-hip").finding.suggested_grade is None

    calibrate(qtbot, canvas)  # 100 px = 50 mm: the gap is 8 mm
    assert measure(gap, measuring_spacing(canvas)).text == "8.0 mm calibrated"
    assert document.get("png-l-hip").finding.suggested_grade == "Brooker III"

    canvas.controller.edit_actions["uncalibrate"].trigger()
    assert document.calibration is None
    assert document.get("png-l-hip").finding.suggested_grade is None


def test_a_calibration_overrides_the_files_spacing_and_is_removed_from_the_menu(
    qtbot, asked, tmp_path, sample_data_dir
):
    film = dicom_film(tmp_path / "dicom", sample_data_dir, None)  # 0.2 mm at the detector
    canvas = show(qtbot, film)
    canvas.controller.set_tool("ruler")
    drag(qtbot, canvas, screen(canvas, (1500, 700)), screen(canvas, (1540, 700)))
    assert measure(ruler(canvas), measuring_spacing(canvas)).text == "8.0 mm at detector"
    calibrate(qtbot, canvas)
    assert measure(ruler(canvas), measuring_spacing(canvas)).text == "20.0 mm calibrated"

    menu = context_menu(qtbot, canvas.controller, canvas, screen(canvas, (1200, 1100)))
    assert menu_texts(menu) == [REMOVE_CALIBRATION]
    choose(menu, REMOVE_CALIBRATION)
    assert canvas.session().document.calibration is None
    assert measure(ruler(canvas), measuring_spacing(canvas)).text == "8.0 mm at detector"
    # Without a calibration, a right click on empty space shows no menu.
    qtbot.mouseClick(canvas, Qt.MouseButton.RightButton, pos=screen(canvas, (1200, 1100)))
    assert canvas.controller.context_menu is None


def test_a_locked_layer_does_not_stop_a_calibration(canvas, qtbot, asked):
    document = canvas.session().document
    document.update_layer(document.layers[0].id, locked=True)
    calibrate(qtbot, canvas, length_px=40)
    assert document.calibration.mm_per_pixel == 50.0 / 40
    canvas.controller.set_tool("ruler")  # drawing on the locked layer is still refused
    drag(qtbot, canvas, screen(canvas, (1500, 700)), screen(canvas, (1540, 700)))
    assert [a.kind for a in document.annotations] == ["arrow", "arrow"]
