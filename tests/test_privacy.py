"""Nothing that identifies a patient leaves hoview in an export.

A copy of the sample film gets known strings in every identifying attribute (and a file
name made of the patient's name, as careless PACS exports do); it is exported in every
format hoview writes, and none of the strings may appear in any output byte, in any
decompressed stream or embedded image, or in any output file name. A second copy with
other identifiers must give the same pixels: nothing in the header reaches the pixels.
"""

from __future__ import annotations

import base64
import io
import re
import shutil
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pydicom
import pytest
from PIL import Image, PdfParser

from hoview.cli import main

PELVIS = "pelvis_ap.dcm"

#: Identifying attributes and the marker each gets (dates in DICOM form).
MARKERS = {
    "PatientName": "Qwertyson^Privacia^Marie",
    "PatientID": "PRIVID-583921",
    "PatientBirthDate": "19010203",
    "OtherPatientIDs": "OTHERID-77341",
    "PatientAddress": "17 Secretstrasse Hiddenville",
    "PatientTelephoneNumbers": "5550199123",
    "StudyDate": "19990405",
    "SeriesDate": "19990406",
    "AcquisitionDate": "19990407",
    "ContentDate": "19990408",
    "StudyTime": "101112",
    "AccessionNumber": "ACCN-4711-PRIV",
    "InstitutionName": "Saint Privatus Hospital",
    "InstitutionAddress": "1 Confidential Road",
    "ReferringPhysicianName": "Refersmith^Doctor",
    "PerformingPhysicianName": "Performwell^Doctor",
    "OperatorsName": "Operatorsky^Tech",
    "StationName": "STATION-PRIV-9",
    "StudyID": "STUDYID-6161",
    "DeviceSerialNumber": "SERIAL-PRIV-3141",
    "StudyDescription": "PRIVSTUDY description",
    "SeriesDescription": "PRIVSERIES description",
}


def marker_strings(source: pydicom.Dataset) -> list[str]:
    """Every string that must not appear, with the spellings exports might use."""
    strings = []
    for value in MARKERS.values():
        strings.append(value)
        strings.extend(part for part in value.split("^") if len(part) > 4)
    for date in ("19010203", "19990405", "19990406", "19990407", "19990408"):
        strings += [f"{date[:4]}-{date[4:6]}-{date[6:]}", f"{date[6:]}.{date[4:6]}.{date[:4]}"]
    strings += [source.StudyInstanceUID, source.SeriesInstanceUID, source.SOPInstanceUID]
    return strings


def identified_copy(folder: Path, sample: Path, markers: dict[str, str], name: str) -> Path:
    folder.mkdir()
    ds = pydicom.dcmread(sample)
    for keyword, value in markers.items():
        setattr(ds, keyword, value)
    path = folder / f"{name}.dcm"
    ds.save_as(path)
    sidecar = sample.with_name(sample.name + ".hoview.json")
    shutil.copy(sidecar, folder / f"{path.name}.hoview.json")
    return path


def embedded_blobs(data: bytes) -> list[bytes]:
    """Decompressed PDF/PNG streams and base64 data URIs inside ``data``."""
    blobs = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            blobs.append(zlib.decompress(match.group(1)))
        except zlib.error:
            pass
    for match in re.finditer(rb"data:[a-z/+]+;base64,([A-Za-z0-9+/=]+)", data):
        blobs.append(base64.b64decode(match.group(1)))
    return blobs


def png_chunks(data: bytes) -> list[bytes]:
    chunks, at = [], 8
    while at < len(data):
        length = int.from_bytes(data[at : at + 4], "big")
        chunks.append(data[at + 4 : at + 8])
        at += 12 + length
    return chunks


def check_bytes(data: bytes, strings: list[str], where: str) -> None:
    lowered = data.lower()
    for text in strings:
        for form in (text.encode("utf-8"), text.encode("utf-16-le")):
            assert form.lower() not in lowered, f"{text!r} found in {where}"
    for blob in embedded_blobs(data):
        check_bytes(blob, strings, f"a stream inside {where}")
    if data.startswith(b"PK\x03\x04"):  # a .pptx: every part, and every part's name
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            for part in package.namelist():
                check_bytes(part.encode(), strings, f"a part name in {where}")
                check_bytes(package.read(part), strings, f"{part} inside {where}")
    if data.startswith(b"\x89PNG"):
        allowed = {b"IHDR", b"IDAT", b"IEND", b"PLTE", b"pHYs", b"sRGB", b"gAMA"}
        assert set(png_chunks(data)) <= allowed, f"metadata chunks in {where}"
    if data.startswith(b"\xff\xd8"):
        assert b"Exif" not in data[:4096], f"EXIF in {where}"


def without_raw_pixels(path: Path) -> bytes:
    """The file's bytes with uncompressed pixel data blanked out.

    Raw 8-bit pixels (TIFF strips, BMP rows, DICOM Pixel Data) hold every byte value,
    so a digit string such as a study time turns up in them by chance; whether header
    values reach the pixels is what the twin comparison below checks.
    """
    data = bytearray(path.read_bytes())
    suffix = path.suffix.lower()
    if suffix == ".tif":
        with Image.open(path) as image:
            offsets = image.tag_v2.get(273, ())
            counts = image.tag_v2.get(279, ())
        for offset, count in zip(offsets, counts, strict=True):
            data[offset : offset + count] = bytes(count)
    elif suffix == ".bmp":
        start = int.from_bytes(data[10:14], "little")
        data[start:] = bytes(len(data) - start)
    elif suffix == ".dcm":
        pixels = pydicom.dcmread(path).PixelData
        start = bytes(data).rfind(pixels)
        assert start > 0
        data[start : start + len(pixels)] = bytes(len(pixels))
    return bytes(data)


