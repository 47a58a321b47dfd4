"""The annotation model: validation when built, events, bulk actions."""

from __future__ import annotations

import dataclasses
import logging
import math

import numpy as np
import pytest

from hoview.annotations import (
    DEFAULT_LAYER_ID,
    AnnotationDocument,
    Arrow,
    Finding,
    Layer,
    Ruler,
    Style,
    Text,
    check_identity,
)

IDENTITY = {
    "sop_instance_uid": "1.2.826.0.1.3680043.2.1125.1",
    "columns": 3000,
    "rows": 2500,
    "frames": 2,
}
STAMP = "2024-05-01T12:34:56Z"


def arrow(**kw):
    kw.setdefault("tail", (100.0, 100.0))
    kw.setdefault("head", (200.0, 180.0))
    return Arrow(**kw)


# -- building objects -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "field"),
    [
        ({"tail": "1,2"}, TypeError, "tail"),
        ({"tail": (1.0,)}, ValueError, "tail"),
        ({"tail": (1.0, 2.0, 3.0)}, ValueError, "tail"),
        ({"tail": (1.0, "2")}, TypeError, "tail[1]"),
        ({"tail": (True, 2.0)}, TypeError, "tail[0]"),
        ({"head": (math.nan, 2.0)}, ValueError, "head[0]"),
        ({"head": (1.0, math.inf)}, ValueError, "head[1]"),
        ({"head": (1.0, 1e9)}, ValueError, "head[1]"),
        ({"id": ""}, ValueError, "id"),
        ({"id": "has space"}, ValueError, "id"),
        ({"id": "x" * 65}, ValueError, "id"),
        ({"id": 7}, TypeError, "id"),
        ({"layer": None}, TypeError, "layer"),
        ({"frame": 0}, ValueError, "frame"),
        ({"frame": 1.0}, TypeError, "frame"),
        ({"frame": True}, TypeError, "frame"),
        ({"label": 3}, TypeError, "label"),
        ({"label": "x" * 10_001}, ValueError, "label"),
        ({"style": "white"}, TypeError, "style"),
        ({"style": {"colour": "white"}}, ValueError, "style.colour"),
        ({"style": {"line_width": 0}}, ValueError, "style.line_width"),
        ({"style": {"head_size": 2.0}}, ValueError, "style.head_size"),
        ({"style": {"outline": "black"}}, ValueError, "style.outline"),
        ({"finding": "HO"}, TypeError, "finding"),
        ({"finding": {"finding": ""}}, ValueError, "finding.finding"),
        ({"finding": {"finding": "HO", "laterality": "left"}}, ValueError, "finding.laterality"),
        ({"finding": {"finding": "HO", "grade": 3}}, TypeError, "finding.grade"),
        ({"author": None}, TypeError, "author"),
        ({"created": "2024-05-01 12:34:56"}, ValueError, "created"),
        ({"created": "2024-05-01T12:34:56+02:00"}, ValueError, "created"),
        ({"created": "2024-02-30T12:34:56Z"}, ValueError, "created"),
        ({"modified": 1714566896}, TypeError, "modified"),
        ({"extra": {"label": "shadow"}}, ValueError, "extra"),
        ({"extra": ["x"]}, TypeError, "extra"),
    ],
)
def test_invalid_arrow_cannot_be_built(kwargs, error, field):
    with pytest.raises(error) as info:
        arrow(**kwargs)
    assert str(info.value).startswith(f"{field}:"), str(info.value)


@pytest.mark.parametrize(
    ("build", "error", "field"),
    [
        (lambda: Text((1.0, 2.0), ""), ValueError, "text"),
        (lambda: Text((1.0, 2.0), "  "), ValueError, "text"),
        (lambda: Text((1.0, 2.0), None), TypeError, "text"),
        (lambda: Ruler((1.0, 2.0), None), TypeError, "end"),
        (lambda: Layer(name=""), ValueError, "name"),
        (lambda: Layer(name="L", colour="#fff"), ValueError, "colour"),
        (lambda: Layer(name="L", visible="yes"), TypeError, "visible"),
        (lambda: Layer(name="L", locked=1), TypeError, "locked"),
        (lambda: Layer(name="L", order=1.5), TypeError, "order"),
        (lambda: Layer(name="L", id="a/b"), ValueError, "id"),
        (lambda: Style(font_size=-1.0), ValueError, "font_size"),
        (lambda: Finding(None), TypeError, "finding"),
    ],
)
def test_invalid_objects_cannot_be_built(build, error, field):
    with pytest.raises(error) as info:
        build()
    assert str(info.value).startswith(f"{field}:"), str(info.value)


