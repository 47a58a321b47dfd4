"""Angles, Cobb angles, gaps and a user calibration in ``hoview gsps`` (checked by
dciodvfy and dcmpschk), and what ``hoview import`` makes of them."""

from __future__ import annotations

import math

import pydicom
import pytest
from gsps_helpers import dciodvfy_errors, make_base, plain_copy, run

from hoview.annotations import Angle, CobbAngle, Gap, Text, load, update
from hoview.annotations.calibration import Calibration
from hoview.annotations.imported_kinds import Polyline
from hoview.cli import main
from hoview.dicom_objects.gsps_export import export_gsps
from hoview.dicom_objects.gsps_import import import_gsps
from hoview.sources.opening import open_image

ANGLE = Angle(start=(500.0, 300.0), vertex=(400.0, 400.0), end=(600.0, 400.0))
COBB = CobbAngle(
    first_start=(100.0, 100.0),
    first_end=(300.0, 100.0),
    second_start=(100.0, 300.0),
    second_end=(300.0, 200.0),
)
GAP = Gap(start=(700.0, 700.0), end=(740.0, 730.0))  # 50 px
BRIDGED = Gap(start=(700.0, 800.0), end=(702.0, 800.0), bridging=True)
#: 200 px of calibration line for 50 mm: 0.25 mm per pixel.
CALIBRATION = Calibration((100.0, 1000.0), (300.0, 1000.0), 50.0)


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return make_base(tmp_path_factory.mktemp("gsps_measures_base"))


def _film(base, folder, calibrate: bool):
    image = plain_copy(base, folder)

    def edit(document):
        for annotation in (ANGLE, COBB, GAP, BRIDGED):
            document.add(annotation)
        if calibrate:
            document.set_calibration(CALIBRATION)

    update(image, open_image(image).identity, edit)
    return image


@pytest.fixture
def film(base, tmp_path):
    """The sample film's two arrows, an angle, a Cobb angle and two gaps; calibrated."""
    return _film(base, tmp_path / "study", calibrate=True)


def _texts(ds) -> list[str]:
    return [
        str(text.UnformattedTextValue)
        for item in ds.GraphicAnnotationSequence
        for text in item.get("TextObjectSequence") or []
    ]


def _polylines(ds) -> list[list[tuple[float, float]]]:
    out = []
    for item in ds.GraphicAnnotationSequence:
        for graphic in item.get("GraphicObjectSequence") or []:
            assert graphic.GraphicType == "POLYLINE"
            data = [float(v) for v in graphic.GraphicData]
            out.append([(data[i], data[i + 1]) for i in range(0, len(data), 2)])
    return out


@pytest.mark.parametrize("calibrate", [True, False], ids=["calibrated", "file spacing"])
def test_conformance_dciodvfy_and_dcmpschk(base, tmp_path, calibrate):
    image = _film(base, tmp_path / "study", calibrate)
    out = tmp_path / "ps.dcm"
    message = export_gsps(image, out)
    assert message == f"wrote {out}: 2 arrows, 1 angle, 1 cobb, 2 gaps on 1 layer"
    assert dciodvfy_errors(out, warnings=True) == []  # not even a warning
    checked = run("dcmpschk", out)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Test passed" in checked.stdout + checked.stderr


def test_a_calibration_is_written_as_presentation_pixel_spacing(film, tmp_path):
    out = tmp_path / "ps.dcm"
    export_gsps(film, out)
    ds = pydicom.dcmread(out)
    (area,) = ds.DisplayedAreaSelectionSequence
    assert [float(v) for v in area.PresentationPixelSpacing] == [0.25, 0.25]
    assert "PresentationPixelAspectRatio" not in area  # 1C: only without a spacing
    assert ds.SpecificCharacterSet == "ISO_IR 192"  # the degree sign
    texts = _texts(ds)
    # 45 degrees at the vertex; Cobb: atan(100 / 200) = 26.57; 50 px * 0.25 = 12.5 mm
    for value in ("45.0°", "26.6°", "gap 12.5 mm calibrated", "bridging"):
        assert value in texts


