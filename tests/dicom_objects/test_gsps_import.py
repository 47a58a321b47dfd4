"""``hoview import PS.dcm``: presentation states from hoview and from others, into sidecars."""

from __future__ import annotations

import math
import subprocess
import sys

import highdicom as hd
import numpy as np
import pydicom
import pytest
from gsps_helpers import make_base, plain_copy
from highdicom.pr import GraphicAnnotation, GraphicLayer, GraphicObject, TextObject
from PIL import Image
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence as DicomSequence

from hoview.annotations import Arrow, Ruler, Text, load, update
from hoview.annotations.imported_kinds import Circle, Ellipse, Point, Polyline
from hoview.cli import main
from hoview.dicom_objects.gsps_export import export_gsps
from hoview.dicom_objects.gsps_import import import_gsps, read_gsps
from hoview.errors import HoviewError
from hoview.sources.opening import open_image


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return make_base(tmp_path_factory.mktemp("gsps_import_base"))


@pytest.fixture
def film(base, tmp_path):
    """The sample film's two arrows, a ruler, a text and a hidden red layer's arrow."""
    image = plain_copy(base, tmp_path / "study")

    def edit(document):
        document.add(Ruler(start=(400.0, 1200.0), end=(700.0, 1200.0), label="gap"))
        document.add(Text(anchor=(900.0, 100.0), text="AP supine"))
        document.add(Arrow(tail=(1500.0, 300.0), head=(1400.0, 400.0), style={"colour": "#12c84d"}))
        red = document.add_layer("Teaching notes")
        document.update_layer(red.id, colour="#ff0000", visible=False)
        document.add(Arrow(tail=(1000.0, 1300.0), head=(1000.5, 1100.25), layer=red.id))

    update(image, open_image(image).identity, edit)
    return image


def _document(image):
    return load(image, open_image(image).identity)


def _header(image):
    return pydicom.dcmread(image, stop_before_pixels=True)


def test_round_trip_into_a_blank_copy(film, base, tmp_path):
    ps = tmp_path / "out" / "ps.dcm"
    ps.parent.mkdir()
    export_gsps(film, ps, layers=("Findings", "Teaching notes"))
    blank = plain_copy(base, tmp_path / "blank", sidecar=False)
    message = import_gsps(ps, blank)
    assert message.startswith("added 4 arrows, 1 ruler, 1 text on 2 layers to ")
    original, imported = _document(film), _document(blank)
    names = {la.id: la for la in imported.layers}
    by_name = {la.name: la for la in imported.layers}
    assert by_name["GSPS: Findings"].colour == "#ffffff"
    assert by_name["GSPS: Teaching notes"].colour == "#ff0000"
    for kind in (Arrow, Ruler):
        ours = sorted(
            (a for a in original.annotations if isinstance(a, kind)), key=lambda a: a.points
        )
        theirs = sorted(
            (a for a in imported.annotations if isinstance(a, kind)), key=lambda a: a.points
        )
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs, strict=True):
            assert all(math.dist(p, q) < 1e-3 for p, q in zip(a.points, b.points, strict=True))
            assert names[b.layer].name == "GSPS: " + original.layer(a.layer).name
            if a.finding is not None:  # the finding comes back in the label
                assert b.label.splitlines()[0] == a.label
                assert a.finding.finding in b.label and a.finding.grade in b.label
            else:
                assert b.label == a.label
            assert b.style.colour == a.style.colour  # an arrow's own colour, else the layer's
    text = [a for a in imported.annotations if isinstance(a, Text)]
    assert [(t.text, t.anchor) for t in text] == [("AP supine", (900.0, 100.0))]


def test_importing_twice_does_not_duplicate(film, tmp_path):
    ps = film.parent / "ps.dcm"
    export_gsps(film, ps)
    before = len(_document(film))
    first = import_gsps(ps, None)  # found beside it, by SOP Instance UID
    assert first.startswith("added 3 arrows, 1 ruler, 1 text")  # the hidden layer is left out
    after = _document(film)
    assert len(after) == before + 5
    assert import_gsps(ps, None).endswith("(already imported)")
    again = _document(film)
    assert len(again) == len(after) and len(again.layers) == len(after.layers)


def test_the_image_is_found_in_the_parent_folder(film):
    ps = film.parent / "pr" / "ps.dcm"
    ps.parent.mkdir()
    export_gsps(film, ps)
    assert "to " + str(film) + ".hoview.json" in import_gsps(ps, None)


def test_the_image_is_found_in_a_sibling_series_folder(film, tmp_path):
    # <study>/<series of the film>/film and <study>/<series of the GSPS>/ps, as the
    # PACS cache and many CDs lay a study out.
    assert film.parent.parent == tmp_path
    ps = tmp_path / "presentation series" / "ps.dcm"
    ps.parent.mkdir()
    export_gsps(film, ps)
    assert "to " + str(film) + ".hoview.json" in import_gsps(ps, None)


