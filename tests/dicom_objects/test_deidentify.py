"""``--deidentify``: the PS3.15 basic profile, consistent with ``render -o plain.dcm``."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pydicom
import pytest
from pydicom.dataset import Dataset
from pydicom.uid import SecondaryCaptureImageStorage

from hoview.cli import main
from hoview.dicom_objects.deidentify import (
    KEY_FILE_ENV,
    deidentified_patient_id,
    deidentified_uid,
    deidentify_object,
    plain_film_uid,
)

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "pelvis_ap.dcm"
MULTIFRAME = Path(pydicom.__file__).parent / "data" / "test_files" / "examples_ybr_color.dcm"


def dciodvfy_errors(path: Path) -> list[str]:
    result = subprocess.run(["dciodvfy", str(path)], capture_output=True, text=True, timeout=120)
    return [x for x in (result.stdout + result.stderr).splitlines() if "Error" in x]


@pytest.fixture
def film(tmp_path):
    folder = tmp_path / "study"
    folder.mkdir()
    for name in (SAMPLE.name, SAMPLE.name + ".hoview.json"):
        shutil.copyfile(SAMPLE.with_name(name), folder / name)
    return folder / SAMPLE.name


def identifying_values(path: Path) -> list[bytes]:
    """What of the image's header must not reach a teaching copy."""
    ds = pydicom.dcmread(path, stop_before_pixels=True)
    values = [
        str(ds.PatientName),
        ds.PatientID,
        ds.AccessionNumber,
        ds.StudyDate,
        ds.StudyTime,
        ds.SeriesTime,
        ds.AcquisitionTime,
        ds.InstitutionName,
        ds.StudyDescription,
        ds.SeriesDescription,
        ds.PatientComments,
        ds.ImageComments,
        ds.StudyInstanceUID,
        ds.SeriesInstanceUID,
        ds.SOPInstanceUID,
    ]
    return [v.encode() for v in values if v]


def test_uid_map_is_keyed_deterministic_and_well_formed(tmp_path, monkeypatch):
    monkeypatch.setenv(KEY_FILE_ENV, str(tmp_path / "keys" / "a.key"))
    uid = deidentified_uid("1.2.3.4")
    assert uid == deidentified_uid("1.2.3.4") != deidentified_uid("1.2.3.5")
    assert uid.startswith("2.25.") and len(uid) <= 64 and uid[5:].isdigit()
    assert plain_film_uid("1.2.3.4") == uid != plain_film_uid("1.2.3.4", 2)
    assert deidentified_patient_id("MRN1").startswith("TEACH-")
    key = tmp_path / "keys" / "a.key"
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600 and len(key.read_bytes()) == 32
    monkeypatch.setenv(KEY_FILE_ENV, str(tmp_path / "keys" / "b.key"))
    assert deidentified_uid("1.2.3.4") != uid  # another key, another map


def test_profile_on_a_data_set():
    ds = Dataset()
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.11.1"
    ds.SOPInstanceUID = "1.9.1"
    ds.StudyInstanceUID = "1.9.2"
    ds.PatientName = "Doe^Jane"
    ds.PatientID = "MRN-77"
    ds.PatientBirthDate = "19600101"
    ds.StudyDate = "20240312"
    ds.SeriesDate = "20240312"
    ds.PresentationCreationDate = "20240312"
    ds.InstitutionName = "General Hospital"
    ds.OperatorsName = "Smith^Tech"
    ds.add_new(0x00091010, "LO", "private secret")
    series = Dataset()
    series.SeriesInstanceUID = "1.9.3"
    image = Dataset()
    image.ReferencedSOPClassUID = "1.2.840.10008.5.1.4.1.1.1.1"
    image.ReferencedSOPInstanceUID = "1.9.4"
    image.ReferencedFrameNumber = [2, 3]
    series.ReferencedImageSequence = [image]
    ds.ReferencedSeriesSequence = [series]
    deidentify_object(ds)
    text = str(ds)
    for secret in ("Doe", "MRN-77", "19600101", "20240312", "General", "Smith", "private"):
        assert secret not in text
    for uid in ("1.9.1", "1.9.2", "1.9.3", "1.9.4"):
        assert f": {uid}" not in text and f"'{uid}'" not in text
    assert ds.SOPClassUID == "1.2.840.10008.5.1.4.1.1.11.1"  # a class, kept
    assert ds.PresentationCreationDate == "19000101"  # Type 1: a dummy date
    assert ds.PatientBirthDate == "" and "SeriesDate" not in ds
    assert ds.PatientID == deidentified_patient_id("MRN-77")
    assert ds.PatientIdentityRemoved == "YES"
    assert ds.DeidentificationMethodCodeSequence[0].CodeValue == "113100"
    refs = ds.ReferencedSeriesSequence[0].ReferencedImageSequence
    assert [(r.ReferencedSOPClassUID, r.ReferencedSOPInstanceUID) for r in refs] == [
        (SecondaryCaptureImageStorage, plain_film_uid("1.9.4", 2)),
        (SecondaryCaptureImageStorage, plain_film_uid("1.9.4", 3)),
    ]
    assert ds.ReferencedSeriesSequence[0].SeriesInstanceUID == deidentified_uid("1.9.3")


