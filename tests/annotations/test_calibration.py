"""A user calibration: its checks, the document's switch, the sidecar and the newer-version rule."""

from __future__ import annotations

import json

import pytest

from hoview.annotations import AnnotationDocument, Arrow, SidecarVersionError, codec, load, save
from hoview.annotations.calibration import Calibration
from hoview.annotations.codec import document_from_json, document_to_json

IDENTITY = {"sha256": "ef" * 32, "columns": 400, "rows": 300, "frames": 1}
T0 = "2026-12-01T10:00:00.000Z"


def test_the_spacing_is_the_length_over_the_line():
    calibration = Calibration(start=(0, 0), end=(120, 160), length_mm=50, author="dr a", date=T0)
    assert calibration.pixels == 200
    assert calibration.mm_per_pixel == 0.25
    assert calibration.spacing == (0.25, 0.25)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"length_mm": 0}, "calibration.length_mm: must be more than 0"),
        ({"length_mm": -3}, "calibration.length_mm"),
        ({"length_mm": float("nan")}, "calibration.length_mm"),
        ({"end": (1, 0)}, "1.0 pixels long"),
        ({"date": "yesterday"}, "calibration.date"),
    ],
)
def test_a_bad_calibration_is_refused_naming_the_field(fields, message):
    values = {"start": (0, 0), "end": (100, 0), "length_mm": 10.0, **fields}
    with pytest.raises(ValueError, match=message):
        Calibration(**values)


def test_the_document_keeps_it_and_says_when_it_changes():
    document = AnnotationDocument(IDENTITY)
    events = []
    document.events.connect(lambda event: events.append(event.type))
    calibration = Calibration(start=(10, 10), end=(110, 10), length_mm=30.0, date=T0)
    document.set_calibration(calibration)
    assert document.calibration == calibration
    assert events == ["calibration_changed"]
    with pytest.raises(ValueError, match=r"calibration.points\[1\]: \(900, 10\) is outside"):
        document.set_calibration(Calibration(start=(10, 10), end=(900, 10), length_mm=3))
    document.set_calibration(None)
    assert document.calibration is None


def test_it_round_trips_through_the_sidecar_as_version_2(tmp_path):
    image = tmp_path / "film.png"
    image.write_bytes(b"not read")
    document = AnnotationDocument(IDENTITY)
    document.add(Arrow(tail=(10, 10), head=(50, 50)))
    save(document, image)
    sidecar = json.loads((tmp_path / "film.png.hoview.json").read_text())
    assert sidecar["version"] == 1  # nothing version 2 added: older hoviews still open it
    document.set_calibration(Calibration(start=(10, 10), end=(110, 10), length_mm=30, date=T0))
    save(document, image)
    sidecar = json.loads((tmp_path / "film.png.hoview.json").read_text())
    assert sidecar["version"] == 2
    assert sidecar["calibration"] == {
        "points": [[10.0, 10.0], [110.0, 10.0]],
        "length_mm": 30.0,
        "frame": 1,
        "author": "",
        "date": T0,
    }
    assert load(image, IDENTITY).calibration.mm_per_pixel == pytest.approx(0.3)


def test_a_bad_calibration_in_a_sidecar_is_a_validation_error():
    data = document_to_json(AnnotationDocument(IDENTITY))
    data["calibration"] = {"points": [[0, 0], [0, 0]], "length_mm": 10}
    with pytest.raises(Exception, match="calibration"):
        document_from_json(data)


def test_the_previous_version_refuses_a_version_2_sidecar_cleanly(monkeypatch):
    """What hoview 0.x (reading version 1 and older) does with what this one writes."""
    document = AnnotationDocument(IDENTITY)
    document.set_calibration(Calibration(start=(10, 10), end=(110, 10), length_mm=30, date=T0))
    data = document_to_json(document)
    monkeypatch.setattr(codec, "VERSION", 1)
    with pytest.raises(SidecarVersionError, match="version 2 was written by a newer hoview"):
        document_from_json(data, path="film.png.hoview.json")


def test_every_version_1_sidecar_still_opens():
    data = document_to_json(AnnotationDocument(IDENTITY))
    data["version"] = 1
    data["annotations"] = [
        {"id": "a1", "kind": "arrow", "layer": "findings", "frame": 1, "points": [[1, 1], [9, 9]]}
    ]
    assert len(document_from_json(data)) == 1


def test_calibrating_is_one_undo_step_with_the_suggestions_it_changes():
    from hoview.annotations import Finding, Gap, History
    from hoview.annotations.brooker import refresh_suggestions

    document = AnnotationDocument(IDENTITY)
    arrow = document.add(
        Arrow(tail=(10, 10), head=(50, 50), finding=Finding("heterotopic ossification"))
    )
    document.add(Gap(start=(60, 60), end=(60, 100), arrow=arrow.id))  # 40 px
    history = History(document)
    events = []
    document.events.connect(lambda event: events.append(event.type))
    with history.group("Calibrate"):
        # 100 px is 20 mm: the gap is 8 mm, Brooker III.
        document.set_calibration(Calibration(start=(0, 0), end=(100, 0), length_mm=20, date=T0))
        refresh_suggestions(document, document.calibration.spacing)
    assert document.get(arrow.id).finding.suggested_grade == "Brooker III"
    assert "calibration_changed" in events
    history.undo()
    assert document.calibration is None
    assert document.get(arrow.id).finding.suggested_grade is None
    history.redo()
    assert document.calibration.mm_per_pixel == pytest.approx(0.2)
    assert document.get(arrow.id).finding.suggested_grade == "Brooker III"
    document.set_calibration(None)
    assert document.calibration is None
    history.undo()
    assert document.calibration is not None
