"""The read-only kinds for imported DICOM graphics: polyline, circle, ellipse, point.

Built checked, stored in the sidecar (schema-valid, unknown keys kept), and carried
through save, load, undo and merge like any other annotation.
"""

from __future__ import annotations

import json

import jsonschema
import pytest

from hoview.annotations import (
    AnnotationDocument,
    Arrow,
    Circle,
    Ellipse,
    History,
    Point,
    Polyline,
    Ruler,
    SidecarValidationError,
    Text,
    load,
    save,
)
from hoview.annotations.codec import document_from_json, document_to_json, dumps, schema
from hoview.annotations.commands import document_summary, format_summary
from hoview.annotations.kinds import KINDS
from hoview.annotations.merge import Snapshot, three_way, union

IDENTITY = {"sha256": "2e" * 32, "columns": 1000, "rows": 800, "frames": 2}
T0 = "2024-05-01T10:00:00.000Z"
T1 = "2024-05-01T11:00:00.000Z"


def every_kind() -> list:
    return [
        Arrow(tail=(10, 10), head=(50, 50), id="arrow", label="HO", created=T0),
        Text(anchor=(20, 30), text="note", id="text", created=T0),
        Ruler(start=(0, 0), end=(100, 0), id="ruler", created=T0),
        Polyline(
            vertices=[(100, 100), (200, 150), (250, 300)],
            id="polyline",
            label="GSPS outline",
            created=T0,
        ),
        Polyline(
            vertices=[(300, 300), (400, 300), (400, 400), (300, 400)],
            closed=True,
            interpolated=True,
            id="curve",
            frame=2,
            created=T0,
        ),
        Circle(centre=(500, 400), edge=(550, 400), id="circle", created=T0),
        Ellipse(
            major_start=(600, 500),
            major_end=(800, 500),
            minor_start=(700, 450),
            minor_end=(700, 550),
            id="ellipse",
            created=T0,
        ),
        Point(at=(900.5, 700.5), id="point", created=T0),
    ]


def test_the_registry_holds_every_kind_and_which_are_editable():
    assert {k: cls.editable for k, cls in KINDS.items()} == {
        "arrow": True,
        "text": True,
        "ruler": True,
        "angle": True,
        "cobb": True,
        "gap": True,
        "polyline": False,
        "circle": False,
        "ellipse": False,
        "point": False,
    }


def test_points_in_the_order_the_sidecar_stores_them():
    polyline, curve, circle, ellipse, point = every_kind()[3:]
    assert polyline.points == ((100.0, 100.0), (200.0, 150.0), (250.0, 300.0))
    assert (curve.closed, curve.interpolated) == (True, True)
    assert circle.points == ((500.0, 400.0), (550.0, 400.0)) and circle.radius == 50.0
    assert ellipse.points[2:] == ((700.0, 450.0), (700.0, 550.0))
    assert point.points == ((900.5, 700.5),)


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (lambda: Polyline(vertices=[(1, 2)]), ValueError, "vertices: a polyline has 2 to"),
        (lambda: Polyline(vertices=[(0, 0)] * 10_001), ValueError, "got 10001"),
        (lambda: Polyline(vertices="1,2"), TypeError, "vertices: expected a list of points"),
        (lambda: Polyline(vertices=[(1, 2), (3, float("nan"))]), ValueError, "vertices[1][1]"),
        (lambda: Polyline(vertices=[(1, 2), (3, 4)], closed="yes"), TypeError, "closed"),
        (lambda: Polyline(vertices=[(1, 2), (3, 4)], interpolated=1), TypeError, "interpolated"),
        (lambda: Circle(centre=(1, 2), edge=(1, 2, 3)), ValueError, "edge: a point has 2"),
        (lambda: Ellipse(major_start=(0, 0), major_end=(1, 1), minor_start=(0, 1)), TypeError, ""),
        (lambda: Point(at="here"), TypeError, "at: expected a point"),
    ],
)
def test_invalid_ones_cannot_be_built(build, error, message):
    with pytest.raises(error) as raised:
        build()
    assert message in str(raised.value)


def test_a_polyline_takes_up_to_10000_points_and_replace_sets_them():
    long = Polyline(vertices=[(i % 1000, i % 800) for i in range(10_000)])
    assert len(long.points) == 10_000
    moved = long.replace(points=[(1, 1), (2, 2)])
    assert moved.vertices == ((1.0, 1.0), (2.0, 2.0)) and moved.closed is False
    with pytest.raises(ValueError, match="points: a polyline has 2"):
        Polyline.check_points([(1, 1)])
    with pytest.raises(ValueError, match="an ellipse has 4 points, got 2"):
        every_kind()[6].replace(points=[(1, 1), (2, 2)])


