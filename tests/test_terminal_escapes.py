"""Control characters from files never reach the terminal: info, annotations, errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pydicom
import pytest

from hoview.cli import main
from hoview.terminal import escape_controls, escape_json

#: ESC sequences (clear screen, OSC 52 clipboard write), a C1 CSI, a bidi override, BEL.
HOSTILE = "Hip\x1b[2J\x9b31m\u202eevil\x1b]52;c;QUFB\x07"
RAW = ("\x1b", "\x9b", "\u202e", "\x07")


def _no_raw_controls(text: str) -> None:
    for char in RAW:
        assert char not in text, repr(text)


def test_escape_controls_spells_out_what_a_terminal_would_obey():
    assert escape_controls("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert escape_controls("\x9b\u202e\x7f") == "\\x9b\\u202e\\x7f"
    assert escape_controls("line one\n\tline two") == "line one\n\tline two"
    assert escape_controls("Ünïcödé 股骨") == "Ünïcödé 股骨"
    # An undecodable byte of a file name (surrogateescape) becomes \xNN, not a crash.
    assert escape_controls(os.fsdecode(b"film\xff.dcm")) == "film\\xff.dcm"


def test_escape_json_stays_json_with_the_same_strings():
    data = {"label": HOSTILE, "tab": "a\tb"}
    text = escape_json(json.dumps(data, indent=2, ensure_ascii=False))
    _no_raw_controls(text)
    assert json.loads(text) == data


@pytest.fixture
def hostile_ct(tmp_path, pydicom_files) -> Path:
    ds = pydicom.dcmread(pydicom_files / "CT_small.dcm")
    ds.SpecificCharacterSet = "ISO_IR 192"
    ds.StudyDescription = HOSTILE
    ds.SeriesDescription = "Series" + HOSTILE
    path = tmp_path / "ct.dcm"
    ds.save_as(path)
    return path


@pytest.mark.parametrize("as_json", [False, True])
def test_info_escapes_descriptions(capsys, hostile_ct, as_json):
    status = main(["info", str(hostile_ct), *(["--json"] if as_json else [])])
    out, err = capsys.readouterr()
    assert status == 0, err
    _no_raw_controls(out)
    if as_json:
        (study,) = json.loads(out)["studies"]
        assert study["description"] == HOSTILE  # escaped on screen, exact in the data
    else:
        assert "Hip\\x1b[2J\\x9b31m\\u202eevil" in out


@pytest.mark.parametrize("as_json", [False, True])
def test_annotations_escapes_labels_and_findings(capsys, hostile_ct, as_json):
    status = main(
        [
            "annotate",
            str(hostile_ct),
            "--arrow",
            "10",
            "10",
            "60",
            "60",
            "--label",
            HOSTILE,
            "--finding",
            "HO" + HOSTILE,
            "--author",
            "dr\x1b[8m",
        ]
    )
    assert status == 0
    capsys.readouterr()
    status = main(["annotations", str(hostile_ct), *(["--json"] if as_json else [])])
    out, err = capsys.readouterr()
    assert status == 0, err
    _no_raw_controls(out)
    if as_json:
        (item,) = json.loads(out)["annotations"]
        assert item["label"] == HOSTILE and item["author"] == "dr\x1b[8m"
    else:
        assert "\\x1b[2J" in out


def test_error_line_escapes_the_file_name(tmp_path):
    bad = tmp_path / "film\x1b[31m\u202e.dcm"
    bad.write_bytes(b"not a dicom file at all")
    done = subprocess.run(
        [sys.executable, "-m", "hoview", "info", str(bad)], capture_output=True, text=True
    )
    assert done.returncode == 1
    _no_raw_controls(done.stderr)
    assert done.stderr.startswith("hoview: error: ") and "film\\x1b[31m\\u202e.dcm" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_undecodable_file_name_prints_instead_of_crashing(tmp_path, pydicom_files):
    folder = os.fsencode(tmp_path)
    target = os.path.join(folder, b"ct\xff.dcm")
    shutil.copyfile(pydicom_files / "CT_small.dcm", target)
    done = subprocess.run(
        [sys.executable, "-m", "hoview", "annotate", target, "--arrow", "1", "1", "9", "9"],
        capture_output=True,
    )
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr
    assert b"ct\\xff.dcm.hoview.json" in done.stdout