def test_without_a_calibration_the_file_spacing_and_an_aspect_ratio(base, tmp_path):
    image = _film(base, tmp_path / "study", calibrate=False)
    out = tmp_path / "ps.dcm"
    export_gsps(image, out)
    ds = pydicom.dcmread(out)
    (area,) = ds.DisplayedAreaSelectionSequence
    assert "PresentationPixelSpacing" not in area
    assert list(area.PresentationPixelAspectRatio) == [1, 1]
    spacing = open_image(image).spacing
    expected = f"gap {50 * spacing[0]:.1f} mm"
    assert any(text.startswith(expected) for text in _texts(ds))
    assert "mm calibrated" not in " ".join(_texts(ds))


def test_the_polylines_follow_the_annotations(film, tmp_path):
    out = tmp_path / "ps.dcm"
    export_gsps(film, out)
    lines = _polylines(pydicom.dcmread(out))
    assert [ANGLE.start, ANGLE.vertex, ANGLE.end] in lines  # both arms through the vertex
    assert [COBB.first_start, COBB.first_end] in lines
    assert [COBB.second_start, COBB.second_end] in lines
    assert [GAP.start, GAP.end] in lines
    # the gap's end ticks: short, across the gap's line, centred on its ends
    ticks = [
        line
        for line in lines
        if len(line) == 2
        and any(math.dist(mid(line), end) < 1e-3 for end in (GAP.start, GAP.end))
        and line != [GAP.start, GAP.end]
    ]
    assert len(ticks) == 2
    for (ax, ay), (bx, by) in ticks:
        assert (bx - ax) * 40 + (by - ay) * 30 == pytest.approx(0, abs=1e-2)  # perpendicular
        assert 0 < math.dist((ax, ay), (bx, by)) < 50


def mid(line):
    (ax, ay), (bx, by) = line
    return (ax + bx) / 2, (ay + by) / 2


def test_importing_our_own_gsps_gives_read_only_lines_once(film, base, tmp_path):
    out = tmp_path / "out" / "ps.dcm"
    out.parent.mkdir()
    export_gsps(film, out)
    blank = plain_copy(base, tmp_path / "blank", sidecar=False)
    import_gsps(out, blank)
    imported = load(blank, open_image(blank).identity)
    polylines = [a for a in imported.annotations if isinstance(a, Polyline)]
    # the angle (1), the Cobb angle (2), each gap's line and ticks (3 + 3); the arrows
    # come back as arrows
    assert len(polylines) == 9
    assert [p.vertices for p in polylines].count((ANGLE.start, ANGLE.vertex, ANGLE.end)) == 1
    texts = {a.text for a in imported.annotations if isinstance(a, Text)}
    assert {"45.0°", "26.6°", "gap 12.5 mm calibrated", "bridging"} <= texts
    count = len(imported.annotations)
    assert import_gsps(out, blank).endswith("(already imported)")
    assert len(load(blank, open_image(blank).identity).annotations) == count


def test_cli_gsps_with_new_kinds(film, tmp_path, capsys):
    out = tmp_path / "cli.dcm"
    assert main(["gsps", str(film), "-o", str(out)]) == 0
    line = capsys.readouterr().out
    assert "1 angle, 1 cobb, 2 gaps" in line and "HOVIEW" not in line


def test_a_new_calibration_gives_a_new_presentation_state(film, tmp_path):
    export_gsps(film, tmp_path / "a.dcm")
    identity = open_image(film).identity
    update(film, identity, lambda d: d.set_calibration(Calibration((0.0, 0.0), (100.0, 0.0), 30.0)))
    export_gsps(film, tmp_path / "b.dcm")
    a, b = (pydicom.dcmread(tmp_path / n) for n in ("a.dcm", "b.dcm"))
    assert a.SOPInstanceUID != b.SOPInstanceUID
    assert [float(v) for v in b.DisplayedAreaSelectionSequence[0].PresentationPixelSpacing] == [
        0.3,
        0.3,
    ]
