"""The canvas's cached annotation layer: reused, shifted on a pan, never stale.

Every check compares the canvas's picture after a change with the picture the same
canvas gives once its layer is forgotten (drawn whole again, as a fresh canvas would),
and checks that the change did change the picture, so a stale layer cannot pass.

After a pan the comparison allows text-edge pixels some levels apart: Qt's stroker is
not exact under translation on curves, so a label drawn afresh 40 pixels further
differs from itself moved (measured: some 20 edge pixels per label, at most 20
levels). A missing or stale arrow or label differs by far more.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QPointF
from PySide6.QtGui import QImage, QPainter

from hoview.annotations import Arrow, Layer, Text
from hoview.display.attributes import Window
from hoview.sources import open_path
from hoview.ui.canvas import ViewerCanvas

WIDTH, HEIGHT = 640, 480
COLUMNS, ROWS = 900, 700


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("HOVIEW_DATA_DIR", str(tmp_path / "user-data"))


@pytest.fixture
def film(tmp_path):
    """A synthetic grey film with some texture."""
    rng = np.random.default_rng(3)
    ramp = np.linspace(20, 160, COLUMNS)[None, :] + rng.normal(0, 12, (ROWS, COLUMNS))
    path = tmp_path / "film.png"
    Image.fromarray(np.clip(ramp, 0, 255).astype(np.uint8), mode="L").save(path)
    return path


def _arrows(count: int, layer: str, seed: int) -> list[Arrow]:
    rng = np.random.default_rng(seed)
    tails = rng.uniform(20, [COLUMNS - 20, ROWS - 20], (count, 2))
    heads = np.clip(tails + rng.uniform(-90, 90, (count, 2)), 5, [COLUMNS - 5, ROWS - 5])
    return [
        Arrow(
            tail=(float(t[0]), float(t[1])),
            head=(float(h[0]), float(h[1])),
            label=f"HO {i}" if i % 3 == 0 else ("two\nlines" if i % 7 == 0 else ""),
            layer=layer,
        )
        for i, (t, h) in enumerate(zip(tails, heads, strict=True))
    ]


@pytest.fixture
def canvas(qtbot, film):
    widget = ViewerCanvas()
    qtbot.addWidget(widget)
    widget.resize(WIDTH, HEIGHT)
    widget.show_corner_text = False
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_series(open_path(film).series[0])
    document = widget.session().document
    second = document.add_layer(Layer("Second reader", colour="#ffd400"))
    document.add_many(_arrows(160, "findings", 1) + _arrows(80, second.id, 2))
    document.add(Text(anchor=(450.0, 350.0), text="Note\nhere", layer=second.id))
    widget.test_second_layer = second.id
    return widget


def _grab(canvas: ViewerCanvas) -> np.ndarray:
    image = canvas.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    data = np.frombuffer(image.constBits(), np.uint32, image.width() * image.height())
    return data.reshape(image.height(), image.width()).copy()


def _fresh(canvas: ViewerCanvas) -> np.ndarray:
    """The picture with the layer forgotten: every annotation drawn again."""
    canvas.annotation_layer.clear()
    return _grab(canvas)


def _close(fresh: np.ndarray, shifted: np.ndarray) -> None:
    """The same picture but for text-edge noise (see the module's notes).

    A label or arrow missing, stale or out of place differs by far more than 40 levels
    (white on a dark outline over the film); stroker noise stays near 20.
    """
    a = fresh.view(np.uint8).reshape(*fresh.shape, 4).astype(int)
    b = shifted.view(np.uint8).reshape(*shifted.shape, 4).astype(int)
    apart = np.abs(a - b).max(axis=2)
    assert apart.max() <= 40, f"{apart.max()} levels apart at {np.argwhere(apart > 40)[:5]}"


def _zoomed(canvas: ViewerCanvas, zoom: float = 2.0) -> None:
    canvas.set_geometry(replace(canvas.state.geometry, zoom=zoom))


def test_a_repaint_reuses_the_layer_and_gives_the_same_pixels(canvas):
    first = _grab(canvas)
    layer = canvas.annotation_layer
    redraws = layer.redraws
    again = _grab(canvas)
    assert layer.redraws == redraws  # nothing drawn again
    np.testing.assert_array_equal(again, first)
    np.testing.assert_array_equal(_fresh(canvas), first)


def test_the_layer_looks_like_annotations_painted_straight_on_the_frame(canvas):
    """Through the layer or straight onto the frame: one compositing rounding apart."""

    def paint(cached: bool) -> np.ndarray:
        image = QImage(WIDTH, HEIGHT, QImage.Format.Format_RGB32)
        painter = QPainter(image)
        geometry = replace(canvas.state.geometry, width=WIDTH, height=HEIGHT)
        canvas.paint_frame(painter, canvas.frame, canvas.pyramid(), geometry, cached=cached)
        painter.end()
        data = np.frombuffer(image.constBits(), np.uint8, WIDTH * HEIGHT * 4)
        return data.reshape(HEIGHT, WIDTH, 4)[:, :, :3].astype(int).copy()

    direct, layered = paint(False), paint(True)
    assert np.abs(direct - layered).max() <= 2
    canvas.show_annotations = False
    bare = paint(False)
    assert (np.abs(direct - bare).max(axis=2) > 30).sum() > 5000  # arrows were drawn


def test_a_window_change_blits_the_layer(canvas):
    before = _grab(canvas)
    redraws = canvas.annotation_layer.redraws
    canvas.set_window(Window(60.0, 80.0))
    after = _grab(canvas)
    assert canvas.annotation_layer.redraws == redraws
    assert (after != before).mean() > 0.2  # the window did change the picture
    np.testing.assert_array_equal(_fresh(canvas), after)


@pytest.mark.parametrize("steps", [[(40, 0)], [(-23, 0), (0, 31)], [(17, -29), (-60, 45)]])
def test_a_pan_shifts_the_layer_and_draws_what_it_uncovered(canvas, steps):
    _zoomed(canvas)
    _grab(canvas)
    layer = canvas.annotation_layer
    redraws, pans = layer.redraws, layer.pans
    for dx, dy in steps:
        before = _grab(canvas)
        start = replace(canvas.state.geometry, width=WIDTH, height=HEIGHT)
        canvas.pan_by(start, dx, dy)
        after = _grab(canvas)
        assert (after != before).mean() > 0.2
        assert layer.redraws == redraws
        _close(_fresh(canvas), after)
        redraws = layer.redraws
    assert layer.pans == pans + len(steps)


def test_a_pan_at_fit_with_labels_at_the_edges(canvas):
    """Labels cut by the canvas's edge are moved inside; a pan moves them again."""
    document = canvas.session().document
    document.add_many(
        [
            Arrow(tail=(x, 8.0), head=(x + 30.0, 80.0), label=f"EDGE {i}")
            for i, x in enumerate(np.linspace(30.0, 850.0, 12))
        ]
    )
    _grab(canvas)
    for dx, dy in ((40, 0), (40, 7), (-80, 0), (13, -7), (0, 9)):
        start = replace(canvas.state.geometry, width=WIDTH, height=HEIGHT)
        canvas.pan_by(start, dx, dy)
        after = _grab(canvas)
        _close(_fresh(canvas), after)


def test_a_fractional_pan_draws_the_layer_again(canvas):
    _zoomed(canvas)
    _grab(canvas)
    redraws = canvas.annotation_layer.redraws
    geometry = canvas.state.geometry
    canvas.set_geometry(replace(geometry, center_x=geometry.center_x + 0.3))  # 0.6 px
    after = _grab(canvas)
    assert canvas.annotation_layer.redraws == redraws + 1
    np.testing.assert_array_equal(_fresh(canvas), after)


def _changes(canvas):
    document = canvas.session().document
    history = canvas.session().history
    first = document.annotations[0].id
    return {
        "edit": lambda: document.update(first, head=(10.0, 10.0)),
        "undo": lambda: history.undo(),
        "redo": lambda: history.redo(),
        "add": lambda: document.add(Arrow(tail=(300.0, 300.0), head=(360.0, 200.0))),
        "remove": lambda: document.remove(first),
        "layer hidden": lambda: document.set_layer_visible(canvas.test_second_layer, False),
        "layer colour": lambda: document.update_layer("findings", colour="#ff3030"),
        "selection": lambda: setattr(canvas.state, "selection", (document.annotations[5].id,)),
        "glyph sizes": lambda: setattr(
            canvas, "glyph_sizes", replace(canvas.glyph_sizes, line_width=6.0)
        ),
        "zoom": lambda: _zoomed(canvas, 1.3),
        "rotation": lambda: canvas.rotate(90),
        "flip": lambda: canvas.flip(),
        "all hidden (H)": lambda: document.set_all_visible(False),
    }


CHANGES = [
    "edit",
    "undo",
    "redo",
    "add",
    "remove",
    "layer hidden",
    "layer colour",
    "selection",
    "glyph sizes",
    "zoom",
    "rotation",
    "flip",
    "all hidden (H)",
]


@pytest.mark.parametrize("change", CHANGES)
def test_after_a_change_the_picture_is_right(canvas, change):
    changes = _changes(canvas)
    if change in ("undo", "redo"):
        changes["edit"]()
        _grab(canvas)
        if change == "redo":
            changes["undo"]()
            _grab(canvas)
    before = _grab(canvas)
    changes[change]()
    after = _grab(canvas)
    assert (after != before).sum() > 20, f"{change} changed nothing on screen"
    np.testing.assert_array_equal(_fresh(canvas), after)


def test_a_frame_change_draws_that_frames_annotations(qtbot, tmp_path):
    """A two-frame image: the second frame's arrow replaces the first's."""
    import pydicom
    from pydicom.dataset import FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    rng = np.random.default_rng(5)
    ds = pydicom.Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
    ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    ds.StudyInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
    ds.Modality = "OT"
    ds.Rows, ds.Columns, ds.NumberOfFrames = 300, 400, 2
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 8, 8, 7, 0
    ds.PixelData = rng.integers(40, 120, (2, 300, 400), dtype=np.uint8).tobytes()
    path = tmp_path / "two_frames.dcm"
    ds.save_as(path, enforce_file_format=True)

    widget = ViewerCanvas()
    qtbot.addWidget(widget)
    widget.resize(WIDTH, HEIGHT)
    widget.show_corner_text = False
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_series(open_path(path).series[0])
    document = widget.session().document
    document.add(Arrow(tail=(50.0, 50.0), head=(150.0, 120.0), label="one", frame=1))
    document.add(Arrow(tail=(350.0, 250.0), head=(250.0, 180.0), label="two", frame=2))
    before = _grab(widget)
    widget.set_frame_index(1)
    after = _grab(widget)
    assert (after != before).sum() > 200
    np.testing.assert_array_equal(_fresh(widget), after)


def test_the_magnifier_shows_arrows_and_leaves_the_layer_alone(canvas, qtbot):
    document = canvas.session().document
    document.add(Arrow(tail=(450.0, 350.0), head=(452.0, 352.0), layer="findings"))
    _grab(canvas)
    layer = canvas.annotation_layer
    redraws, key = layer.redraws, layer._key
    centre = canvas.image_transform().map(QPointF(451.0, 351.0)).toPoint()
    lens_geometry = canvas.magnifier.lens_geometry(canvas, QPointF(centre))
    lens = canvas.magnifier.render(canvas, QPointF(centre))
    assert lens is not None and lens_geometry is not None
    canvas.show_annotations = False
    bare = canvas.magnifier.render(canvas, QPointF(centre))
    canvas.show_annotations = True

    def pixels(image: QImage) -> np.ndarray:
        image = image.convertToFormat(QImage.Format.Format_RGB32)
        data = np.frombuffer(image.constBits(), np.uint32, image.width() * image.height())
        return data.reshape(image.height(), image.width()).copy()

    assert (pixels(lens) != pixels(bare)).sum() > 500  # the arrows are in the lens
    assert layer.redraws == redraws and layer._key == key  # the lens did not use the layer
    np.testing.assert_array_equal(_grab(canvas), _fresh(canvas))


def test_a_pan_over_many_short_arrows(canvas):
    """Nearly 2,000 arrows, at a zoom where the image is larger than the view."""
    rng = np.random.default_rng(8)
    tails = rng.uniform(10, [COLUMNS - 40, ROWS - 40], (1600, 2))
    canvas.session().document.add_many(
        [Arrow(tail=(float(x), float(y)), head=(float(x) + 20, float(y) + 15)) for x, y in tails]
    )
    _zoomed(canvas, 0.9)
    _grab(canvas)
    for dx, dy in ((40, 0), (0, -30)):
        start = replace(canvas.state.geometry, width=WIDTH, height=HEIGHT)
        canvas.pan_by(start, dx, dy)
        after = _grab(canvas)
        _close(_fresh(canvas), after)