def test_every_kind_round_trips_through_the_sidecar_and_passes_the_schema(tmp_path):
    document = AnnotationDocument(IDENTITY, annotations=every_kind())
    data = json.loads(dumps(document, "film.png"))
    jsonschema.validate(data, schema())
    curve = next(a for a in data["annotations"] if a["id"] == "curve")
    assert curve["kind"] == "polyline" and len(curve["points"]) == 4
    assert (curve["closed"], curve["interpolated"]) == (True, True)
    again = document_from_json(data, IDENTITY)
    assert again.annotations == document.annotations

    image = tmp_path / "film.png"
    image.write_bytes(b"not read")
    save(document, image)
    assert load(image, IDENTITY).annotations == document.annotations


def test_unknown_keys_of_the_new_kinds_are_kept():
    document = AnnotationDocument(IDENTITY, annotations=every_kind())
    data = document_to_json(document)
    for item in data["annotations"]:
        item["x_dicom"] = {"graphic_type": item["kind"].upper(), "filled": False}
    again = document_to_json(document_from_json(json.loads(json.dumps(data)), IDENTITY))
    assert again["annotations"] == data["annotations"]


def test_a_polyline_without_its_flags_is_open_and_straight():
    item = {"id": "p", "kind": "polyline", "layer": "findings", "frame": 1,
            "points": [[1, 2], [3, 4]]}  # fmt: skip
    data = {"format": "hoview.annotations", "version": 1, "image": IDENTITY,
            "layers": [{"id": "findings", "name": "Findings"}], "annotations": [item]}  # fmt: skip
    (polyline,) = document_from_json(data, IDENTITY).annotations
    assert (polyline.closed, polyline.interpolated) == (False, False)
    assert polyline.points == ((1.0, 2.0), (3.0, 4.0))


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ([[1, 2]], "annotations[0].points: a polyline has 2 to 10000 points, got 1"),
        ([], "annotations[0].points: a polyline has 2 to 10000 points, got 0"),
        ([[1, 2], [3, "4"]], "annotations[0].points[1][1]: expected a number"),
        ([[1, 2], [3000, 4]], "annotations[0].points[1]: (3000, 4) lies outside"),
    ],
)
def test_bad_polyline_points_name_the_item(points, message):
    item = {"id": "p", "kind": "polyline", "layer": "findings", "frame": 1, "points": points}
    data = {"format": "hoview.annotations", "version": 1, "image": IDENTITY,
            "layers": [{"id": "findings", "name": "Findings"}], "annotations": [item]}  # fmt: skip
    with pytest.raises(SidecarValidationError) as raised:
        document_from_json(data, IDENTITY)
    assert message in str(raised.value)


def test_undo_and_merge_carry_the_new_kinds():
    kinds = every_kind()
    document = AnnotationDocument(IDENTITY)
    history = History(document)
    document.add_many(kinds[3:])
    document.remove("circle")
    assert history.undo() and document.get("circle") == kinds[5]

    base = Snapshot.of(AnnotationDocument(IDENTITY, annotations=kinds[:3]))
    mine = Snapshot.of(AnnotationDocument(IDENTITY, annotations=kinds[:3] + kinds[3:5]))
    theirs = Snapshot.of(AnnotationDocument(IDENTITY, annotations=kinds[:3] + kinds[5:]))
    result = three_way(base, mine, theirs)
    assert result.conflicts == ()
    assert {a.id: a for a in result.snapshot.annotations} == {a.id: a for a in kinds}

    newer = Snapshot.of(
        AnnotationDocument(IDENTITY, annotations=[kinds[5].replace(label="seen", modified=T1)])
    )
    merged = union(mine, newer)
    assert {a.id for a in merged.annotations} == {a.id for a in kinds[:6]}
    assert next(a for a in merged.annotations if a.id == "circle").label == "seen"


def test_the_annotations_listing_names_them_read_only():
    many = Polyline(vertices=[(i, i) for i in range(1, 21)], id="long")
    document = AnnotationDocument(IDENTITY, annotations=every_kind() + [many])
    text = format_summary(document_summary(document), None)
    circle = next(line for line in text.splitlines() if line.lstrip().startswith("circle"))
    assert "(500, 400)  (550, 400)  (imported, read-only)" in circle
    curve = next(line for line in text.splitlines() if "(300, 300)" in line)
    assert "closed  smooth  (imported, read-only)" in curve
    long_line = next(line for line in text.splitlines() if "(1, 1)" in line)
    assert "(1, 1)  (2, 2)  (3, 3)  ... 20 points" in long_line
    arrow = next(line for line in text.splitlines() if line.lstrip().startswith("arrow"))
    assert "read-only" not in arrow