def test_objects_are_immutable_and_replace_checks():
    a = arrow(label="HO")
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.label = "x"
    moved = a.replace(points=[(1, 2), (3, 4)])
    assert moved.points == ((1.0, 2.0), (3.0, 4.0)) and moved.id == a.id
    assert type(moved.tail[0]) is float
    with pytest.raises(ValueError, match="^points: an arrow has 2 points"):
        a.replace(points=[(1, 2)])
    with pytest.raises(ValueError, match="^kind:"):
        a.replace(kind="text")
    with pytest.raises(ValueError, match="^frame:"):
        a.replace(frame=-1)


def test_points_accept_ints_lists_and_numpy_and_become_float_tuples():
    a = Arrow([1, 2], np.array([3.5, 4]))
    assert a.tail == (1.0, 2.0) and a.head == (3.5, 4.0)
    assert all(type(v) is float for p in a.points for v in p)
    with pytest.raises(TypeError, match="tail"):
        Arrow({"x": 1, "y": 2}, (1, 2))


def test_defaults_and_timestamps():
    a = arrow()
    assert a.layer == DEFAULT_LAYER_ID and a.frame == 1 and a.label is None
    assert a.style == Style() and a.finding is None
    assert a.created.endswith("Z") and a.modified == a.created
    b = arrow()
    assert a.id != b.id
    c = arrow(created=STAMP, modified="2024-05-02T00:00:00.5+00:00")
    assert c.modified == "2024-05-02T00:00:00.5+00:00"


def test_finding_is_structured_and_not_hip_only():
    f = Finding("heterotopic ossification", laterality="bilateral", grade="Brooker IV")
    assert arrow(finding=f).finding is f
    g = arrow(finding={"finding": "fracture", "laterality": "L"}).finding
    assert g == Finding("fracture", "L")
    assert Finding("pneumothorax").grade is None


def test_style_sizes_scale_with_the_image():
    film = Style().resolve(3000, 2500)
    thumb = Style().resolve(300, 250)
    assert film.colour == "#ffffff" and film.outline == "#000000"
    assert film.line_width == pytest.approx(10 * thumb.line_width, rel=0.3)
    assert film.head_length == pytest.approx(10 * thumb.head_length, rel=0.01)
    assert thumb.line_width >= 1.0
    for resolved in (film, thumb, Style(line_width=0.25, head_size=0.0001).resolve(3000, 2500)):
        assert resolved.head_length >= 4 * resolved.line_width
        assert 0 < resolved.outline_width < resolved.line_width
    assert Style(outline="none").resolve(10, 10).outline is None
    assert Style().resolve(10, 10, layer_colour="#ff0000").colour == "#ff0000"
    assert Style(colour="#00FF00").resolve(10, 10, "#ff0000").colour == "#00ff00"


def test_ruler_length_in_mm_or_px():
    r = Ruler((0.0, 0.0), (30.0, 40.0))
    assert r.length() == (50.0, "px")
    value, unit = r.length((0.5, 0.5))
    assert unit == "mm" and value == pytest.approx(25.0)
    value, _ = r.length((2.0, 1.0))  # (row spacing, column spacing)
    assert value == pytest.approx(math.hypot(30 * 1.0, 40 * 2.0))
    with pytest.raises(ValueError, match="pixel_spacing"):
        r.length((0.0, 1.0))


@pytest.mark.parametrize(
    ("identity", "error", "field"),
    [
        ("1.2.3", TypeError, "identity"),
        ({"columns": 1, "rows": 1, "frames": 1}, ValueError, "identity"),
        ({"sha256": "ABC", "columns": 1, "rows": 1, "frames": 1}, ValueError, "identity.sha256"),
        (
            {"sop_instance_uid": "", "columns": 1, "rows": 1, "frames": 1},
            ValueError,
            "identity.sop_instance_uid",
        ),
        ({"sop_instance_uid": "1.2", "rows": 1, "frames": 1}, ValueError, "identity.columns"),
        (
            {"sop_instance_uid": "1.2", "columns": 1, "rows": 0, "frames": 1},
            ValueError,
            "identity.rows",
        ),
        (
            {"sop_instance_uid": "1.2", "columns": 1, "rows": 1, "frames": "1"},
            TypeError,
            "identity.frames",
        ),
    ],
)
def test_identity_is_checked(identity, error, field):
    with pytest.raises(error) as info:
        check_identity(identity)
    assert str(info.value).startswith(f"{field}:")


# -- the document ---------------------------------------------------------------------


@pytest.fixture
def doc():
    return AnnotationDocument(IDENTITY)


@pytest.fixture
def events(doc):
    seen = []
    doc.events.connect(seen.append)
    return seen