def image_references(ds):
    """(class, instance) of every reference to an instance in the object."""
    found = []

    def walk(d):
        for elem in d:
            if elem.VR == "SQ":
                for item in elem.value:
                    if "ReferencedSOPInstanceUID" in item:
                        found.append(
                            (str(item.ReferencedSOPClassUID), str(item.ReferencedSOPInstanceUID))
                        )
                    walk(item)

    walk(ds)
    return found


def test_teaching_objects_reference_the_deidentified_plain_film(film, tmp_path, capsys):
    plain, sr, kos, gsps = (tmp_path / f"{n}.dcm" for n in ("plain", "sr", "kos", "gsps"))
    assert main(["render", str(film), "-o", str(plain), "--no-annotations"]) == 0
    assert main(["sr", str(film), "-o", str(sr), "--deidentify"]) == 0
    assert main(["kos", str(film), "-o", str(kos), "--deidentify"]) == 0
    assert main(["gsps", str(film), "-o", str(gsps), "--deidentify"]) == 0
    terminal = capsys.readouterr()
    film_ds = pydicom.dcmread(plain)
    secrets = identifying_values(film)
    for out in (plain, sr, kos, gsps):
        raw = out.read_bytes()
        for secret in secrets:
            assert secret not in raw, (out.name, secret)
    for out in (sr, kos, gsps):
        assert dciodvfy_errors(out) == [], out.name
        ds = pydicom.dcmread(out)
        assert ds.PatientIdentityRemoved == "YES" and str(ds.PatientName) == "Anonymous"
        assert ds.PatientID == film_ds.PatientID
        assert ds.StudyInstanceUID == film_ds.StudyInstanceUID
        refs = set(image_references(ds))
        assert (SecondaryCaptureImageStorage, film_ds.SOPInstanceUID) in refs, out.name
        assert all(
            uid != film_ds.SOPInstanceUID or cls == SecondaryCaptureImageStorage
            for cls, uid in refs
        )
    for secret in secrets:
        assert secret.decode() not in terminal.out + terminal.err


def test_frames_of_a_multiframe_image_match_their_plain_renders(tmp_path, capsys):
    image = tmp_path / "us.dcm"
    shutil.copyfile(MULTIFRAME, image)
    kos, frame2 = tmp_path / "kos.dcm", tmp_path / "frame2.dcm"
    assert main(["kos", f"{image}@2-3", "-o", str(kos), "--deidentify"]) == 0
    assert main(["render", str(image), "--frame", "2", "-o", str(frame2), "--no-annotations"]) == 0
    assert dciodvfy_errors(kos) == []
    ds = pydicom.dcmread(kos)
    items = [i.ReferencedSOPSequence[0] for i in ds.ContentSequence if i.ValueType == "IMAGE"]
    uids = [str(r.ReferencedSOPInstanceUID) for r in items]
    assert uids[0] == pydicom.dcmread(frame2).SOPInstanceUID
    assert len(set(uids)) == 2 and all("ReferencedFrameNumber" not in r for r in items)
    original = pydicom.dcmread(image, stop_before_pixels=True).SOPInstanceUID
    assert original.encode() not in kos.read_bytes()


def test_a_deidentified_report_imports_into_the_teaching_film(film, tmp_path, capsys):
    teach = tmp_path / "teach"
    teach.mkdir()
    plain, sr = teach / "plain.dcm", teach / "sr.dcm"
    assert main(["render", str(film), "-o", str(plain), "--no-annotations"]) == 0
    assert main(["sr", str(film), "-o", str(sr), "--deidentify"]) == 0
    assert main(["import", str(sr)]) == 0  # found by its keyed SOP Instance UID
    assert "plain.dcm.hoview.json" in capsys.readouterr().out
    assert main(["annotations", str(plain), "--json"]) == 0
    listed = capsys.readouterr().out
    assert listed.count('"heterotopic ossification"') == 2 and "Brooker III" in listed
