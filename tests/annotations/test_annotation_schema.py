"""The JSON Schema in resources/ and the loader's fast checks say the same thing.

The loader validates the document with the schema but checks annotation items with
the model's constructors (fast enough for 10,000 arrows). These tests hold the two to
agreement on random mutations of valid items, and check what hoview writes against
the full schema.
"""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hoview.annotations import SidecarError
from hoview.annotations.codec import document_from_json, schema, validator

BIG = {"sop_instance_uid": "1.2.3", "columns": 1_000_000, "rows": 1_000_000, "frames": 1_000_000}
ITEMS = {
    "arrow": {
        "id": "a1",
        "kind": "arrow",
        "layer": "findings",
        "frame": 1,
        "points": [[10.0, 20.0], [30.5, 40.0]],
        "label": "HO",
        "style": {"colour": "#ffffff", "line_width": 0.002},
        "finding": {
            "finding": "heterotopic ossification",
            "laterality": "R",
            "grade": "Brooker II",
        },
        "author": "dr. A",
        "created": "2024-05-01T12:34:56Z",
        "modified": "2024-05-01T12:34:57.5Z",
    },
    "text": {
        "id": "t1",
        "kind": "text",
        "layer": "findings",
        "frame": 2,
        "points": [[10.0, 20.0]],
        "text": "Brooker II",
        "label": None,
        "style": {},
        "finding": None,
        "author": "",
        "created": "2024-05-01T12:34:56+00:00",
    },
    "ruler": {
        "id": "r1",
        "kind": "ruler",
        "layer": "findings",
        "frame": 1,
        "points": [[0, 0], [100, 0]],
    },
    "polyline": {
        "id": "p1",
        "kind": "polyline",
        "layer": "findings",
        "frame": 1,
        "points": [[0, 0], [100, 0], [50.5, 80]],
        "closed": True,
        "interpolated": False,
    },
    "circle": {
        "id": "c1",
        "kind": "circle",
        "layer": "findings",
        "frame": 1,
        "points": [[50, 50], [60, 50]],
    },
    "ellipse": {
        "id": "e1",
        "kind": "ellipse",
        "layer": "findings",
        "frame": 1,
        "points": [[10, 50], [90, 50], [50, 30], [50, 70]],
    },
    "point": {"id": "x1", "kind": "point", "layer": "findings", "frame": 1, "points": [[5.5, 6.5]]},
}
#: Semantic checks the schema cannot make (the image is huge, so they rarely fire).
SEMANTIC = ("lies outside", "there is no layer", "does not exist")

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-2_000_000, 2_000_000)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=6),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=6,
)
_IDS = ["a1", "findings", "other", "a.b:c-d_1", "has space", "", "x" * 64, "x" * 65, 5]
_TIMES = [
    "2024-05-01T12:34:56Z",
    "2024-05-01T12:34:56.123456+00:00",
    "2024-05-01T12:34:56",
    "2024-05-01T12:34:56+01:00",
    "2024-05-01 12:34:56Z",
    "2024-05-01T12:34:56.1234567Z",
    None,
    0,
]
_SIZES = [None, 0.0001, 0.00009, 0.25, 0.2500001, 0, 1, -0.1, "0.1", True]
_COLOURS = [None, "#ffffff", "#FFAA00", "#fff", "white", "none", "None", 1]
#: Values worth trying for each field (plus any JSON value).
POOLS = {
    "id": _IDS,
    "layer": _IDS,
    "kind": ["arrow", "text", "ruler", "circle", "ellipse", "point", "polyline", "Arrow", "box"],
    "frame": [0, 1, 2, 1.0, 2.5, -1, 1_000_000, 1_000_001, "1", True],
    "points": [
        [[1.0, 2.0]],
        [[1.0, 2.0], [3.0, 4.0]],
        [[1, 2], [3, 4], [5, 6]],
        [[1, 2], [3, 4], [5, 6], [7, 8]],
        [[1, 2]] * 10_000,
        [[1, 2]] * 10_001,
        [],
        "1,2",
        [1, 2],
    ],
    "points[2]": [[1.0, 2.0], [1], ["1", 2], None],
    "closed": [True, False, None, 0, 1, "true"],
    "interpolated": [True, False, None, 0, "false"],
    "points[0]": [
        [1.0, 2.0],
        [1, 2, 3],
        [1],
        [True, 2],
        ["1", 2],
        [1e6, -1e6],
        [1e6 + 1, 0],
        {"x": 1},
    ],
    "points[0][1]": [0, -1e6, 1e6, 1e6 + 0.5, -1e6 - 1, True, "1", None, 2.5],
    "label": [None, "", "HO", "x" * 10_000, "x" * 10_001, 5, ["HO"]],
    "text": ["", " ", "\t", "note", "x" * 10_000, "x" * 10_001, None, 1],
    "style": [None, {}, "red", [], {"colour": None}, {"dash": [1]}],
    "style.colour": _COLOURS,
    "style.outline": _COLOURS,
    "style.line_width": _SIZES,
    "style.head_size": _SIZES,
    "style.font_size": _SIZES,
    "finding": [None, {}, {"finding": "HO"}, {"finding": ""}, "HO", {"finding": "HO", "x": 1}],
    "finding.finding": ["HO", "", " ", "x" * 256, "x" * 257, None, 3],
    "finding.laterality": ["R", "L", "bilateral", "left", "r", None, 1, ""],
    "finding.grade": [None, "", "Brooker IV", "x" * 256, "x" * 257, 3],
    "author": ["", "dr", "x" * 256, "x" * 257, None, 3],
    "created": _TIMES,
    "modified": _TIMES,
    "zz_extra": [None, {"a": [1, 2.5]}],
}
edit = st.sampled_from(list(POOLS)).flatmap(
    lambda field: st.tuples(
        st.just(field),
        st.sampled_from(POOLS[field]) | json_values,
        st.booleans(),
    )
)


