"""Bad sidecars: each is refused with the file and the item named, and left unchanged.

Malformed JSON, NaN and Infinity, huge numbers, deep nesting, a huge file, wrong types,
missing keys, a future version, another image's sidecar, a path outside the folder.
"""

from __future__ import annotations

import copy
import json
import os
import re

import pytest
from test_annotation_sidecar import IDENTITY, full_document

from hoview.annotations import (
    Arrow,
    SidecarMismatchError,
    SidecarSyntaxError,
    SidecarTooLargeError,
    SidecarUnreadableError,
    SidecarValidationError,
    SidecarVersionError,
    load,
    open_annotations,
    save,
    sidecar_path,
)
from hoview.annotations.codec import document_to_json


@pytest.fixture
def image(tmp_path):
    path = tmp_path / "pelvis.dcm"
    path.write_bytes(b"not really DICOM")
    return path


def base():
    return json.loads(json.dumps(document_to_json(full_document(), "pelvis.dcm")))


def edited(change):
    def make():
        data = copy.deepcopy(base())
        change(data)
        return json.dumps(data).encode()

    return make


def raw(data):
    return lambda: data


def replaced(old, new):
    def make():
        text = json.dumps(base())
        assert old in text
        return text.replace(old, new, 1).encode()

    return make


def nested(depth):
    return edited(lambda d: d.update(deep=json.loads("[" * depth + "]" * depth)))


