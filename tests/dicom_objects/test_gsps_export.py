"""``hoview gsps``: the presentation state, checked by dciodvfy, dcmpschk and dcmp2pgm."""

from __future__ import annotations

import math

import numpy as np
import pydicom
import pytest
from gsps_helpers import dciodvfy_errors, dcmp2pgm_graphics, make_base, plain_copy, run
from PIL import Image

from hoview.annotations import Arrow, Ruler, Text, load, update
from hoview.cli import main
from hoview.dicom_objects.gsps_export import export_gsps, spatial_transformation
from hoview.errors import HoviewError
from hoview.sources.opening import open_image


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return make_base(tmp_path_factory.mktemp("gsps_base"))


@pytest.fixture
def film(base, tmp_path):
    """The sample film (two labelled arrows with findings) plus a ruler, a text and a
    hidden red layer with one arrow."""
    image = plain_copy(base, tmp_path / "study")

    def edit(document):
        document.add(Ruler(start=(400.0, 1200.0), end=(700.0, 1200.0), label="gap"))
        document.add(Text(anchor=(900.0, 100.0), text="AP supine"))
        red = document.add_layer("Teaching notes")
        document.update_layer(red.id, colour="#ff0000", visible=False)
        document.add(Arrow(tail=(1000.0, 1300.0), head=(1000.5, 1100.25), layer=red.id))

    update(image, open_image(image).identity, edit)
    return image


def test_conformance_dciodvfy_and_dcmpschk(film, tmp_path):
    out = tmp_path / "ps.dcm"
    message = export_gsps(film, out, layers=("Findings", "Teaching notes"))
    assert message == f"wrote {out}: 3 arrows, 1 ruler, 1 text on 2 layers"
    assert "HOVIEW^SAMPLE" not in message
    assert dciodvfy_errors(out, warnings=True) == []  # not even a warning
    checked = run("dcmpschk", out)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Test passed" in checked.stdout + checked.stderr


def test_the_presentation_state_holds_what_the_issue_lists(film, tmp_path):
    out = tmp_path / "ps.dcm"
    export_gsps(film, out)
    ps, image = pydicom.dcmread(out), pydicom.dcmread(film, stop_before_pixels=True)
    assert ps.SOPClassUID == "1.2.840.10008.5.1.4.1.1.11.1"
    assert ps.StudyInstanceUID == image.StudyInstanceUID
    assert ps.PatientName == image.PatientName and ps.PatientID == image.PatientID
    assert ps.SeriesInstanceUID != image.SeriesInstanceUID
    series = ps.ReferencedSeriesSequence[0]
    assert series.SeriesInstanceUID == image.SeriesInstanceUID
    assert series.ReferencedImageSequence[0].ReferencedSOPInstanceUID == image.SOPInstanceUID
    # the hidden layer is left out unless named
    assert [la.GraphicLayerDescription for la in ps.GraphicLayerSequence] == ["Findings"]
    item = ps.GraphicAnnotationSequence[0]
    compounds = {c.CompoundGraphicInstanceID: c for c in item.CompoundGraphicSequence}
    arrows = [c for c in compounds.values() if c.CompoundGraphicType == "ARROW"]
    assert len(arrows) == 2
    for arrow in arrows:
        cid = arrow.CompoundGraphicInstanceID
        texts = [t for t in item.TextObjectSequence if t.get("CompoundGraphicInstanceID") == cid]
        lines = [g for g in item.GraphicObjectSequence if g.get("CompoundGraphicInstanceID") == cid]
        head = [float(v) for v in arrow.GraphicData[:2]]
        assert len(texts) == 1 and texts[0].AnchorPointVisibility == "Y"
        assert [float(v) for v in texts[0].AnchorPoint] == head
        assert texts[0].UnformattedTextValue.startswith("HO\nheterotopic ossification")
        assert len(lines) == 3 and all(g.GraphicType == "POLYLINE" for g in lines)
        assert all([float(v) for v in g.GraphicData[2:]] == head for g in lines)
    ruler = [c for c in compounds.values() if c.CompoundGraphicType == "RULER"][0]
    text = [
        t
        for t in item.TextObjectSequence
        if t.get("CompoundGraphicInstanceID") == ruler.CompoundGraphicInstanceID
    ]
    # 300 px x 0.2 mm of Imager Pixel Spacing (the sample has no Pixel Spacing)
    assert text[0].UnformattedTextValue == "gap 60.0 mm at detector"
    assert "SoftcopyVOILUTSequence" in ps and "ImageRotation" not in ps


