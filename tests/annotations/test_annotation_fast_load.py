"""The sidecar reader's fast path builds the same objects and refuses the same items.

The codec checks the points itself and builds annotations with
``Annotation._from_fields`` (no dataclass ``__init__``, every other field checked
once); timestamps of days 1 to 28 skip the date parse (``PLAIN_TIMESTAMP``).
"""

from __future__ import annotations

import copy
import dataclasses
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hoview.annotations import _checks as c
from hoview.annotations.codec import annotation_to_json, document_from_json
from hoview.annotations.errors import SidecarValidationError
from hoview.annotations.kinds import KINDS
from hoview.annotations.shapes import Arrow, Finding, Ruler, Style, Text

IMAGE = {"sop_instance_uid": "1.2.3", "columns": 1000, "rows": 800, "frames": 2}
ARROW = {
    "id": "a1",
    "kind": "arrow",
    "layer": "findings",
    "frame": 1,
    "points": [[10.0, 20.0], [30.5, 40.0]],
    "created": "2024-05-01T12:34:56Z",
}


def load(*items):
    data = {
        "format": "hoview.annotations",
        "version": 1,
        "image": IMAGE,
        "layers": [{"id": "findings", "name": "Findings"}],
        "annotations": list(items),
    }
    return document_from_json(copy.deepcopy(data), IMAGE)


@pytest.mark.parametrize(
    "built",
    [
        Arrow(
            tail=(1.0, 2.0),
            head=(3.5, 4.0),
            id="a",
            frame=2,
            label="HO",
            style=Style(colour="#ff0000", line_width=0.01),
            finding=Finding("heterotopic ossification", "R", "Brooker II"),
            author="dr. A",
            created="2024-05-31T12:34:56.5Z",
            modified="2024-06-01T00:00:00+00:00",
            extra={"note": [1, {"x": None}]},
        ),
        Text(anchor=(5.0, 6.0), text="Brooker II", id="t", created="2024-05-01T12:00:00Z"),
        Ruler(start=(0.0, 0.0), end=(100.0, 0.0), id="r", created="2024-05-01T12:00:00Z"),
    ],
)
def test_a_loaded_annotation_equals_the_one_saved(built):
    loaded = load(annotation_to_json(built)).get(built.id)
    assert type(loaded) is type(built) and loaded == built
    for f in dataclasses.fields(built):  # every slot is set, even those eq skips
        assert getattr(loaded, f.name) == getattr(built, f.name), f.name
    with pytest.raises(dataclasses.FrozenInstanceError):
        loaded.label = "changed"  # type: ignore[misc]


def test_every_kind_stores_each_field_in_order():
    for cls in KINDS.values():
        names = [f.name for f in dataclasses.fields(cls)]
        assert [s.__self__.__name__ for s in cls._STORES] == names


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"points": [[1.0, 2.0], [float("nan"), 1.0]]}, "points[1][0]: must be a finite number"),
        ({"points": [[1.0, 2.0], [2e6, 1.0]]}, "points[1][0]: must be between -1e+06 and 1e+06"),
        ({"points": [[1.0, 2.0], [5000.0, 1.0]]}, "points[1]: (5000, 1) lies outside the 1000"),
        ({"points": [[1.0, 2.0]]}, "points: an arrow has 2 points, got 1"),
        ({"created": "2024-02-30T12:00:00Z"}, "created: '2024-02-30T12:00:00Z' is not a real"),
        ({"created": "0000-05-01T12:00:00Z"}, "created: '0000-05-01T12:00:00Z' is not a real"),
        ({"modified": "2024-05-01T24:00:00Z"}, "modified: '2024-05-01T24:00:00Z' is not a real"),
        ({"modified": "2024-05-01 12:00:00Z"}, "modified: '2024-05-01 12:00:00Z' is not an ISO"),
        ({"modified": None}, "modified: expected an ISO 8601 timestamp, got null"),
        ({"layer": "nope"}, "layer: there is no layer 'nope'"),
        ({"layer": "no pe"}, "layer: 'no pe' is not an identifier"),
        ({"id": "a 2"}, "id: 'a 2' is not an identifier"),
        ({"id": "a1"}, "id: 'a1' is used twice"),
        ({"frame": 3}, "frame: frame 3 does not exist: the image has 2 frames"),
        ({"frame": 0}, "frame: must be between 1 and 1000000, got 0"),
        ({"author": 3}, "author: expected a string, got integer"),
        ({"style": {"colour": [1]}}, "style.colour: expected a colour '#rrggbb', got array"),
        ({"finding": {"finding": "HO", "grade": [1]}}, "finding.grade: expected a string"),
        ({"kind": "text", "points": [[1.0, 1.0]]}, "text: missing"),
    ],
)
def test_a_bad_item_is_refused_with_its_message(change, message):
    item = {**ARROW, "id": "a2", **change}
    with pytest.raises(SidecarValidationError) as info:
        load(ARROW, item)
    assert f"annotations[1].{message}" in str(info.value)


def test_the_first_bad_item_wins_and_item_errors_come_before_document_errors():
    unknown_layer = {**ARROW, "id": "a2", "layer": "nope"}
    bad_time = {**ARROW, "id": "a3", "created": "2024-13-01T00:00:00Z"}
    with pytest.raises(SidecarValidationError, match=r"annotations\[2\]\.created"):
        load(ARROW, unknown_layer, bad_time)


def _accepted(value):
    try:
        c.check_timestamp("t", value)
    except ValueError:
        return False
    return True


@settings(max_examples=500, deadline=None)
@given(
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)),
    st.sampled_from(["", ".5", ".123456", ".1234567"]),
    st.sampled_from(["Z", "+00:00", "+01:00", ""]),
)
def test_plain_timestamps_are_ones_the_full_check_accepts(moment, fraction, zone):
    value = f"{moment.year:04d}" + moment.strftime("-%m-%dT%H:%M:%S") + fraction + zone
    if c.PLAIN_TIMESTAMP.fullmatch(value):
        assert _accepted(value)
    if _accepted(value) and moment.day <= 28:
        assert c.PLAIN_TIMESTAMP.fullmatch(value)


@settings(max_examples=500, deadline=None)
@given(st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z", fullmatch=True))
def test_no_impossible_date_passes_the_fast_path(value):
    assert not c.PLAIN_TIMESTAMP.fullmatch(value) or _accepted(value)