EXPORTS = [
    ("render", "image.png", []),
    ("render", "image.jpg", []),
    ("render", "image.tif", []),
    ("render", "image.bmp", []),
    ("render", "image.dcm", []),
    ("render", "pair.png", ["--pair"]),
    ("render", "pair.dcm", ["--pair"]),
    ("montage", "montage.png", ["--pairs"]),
    ("montage", "montage.jpg", ["--pairs"]),
    ("montage", "montage.tif", []),
    ("montage", "handout.pdf", ["--pairs"]),
    ("teach", "quiz", []),
    ("slides", "lecture.pptx", ["--discussion-on-slide"]),
    ("slides", "two-slides.pptx", ["--no-animation"]),
    ("case", "case-png", ["--square"]),
    ("case", "case-jpeg", ["--jpeg"]),
]


@pytest.fixture(scope="module")
def exports(tmp_path_factory, sample_data_dir):
    root = tmp_path_factory.mktemp("privacy")
    sample = sample_data_dir / PELVIS
    # The file is named after the patient, as a careless PACS export names it.
    source = identified_copy(root / "in", sample, MARKERS, "Qwertyson_Privacia_Marie")
    other = {k: v.replace("Priv", "Othr").replace("PRIV", "OTHR") for k, v in MARKERS.items()}
    other["PatientName"] = "Anotherperson^Someone"
    twin = identified_copy(root / "twin", sample, other, "Anotherperson_Someone")
    outputs = {}
    for label, folder in (("marked", root / "out"), ("twin", root / "out-twin")):
        folder.mkdir()
        path = source if label == "marked" else twin
        for command, name, flags in EXPORTS:
            scale = ["--scale", "0.25"] if command == "render" else []
            status = main([command, str(path), "-o", str(folder / name), *scale, *flags])
            assert status == 0, (command, name)
        outputs[label] = folder
    return pydicom.dcmread(sample, stop_before_pixels=True), outputs


@pytest.mark.parametrize(("command", "name", "flags"), EXPORTS)
def test_no_identifier_in_any_output(exports, command, name, flags):
    sample, outputs = exports
    strings = marker_strings(sample)
    target = outputs["marked"] / name
    files = sorted(target.rglob("*")) if target.is_dir() else [target]
    assert files and all(f.is_file() for f in files)
    for file in files:
        for text in ("Qwertyson", "Privacia", "Marie", MARKERS["PatientID"]):
            assert text.lower() not in str(file.relative_to(outputs["marked"])).lower()
        check_bytes(without_raw_pixels(file), strings, str(file.name))


def test_the_whole_output_folder_holds_only_the_asked_for_names(exports):
    _, outputs = exports
    names = sorted(p.name for p in outputs["marked"].iterdir())
    assert names == sorted(name for _, name, _ in EXPORTS)


@pytest.mark.parametrize(
    "name", ["image.png", "image.tif", "image.bmp", "pair.png", "montage.png", "montage.tif"]
)
def test_header_values_do_not_reach_the_pixels(exports, name):
    _, outputs = exports
    marked = np.asarray(Image.open(outputs["marked"] / name)).astype(int)
    twin = np.asarray(Image.open(outputs["twin"] / name)).astype(int)
    assert marked.shape == twin.shape
    # Qt's first text drawing in a process may differ from later ones by a few grey
    # levels on antialiased edges; header text in the pixels would differ far more.
    differs = np.abs(marked - twin) > 4
    assert differs.sum() == 0


def test_the_pdf_handout_has_no_document_information(exports):
    """No Info dictionary: no title (Pillow's default is the file name), no dates."""
    _, outputs = exports
    data = (outputs["marked"] / "handout.pdf").read_bytes()
    parsed = PdfParser.PdfParser(buf=data)
    assert len(parsed.info) == 0 and b"Info" not in parsed.trailer_dict
    for key in (b"/CreationDate", b"/ModDate", b"/Producer", b"/Creator", b"/Title"):
        assert key not in data, key
    assert b"D:20" not in data  # no PDF date string anywhere


def test_dicom_exports_keep_only_new_uids_and_no_identifiers(exports):
    sample, outputs = exports
    for name in ("image.dcm", "pair.dcm"):
        ds = pydicom.dcmread(outputs["marked"] / name)
        assert ds.PatientIdentityRemoved == "YES"
        values = " ".join(
            str(element.value) for element in ds.iterall() if element.tag != 0x7FE00010
        )
        for text in marker_strings(sample):
            assert text not in values


def test_the_checker_finds_a_planted_leak(tmp_path, sample_data_dir):
    """The checks above would fail if an export carried a name in metadata or a stream."""
    from PIL import PngImagePlugin

    sample = pydicom.dcmread(sample_data_dir / PELVIS, stop_before_pixels=True)
    strings = marker_strings(sample)
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "Privacia")
    leaky = tmp_path / "leak.png"
    Image.new("L", (4, 4)).save(leaky, pnginfo=info)
    with pytest.raises(AssertionError, match="Privacia"):
        check_bytes(leaky.read_bytes(), strings, "leak.png")
    hidden = b"stream\n" + zlib.compress(b"(Qwertyson) Tj") + b"\nendstream"
    with pytest.raises(AssertionError, match="Qwertyson"):
        check_bytes(hidden, strings, "a PDF")
    uri = b"data:text/plain;base64," + base64.b64encode(b"ACCN-4711-PRIV")
    with pytest.raises(AssertionError, match="ACCN"):
        check_bytes(uri, strings, "a page")