def test_a_missing_image_is_a_clear_error(film, tmp_path, capsys):
    ps = tmp_path / "alone" / "deeper" / "ps.dcm"
    ps.parent.mkdir(parents=True)
    export_gsps(film, ps)
    with pytest.raises(HoviewError) as caught:
        import_gsps(ps, None)
    assert str(caught.value).startswith(str(ps))
    assert main(["import", str(ps)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("hoview: error: ") and err.count("\n") == 1


def _foreign(image_path, objects_per_layer, compounds=None):
    """A GSPS built by highdicom alone (plus pydicom for compound graphics)."""
    image = _header(image_path)
    layers, annotations = [], []
    for order, (name, colour, graphics, texts) in enumerate(objects_per_layer, start=1):
        layer = GraphicLayer(name, order, display_color=hd.color.CIELabColor.from_rgb(*colour))
        layers.append(layer)
        item = GraphicAnnotation(
            [image], layer, graphic_objects=graphics or None, text_objects=texts or None
        )
        if compounds and order == 1:
            item.CompoundGraphicSequence = DicomSequence(compounds)
        annotations.append(item)
    return hd.pr.GrayscaleSoftcopyPresentationState(
        referenced_images=[image],
        series_instance_uid=hd.UID(),
        series_number=7,
        sop_instance_uid=hd.UID(),
        instance_number=1,
        manufacturer="other",
        manufacturer_model_name="other",
        software_versions="1",
        device_serial_number="1",
        content_label="OTHER",
        graphic_annotations=annotations,
        graphic_layers=layers,
    )


def _render(image, out):
    assert main(["render", str(image), "-o", str(out)]) == 0
    return np.asarray(Image.open(out).convert("RGB"), dtype=np.int16)


def test_a_foreign_gsps_imports_and_draws_where_it_should(base, tmp_path):
    image = plain_copy(base, tmp_path / "foreign", sidecar=False)
    plain = _render(image, tmp_path / "plain.png")
    line = np.array([[300.0, 300.0], [600.0, 350.0], [650.0, 600.0]])
    closed = np.array([[1300.0, 1200.0], [1500.0, 1200.0], [1500.0, 1400.0], [1300.0, 1200.0]])
    ps = _foreign(
        image,
        [
            (
                "MEASURE",
                (0, 255, 0),
                [GraphicObject("POLYLINE", line, "PIXEL")],
                [TextObject("note", "PIXEL", bounding_box=(300.0, 200.0, 420.0, 250.0))],
            ),
            (
                "OTHER",
                (255, 204, 0),
                [GraphicObject("POLYLINE", closed, "PIXEL")],
                [
                    TextObject(
                        "pin", "PIXEL", anchor_point=(1000.0, 1000.0), anchor_point_visible=False
                    )
                ],
            ),
        ],
    )
    ps.save_as(tmp_path / "foreign" / "other.dcm")
    message = import_gsps(tmp_path / "foreign" / "other.dcm", None)
    assert message.startswith("added 2 texts, 2 polylines on 2 layers")
    document = _document(image)
    layers = {la.name: la for la in document.layers}
    assert layers["GSPS: MEASURE"].colour == "#00ff00" and layers["GSPS: OTHER"].colour == "#ffcc00"
    open_line, square = sorted(
        (a for a in document.annotations if isinstance(a, Polyline)), key=lambda a: a.closed
    )
    assert open_line.vertices == tuple(map(tuple, line))
    assert open_line.layer == layers["GSPS: MEASURE"].id and open_line.frame == 1
    assert open_line.closed is False and open_line.interpolated is False
    assert square.closed and square.vertices == tuple(map(tuple, closed[:-1]))
    assert square.layer == layers["GSPS: OTHER"].id
    texts = {a.text: a.anchor for a in document.annotations if isinstance(a, Text)}
    assert texts == {"note": (300.0, 200.0), "pin": (1000.0, 1000.0)}
    drawn = _render(image, tmp_path / "drawn.png")
    changed = np.argwhere(np.any(drawn != plain, axis=2))
    assert len(changed) > 500
    near = np.zeros(plain.shape[:2], dtype=bool)
    for x0, y0, x1, y1 in ((250, 150, 700, 650), (1250, 1150, 1550, 1450), (950, 950, 1250, 1100)):
        near[y0:y1, x0:x1] = True
    assert near[changed[:, 0], changed[:, 1]].all()


def test_a_weasis_shaped_text_object_becomes_an_arrow(base, tmp_path):
    image = plain_copy(base, tmp_path / "weasis", sidecar=False)
    text = TextObject(
        "lesion",
        "PIXEL",
        bounding_box=(100.0, 100.0, 220.0, 140.0),
        anchor_point=(400.0, 300.0),
        anchor_point_visible=True,
    )
    ps = _foreign(image, [("WEASIS", (255, 255, 0), None, [text])])
    content = read_gsps(ps)
    (arrow,) = content.images[str(_header(image).SOPInstanceUID)].annotations
    assert isinstance(arrow, Arrow)
    assert arrow.head == (400.0, 300.0) and arrow.tail == (220.0, 140.0) and arrow.label == "lesion"


def _compound(cid, kind, data):
    item = Dataset()
    item.CompoundGraphicInstanceID = cid
    item.CompoundGraphicUnits = "PIXEL"
    item.GraphicDimensions = 2
    item.NumberOfGraphicPoints = len(data) // 2
    item.GraphicData = data
    item.CompoundGraphicType = kind
    return item


def test_compound_arrow_alone_and_the_other_kinds(base, tmp_path):
    image = plain_copy(base, tmp_path / "kinds", sidecar=False)
    arrow = _compound(5, "ARROW", [500.0, 500.0, 700.0, 650.0])
    rectangle = _compound(6, "RECTANGLE", [10.0, 10.0, 50.0, 40.0])
    rectangle.GraphicFilled = "N"
    outline = GraphicObject(
        "POLYLINE",
        np.array([[10.0, 10.0], [50.0, 10.0], [50.0, 40.0], [10.0, 40.0], [10.0, 10.0]]),
        "PIXEL",
    )
    outline.CompoundGraphicInstanceID = 6
    graphics = [
        outline,
        GraphicObject(
            "INTERPOLATED", np.array([[100.0, 900.0], [150.0, 950.0], [200.0, 900.0]]), "PIXEL"
        ),
        GraphicObject("CIRCLE", np.array([[800.0, 800.0], [850.0, 800.0]]), "PIXEL"),
        GraphicObject(
            "ELLIPSE",
            np.array([[1000.0, 500.0], [1200.0, 500.0], [1100.0, 450.0], [1100.0, 550.0]]),
            "PIXEL",
        ),
        GraphicObject("POINT", np.array([[1500.0, 1500.0]]), "PIXEL"),
    ]
    ps = _foreign(image, [("SHAPES", (0, 0, 255), graphics, None)], compounds=[arrow, rectangle])
    ps.save_as(tmp_path / "kinds" / "shapes.dcm")
    import_gsps(tmp_path / "kinds" / "shapes.dcm", image)
    kinds = {type(a): a for a in _document(image).annotations}
    assert set(kinds) == {Arrow, Polyline, Circle, Ellipse, Point}
    assert kinds[Arrow].head == (500.0, 500.0) and kinds[Arrow].tail == (700.0, 650.0)
    assert kinds[Arrow].label is None
    assert kinds[Circle].radius == 50.0 and kinds[Point].at == (1500.0, 1500.0)
    assert kinds[Ellipse].minor_end == (1100.0, 550.0)
    polylines = [a for a in _document(image).annotations if isinstance(a, Polyline)]
    assert sorted((p.closed, p.interpolated) for p in polylines) == [(False, True), (True, False)]


def test_cli_end_to_end_in_a_subprocess(film, tmp_path):
    ps = film.parent / "cli.dcm"
    env_cmd = [sys.executable, "-m", "hoview"]
    done = subprocess.run(
        [*env_cmd, "gsps", str(film), "-o", str(ps)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    done = subprocess.run(
        [*env_cmd, "import", str(ps)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("added 3 arrows, 1 ruler, 1 text on 1 layer to ")
    assert "HOVIEW^SAMPLE" not in done.stdout


def test_display_units_are_scaled_to_the_displayed_area(base, tmp_path):
    image = plain_copy(base, tmp_path / "display", sidecar=False)
    pin = TextObject("centre", "DISPLAY", anchor_point=(0.5, 0.25), anchor_point_visible=False)
    ps = _foreign(image, [("TEXT", (255, 255, 255), None, [pin])])
    (text,) = read_gsps(ps).images[str(_header(image).SOPInstanceUID)].annotations
    assert isinstance(text, Text) and text.anchor == (1000.0, 425.0)


def test_objects_hoview_cannot_hold_are_left_out(base, tmp_path):
    image = plain_copy(base, tmp_path / "bad", sidecar=False)
    good = GraphicObject("POINT", np.array([[10.0, 20.0]]), "PIXEL")
    bad = GraphicObject("POLYLINE", np.array([[10.0, 20.0], [30.0, 40.0]]), "PIXEL")
    ps = _foreign(image, [("MIXED", (255, 255, 255), [good, bad], None)])
    ps.GraphicAnnotationSequence[0].GraphicObjectSequence[1].GraphicData = [
        10.0,
        float("nan"),
        3.0,
        4.0,
    ]
    (point,) = read_gsps(ps).images[str(_header(image).SOPInstanceUID)].annotations
    assert isinstance(point, Point) and point.at == (10.0, 20.0)


def test_a_polyline_longer_than_a_sidecar_holds_is_thinned():
    from hoview.annotations._checks import MAX_VERTICES
    from hoview.dicom_objects.gsps_import import _thinned

    line = [(float(i % 500), float(i // 500)) for i in range(25_001)]
    kept = _thinned(line)
    assert len(kept) == MAX_VERTICES
    assert kept[0] == line[0] and kept[-1] == line[-1]
    assert _thinned(line[:10]) == tuple(line[:10])
