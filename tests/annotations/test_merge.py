"""Merging versions of a document by id: three-way (the viewer) and union (read-only)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hoview.annotations import AnnotationDocument, Arrow, History, Layer
from hoview.annotations.merge import Snapshot, apply_snapshot, three_way, union

IDENTITY = {"sha256": "1f" * 32, "columns": 1000, "rows": 800, "frames": 1}
T0 = "2024-05-01T10:00:00.000Z"
T1 = "2024-05-01T11:00:00.000Z"
T2 = "2024-05-01T12:00:00.000Z"


def arrow(i: str, label: str = "", modified: str = T0, layer: str = "findings") -> Arrow:
    return Arrow((10, 10), (50, 50), id=i, label=label, created=T0, modified=modified, layer=layer)


def snap(*arrows: Arrow, layers=None, view=None) -> Snapshot:
    layers = layers or (Layer("Findings", id="findings"),)
    return Snapshot(tuple(layers), tuple(arrows), view or {"annotations_visible": True}, {})


def ids(snapshot: Snapshot) -> dict[str, str]:
    return {a.id: a.label for a in snapshot.annotations}


def test_both_sides_additions_are_kept():
    base = snap(arrow("a"))
    result = three_way(base, snap(arrow("a"), arrow("m")), snap(arrow("a"), arrow("t")))
    assert result.conflicts == ()
    assert ids(result.snapshot) == {"a": "", "t": "", "m": ""}


def test_one_sides_deletion_is_applied():
    base = snap(arrow("a"), arrow("b"))
    result = three_way(base, snap(arrow("b")), snap(arrow("a"), arrow("b"), arrow("t")))
    assert result.conflicts == ()
    assert set(ids(result.snapshot)) == {"b", "t"}
    result = three_way(base, snap(arrow("a"), arrow("b")), snap(arrow("a")))
    assert set(ids(result.snapshot)) == {"a"}


def test_an_edit_on_one_side_wins_and_the_same_edit_twice_is_no_conflict():
    base = snap(arrow("a", "x"))
    edited = arrow("a", "y", T1)
    assert ids(three_way(base, snap(edited), base).snapshot) == {"a": "y"}
    assert ids(three_way(base, base, snap(edited)).snapshot) == {"a": "y"}
    both = three_way(base, snap(edited), snap(edited))
    assert both.conflicts == () and ids(both.snapshot) == {"a": "y"}


def test_same_annotation_edited_on_both_sides_is_a_conflict_to_choose():
    base = snap(arrow("a", "x"), arrow("b"))
    mine = snap(arrow("a", "mine", T1), arrow("b"), arrow("m"))
    theirs = snap(arrow("a", "theirs", T2), arrow("b", "edited", T1))
    result = three_way(base, mine, theirs)
    assert [(c.what, c.id) for c in result.conflicts] == [("annotation", "a")]
    conflict = result.conflicts[0]
    assert (conflict.base.label, conflict.mine.label, conflict.theirs.label) == (
        "x",
        "mine",
        "theirs",
    )
    assert ids(result.snapshot) == {"a": "mine", "b": "edited", "m": ""}  # unsettled: mine
    assert ids(result.resolve({("annotation", "a"): "theirs"})) == {
        "a": "theirs",
        "b": "edited",
        "m": "",
    }
    with pytest.raises(ValueError, match="not a conflict"):
        result.resolve({("annotation", "b"): "mine"})
    with pytest.raises(ValueError, match="expected 'mine' or 'theirs'"):
        result.resolve({("annotation", "a"): "both"})


def test_edited_here_and_removed_there_is_a_conflict():
    base = snap(arrow("a", "x"))
    result = three_way(base, snap(arrow("a", "mine", T1)), snap())
    assert [c.id for c in result.conflicts] == ["a"] and result.conflicts[0].theirs is None
    assert ids(result.resolve({("annotation", "a"): "theirs"})) == {}
    assert ids(result.resolve({("annotation", "a"): "mine"})) == {"a": "mine"}


def test_layers_merge_by_id_and_a_needed_layer_comes_back():
    findings = Layer("Findings", id="findings")
    teaching = Layer("Teaching", id="teaching", order=1)
    base = snap(arrow("a"), layers=(findings, teaching))
    # Mine removed the teaching layer; theirs put a new arrow on it and renamed findings.
    mine = snap(arrow("a"), layers=(findings,))
    renamed = findings.replace(name="Findings (reviewed)")
    theirs = snap(
        arrow("a"), arrow("t", layer="teaching"), layers=(renamed, teaching, Layer("New", id="n"))
    )
    result = three_way(base, mine, theirs)
    assert result.conflicts == ()
    layers = {la.id: la.name for la in result.snapshot.layers}
    assert layers == {"findings": "Findings (reviewed)", "teaching": "Teaching", "n": "New"}
    # Both sides changed one layer differently: a layer conflict.
    mine = snap(arrow("a"), layers=(findings.replace(colour="#ff0000"), teaching))
    theirs = snap(arrow("a"), layers=(findings.replace(colour="#00ff00"), teaching))
    result = three_way(base, mine, theirs)
    assert [(c.what, c.id) for c in result.conflicts] == [("layer", "findings")]
    chosen = result.resolve({("layer", "findings"): "theirs"})
    assert {la.id: la.colour for la in chosen.layers}["findings"] == "#00ff00"


def test_union_keeps_every_id_and_the_later_modified():
    older = snap(arrow("a", "old", T1), arrow("b", "only in older"))
    newer = snap(arrow("a", "older edit", T0), arrow("c", "only in newer"))
    merged = union(older, newer)
    assert ids(merged) == {"a": "old", "b": "only in older", "c": "only in newer"}
    merged = union(newer, older)
    assert ids(merged)["a"] == "old"


def test_apply_snapshot_is_one_undo_step():
    document = AnnotationDocument(IDENTITY)
    document.add_many([arrow("a"), arrow("b")])
    history = History(document)
    events = []
    document.events.connect(events.append)
    target = snap(arrow("a", "changed", T1), arrow("c"))
    apply_snapshot(document, target, "Merge")
    assert {a.id: a.label for a in document.annotations} == {"a": "changed", "c": ""}
    assert {e.type for e in events} >= {"added", "changed", "removed"}
    assert history.undo_text == "Merge"
    assert history.undo() and not history.can_undo
    assert {a.id: a.label for a in document.annotations} == {"a": "", "b": ""}
    assert history.redo()
    assert {a.id for a in document.annotations} == {"a", "c"}


# -- properties -------------------------------------------------------------------------

_IDS = [f"id{i}" for i in range(6)]
_version = st.dictionaries(st.sampled_from(_IDS), st.sampled_from(["x", "y", "z"]), max_size=6)


def _as_snapshot(version: dict[str, str]) -> Snapshot:
    return snap(*(arrow(i, label) for i, label in sorted(version.items())))


@settings(max_examples=300, deadline=None)
@given(base=_version, mine=_version, theirs=_version)
def test_three_way_properties(base, mine, theirs):
    result = three_way(_as_snapshot(base), _as_snapshot(mine), _as_snapshot(theirs))
    merged = ids(result.snapshot)
    conflicting = {c.id for c in result.conflicts}
    for key in set(base) | set(mine) | set(theirs):
        b, m, t = base.get(key), mine.get(key), theirs.get(key)
        if key in conflicting:
            assert m != t and m != b and t != b
            assert merged.get(key) == m
        elif m == b:
            assert merged.get(key) == t  # their change (or its absence) is taken
        else:
            assert merged.get(key) == m  # my change wins where they did not touch it
    # Merging with an unchanged side is the other side, and merging is symmetric.
    assert (
        ids(three_way(_as_snapshot(base), _as_snapshot(mine), _as_snapshot(base)).snapshot) == mine
    )
    swapped = three_way(_as_snapshot(base), _as_snapshot(theirs), _as_snapshot(mine))
    assert {c.id for c in swapped.conflicts} == conflicting
    settled = ids(result.resolve({c.key: "theirs" for c in result.conflicts}))
    for key in conflicting:
        assert settled.get(key) == theirs.get(key)
