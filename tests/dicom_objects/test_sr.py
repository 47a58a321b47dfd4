"""``hoview sr`` and ``hoview import REPORT.dcm``: a TID 1500 report of the findings."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pydicom
import pytest

from hoview.annotations import Arrow, Ruler, load, update
from hoview.cli import main
from hoview.dicom_objects.sr_export import export_sr
from hoview.dicom_objects.sr_import import LAYER_NAME, import_sr
from hoview.errors import HoviewError
from hoview.sources.opening import open_image

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "pelvis_ap.dcm"


def dciodvfy(path: Path) -> tuple[list[str], list[str]]:
    """The Error and Warning lines of dciodvfy (a checker we did not write)."""
    result = subprocess.run(["dciodvfy", str(path)], capture_output=True, text=True, timeout=120)
    lines = (result.stdout + result.stderr).splitlines()
    return [x for x in lines if "Error" in x], [x for x in lines if x.startswith("Warning")]


#: The warnings dciodvfy gives on every report, reviewed: our private coding scheme is
#: not one it knows (it is declared in the Coding Scheme Identification Sequence).
KNOWN_WARNINGS = ("Unrecognized defined term <99HOVIEW>",)


@pytest.fixture
def film(tmp_path):
    """The sample film (two arrows with findings) and a ruler, in ``tmp_path/study``."""
    folder = tmp_path / "study"
    folder.mkdir()
    image = folder / "pelvis.dcm"
    shutil.copyfile(SAMPLE, image)
    text = SAMPLE.with_name(SAMPLE.name + ".hoview.json").read_text("utf-8")
    (folder / "pelvis.dcm.hoview.json").write_text(text.replace("pelvis_ap.dcm", "pelvis.dcm"))

    def edit(document):
        document.add(Ruler(start=(400.0, 1200.0), end=(700.0, 1600.0), label="gap"))
        document.add(Arrow(tail=(900.0, 900.0), head=(1000.0, 1000.0), label="no finding"))

    update(image, open_image(image).identity, edit)
    return image


def content_items(ds):
    """Every content item of the tree, depth first."""
    stack = list(ds.ContentSequence)
    while stack:
        item = stack.pop(0)
        yield item
        stack[:0] = list(item.get("ContentSequence", []))


def named(ds, value, scheme):
    return [
        item
        for item in content_items(ds)
        if "ConceptNameCodeSequence" in item
        and (
            item.ConceptNameCodeSequence[0].CodeValue,
            item.ConceptNameCodeSequence[0].CodingSchemeDesignator,
        )
        == (value, scheme)
    ]


def code_of(item):
    code = item.ConceptCodeSequence[0]
    return code.CodeValue, code.CodingSchemeDesignator, code.CodeMeaning


def test_report_passes_dciodvfy_and_holds_the_cited_codes(film, tmp_path, capsys):
    out = tmp_path / "report.dcm"
    assert main(["sr", str(film), "-o", str(out)]) == 0
    line = capsys.readouterr().out
    assert "2 findings, 1 length" in line and "1 arrow without a structured finding" in line
    assert "HOVIEW" not in line  # no patient identifier in the terminal line
    errors, warnings = dciodvfy(out)
    assert errors == []
    assert [w for w in warnings if not any(k in w for k in KNOWN_WARNINGS)] == []

    ds = pydicom.dcmread(out)
    image = pydicom.dcmread(film, stop_before_pixels=True)
    assert ds.SOPClassUID == pydicom.uid.ComprehensiveSRStorage
    assert ds.ContentTemplateSequence[0].TemplateIdentifier == "1500"
    assert (ds.StudyInstanceUID, ds.PatientID) == (image.StudyInstanceUID, image.PatientID)
    assert [c.CodingSchemeDesignator for c in ds.CodingSchemeIdentificationSequence] == ["99HOVIEW"]
    findings = named(ds, "121071", "DCM")
    # SNOMED CT "Heterotopic ossification (disorder)"
    assert {code_of(f)[:2] for f in findings} == {("128491006", "SCT")}
    lateralities = sorted(code_of(i)[:2] for i in named(ds, "272741003", "SCT"))
    assert lateralities == [("24028007", "SCT"), ("7771000", "SCT")]  # CID 244 Right, Left
    grades = sorted(code_of(i) for i in named(ds, "GRADE", "99HOVIEW"))
    assert grades == [
        ("BROOKER-2", "99HOVIEW", "Brooker class II"),
        ("BROOKER-3", "99HOVIEW", "Brooker class III"),
    ]
    points = [list(i.GraphicData) for i in named(ds, "111030", "DCM") if i.GraphicType == "POINT"]
    assert sorted(points) == [[268.0, 690.0], [1678.0, 690.0]]  # the arrowheads
    paths = [list(i.GraphicData) for i in named(ds, "121055", "DCM")]
    assert sorted(paths) == [[110.0, 560.0, 268.0, 690.0], [1840.0, 560.0, 1678.0, 690.0]]
    for item in named(ds, "111030", "DCM") + named(ds, "121055", "DCM"):
        (ref,) = item.ContentSequence[0].ReferencedSOPSequence
        assert ref.ReferencedSOPInstanceUID == image.SOPInstanceUID
    (length,) = named(ds, "410668003", "SCT")
    value = length.MeasuredValueSequence[0]
    assert value.MeasurementUnitsCodeSequence[0].CodeValue == "mm"
    assert float(value.NumericValue) == pytest.approx(((300 * 0.2) ** 2 + (400 * 0.2) ** 2) ** 0.5)


def test_same_findings_same_uid_changed_findings_new_uid(film, tmp_path):
    a, b, c = (tmp_path / n for n in ("a.dcm", "b.dcm", "c.dcm"))
    export_sr(film, a)
    export_sr(film, b)
    update(film, open_image(film).identity, lambda d: d.add(Ruler(start=(1, 1), end=(9, 9))))
    export_sr(film, c)
    uid = [pydicom.dcmread(p).SOPInstanceUID for p in (a, b, c)]
    assert uid[0] == uid[1] != uid[2]


def test_rulers_left_out_without_pixel_spacing(film, tmp_path):
    ds = pydicom.dcmread(film)
    del ds.ImagerPixelSpacing
    ds.save_as(film)
    line = export_sr(film, tmp_path / "r.dcm")
    assert "0 lengths" in line and "1 ruler left out" in line and "pixel spacing" in line


def test_round_trip_into_a_blank_copy_gives_the_same_findings(film, tmp_path):
    out = tmp_path / "study" / "report.dcm"
    export_sr(film, out)
    blank_folder = tmp_path / "blank"
    blank_folder.mkdir()
    blank = blank_folder / "copy.dcm"
    shutil.copyfile(film, blank)
    line = import_sr(out, blank)
    assert "2 findings and 1 length, 3 new" in line

    def facts(document):
        return sorted(
            (a.kind, a.points, a.label, a.finding, a.frame)
            for a in document.annotations
            if a.kind == "ruler" or a.finding is not None
        )

    original = load(film, open_image(film).identity)
    copied = load(blank, open_image(blank).identity)
    assert facts(copied) == facts(original)
    assert {copied.layer(a.layer).name for a in copied.annotations} == {LAYER_NAME}
    # A second import adds nothing; nor does importing into the image it came from.
    assert (
        "0 new" in import_sr(out, blank)
        and len(load(blank, open_image(blank).identity).annotations) == 3
    )
    assert "0 new" in import_sr(out, None)
    assert len(load(film, open_image(film).identity).annotations) == 4


def test_import_finds_the_image_beside_the_report_or_says_it_is_missing(film, tmp_path, capsys):
    reports = tmp_path / "study" / "reports"
    reports.mkdir()
    out = reports / "report.dcm"
    export_sr(film, out)
    assert main(["import", str(out)]) == 0  # found in the parent folder
    assert "pelvis.dcm.hoview.json" in capsys.readouterr().out
    lonely = tmp_path / "elsewhere" / "deeper"  # not beside, above or beside the folder above
    lonely.mkdir(parents=True)
    shutil.copyfile(out, lonely / "report.dcm")
    with pytest.raises(HoviewError, match="--into"):
        import_sr(lonely / "report.dcm", None)
    assert main(["import", str(lonely / "report.dcm")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("hoview: error: ") and err.count("\n") == 1


def test_nothing_to_report_is_a_clear_error(tmp_path, capsys):
    image = tmp_path / "bare.dcm"
    shutil.copyfile(SAMPLE, image)
    assert main(["sr", str(image), "-o", str(tmp_path / "x.dcm")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("hoview: error: ") and "nothing to report" in err