def test_dcmp2pgm_lists_the_sidecar_coordinates(film, tmp_path):
    out = tmp_path / "ps.dcm"
    export_gsps(film, out, layers=("findings", "teaching notes"))
    graphics, anchors = dcmp2pgm_graphics(out, film, tmp_path / "out.pgm")
    document = load(film, open_image(film).identity)
    arrows = [a for a in document.annotations if isinstance(a, Arrow)]
    assert len(arrows) == 3
    for arrow in arrows:
        shafts = [
            g
            for g in graphics
            if len(g) == 2 and _near(g[0], arrow.tail) and _near(g[1], arrow.head)
        ]
        strokes = [g for g in graphics if len(g) == 2 and _near(g[1], arrow.head)]
        assert len(shafts) == 1 and len(strokes) == 3, (arrow, graphics)
        assert any(
            f"{arrow.head[0]:g}\\{arrow.head[1]:g} units=pixel visible=yes" in a for a in anchors
        )


def _near(a, b, tolerance=0.01):
    return math.dist(a, b) <= tolerance


def test_with_display_renders_the_window_hoview_renders(film, tmp_path):
    out = tmp_path / "ps.dcm"
    export_gsps(film, out, with_display=True, window=(1800.0, 2000.0))
    assert pydicom.dcmread(out).SoftcopyVOILUTSequence[0].WindowWidth == 2000
    assert run("dcmp2pgm", "--pstate", out, film, tmp_path / "dcmtk.pgm").returncode == 0
    assert (
        main(
            [
                "render",
                str(film),
                "--window",
                "1800",
                "2000",
                "--no-annotations",
                "-o",
                str(tmp_path / "hv.png"),
            ]
        )
        == 0
    )
    theirs = np.asarray(Image.open(tmp_path / "dcmtk.pgm"), dtype=np.int16)
    ours = np.asarray(Image.open(tmp_path / "hv.png").convert("L"), dtype=np.int16)
    assert theirs.shape == ours.shape
    assert np.abs(theirs - ours).max() <= 1


def test_with_display_default_window_and_geometry(film, tmp_path):
    out = tmp_path / "ps.dcm"
    export_gsps(film, out, with_display=True)
    voi = pydicom.dcmread(out).SoftcopyVOILUTSequence[0]
    assert (float(voi.WindowCenter), float(voi.WindowWidth)) == (2000.0, 3400.0)  # the file's first
    # hoview mirrors, then rotates; DICOM rotates, then mirrors (C.10.6)
    assert spatial_transformation(90, False, True) == (90, True)
    assert spatial_transformation(90, True, False) == (270, True)
    assert spatial_transformation(0, True, False) == (0, True)
    assert spatial_transformation(270, False, False) == (270, False)
    assert spatial_transformation(0, True, True) == (180, False)


def test_same_annotations_same_uid_and_a_change_gives_a_new_one(film, tmp_path):
    export_gsps(film, tmp_path / "a.dcm")
    export_gsps(film, tmp_path / "b.dcm")
    first, second = (pydicom.dcmread(tmp_path / n) for n in ("a.dcm", "b.dcm"))
    assert first.SOPInstanceUID == second.SOPInstanceUID
    assert first.SeriesInstanceUID == second.SeriesInstanceUID
    update(
        film, open_image(film).identity, lambda d: d.add(Arrow(tail=(5.0, 5.0), head=(50.0, 50.0)))
    )
    export_gsps(film, tmp_path / "c.dcm")
    assert pydicom.dcmread(tmp_path / "c.dcm").SOPInstanceUID != first.SOPInstanceUID


def test_deidentify_keeps_the_references_consistent(film, tmp_path):
    out = tmp_path / "ps.dcm"
    export_gsps(film, out, deidentify=True)
    ps = pydicom.dcmread(out)
    image = pydicom.dcmread(film, stop_before_pixels=True)
    assert "SAMPLE" not in str(ps.get("PatientName", ""))
    referenced = ps.ReferencedSeriesSequence[0].ReferencedImageSequence[0].ReferencedSOPInstanceUID
    assert referenced != image.SOPInstanceUID
    inner = ps.GraphicAnnotationSequence[0].ReferencedImageSequence[0].ReferencedSOPInstanceUID
    assert inner == referenced
    assert dciodvfy_errors(out) == []