def test_new_document_has_a_white_findings_layer(doc):
    (layer,) = doc.layers
    assert (layer.id, layer.name, layer.colour, layer.visible, layer.locked) == (
        "findings",
        "Findings",
        "#ffffff",
        True,
        False,
    )
    assert (
        len(doc) == 0
        and doc.annotations_visible
        and dict(doc.view) == {"annotations_visible": True}
    )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"head": (3200.0, 100.0)}, "points[1]"),
        ({"tail": (-200.0, 100.0)}, "points[0]"),
        ({"head": (100.0, 2700.0)}, "points[1]"),
        ({"frame": 3}, "frame"),
        ({"layer": "nope"}, "layer"),
    ],
)
def test_add_checks_against_the_image(doc, kwargs, field):
    with pytest.raises(ValueError) as info:
        doc.add(arrow(**kwargs))
    assert str(info.value).startswith(f"{field}:")
    assert len(doc) == 0


def test_points_may_lie_a_little_outside_the_image(doc):
    doc.add(arrow(tail=(-149.0, -124.0), head=(3149.0, 2624.0)))
    assert len(doc) == 1


def test_add_refuses_duplicates_and_non_annotations(doc):
    a = doc.add(arrow())
    with pytest.raises(ValueError, match="^id:"):
        doc.add(arrow(id=a.id))
    with pytest.raises(TypeError):
        doc.add({"kind": "arrow"})
    with pytest.raises(ValueError, match=r"^annotations\[1\]\.id:"):
        doc.add_many([arrow(id="x1"), arrow(id="x1")])
    assert len(doc) == 1


def test_constructor_names_the_failing_item():
    with pytest.raises(ValueError, match=r"^annotations\[1\]\.frame:"):
        AnnotationDocument(IDENTITY, annotations=[arrow(), arrow(frame=5)])
    with pytest.raises(ValueError, match=r"^layers\[1\]\.id:"):
        AnnotationDocument(IDENTITY, layers=[Layer("A", id="a"), Layer("B", id="a")])
    with pytest.raises(TypeError, match=r"^layers\[0\]:"):
        AnnotationDocument(IDENTITY, layers=["Findings"])
    with pytest.raises(TypeError, match=r"^view\.annotations_visible:"):
        AnnotationDocument(IDENTITY, view={"annotations_visible": "no"})


def test_update_replaces_and_stamps_modified(doc, events):
    a = doc.add(arrow(created=STAMP))
    events.clear()
    b = doc.update(a.id, label="HO", points=[(10, 10), (20, 20)])
    assert doc.get(a.id) is b and b.label == "HO" and b.head == (20.0, 20.0)
    assert b.created == STAMP and b.modified != STAMP
    assert [(e.type, e.ids) for e in events] == [("changed", (a.id,))]
    assert doc.update(a.id, label="HO") is b  # nothing changed: no event
    assert len(events) == 1
    with pytest.raises(ValueError, match="^id:"):
        doc.update(a.id, id="other")
    with pytest.raises(ValueError, match=r"^points\[1\]:"):
        doc.update(a.id, points=[(10, 10), (9999, 10)])
    with pytest.raises(KeyError):
        doc.update("missing", label="x")
    assert doc.get(a.id) is b


def test_remove_one_or_many(doc, events):
    ids = [doc.add(arrow()).id for _ in range(3)]
    events.clear()
    doc.remove(ids[0])
    doc.remove(ids[1:])
    assert len(doc) == 0
    assert [(e.type, e.ids) for e in events] == [
        ("removed", (ids[0],)),
        ("removed", tuple(ids[1:])),
    ]
    with pytest.raises(KeyError):
        doc.remove("missing")


def test_events_for_every_kind_of_change(doc, events):
    a = doc.add(arrow())
    layer = doc.add_layer("Teaching")
    doc.update_layer(layer.id, name="Teaching file", colour="#ffcc00")
    doc.move_to_layer([a.id], layer.id)
    doc.set_layer_visible(layer.id, False)
    doc.set_all_visible(False)
    doc.update_view(zoom=2.0)
    doc.remove(a.id)
    doc.remove_layer(layer.id)
    assert [(e.type, e.ids, e.layers) for e in events] == [
        ("added", (a.id,), ()),
        ("layer_added", (), (layer.id,)),
        ("layer_changed", (), (layer.id,)),
        ("changed", (a.id,), ()),
        ("visibility_changed", (), (layer.id,)),
        ("visibility_changed", (), ()),
        ("view_changed", (), ()),
        ("removed", (a.id,), ()),
        ("layer_removed", (), (layer.id,)),
    ]


def test_a_failing_callback_does_not_stop_the_others(doc, caplog):
    seen = []

    def broken(event):
        raise RuntimeError("boom")

    doc.events.connect(broken)
    doc.events.connect(seen.append)
    with caplog.at_level(logging.ERROR):
        doc.add(arrow())
    assert len(seen) == 1 and len(doc) == 1 and "boom" in caplog.text
    doc.events.disconnect(broken)
    doc.events.disconnect(broken)  # twice is fine
    with pytest.raises(TypeError):
        doc.events.connect("not callable")


