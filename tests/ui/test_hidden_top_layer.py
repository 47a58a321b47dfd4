"""An image whose top layer is hidden opens with the first visible layer current."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import QPoint, Qt

from hoview.annotations import AnnotationDocument, Arrow, Layer, load, save
from hoview.ui.layers_panel import LayersPanel, first_drawable_layer

IDENTITY = {"sha256": "0" * 64, "columns": 100, "rows": 100, "frames": 1}


def document(*layers: Layer) -> AnnotationDocument:
    return AnnotationDocument(IDENTITY, list(layers), [])


@pytest.mark.parametrize(
    ("layers", "expected"),
    [
        ([Layer(name="A", id="a", order=0), Layer(name="B", id="b", order=1)], "b"),
        (
            [Layer(name="A", id="a", order=0), Layer(name="B", id="b", order=1, visible=False)],
            "a",
        ),
        (
            [
                Layer(name="A", id="a", order=0),
                Layer(name="B", id="b", order=1, locked=True),
                Layer(name="C", id="c", order=2, visible=False),
            ],
            "a",
        ),
        ([Layer(name="A", id="a", order=0, visible=False)], "a"),
    ],
)
def test_first_drawable_layer(layers, expected):
    assert first_drawable_layer(document(*layers)) == expected


def test_panel_makes_the_first_visible_layer_current(qtbot):
    panel = LayersPanel()
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.current_layer_changed) as blocker:
        panel.set_document(
            document(
                Layer(name="Findings", id="findings", order=0),
                Layer(name="Teaching", id="teaching", order=1, visible=False),
            )
        )
    assert panel.current_layer_id() == "findings"
    assert blocker.args == ["findings"]


def test_reopened_film_with_hidden_top_layer_draws_on_the_visible_one(
    window, qtbot, tmp_path, sample_data_dir
):
    film = tmp_path / "pelvis_ap.dcm"
    shutil.copy(sample_data_dir / "pelvis_ap.dcm", film)
    shutil.copy(sample_data_dir / "pelvis_ap.dcm.hoview.json", tmp_path)
    from hoview.sources import open_image

    identity = open_image(film).identity
    doc = load(film, identity)
    bottom = doc.layers[0].id
    doc.add_layer(Layer(name="Hidden notes", id="hidden", order=99, visible=False))
    save(doc, film)

    window.open_paths([film], wait=True)
    canvas = window.canvas
    assert window.layers_panel.current_layer_id() == bottom
    before = len(canvas.session().document.annotations)
    window.tools.actions["arrow"].trigger()
    start, end = canvas.rect().center() + QPoint(-120, -80), canvas.rect().center()
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(canvas, start + QPoint(60, 40))
    qtbot.mouseMove(canvas, end)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=end)
    annotations = canvas.session().document.annotations
    assert len(annotations) == before + 1
    assert annotations[-1].layer == bottom
    assert isinstance(annotations[-1], Arrow)
