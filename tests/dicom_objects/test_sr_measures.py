"""Gaps, angles, Cobb angles, suggested grades and a user calibration in ``hoview sr``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pydicom
import pytest
from test_sr import KNOWN_WARNINGS, code_of, dciodvfy, named

from hoview.annotations import Angle, CobbAngle, Gap, load, update
from hoview.annotations.brooker import refresh_suggestions
from hoview.annotations.calibration import Calibration
from hoview.cli import main
from hoview.dicom_objects.sr_export import export_sr
from hoview.dicom_objects.sr_import import import_sr
from hoview.sources.opening import open_image
from hoview.sources.spacing import calibrated

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "pelvis_ap.dcm"
ANGLE = Angle(start=(500.0, 300.0), vertex=(400.0, 400.0), end=(600.0, 400.0))  # 45 degrees
COBB = CobbAngle(
    first_start=(100.0, 100.0),
    first_end=(300.0, 100.0),
    second_start=(100.0, 300.0),
    second_end=(300.0, 200.0),
)  # atan(100 / 200) = 26.565 degrees
#: 200 px of calibration line for 50 mm: 0.25 mm per pixel.
CALIBRATION = Calibration((100.0, 1000.0), (300.0, 1000.0), 50.0)
LENGTH = ("410668003", "SCT")
BRIDGING = ("BRIDGING", "99HOVIEW")


def _film(tmp_path, calibrate: bool = True):
    """The sample film's arrows, a gap for the right hip's arrow (50 px), a bridging gap,
    an angle and a Cobb angle; calibrated to 0.25 mm per pixel."""
    folder = tmp_path / "study"
    folder.mkdir()
    image = folder / "pelvis.dcm"
    shutil.copyfile(SAMPLE, image)
    text = SAMPLE.with_name(SAMPLE.name + ".hoview.json").read_text("utf-8")
    (folder / "pelvis.dcm.hoview.json").write_text(text.replace("pelvis_ap.dcm", "pelvis.dcm"))
    source = open_image(image)

    def edit(document):
        document.add(Gap(start=(700.0, 700.0), end=(740.0, 730.0), arrow="dx-r-hip"))
        document.add(Gap(start=(700.0, 800.0), end=(702.0, 800.0), bridging=True, label="L"))
        document.add(ANGLE)
        document.add(COBB)
        if calibrate:
            document.set_calibration(CALIBRATION)
        mm = document.calibration.mm_per_pixel if document.calibration else None
        refresh_suggestions(document, calibrated(source.spacing, mm))

    update(image, source.identity, edit)
    return image


@pytest.fixture
def film(tmp_path):
    return _film(tmp_path)


def _value(item) -> float:
    return float(item.MeasuredValueSequence[0].NumericValue)


def _unit(item) -> str:
    return str(item.MeasuredValueSequence[0].MeasurementUnitsCodeSequence[0].CodeValue)


def _groups(ds):
    return named(ds, "125007", "DCM")


def _tracking(group) -> str:
    (item,) = [
        i for i in group.ContentSequence if i.ConceptNameCodeSequence[0].CodeValue == "112039"
    ]
    return str(item.TextValue)


def _in(group, value, scheme):
    return [
        item
        for item in group.ContentSequence
        if (
            item.ConceptNameCodeSequence[0].CodeValue,
            item.ConceptNameCodeSequence[0].CodingSchemeDesignator,
        )
        == (value, scheme)
    ]


def test_report_passes_dciodvfy(film, tmp_path, capsys):
    out = tmp_path / "report.dcm"
    assert main(["sr", str(film), "-o", str(out)]) == 0
    assert "2 findings, 2 lengths, 2 angles" in capsys.readouterr().out
    errors, warnings = dciodvfy(out)
    assert errors == []
    assert [w for w in warnings if not any(k in w for k in KNOWN_WARNINGS)] == []


def test_gaps_are_lengths_in_calibrated_mm_with_bridging_and_the_finding(film, tmp_path):
    out = tmp_path / "report.dcm"
    export_sr(film, out)
    ds = pydicom.dcmread(out)
    gaps = {_tracking(g): g for g in _groups(ds) if _in(g, *BRIDGING)}
    assert set(gaps) == {"gap", "L"}  # the label, else "gap"
    (length,) = _in(gaps["gap"], *LENGTH)
    assert _value(length) == pytest.approx(12.5)  # 50 px * 0.25 mm
    assert _unit(length) == "mm"
    assert [float(v) for v in length.ContentSequence[0].GraphicData] == [700, 700, 740, 730]
    assert code_of(_in(gaps["gap"], *BRIDGING)[0])[:2] == ("373067005", "SCT")  # No
    (finding,) = _in(gaps["gap"], "121071", "DCM")  # the arrow's finding
    assert code_of(finding)[:2] == ("128491006", "SCT")
    (bridged,) = _in(gaps["L"], *LENGTH)
    assert _value(bridged) == 0.0
    assert code_of(_in(gaps["L"], *BRIDGING)[0])[:2] == ("373066001", "SCT")  # Yes
    assert not _in(gaps["L"], "121071", "DCM")


def test_the_suggested_grade_is_reported_beside_the_chosen_one(film, tmp_path):
    out = tmp_path / "report.dcm"
    export_sr(film, out)
    ds = pydicom.dcmread(out)
    (suggested,) = named(ds, "SUGGESTED-GRADE", "99HOVIEW")  # only the right hip has a gap
    assert code_of(suggested) == ("BROOKER-2", "99HOVIEW", "Brooker class II")  # 12.5 >= 10
    chosen = sorted(code_of(i)[0] for i in named(ds, "GRADE", "99HOVIEW"))
    assert chosen == ["BROOKER-2", "BROOKER-3"]  # the reader's grades, unchanged


def test_angles_are_reported_in_degrees(film, tmp_path):
    out = tmp_path / "report.dcm"
    export_sr(film, out)
    ds = pydicom.dcmread(out)
    (angle,) = named(ds, "1483009", "SCT")
    assert _value(angle) == pytest.approx(45.0)
    assert _unit(angle) == "deg"
    assert [float(v) for v in angle.ContentSequence[0].GraphicData] == [
        500,
        300,
        400,
        400,
        600,
        400,
    ]
    (cobb,) = named(ds, "285285000", "SCT")
    assert _value(cobb) == pytest.approx(26.565, abs=1e-3)
    assert len(cobb.ContentSequence) == 2  # both lines


def test_without_any_spacing_gaps_are_left_out_and_angles_stay(tmp_path):
    film = _film(tmp_path, calibrate=False)
    ds = pydicom.dcmread(film)
    del ds.ImagerPixelSpacing
    ds.save_as(film)
    line = export_sr(film, tmp_path / "r.dcm")
    assert "0 lengths, 2 angles" in line and "2 gaps left out" in line


def test_the_file_spacing_without_a_calibration(tmp_path):
    film = _film(tmp_path, calibrate=False)
    out = tmp_path / "r.dcm"
    export_sr(film, out)
    spacing = open_image(film).spacing
    lengths = [_value(i) for i in named(pydicom.dcmread(out), *LENGTH)]
    assert sorted(lengths) == pytest.approx([0.0, 50 * spacing[0]])


def test_gaps_and_suggestions_come_back_on_import(film, tmp_path):
    out = tmp_path / "study" / "report.dcm"
    export_sr(film, out)
    blank_folder = tmp_path / "blank"
    blank_folder.mkdir()
    blank = blank_folder / "copy.dcm"
    shutil.copyfile(film, blank)
    import_sr(out, blank)
    copied = load(blank, open_image(blank).identity)
    gaps = sorted((g.points, g.bridging, g.label) for g in copied.annotations if g.kind == "gap")
    assert gaps == [
        (((700.0, 700.0), (740.0, 730.0)), False, None),
        (((700.0, 800.0), (702.0, 800.0)), True, "L"),
    ]
    suggested = {a.finding.suggested_grade for a in copied.annotations if a.kind == "arrow"}
    assert suggested == {"Brooker II", None}
    count = len(copied.annotations)
    assert "0 new" in import_sr(out, blank)
    assert len(load(blank, open_image(blank).identity).annotations) == count