def test_show_hide_all_keeps_layer_switches(doc, events):
    a = doc.add(arrow())
    doc.set_all_visible(False)
    assert doc.visible_annotations() == [] and doc.layer("findings").visible
    assert doc.view["annotations_visible"] is False
    doc.set_all_visible(False)  # no change, no event
    doc.set_all_visible(True)
    assert doc.visible_annotations() == [a]
    assert [e.type for e in events][1:] == ["visibility_changed", "visibility_changed"]
    with pytest.raises(TypeError):
        doc.set_all_visible(1)


def test_layer_visibility_solo_and_show_all(doc):
    teaching = doc.add_layer("Teaching")
    quiz = doc.add_layer(Layer("Quiz", id="quiz", order=-1, colour="#00ff00"))
    a = doc.add(arrow())
    b = doc.add(arrow(layer=teaching.id))
    c = doc.add(arrow(layer="quiz", frame=2))
    assert doc.visible_annotations() == [c, a, b]  # by layer order: quiz, findings, teaching
    assert doc.visible_annotations(frame=1) == [a, b]
    doc.set_layer_visible("findings", False)
    assert doc.visible_annotations() == [c, b]
    doc.solo_layer(teaching.id)
    assert [la.visible for la in doc.layers] == [False, False, True]
    assert doc.visible_annotations() == [b]
    doc.show_all_layers()
    assert all(la.visible for la in doc.layers)
    assert doc.layer_by_name("quiz") is doc.layer(quiz.id)
    assert doc.layer_by_name("nothing") is None
    assert doc.resolved_style(c).colour == "#00ff00"
    with pytest.raises(KeyError):
        doc.solo_layer("nope")
    with pytest.raises(ValueError, match="^frame:"):
        doc.visible_annotations(frame=3)


def test_move_to_layer(doc):
    teaching = doc.add_layer("Teaching")
    ids = [doc.add(arrow()).id for _ in range(3)]
    doc.move_to_layer(ids[:2], teaching.id)
    assert [doc.get(i).layer for i in ids] == [teaching.id, teaching.id, "findings"]
    with pytest.raises(KeyError):
        doc.move_to_layer(ids, "nope")


def test_remove_layer_refuses_non_empty_unless_moved(doc):
    teaching = doc.add_layer("Teaching")
    a = doc.add(arrow(layer=teaching.id))
    with pytest.raises(ValueError, match="holds 1 annotations"):
        doc.remove_layer(teaching.id)
    with pytest.raises(ValueError, match="move_to"):
        doc.remove_layer(teaching.id, move_to=teaching.id)
    doc.remove_layer(teaching.id, move_to="findings")
    assert doc.get(a.id).layer == "findings" and len(doc.layers) == 1


def test_locked_layer_refuses_edits(doc):
    a = doc.add(arrow())
    other = doc.add_layer("Other")
    doc.update_layer("findings", locked=True)
    for edit in (
        lambda: doc.add(arrow()),
        lambda: doc.update(a.id, label="x"),
        lambda: doc.remove(a.id),
        lambda: doc.move_to_layer([a.id], other.id),
        lambda: doc.remove_layer("findings", move_to=other.id),
    ):
        with pytest.raises(ValueError, match="locked"):
            edit()
    doc.set_layer_visible("findings", False)  # showing and hiding is allowed
    doc.update_layer("findings", locked=False)
    doc.update(a.id, label="x")


def test_layer_edits_are_checked(doc):
    with pytest.raises(ValueError, match="^id:"):
        doc.add_layer(Layer("Again", id="findings"))
    with pytest.raises(ValueError, match="^colour:"):
        doc.update_layer("findings", colour="white")
    with pytest.raises(ValueError, match="^id:"):
        doc.update_layer("findings", id="other")
    with pytest.raises(TypeError):
        doc.add_layer(3)
    assert doc.update_layer("findings", name="Findings") is not None  # no change: fine


def test_revision_counts_changes(doc):
    start = doc.revision
    doc.add(arrow())
    doc.set_all_visible(False)
    assert doc.revision == start + 2


def test_view_state_must_be_json(doc):
    doc.update_view(zoom=2.0, window=[40, 400], note=None)
    assert doc.view["window"] == [40, 400]
    with pytest.raises(TypeError, match=r"^view\.when:"):
        doc.update_view(when=object())
    with pytest.raises(ValueError, match=r"^view\.zoom:"):
        doc.update_view(zoom=math.inf)
    with pytest.raises(TypeError):
        doc.view["zoom"] = 3  # read-only: change it through update_view


def test_empty_bulk_edits_do_nothing(doc, events):
    doc.add_many([])
    doc.remove([])
    doc.move_to_layer([], "findings")
    assert events == [] and doc.revision == 0
