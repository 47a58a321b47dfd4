"""The view state: values, validation, and one event per real change (no Qt)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from hoview.display.attributes import Window
from hoview.display.view_geometry import ViewGeometry
from hoview.display.view_state import FLAGS, ViewEvent, ViewState
from hoview.events import EventEmitter


@pytest.fixture
def state() -> ViewState:
    return ViewState()


@pytest.fixture
def events(state: ViewState) -> list[ViewEvent]:
    seen: list[ViewEvent] = []
    state.events.connect(seen.append)
    return seen


def geometry(zoom: float = 1.0, **kw) -> ViewGeometry:
    return ViewGeometry(zoom, 50.0, 40.0, 200, 100, **kw)


def test_defaults() -> None:
    state = ViewState()
    assert state.frame_index == 0
    assert state.window is None and not state.window_from_file
    assert state.invert is False
    assert state.geometry is None and state.fitted
    assert (state.annotations_shown, state.overlays, state.corner_text) == (True, True, True)
    assert state.anonymous is False
    assert state.selection == ()


def test_the_emitter_is_the_project_one_the_document_uses(state) -> None:
    from hoview.annotations import model

    assert model.EventEmitter is EventEmitter  # what AnnotationDocument.events is
    assert isinstance(state.events, EventEmitter)


def test_frame_change_emits_once_and_only_when_it_changes(state, events) -> None:
    state.frame_index = 3
    state.frame_index = 3
    assert events == [ViewEvent("frame_changed", "frame_index", 3)]
    assert state.frame_index == 3


@pytest.mark.parametrize(("bad", "error"), [(-1, ValueError), (1.5, TypeError), (True, TypeError)])
def test_a_bad_frame_index_is_refused_and_changes_nothing(state, events, bad, error) -> None:
    with pytest.raises(error, match="frame_index"):
        state.frame_index = bad
    assert state.frame_index == 0 and events == []


def test_window_change_emits_only_for_a_new_window(state, events) -> None:
    bone = Window(2000, 3400, name="bone")
    state.set_window(bone)
    state.set_window(Window(2000, 3400, name="bone"))  # equal value: no event
    assert [e.type for e in events] == ["window_changed"]
    state.set_window(bone, from_file=True)  # same window, now the file's own
    assert state.window_from_file
    assert [e.type for e in events] == ["window_changed", "window_changed"]
    assert events[-1].value == bone


def test_invert_emits_its_own_event(state, events) -> None:
    state.invert = True
    state.invert = True
    state.invert = False
    assert [(e.type, e.value) for e in events] == [
        ("invert_changed", True),
        ("invert_changed", False),
    ]


def test_geometry_and_fitted_emit_geometry_changed(state, events) -> None:
    state.set_geometry(geometry(), fitted=True)
    state.set_geometry(geometry(), fitted=True)
    assert len(events) == 1 and events[0].type == "geometry_changed"
    state.set_geometry(geometry(), fitted=False)  # the same picture, no longer fitted
    assert not state.fitted and len(events) == 2
    state.set_geometry(geometry().rotated(90), fitted=False)
    assert state.geometry.rotation == 90 and len(events) == 3
    state.set_geometry(state.geometry.flipped(True))
    assert (state.geometry.flip_h or state.geometry.flip_v) and len(events) == 4


def test_geometry_must_be_a_view_geometry(state, events) -> None:
    with pytest.raises(TypeError, match="geometry"):
        state.set_geometry((1.0, 2.0))
    assert state.geometry is None and events == []


@pytest.mark.parametrize("name", FLAGS)
def test_each_flag_emits_flags_changed_with_its_name(state, events, name) -> None:
    before = state.flag(name)
    assert state.toggle_flag(name) is (not before)
    state.set_flag(name, not before)  # no change
    setattr(state, name, before)  # the property writes the same flag
    assert [(e.type, e.name, e.value) for e in events] == [
        ("flags_changed", name, not before),
        ("flags_changed", name, before),
    ]
    assert getattr(state, name) is before


def test_an_unknown_flag_is_refused(state) -> None:
    with pytest.raises(ValueError, match="no flag 'invert'"):
        state.set_flag("invert", True)


def test_selection_keeps_order_drops_repeats_and_emits_on_change(state, events) -> None:
    state.selection = ["b", "a", "b"]
    assert state.selection == ("b", "a")
    state.selection = {"a", "b"}  # the same ids: no event
    state.selection = []
    assert [(e.type, e.value) for e in events] == [
        ("selection_changed", ("b", "a")),
        ("selection_changed", ()),
    ]


@pytest.mark.parametrize("bad", ["abc", [1, 2]])
def test_selection_takes_only_ids(state, events, bad) -> None:
    with pytest.raises(TypeError, match="selection"):
        state.selection = bad
    assert state.selection == () and events == []


def test_reset_keeps_the_flags_and_clears_the_rest(state, events) -> None:
    state.anonymous = True
    state.corner_text = False
    state.frame_index = 4
    state.set_window(Window(40, 400))
    state.invert = True
    state.set_geometry(geometry(2.0))
    state.selection = ["x"]
    events.clear()
    state.reset()
    assert (state.frame_index, state.window, state.invert) == (0, None, False)
    assert state.geometry is None and state.fitted and state.selection == ()
    assert state.anonymous and not state.corner_text
    assert {e.type for e in events} == {
        "selection_changed",
        "frame_changed",
        "window_changed",
        "invert_changed",
        "geometry_changed",
    }


def test_two_observers_of_one_state_see_the_same_changes(state) -> None:
    """Compare mode's premise: two views over one state need no copying."""
    first: list[str] = []
    second: list[str] = []
    state.events.connect(lambda e: first.append(e.name))
    state.events.connect(lambda e: second.append(e.name))
    state.anonymous = True
    state.frame_index = 2
    assert first == second == ["anonymous", "frame_index"]


def test_a_failing_observer_does_not_stop_the_others(state, caplog) -> None:
    seen: list[ViewEvent] = []

    def broken(event: ViewEvent) -> None:
        raise RuntimeError("observer broke")

    state.events.connect(broken)
    state.events.connect(seen.append)
    state.invert = True
    assert state.invert and len(seen) == 1
    assert "observer broke" in caplog.text


def test_the_view_state_loads_no_qt() -> None:
    code = (
        "import sys, hoview.display.view_state; "
        "print(any(m.startswith(('PySide6', 'shiboken6')) for m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