BAD = {
    "malformed": (
        raw(b'{"format": "hoview.annotations",\n "version": 1,,}'),
        SidecarSyntaxError,
        r"invalid JSON at line 2 column 15: Expecting property name",
    ),
    "truncated": (
        lambda: json.dumps(base()).encode()[:300],
        SidecarSyntaxError,
        r"invalid JSON at line 1 column \d+",
    ),
    "empty": (raw(b""), SidecarSyntaxError, r"line 1 column 1"),
    "not utf-8": (
        lambda: json.dumps(base()).encode().replace(b'"HO"', b'"H\xff"'),
        SidecarSyntaxError,
        r"not UTF-8 text: invalid byte at line 1 column \d+",
    ),
    "NaN": (
        replaced("[1200.5, 900.25]", "[NaN, 900.25]"),
        SidecarSyntaxError,
        r"annotations\[0\]\.points\[0\]\[0\]: NaN is not allowed",
    ),
    "Infinity": (
        lambda: (
            json.dumps({**base(), "made_by_test": 1})
            .encode()
            .replace(b'"made_by_test": 1', b'"made_by_test": Infinity')
        ),
        SidecarSyntaxError,
        r"made_by_test: Infinity is not allowed",
    ),
    "-Infinity": (
        replaced('"order": 3', '"order": -Infinity'),
        SidecarSyntaxError,
        r"layers\[1\]\.order: -Infinity is not allowed",
    ),
    "1e400 point": (
        replaced("[1400.0, 1100.0]", "[1e400, 1100.0]"),
        SidecarValidationError,
        r"annotations\[0\]\.points\[1\]\[0\]: must be a finite number",
    ),
    "1e400 unknown": (
        lambda: json.dumps(base()).encode().replace(b'"id": "r1"', b'"n": [1, 1e400], "id": "r1"'),
        SidecarValidationError,
        r"annotations\[2\]\.n\[1\]: number is too large",
    ),
    "huge integer": (
        replaced('"frame": 2', '"frame": ' + "9" * 30),
        SidecarSyntaxError,
        r"annotations\[1\]\.frame: a 30-digit integer is too large",
    ),
    "enormous integer": (
        replaced('"frame": 2', '"frame": ' + "9" * 5000),
        SidecarSyntaxError,
        r"annotations\[1\]\.frame: a 5000-digit",
    ),
    "deep nesting": (
        raw(b"[" * 100_000 + b"]" * 100_000),
        SidecarSyntaxError,
        r"nested too deeply",
    ),
    "nesting in unknown key": (nested(40), SidecarValidationError, r"deep: JSON nested too deeply"),
    "nesting in points": (
        replaced("[[5.0, 5.0], [50.0, 50.0]]", "[" * 500 + "]" * 500),
        SidecarValidationError,
        r"annotations\[3\]\.points",
    ),
    "top-level array": (raw(b"[]"), SidecarValidationError, r"expected a JSON object"),
    "wrong format": (
        edited(lambda d: d.update(format="labelme")),
        SidecarValidationError,
        r"format: not a hoview annotation file",
    ),
    "version as text": (
        edited(lambda d: d.update(version="1")),
        SidecarValidationError,
        r"version: expected integer",
    ),
    "no layers": (
        edited(lambda d: d.pop("layers")),
        SidecarValidationError,
        r"\.json: layers: missing",
    ),
    "layers not a list": (
        edited(lambda d: d.update(layers={})),
        SidecarValidationError,
        r"layers: expected array",
    ),
    "layer visible": (
        edited(lambda d: d["layers"][0].update(visible="yes")),
        SidecarValidationError,
        r"layers\[0\]\.visible: expected boolean",
    ),
    "points as text": (
        edited(lambda d: d["annotations"][3].update(points="5,5,50,50")),
        SidecarValidationError,
        r"annotations\[3\]\.points: expected an array",
    ),
    "frame as text": (
        edited(lambda d: d["annotations"][3].update(frame="1")),
        SidecarValidationError,
        r"annotations\[3\]\.frame: expected an integer",
    ),
    "point as number": (
        edited(lambda d: d["annotations"][3].update(points=[1, 2])),
        SidecarValidationError,
        r"annotations\[3\]\.points\[0\]: expected a point",
    ),
    "label as number": (
        edited(lambda d: d["annotations"][3].update(label=5)),
        SidecarValidationError,
        r"annotations\[3\]\.label: expected a string",
    ),
    "style as text": (
        edited(lambda d: d["annotations"][3].update(style="red")),
        SidecarValidationError,
        r"annotations\[3\]\.style: expected an object",
    ),
    "laterality": (
        edited(lambda d: d["annotations"][3]["finding"].update(laterality="left")),
        SidecarValidationError,
        r"annotations\[3\]\.finding\.laterality: must be one",
    ),
    "missing points": (
        edited(lambda d: d["annotations"][3].pop("points")),
        SidecarValidationError,
        r"annotations\[3\]\.points: missing",
    ),
    "text without text": (
        edited(lambda d: d["annotations"][1].pop("text")),
        SidecarValidationError,
        r"annotations\[1\]\.text: missing",
    ),
    "three points": (
        edited(lambda d: d["annotations"][3]["points"].append([1.0, 1.0])),
        SidecarValidationError,
        r"annotations\[3\]\.points: an arrow has 2 points",
    ),
    "unknown kind": (
        edited(lambda d: d["annotations"][3].update(kind="hexagon")),
        SidecarValidationError,
        r"annotations\[3\]\.kind: must be one of",
    ),
    "bad timestamp": (
        edited(lambda d: d["annotations"][3].update(created="yesterday")),
        SidecarValidationError,
        r"annotations\[3\]\.created: 'yesterday'",
    ),
    "duplicate id": (
        edited(lambda d: d["annotations"][3].update(id="a1")),
        SidecarValidationError,
        r"annotations\[3\]\.id: 'a1' is used twice",
    ),
    "duplicate layer": (
        edited(lambda d: d["layers"][1].update(id="findings")),
        SidecarValidationError,
        r"layers\[1\]\.id: 'findings' is used twice",
    ),
    "missing layer": (
        edited(lambda d: d["annotations"][3].update(layer="gone")),
        SidecarValidationError,
        r"annotations\[3\]\.layer: there is no layer",
    ),
    "frame out of range": (
        edited(lambda d: d["annotations"][3].update(frame=3)),
        SidecarValidationError,
        r"annotations\[3\]\.frame: frame 3 does not",
    ),
    "point outside": (
        edited(lambda d: d["annotations"][3].update(points=[[5, 5], [9000, 5]])),
        SidecarValidationError,
        r"annotations\[3\]\.points\[1\]: .* outside",
    ),
    "future version": (
        edited(lambda d: d.update(version=3, shapes=["new"])),
        SidecarVersionError,
        r"version 3 was written by a newer hoview",
    ),
    "another image": (
        edited(lambda d: d["image"].update(sop_instance_uid="1.2.3")),
        SidecarMismatchError,
        r"image: belongs to another image",
    ),
    "raster sidecar": (
        edited(
            lambda d: d.update(
                image={"sha256": "a" * 64, "columns": 3000, "rows": 2500, "frames": 2}
            )
        ),
        SidecarMismatchError,
        r"no SOP Instance UID",
    ),
    "another size": (
        edited(lambda d: d["image"].update(columns=1500)),
        SidecarMismatchError,
        r"made for a 1500 x 2500 image",
    ),
    "file up": (
        edited(lambda d: d["image"].update(file="../pelvis.dcm")),
        SidecarValidationError,
        r"image\.file: must be the image's file name",
    ),
    "file absolute": (
        edited(lambda d: d["image"].update(file="/etc/passwd")),
        SidecarValidationError,
        r"image\.file",
    ),
    "file in subfolder": (
        edited(lambda d: d["image"].update(file="sub\\pelvis.dcm")),
        SidecarValidationError,
        r"image\.file",
    ),
    "file dot dot": (
        edited(lambda d: d["image"].update(file="..")),
        SidecarValidationError,
        r"image\.file",
    ),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_sidecar_is_refused_named_and_left_unchanged(case, image, tmp_path):
    make, error, pattern = BAD[case]
    path = sidecar_path(image)
    data = make()
    path.write_bytes(data)
    with pytest.raises(error) as info:
        load(image, IDENTITY)
    message = str(info.value)
    assert message.startswith(f"{path}: "), message
    assert len(message) < 400 and "\n" not in message
    assert re.search(pattern, message), message
    result = open_annotations(image, IDENTITY)  # the image still opens, without annotations
    assert isinstance(result.error, error) and len(result.document) == 0
    assert result.path == path
    result.document.add(Arrow((1, 1), (2, 2)))
    with pytest.raises(SidecarUnreadableError):
        save(result.document, image)
    assert path.read_bytes() == data, "the sidecar is left byte-for-byte unchanged"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pelvis.dcm", "pelvis.dcm.hoview.json"]


def test_huge_file_is_refused_without_reading_it(image, tmp_path):
    path = sidecar_path(image)
    with open(path, "wb") as f:
        f.write(b'{"format": "hoview.annotations"')
        f.truncate(65 * 2**20)  # sparse
    before = os.stat(path)
    with pytest.raises(SidecarTooLargeError, match="far larger than any sidecar"):
        load(image, IDENTITY)
    result = open_annotations(image, IDENTITY)
    assert isinstance(result.error, SidecarTooLargeError)
    with pytest.raises(SidecarUnreadableError):
        save(result.document, image)
    after = os.stat(path)
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def test_future_version_is_never_rewritten_unless_forced(image):
    path = sidecar_path(image)
    data = edited(lambda d: d.update(version=7))()
    path.write_bytes(data)
    result = open_annotations(image, IDENTITY)
    assert isinstance(result.error, SidecarVersionError)
    assert "this one reads version 2" in str(result.error)
    with pytest.raises(SidecarUnreadableError):
        save(result.document, image)
    assert path.read_bytes() == data
    save(result.document, image, force=True)  # the user said so: the old file is the backup
    assert path.with_name(path.name + ".bak").read_bytes() == data
