"""``hoview kos``: a Key Object Selection document, "For Teaching" or "Of Interest"."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pydicom
import pytest

from hoview.cli import main
from hoview.dicom_objects.kos import export_kos
from hoview.errors import HoviewError

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "pelvis_ap.dcm"
#: A multi-frame ultrasound image (30 frames) that pydicom ships.
MULTIFRAME = Path(pydicom.__file__).parent / "data" / "test_files" / "examples_ybr_color.dcm"


def dciodvfy(path: Path) -> tuple[list[str], list[str]]:
    """The Error and Warning lines of dciodvfy (a checker we did not write)."""
    result = subprocess.run(["dciodvfy", str(path)], capture_output=True, text=True, timeout=120)
    lines = (result.stdout + result.stderr).splitlines()
    return [x for x in lines if "Error" in x], [x for x in lines if x.startswith("Warning")]


@pytest.fixture
def film(tmp_path):
    image = tmp_path / "pelvis.dcm"
    shutil.copyfile(SAMPLE, image)
    return image


def image_items(ds):
    return [i for i in ds.ContentSequence if i.ValueType == "IMAGE"]


def title(ds):
    code = ds.ConceptNameCodeSequence[0]
    return code.CodeValue, code.CodingSchemeDesignator, code.CodeMeaning


def test_for_teaching_note_passes_dciodvfy_and_references_the_image(film, tmp_path, capsys):
    out = tmp_path / "kos.dcm"
    assert main(["kos", str(film), "-o", str(out)]) == 0
    line = capsys.readouterr().out
    assert "'For Teaching' note of 1 image," in line and "HOVIEW" not in line
    errors, warnings = dciodvfy(out)
    assert errors == []
    assert warnings == []
    ds = pydicom.dcmread(out)
    image = pydicom.dcmread(film, stop_before_pixels=True)
    assert ds.SOPClassUID == pydicom.uid.KeyObjectSelectionDocumentStorage
    assert title(ds) == ("113004", "DCM", "For Teaching")  # PS3.16 CID 7010
    assert ds.ContentTemplateSequence[0].TemplateIdentifier == "2010"
    (item,) = image_items(ds)
    (ref,) = item.ReferencedSOPSequence
    assert (ref.ReferencedSOPClassUID, ref.ReferencedSOPInstanceUID) == (
        image.SOPClassUID,
        image.SOPInstanceUID,
    )
    assert "ReferencedFrameNumber" not in ref  # a single-frame image is referenced whole
    assert ds.StudyInstanceUID == image.StudyInstanceUID
    again = tmp_path / "again.dcm"
    export_kos([(film, 1)], again)
    assert pydicom.dcmread(again).SOPInstanceUID == ds.SOPInstanceUID


def test_of_interest_and_frames_of_a_multiframe_image(tmp_path, capsys):
    image = tmp_path / "us.dcm"
    shutil.copyfile(MULTIFRAME, image)
    out = tmp_path / "kos.dcm"
    status = main(["kos", f"{image}@2-3", f"{image}@7", "-o", str(out), "--title", "of-interest"])
    assert status == 0
    assert "1 image, 3 frames" in capsys.readouterr().out
    errors, _ = dciodvfy(out)
    assert errors == []
    ds = pydicom.dcmread(out)
    assert title(ds) == ("113000", "DCM", "Of Interest")
    uid = pydicom.dcmread(image, stop_before_pixels=True).SOPInstanceUID
    refs = [item.ReferencedSOPSequence[0] for item in image_items(ds)]
    assert [(r.ReferencedSOPInstanceUID, int(r.ReferencedFrameNumber)) for r in refs] == [
        (uid, 2),
        (uid, 3),
        (uid, 7),
    ]


def test_frame_out_of_range_and_several_studies_are_clear_errors(film, tmp_path, capsys):
    with pytest.raises(HoviewError, match="frame 4 does not exist"):
        export_kos([(film, 4)], tmp_path / "k.dcm")
    other = tmp_path / "us.dcm"
    shutil.copyfile(MULTIFRAME, other)
    assert main(["kos", str(film), str(other), "-o", str(tmp_path / "k.dcm")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("hoview: error: ") and err.count("\n") == 1
    assert "2 studies" in err and "one note per study" in err
    assert not (tmp_path / "k.dcm").exists()