def set_path(item, field, value, delete):
    parts = field.replace("[", ".").replace("]", "").split(".")
    target = item
    for part in parts[:-1]:
        key = int(part) if part.isdigit() else part
        try:
            target = target[key]
        except (KeyError, IndexError, TypeError):
            return False
        if not isinstance(target, (dict, list)):
            return False
    last = int(parts[-1]) if parts[-1].isdigit() else parts[-1]
    if isinstance(target, list) and (not isinstance(last, int) or last >= len(target)):
        return False
    if isinstance(target, dict) and isinstance(last, int):
        return False
    if delete:
        if isinstance(target, dict):
            target.pop(last, None)
        else:
            del target[last]
    else:
        target[last] = value
    return True


def sidecar(item):
    return {
        "format": "hoview.annotations",
        "version": 1,
        "image": BIG,
        "layers": [{"id": "findings", "name": "Findings"}],
        "annotations": [item],
    }


def verdicts(item):
    data = sidecar(item)
    schema_ok = validator().is_valid(data)
    try:
        document_from_json(json.loads(json.dumps(data)), BIG)
        model_ok, why = True, ""
    except SidecarError as exc:
        why = str(exc)
        model_ok = any(s in why for s in SEMANTIC)
    return schema_ok, model_ok, why


@pytest.mark.parametrize("kind", list(ITEMS))
def test_the_valid_items_are_valid(kind):
    assert verdicts(ITEMS[kind]) == (True, True, "")


def test_schema_and_model_agree_on_every_single_edit():
    disagreements = []
    for kind, valid in ITEMS.items():
        for field, pool in POOLS.items():
            for value, delete in [(v, False) for v in pool] + [(None, True)]:
                item = copy.deepcopy(valid)
                if not set_path(item, field, value, delete):
                    continue
                schema_ok, model_ok, why = verdicts(item)
                if schema_ok != model_ok:
                    disagreements.append((kind, field, value, delete, schema_ok, why))
    assert disagreements == []


@settings(max_examples=300, deadline=None)
@given(
    kind=st.sampled_from(list(ITEMS)),
    edits=st.lists(edit, min_size=1, max_size=3),
)
def test_schema_and_model_agree_on_annotation_items(kind, edits):
    item = copy.deepcopy(ITEMS[kind])
    strings = []
    for field, value, delete in edits:
        if set_path(item, field, value, delete and field != "zz_extra"):
            strings.append(value)
    schema_ok, model_ok, why = verdicts(item)
    if schema_ok and not model_ok and any(isinstance(s, str) and s.endswith("\n") for s in strings):
        return  # Python's '$' also matches before a final newline: the model is stricter
    assert schema_ok == model_ok, f"schema says {schema_ok}, model says {model_ok}: {why}"


def test_what_hoview_writes_passes_the_full_schema():
    from hoview.annotations.codec import document_to_json

    for item in ITEMS.values():
        document = document_from_json(sidecar(copy.deepcopy(item)), BIG)
        jsonschema.validate(document_to_json(document, "film.png"), schema())


def test_schema_is_draft_2020_12_and_documents_units():
    s = schema()
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(s)
    assert "diagonal" in s["$defs"]["size"]["description"]
    assert "top-left corner of the top-left pixel" in s["description"]
