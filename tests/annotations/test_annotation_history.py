"""Undo and redo: every document edit, in any order, back and forth."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hoview.annotations import AnnotationDocument, Arrow, History, Layer, Ruler, Text

IDENTITY = {"sha256": "0" * 64, "columns": 400, "rows": 300, "frames": 2}


def state(doc):
    return doc.layers, doc.annotations


def some_layer(rng, doc):
    """A random layer; with every layer deleted, the edit is refused like a bad one."""
    if not doc.layers:
        raise ValueError("no layers left")
    return rng.choice(doc.layers)


def random_arrow(rng, doc):
    layer = some_layer(rng, doc).id
    kind = rng.choice(["arrow", "arrow", "text", "ruler"])
    p = (rng.uniform(0, 400), rng.uniform(0, 300))
    q = (rng.uniform(0, 400), rng.uniform(0, 300))
    frame = rng.randint(1, 2)
    if kind == "text":
        return Text(p, "note", layer=layer, frame=frame)
    return (Arrow if kind == "arrow" else Ruler)(p, q, layer=layer, frame=frame)


def pick(rng, doc, k=1):
    ids = [a.id for a in doc.annotations]
    return rng.sample(ids, min(k, len(ids)))


def op_add(doc, history, rng):
    doc.add(random_arrow(rng, doc))


def op_add_many(doc, history, rng):
    doc.add_many([random_arrow(rng, doc) for _ in range(rng.randint(1, 4))])


def op_update(doc, history, rng):
    (aid,) = pick(rng, doc) or ["missing"]
    change = rng.choice(
        [
            {"label": rng.choice(["HO", "grade II", None])},
            {"frame": rng.randint(1, 2)},
            {"style": {"colour": rng.choice(["#ff0000", "#ffffff"])}},
            {"finding": {"finding": "heterotopic ossification", "laterality": "L"}},
            {"points": [(rng.uniform(0, 400), rng.uniform(0, 300))] * len(doc.get(aid).points)}
            if aid in doc
            else {"label": "x"},
        ]
    )
    doc.update(aid, **change)


def op_remove(doc, history, rng):
    doc.remove(pick(rng, doc, rng.randint(1, 3)))


def op_move(doc, history, rng):
    doc.move_to_layer(pick(rng, doc, rng.randint(1, 3)), some_layer(rng, doc).id)


def op_add_layer(doc, history, rng):
    doc.add_layer(rng.choice(["Teaching", "Quiz", "Review"]))


def op_update_layer(doc, history, rng):
    layer = some_layer(rng, doc)
    doc.update_layer(
        layer.id,
        **rng.choice(
            [
                {"name": "Renamed"},
                {"colour": "#00ff00"},
                {"order": rng.randint(-3, 3)},
                {"locked": not layer.locked},
            ]
        ),
    )


def op_remove_layer(doc, history, rng):
    layer = some_layer(rng, doc)
    doc.remove_layer(layer.id, move_to=rng.choice([None, "findings"]))


def op_visibility(doc, history, rng):
    layer = some_layer(rng, doc).id
    rng.choice(
        [
            lambda: doc.set_layer_visible(layer, rng.random() < 0.5),
            lambda: doc.solo_layer(layer),
            lambda: doc.show_all_layers(),
            lambda: doc.set_all_visible(rng.random() < 0.5),  # view state: not undoable
        ]
    )()


def op_group(doc, history, rng):
    with history.group("Two edits"):
        op_add(doc, history, rng)
        op_update(doc, history, rng)


OPS = [
    op_add,
    op_add_many,
    op_update,
    op_remove,
    op_move,
    op_add_layer,
    op_update_layer,
    op_remove_layer,
    op_visibility,
    op_group,
]


def seeded_document():
    doc = AnnotationDocument(
        IDENTITY, layers=[Layer("Findings", id="findings"), Layer("Old", id="old", order=2)]
    )
    rng = random.Random(0)
    doc.add_many([random_arrow(rng, doc) for _ in range(6)])
    return doc


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(OPS) - 1), st.integers(0, 2**32 - 1)), max_size=30))
def test_random_edits_undo_to_the_start_and_redo_to_the_end(ops):
    doc = seeded_document()
    history = History(doc)
    mirror = {a.id for a in doc.annotations}  # kept up to date from events only

    def follow(event):
        if event.type == "added":
            mirror.update(event.ids)
        elif event.type == "removed":
            mirror.difference_update(event.ids)

    doc.events.connect(follow)
    states = [state(doc)]
    for index, seed in ops:
        before = state(doc)
        try:
            OPS[index](doc, history, random.Random(seed))
        except (ValueError, KeyError):
            if OPS[index] is not op_group:  # a group keeps what it did before failing
                assert state(doc) == before, "a refused edit changed nothing"
        if state(doc) != before:
            states.append(state(doc))
        assert mirror == {a.id for a in doc.annotations}
    final = states[-1]
    for expected in reversed(states[:-1]):
        assert history.undo()
        assert state(doc) == expected
        assert mirror == {a.id for a in doc.annotations}
    assert not history.can_undo and not history.undo()
    for expected in states[1:]:
        assert history.redo()
        assert state(doc) == expected
    assert state(doc) == final
    assert not history.can_redo and not history.redo()


def test_undo_restores_order_after_removing_from_the_middle():
    doc = AnnotationDocument(IDENTITY)
    arrows = [Arrow((i % 400, 1.0), (2.0, 2.0), id=f"a{i}") for i in range(10_000)]
    doc.add_many(arrows)
    history = History(doc)
    doc.remove([f"a{i}" for i in range(1, 10_000, 2)])
    doc.remove("a5000")
    assert len(doc) == 4_999
    history.undo()
    history.undo()
    assert doc.annotations == tuple(arrows)
    history.redo()
    assert len(doc) == 5_000 and "a5000" in doc


def test_undo_text_groups_and_limits():
    doc = AnnotationDocument(IDENTITY)
    history = History(doc, limit=3)
    assert history.undo_text is None and not history.can_undo
    a = doc.add(Arrow((1, 1), (2, 2)))
    assert history.undo_text == "Add arrow"
    with history.group("Move and label"):
        doc.update(a.id, points=[(5, 5), (6, 6)])
        with history.group():  # nested groups make one step
            doc.update(a.id, label="HO")
        with pytest.raises(RuntimeError):
            history.undo()
        assert not history.can_undo
    assert history.undo_text == "Move and label"
    history.undo()
    assert doc.get(a.id).label is None and doc.get(a.id).tail == (1.0, 1.0)
    assert history.redo_text == "Move and label"
    history.redo()
    assert doc.get(a.id).label == "HO"
    for _ in range(5):
        doc.add(Arrow((1, 1), (2, 2)))
    steps = 0
    while history.undo():
        steps += 1
    assert steps == 3  # the limit


def test_new_edit_clears_redo_and_view_is_not_undoable():
    doc = AnnotationDocument(IDENTITY)
    history = History(doc)
    doc.add(Arrow((1, 1), (2, 2)))
    history.undo()
    assert history.can_redo
    doc.add(Arrow((1, 1), (2, 2)))
    assert not history.can_redo
    doc.set_all_visible(False)
    history.undo()
    assert len(doc) == 0 and not doc.annotations_visible


def test_events_fire_on_undo_and_redo():
    doc = AnnotationDocument(IDENTITY)
    history = History(doc)
    a = doc.add(Arrow((1, 1), (2, 2)))
    doc.set_layer_visible("findings", False)
    seen = []
    doc.events.connect(seen.append)
    history.undo()
    history.undo()
    history.redo()
    assert [(e.type, e.ids, e.layers) for e in seen] == [
        ("visibility_changed", (), ("findings",)),
        ("removed", (a.id,), ()),
        ("added", (a.id,), ()),
    ]


def test_clear_and_close():
    doc = AnnotationDocument(IDENTITY)
    history = History(doc)
    doc.add(Arrow((1, 1), (2, 2)))
    history.clear()
    assert not history.can_undo
    history.close()
    doc.add(Arrow((1, 1), (2, 2)))
    assert not history.can_undo
    with pytest.raises(TypeError):
        History("not a document")
    with pytest.raises(ValueError):
        History(doc, limit=0)
