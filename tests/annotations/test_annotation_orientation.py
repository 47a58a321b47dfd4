"""The sidecar's optional ``orientation``: model attribute, schema and codec round trip."""

from __future__ import annotations

import json

import pytest

from hoview.annotations import AnnotationDocument
from hoview.annotations.codec import document_from_json, dumps
from hoview.annotations.errors import SidecarValidationError

IDENTITY = {"sha256": "0" * 64, "columns": 40, "rows": 30, "frames": 1}


def test_orientation_is_absent_by_default_and_not_written():
    document = AnnotationDocument(IDENTITY)
    assert document.orientation is None
    assert "orientation" not in json.loads(dumps(document))


def test_set_orientation_round_trips_and_emits_one_event():
    document = AnnotationDocument(IDENTITY)
    events = []
    document.events.connect(events.append)
    document.set_orientation(("l", "f"))
    document.set_orientation(("L", "F"))  # the same: no second event
    assert document.orientation == ("L", "F")
    assert [e.type for e in events] == ["orientation_changed"]
    data = json.loads(dumps(document))
    assert data["orientation"] == ["L", "F"]
    assert document_from_json(data).orientation == ("L", "F")
    document.set_orientation(None)
    assert document.orientation is None
    assert "orientation" not in json.loads(dumps(document))


@pytest.mark.parametrize("bad", [["L", "R"], ["X", "F"], ["LL", "F"], ["L"], "LF", ["", "F"]])
def test_invalid_orientations_are_refused_on_load_and_in_the_model(bad):
    data = json.loads(dumps(AnnotationDocument(IDENTITY)))
    data["orientation"] = bad
    with pytest.raises(SidecarValidationError, match="orientation"):
        document_from_json(data)
    with pytest.raises((TypeError, ValueError), match="orientation"):
        AnnotationDocument(IDENTITY).set_orientation(bad)
