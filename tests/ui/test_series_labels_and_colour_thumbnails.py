"""Series panel: captions without UIDs, and colour / ultrasound thumbnails drawn."""

from __future__ import annotations

import shutil

import numpy as np
import pydicom
import pytest

from hoview.display.pipeline import default_voi
from hoview.display.viewport import render_full
from hoview.render.qimage import qimage_to_array
from hoview.sources import open_path
from hoview.ui.series_panel import THUMBNAIL, SeriesPanel, series_label, thumbnail


def only_series(path):
    return open_path(path).studies[0].series[0]


def test_series_without_description_is_named_by_number_and_body_part(tmp_path, pydicom_files):
    ds = pydicom.dcmread(pydicom_files / "CT_small.dcm")
    ds.SeriesDescription = ""
    ds.SeriesNumber = 7
    ds.BodyPartExamined = "PELVIS"
    ds.save_as(tmp_path / "ct.dcm")
    series = only_series(tmp_path / "ct.dcm")
    label = series_label(series)
    assert label.splitlines()[0] == "CT #7 PELVIS"
    assert series.uid not in label and "1.3.6" not in label


def test_without_number_or_body_part_only_the_modality(tmp_path, pydicom_files):
    ds = pydicom.dcmread(pydicom_files / "examples_ybr_color.dcm")
    for keyword in ("SeriesDescription", "SeriesNumber", "BodyPartExamined"):
        if keyword in ds:
            delattr(ds, keyword)
    ds.save_as(tmp_path / "us.dcm")
    series = only_series(tmp_path / "us.dcm")
    assert series_label(series).splitlines() == ["US", "30 frames"]


def test_the_panel_has_no_horizontal_scrollbar(qtbot, tmp_path, pydicom_files):
    ds = pydicom.dcmread(pydicom_files / "CT_small.dcm")
    ds.SeriesDescription = ""
    ds.save_as(tmp_path / "ct.dcm")
    panel = SeriesPanel()
    qtbot.addWidget(panel)
    panel.resize(THUMBNAIL + 40, 400)
    panel.set_series([only_series(tmp_path / "ct.dcm")])
    panel.show()
    qtbot.waitExposed(panel)
    assert not panel.horizontalScrollBar().isVisible()


@pytest.mark.parametrize(
    "name",
    [
        "SC_rgb_rle.dcm",  # RGB
        "SC_ybr_full_422_uncompressed.dcm",  # YBR_FULL_422
        "examples_ybr_color.dcm",  # ultrasound, YBR_FULL_422, 30 frames
        "examples_rgb_color.dcm",  # ultrasound, RGB
        "examples_palette.dcm",  # PALETTE COLOR
    ],
)
def test_colour_thumbnails_show_the_picture_the_canvas_shows(tmp_path, pydicom_files, name):
    shutil.copy(pydicom_files / name, tmp_path / name)
    series = only_series(tmp_path / name)
    shown = qimage_to_array(thumbnail(series).toImage()).astype(int)
    frame = series.frames[len(series.frames) // 2]
    stored = frame.pixels()
    scale = THUMBNAIL / max(frame.columns, frame.rows)
    expected = render_full(stored, frame.attributes, default_voi(stored, frame.attributes), scale)
    assert expected.ndim == 3  # the pipeline's colour output
    h, w = expected.shape[:2]
    y, x = (THUMBNAIL - h) // 2, (THUMBNAIL - w) // 2
    inside = shown[y : y + h, x : x + w]
    assert inside.std() > 5  # not blank
    assert np.abs(inside - expected.astype(int)).max() <= 1
    # Colour survives: some pixels are not grey.
    assert (np.ptp(inside, axis=2) > 20).any()
