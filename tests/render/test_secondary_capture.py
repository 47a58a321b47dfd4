"""hoview render -o OUT.dcm: a de-identified DICOM Secondary Capture (PS3.15 Basic Profile)."""

from __future__ import annotations

import numpy as np
import pydicom
from PIL import Image
from pydicom.uid import SecondaryCaptureImageStorage

from hoview.cli import main
from hoview.render.secondary_capture import secondary_capture

PELVIS = "pelvis_ap.dcm"


def test_dicom_export_is_a_deidentified_secondary_capture(capsys, film, tmp_path):
    out, png = tmp_path / "teaching.dcm", tmp_path / "teaching.png"
    assert main(["render", str(film), "-o", str(out), "--scale", "0.25"]) == 0
    assert main(["render", str(film), "-o", str(png), "--scale", "0.25"]) == 0
    source = pydicom.dcmread(film, stop_before_pixels=True)
    ds = pydicom.dcmread(out)
    assert ds.file_meta.TransferSyntaxUID == pydicom.uid.ExplicitVRLittleEndian
    assert ds.SOPClassUID == SecondaryCaptureImageStorage
    assert ds.file_meta.MediaStorageSOPInstanceUID == ds.SOPInstanceUID
    for keyword in ("SOPInstanceUID", "StudyInstanceUID", "SeriesInstanceUID"):
        assert ds[keyword].value != source[keyword].value
    assert ds.PatientIdentityRemoved == "YES"
    assert "PS3.15" in ds.DeidentificationMethod
    (code,) = ds.DeidentificationMethodCodeSequence
    assert (code.CodeValue, code.CodingSchemeDesignator) == ("113100", "DCM")
    assert str(ds.PatientName) == "Anonymous"
    assert str(source.PatientName) not in str(ds.PatientName)
    assert ds.PatientID != source.PatientID
    for keyword in ("PatientBirthDate", "StudyDate", "AccessionNumber", "ReferringPhysicianName"):
        assert ds[keyword].value in ("", None)
    for keyword in ("InstitutionName", "StudyDescription", "SeriesDescription", "OperatorsName"):
        assert keyword not in ds
    assert ds.Modality == source.Modality
    assert ds.BurnedInAnnotation == "NO"
    assert ds.ConversionType == "WSD"
    assert list(ds.ImageType) == ["DERIVED", "SECONDARY"]
    # The pixels are the rendered film with its arrows, as the PNG export shows it.
    rendered = np.asarray(Image.open(png).convert("L"))
    assert ds.PhotometricInterpretation == "MONOCHROME2"
    assert np.array_equal(ds.pixel_array, rendered)


def test_the_same_render_gets_the_same_uids_and_another_render_new_ones(capsys, film, tmp_path):
    # UIDs are keyed images of the source's (not random), so that a GSPS, SR or KOS
    # written with --deidentify can reference the teaching film: the same picture twice
    # is the same object, a different picture of the same image a new instance.
    first, second, other = tmp_path / "a.dcm", tmp_path / "b.dcm", tmp_path / "c.dcm"
    for out in (first, second):
        assert main(["render", str(film), "-o", str(out), "--scale", "0.1"]) == 0
    assert main(["render", str(film), "-o", str(other), "--scale", "0.2"]) == 0
    a, b, c = (pydicom.dcmread(p) for p in (first, second, other))
    assert np.array_equal(a.pixel_array, b.pixel_array)
    assert a.SOPInstanceUID == b.SOPInstanceUID and a.StudyInstanceUID == b.StudyInstanceUID
    assert c.SOPInstanceUID != a.SOPInstanceUID
    assert (c.StudyInstanceUID, c.SeriesInstanceUID) == (a.StudyInstanceUID, a.SeriesInstanceUID)
    assert a.PatientID == c.PatientID and a.PatientID.startswith("TEACH-")


def test_plain_film_uid_is_the_keyed_source_uid(capsys, film, tmp_path):
    from hoview.dicom_objects.deidentify import deidentified_uid, plain_film_uid

    plain, drawn = tmp_path / "plain.dcm", tmp_path / "drawn.dcm"
    assert main(["render", str(film), "-o", str(plain), "--no-annotations"]) == 0
    assert main(["render", str(film), "-o", str(drawn)]) == 0
    source = pydicom.dcmread(film, stop_before_pixels=True)
    ds, with_arrows = pydicom.dcmread(plain), pydicom.dcmread(drawn)
    assert ds.SOPInstanceUID == plain_film_uid(source.SOPInstanceUID)
    assert ds.StudyInstanceUID == deidentified_uid(source.StudyInstanceUID)
    assert ds.SeriesInstanceUID == deidentified_uid(source.SeriesInstanceUID)
    assert with_arrows.SOPInstanceUID not in (ds.SOPInstanceUID, source.SOPInstanceUID)
    assert with_arrows.StudyInstanceUID == ds.StudyInstanceUID
    raw = plain.read_bytes()
    for keyword in ("SOPInstanceUID", "StudyInstanceUID", "SeriesInstanceUID", "PatientID"):
        assert str(source[keyword].value).encode() not in raw


def test_colour_pixels_are_written_as_rgb():
    array = np.zeros((4, 5, 3), np.uint8)
    array[1, 2] = (255, 0, 0)
    ds = secondary_capture(array, {"modality": "US"})
    assert ds.PhotometricInterpretation == "RGB" and ds.SamplesPerPixel == 3
    assert ds.BurnedInAnnotation == "YES"  # ultrasound pixels may carry names
    assert ds.Modality == "US"


def test_a_pair_can_go_to_dicom_and_raster_sources_too(capsys, film, sample_data_dir, tmp_path):
    out = tmp_path / "pair.dcm"
    assert main(["render", str(film), "--pair", "--scale", "0.1", "-o", str(out)]) == 0
    ds = pydicom.dcmread(out)
    assert ds.Columns > 2 * 200 and "without and with" in ds.DerivationDescription
    png_out = tmp_path / "png.dcm"
    status = main(
        ["render", str(sample_data_dir / "pelvis_ap.png"), "--scale", "0.1", "-o", str(png_out)]
    )
    assert status == 0
    assert pydicom.dcmread(png_out).Modality == "OT"


def test_unwritable_dicom_output_is_one_line(capsys, film, tmp_path):
    status = main(["render", str(film), "-o", str(tmp_path / "nowhere" / "x.dcm")])
    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith("hoview: error: ") and "x.dcm" in err and err.count("\n") == 1
