"""Annotations as reading stations draw them: constant screen size, upright text, R/L.

Grabs of a real canvas over a synthetic black DX film (Patient Orientation ``L\\F``):
the label keeps its height in screen pixels at 300 %, its pixels are never mirrored or
turned by a flip or a rotation, and the R/L markers swap sides with a horizontal flip.
"""

from __future__ import annotations

import numpy as np
import pytest
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import DigitalXRayImageStorageForPresentation, ExplicitVRLittleEndian
from PySide6.QtGui import QImage

from hoview.annotations import Text
from hoview.display.viewport import ViewGeometry
from hoview.render.paint import SCREEN_SIZES
from hoview.sources import open_path
from hoview.ui.canvas import ViewerCanvas
from hoview.ui.orientation_markers import canvas_edge_labels
from hoview.ui.settings import PreferencesDialog

WIDTH, HEIGHT = 640, 480
COLUMNS, ROWS = 400, 300
ANCHOR = (200.0, 150.0)  # the image centre: every view below keeps it at the canvas centre


def _film(path, orientation=("L", "F")):
    """Write a black 400 x 300 DX with Patient Orientation; every name made up."""
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = DigitalXRayImageStorageForPresentation
    ds.file_meta.MediaStorageSOPInstanceUID = "2.25.4242001"
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID = DigitalXRayImageStorageForPresentation
    ds.SOPInstanceUID = "2.25.4242001"
    ds.StudyInstanceUID, ds.SeriesInstanceUID = "2.25.4242002", "2.25.4242003"
    ds.PatientName, ds.PatientID, ds.Modality = "TEST^GLYPH", "TEST-GLYPH", "DX"
    if orientation is not None:
        ds.PatientOrientation = list(orientation)
    ds.Rows, ds.Columns = ROWS, COLUMNS
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
    ds.WindowCenter, ds.WindowWidth = 2048, 4096
    ds.PixelData = np.zeros((ROWS, COLUMNS), np.uint16).tobytes()
    ds.save_as(path, enforce_file_format=True)
    return path


