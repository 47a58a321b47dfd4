"""Folders, DICOMDIRs and raster files that used to end in a traceback."""

from __future__ import annotations

import shutil
import struct
import zlib
from pathlib import Path

import numpy as np
import pydicom
import pytest
from PIL import Image

from hoview.errors import UnreadableImageError
from hoview.sources import RasterImage, open_path, read_dicomdir, scan_folder
from hoview.sources.dicomdir import BAD_FILE_ID
from hoview.sources.raster import MAX_MEGAPIXELS


def test_superscript_digits_in_file_names_sort_as_text(tmp_path, make_dicom):
    names = ["slice\u00b3.dcm", "slice2.dcm", "slice10.dcm", "x\u00b2\u00b9.dcm"]
    for i, name in enumerate(names):
        make_dicom(tmp_path / name, instance=None, value=i, series_number=1)
    result = scan_folder(tmp_path)
    assert not result.skipped
    order = [f.source.path.name for f in result.series[0].frames]
    assert order.index("slice2.dcm") < order.index("slice10.dcm")
    assert sorted(order) == sorted(names)


def test_nul_byte_in_a_dicomdir_file_id_is_skipped_with_a_reason(tmp_path, dicomdir_tests):
    folder = tmp_path / "cd"
    shutil.copytree(dicomdir_tests, folder)
    ds = pydicom.dcmread(folder / "DICOMDIR")
    records = [r for r in ds.DirectoryRecordSequence if "ReferencedFileID" in r]
    records[0].ReferencedFileID = ["77654033", "CR1\x006154"]
    ds.save_as(folder / "DICOMDIR", enforce_file_format=False)
    result = read_dicomdir(folder / "DICOMDIR")
    reasons = [s.reason for s in result.skipped]
    assert any(reason.startswith(BAD_FILE_ID) for reason in reasons)
    assert result.series  # the other records still open


def _png_claiming(path: Path, width: int, height: int) -> Path:
    """Write a tiny PNG whose header says ``width`` x ``height`` (the data is short)."""
    Image.fromarray(np.zeros((4, 4), np.uint8)).save(path)
    data = bytearray(path.read_bytes())
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    path.write_bytes(bytes(data))
    return path


def test_raster_over_hoview_s_limit_is_refused_saying_the_limit(tmp_path):
    path = _png_claiming(tmp_path / "big.png", 20000, 15000)
    with pytest.raises(UnreadableImageError) as caught:
        open_path(path)
    message = str(caught.value)
    assert "300 megapixels is over hoview's limit" in message
    assert f"{MAX_MEGAPIXELS} megapixels (about" in message and "GB to display)" in message
    assert "decompression" not in message.lower()


def test_raster_over_pillow_s_bomb_limit_but_under_hoview_s_opens(tmp_path):
    path = _png_claiming(tmp_path / "large.png", 12000, 12000)  # 144 MP, over Pillow's 89
    image = RasterImage(path)  # the header is read; nothing is decoded yet
    assert (image.columns, image.rows) == (12000, 12000)
    with pytest.raises(UnreadableImageError, match="cannot decode the image"):
        image.pixels(1)  # the data behind the header is 4 x 4


def test_tiff_page_of_another_size_or_mode_is_left_out_and_named(tmp_path):
    first = Image.fromarray(np.full((20, 30), 50, np.uint8))
    same = Image.fromarray(np.full((20, 30), 90, np.uint8))
    other = Image.fromarray(np.zeros((10, 10, 3), np.uint8))
    path = tmp_path / "pages.tif"
    first.save(path, save_all=True, append_images=[other, same])
    image = RasterImage(path)
    assert image.frame_count == 2
    assert int(image.pixels(2)[0, 0]) == 90  # the third page, shown as frame 2
    assert "page 2 is 10 x 10 RGB" in image.warnings[0]
    assert "unlike page 1 (30 x 20 L), left out" in image.warnings[0]


def test_tiff_of_matching_pages_keeps_them_all(tmp_path):
    pages = [Image.fromarray(np.full((8, 8), v, np.uint8)) for v in (1, 2, 3)]
    path = tmp_path / "pages.tif"
    pages[0].save(path, save_all=True, append_images=pages[1:])
    image = RasterImage(path)
    assert image.frame_count == 3 and image.warnings == ()
    assert [int(image.pixels(n)[0, 0]) for n in (1, 2, 3)] == [1, 2, 3]


def test_truncated_raster_files_are_refused_in_one_line(tmp_path):
    bmp = tmp_path / "a.bmp"
    Image.fromarray(np.zeros((40, 40), np.uint8)).convert("P").save(bmp)
    bmp.write_bytes(bmp.read_bytes()[:300])
    tif = tmp_path / "b.tif"
    pages = [Image.fromarray(np.zeros((30, 30), np.uint8)) for _ in range(3)]
    pages[0].save(tif, save_all=True, append_images=pages[1:])
    tif.write_bytes(tif.read_bytes()[:1400])
    for path in (bmp, tif):
        try:
            image = RasterImage(path)
            for number in range(1, image.frame_count + 1):
                image.pixels(number)
        except UnreadableImageError as exc:
            assert str(exc).startswith(str(path)) and "\n" not in str(exc)


def test_raster_with_a_side_over_the_limit_is_refused(tmp_path):
    path = _png_claiming(tmp_path / "tall.png", 30, 3_072_048)
    with pytest.raises(UnreadableImageError, match="a side over hoview's limit of 65535"):
        open_path(path)


def test_render_of_a_folder_with_no_readable_image_says_why(tmp_path, capsys):
    from hoview.cli import main

    (tmp_path / "scan").mkdir()
    _png_claiming(tmp_path / "scan" / "big.png", 20000, 15000)
    assert main(["render", str(tmp_path / "scan"), "-o", str(tmp_path / "out.png")]) == 1
    line = capsys.readouterr().err.strip()
    assert line.startswith(f"hoview: error: {tmp_path / 'scan'}: no images found (1 skipped;")
    assert "big.png: image is 20000 x 15000" in line and "\n" not in line