def test_errors_are_one_line(film, tmp_path, capsys):
    with pytest.raises(HoviewError, match="no layer named 'nope'"):
        export_gsps(film, tmp_path / "x.dcm", layers=("nope",))
    assert main(["gsps", str(film), "-o", str(tmp_path / "x.dcm"), "--frame", "2"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("hoview: error: ") and "frame 2" in err and "\n" not in err
    png = tmp_path / "film.png"
    Image.new("L", (8, 8)).save(png)
    assert main(["gsps", str(png), "-o", str(tmp_path / "y.dcm")]) == 1
    assert "not a DICOM image" in capsys.readouterr().err


def test_cli_end_to_end(film, tmp_path, capsys):
    out = tmp_path / "cli.dcm"
    assert main(["gsps", str(film), "-o", str(out), "--layer", "Teaching notes"]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {out}: 1 arrow on 1 layer"
    ps = pydicom.dcmread(out)
    assert [la.GraphicLayerDescription for la in ps.GraphicLayerSequence] == ["Teaching notes"]
    assert [int(v) for v in ps.GraphicLayerSequence[0].GraphicLayerRecommendedDisplayCIELabValue]


def test_points_in_the_margin_are_clipped_to_the_image(film, tmp_path):
    identity = open_image(film).identity
    update(film, identity, lambda d: d.add(Arrow(tail=(-40.0, 10.0), head=(30.0, 1750.0))))
    out = tmp_path / "ps.dcm"
    export_gsps(film, out)
    item = pydicom.dcmread(out).GraphicAnnotationSequence[0]
    arrow = [c for c in item.CompoundGraphicSequence if c.CompoundGraphicType == "ARROW"][-1]
    assert [float(v) for v in arrow.GraphicData] == [30.0, 1700.0, 0.0, 10.0]
    assert dciodvfy_errors(out) == []


def test_a_view_rotation_kept_in_the_sidecar_is_written(film, tmp_path):
    update(film, open_image(film).identity, lambda d: d.update_view(rotation=90, flip_v=True))
    out = tmp_path / "ps.dcm"
    export_gsps(film, out, with_display=True)
    ps = pydicom.dcmread(out)
    assert (ps.ImageRotation, ps.ImageHorizontalFlip) == (90, "Y")
    assert dciodvfy_errors(out) == []  # it checks the displayed area after the rotation
    assert "Rotation: 90 degrees" in (
        run("dcmp2pgm", "-v", "--pstate", out, film, tmp_path / "r.pgm").stderr
    )


@pytest.mark.parametrize(("rotation", "flip_h", "flip_v"), [(90, False, True), (270, True, False)])
def test_dcmp2pgm_turns_the_film_as_the_view_does(film, tmp_path, rotation, flip_h, flip_v):
    from hoview.dicom_objects.gsps_export import build_gsps
    from hoview.display.attributes import Window

    source = open_image(film)
    document = load(film, source.identity)
    ds, _, _ = build_gsps(
        source.dataset, document, window=Window(1800, 2000), geometry=(rotation, flip_h, flip_v)
    )
    ds.save_as(tmp_path / "turned.dcm")
    assert dciodvfy_errors(tmp_path / "turned.dcm") == []
    assert (
        run("dcmp2pgm", "--pstate", tmp_path / "turned.dcm", film, tmp_path / "t.pgm").returncode
        == 0
    )
    argv = ["render", str(film), "--window", "1800", "2000", "--no-annotations"]
    assert main([*argv, "-o", str(tmp_path / "hv.png")]) == 0
    view = np.asarray(Image.open(tmp_path / "hv.png").convert("L"), dtype=np.int16)
    view = view[:, ::-1] if flip_h else view  # hoview: mirror first, then turn clockwise
    view = view[::-1, :] if flip_v else view
    view = np.rot90(view, k=-(rotation // 90))
    theirs = np.asarray(Image.open(tmp_path / "t.pgm"), dtype=np.int16)
    assert theirs.shape == view.shape and np.abs(theirs - view).max() <= 1