@pytest.fixture
def canvas(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("HOVIEW_DATA_DIR", str(tmp_path / "data"))
    widget = ViewerCanvas()
    qtbot.addWidget(widget)
    widget.resize(WIDTH, HEIGHT)
    widget.show_overlays = False
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_series(open_path(_film(tmp_path / "film.dcm")).series[0])
    return widget


def _grab(canvas: ViewerCanvas) -> np.ndarray:
    image = canvas.grab().toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    width, height = image.width(), image.height()
    data = np.frombuffer(image.constBits(), np.uint8, image.bytesPerLine() * height)
    return data.reshape(height, image.bytesPerLine())[:, :width].copy()


def _box(grey: np.ndarray, where: tuple[slice, slice] = (slice(None), slice(None))) -> np.ndarray:
    """Return the crop of the bright pixels' bounding box within ``where``."""
    part = grey[where]
    rows, columns = np.nonzero(part > 128)
    assert rows.size, "nothing bright drawn there"
    return part[rows.min() : rows.max() + 1, columns.min() : columns.max() + 1]


def _view(canvas, zoom=1.0):
    canvas.set_geometry(ViewGeometry(zoom, *ANCHOR, 1, 1))


@pytest.fixture
def labelled(canvas):
    """The canvas with one text label, no corner text or markers."""
    canvas.show_corner_text = False
    canvas.session().document.add(Text(anchor=ANCHOR, text="Rg7 HO"))
    _view(canvas)
    return canvas


def test_label_height_on_screen_is_the_same_at_300_percent(labelled):
    at_100 = _box(_grab(labelled))
    _view(labelled, 3.0)
    at_300 = _box(_grab(labelled))
    assert at_300.shape[0] == pytest.approx(at_100.shape[0], rel=0.1)
    assert at_300.shape[1] == pytest.approx(at_100.shape[1], rel=0.1)
    # medium: 15 px text; "Rg7" spans ascender to descender, about the font size
    assert 10 <= at_100.shape[0] <= 25


def test_a_larger_preference_draws_larger_labels(labelled):
    medium = _box(_grab(labelled))
    labelled.glyph_sizes = SCREEN_SIZES["large"]
    labelled.update()
    large = _box(_grab(labelled))
    assert large.shape[0] > 1.2 * medium.shape[0]


@pytest.mark.parametrize(
    "turn",
    [
        lambda c: c.flip(True),
        lambda c: c.flip(False),
        lambda c: c.rotate(90),
        lambda c: (c.rotate(180), c.flip(True)),
        lambda c: c.rotate(270),
    ],
    ids=["flip-h", "flip-v", "rotate-90", "rotate-180-flip", "rotate-270"],
)
def test_label_pixels_are_never_mirrored_or_turned(labelled, turn):
    upright = _box(_grab(labelled)).astype(int)
    turn(labelled)
    assert labelled.geometry_state.zoom == pytest.approx(1.0)  # only turned, not refitted
    turned = _box(_grab(labelled)).astype(int)
    assert turned.shape == upright.shape
    assert np.abs(turned - upright).mean() < 8  # the same picture
    mirrored = upright[:, ::-1]
    assert np.abs(turned - mirrored).mean() > 30  # and not its mirror


def test_r_and_l_markers_swap_sides_with_a_horizontal_flip(canvas):
    assert canvas_edge_labels(canvas).left == "R"
    assert canvas_edge_labels(canvas).right == "L"
    left, right = (
        (slice(HEIGHT // 2 - 30, HEIGHT // 2 + 30), slice(0, 60)),
        (
            slice(HEIGHT // 2 - 30, HEIGHT // 2 + 30),
            slice(WIDTH - 60, WIDTH),
        ),
    )
    before = _grab(canvas)
    canvas.flip(True)
    after = _grab(canvas)
    labels = canvas_edge_labels(canvas)
    assert (labels.left, labels.right, labels.top, labels.bottom) == ("L", "R", "H", "F")
    r_before, l_before = _box(before, left), _box(before, right)
    l_after, r_after = _box(after, left), _box(after, right)
    assert _same(r_before, r_after)  # R moved from the left edge to the right
    assert _same(l_before, l_after)
    assert not _same(r_before, l_before)  # and R is not L


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal within antialiasing (the letters sit at different sub-pixel offsets)."""
    if abs(a.shape[0] - b.shape[0]) > 1 or abs(a.shape[1] - b.shape[1]) > 1:
        return False
    h, w = min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1])
    return float(np.abs(a[:h, :w].astype(int) - b[:h, :w].astype(int)).mean()) < 20


def test_markers_follow_the_corner_text_switch(canvas):
    canvas.show_corner_text = False
    grey = _grab(canvas)
    assert grey[HEIGHT // 2 - 30 : HEIGHT // 2 + 30, :60].max() < 128


def test_raster_film_has_markers_only_once_the_sidecar_says(qtbot, tmp_path, canvas):
    from PIL import Image

    path = tmp_path / "film.png"
    Image.fromarray(np.zeros((ROWS, COLUMNS), np.uint8)).save(path)
    canvas.set_series(open_path(path).series[0])
    assert canvas_edge_labels(canvas) is None
    canvas.session().document.set_orientation(("P", "F"))  # a lateral film
    canvas.rotate(90)
    labels = canvas_edge_labels(canvas)
    assert (labels.left, labels.right, labels.top, labels.bottom) == ("F", "H", "A", "P")
    canvas.session().save_now()
    assert '"orientation": ["P", "F"]' in canvas.session().saved_to.read_text()


def test_preferences_dialog_keeps_the_screen_size(qtbot, preferences):
    assert preferences.annotation_size == "medium"
    dialog = PreferencesDialog(preferences)
    qtbot.addWidget(dialog)
    dialog.size.setCurrentIndex(dialog.size.findData("large"))
    dialog.accept()
    assert preferences.annotation_size == "large"
    with pytest.raises(ValueError, match="annotation size"):
        preferences.annotation_size = "huge"


@pytest.mark.parametrize(("rotation", "flip"), [(0, False), (90, True), (180, True)])
def test_a_click_on_the_upright_label_selects_it(labelled, qtbot, rotation, flip):
    from PySide6.QtCore import QPoint, Qt

    from hoview.ui.tool_controller import ToolController

    labelled.controller = ToolController(labelled)
    labelled.rotate(rotation)
    if flip:
        labelled.flip(True)
    grey = _grab(labelled)
    rows, columns = np.nonzero(grey > 128)
    middle = QPoint(int(columns.mean()), int(rows.mean()))
    qtbot.mouseClick(labelled, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, middle)
    (text,) = labelled.session().document.annotations
    assert tuple(labelled.state.selection) == (text.id,)
