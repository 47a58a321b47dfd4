"""Tools see a small context, not the widget: the selection is the view state's."""

from __future__ import annotations

from types import SimpleNamespace

from hoview.display.view_state import ViewState
from hoview.ui.canvas import ViewerCanvas
from hoview.ui.canvas_tool import CanvasTool, ToolContext
from hoview.ui.tool_controller import ToolController
from hoview.ui.tool_support import select, selected_ids


class BareContext:
    """A tool context with no widget: one frame, two annotations, one of another frame."""

    def __init__(self) -> None:
        self.state = ViewState()
        self.current_layer_id = None
        self.author = ""
        self.default_colour = None
        self.glyph_sizes = None
        self.frame = SimpleNamespace(number=1)
        self.zoom = 1.0
        self.repaints = 0
        annotations = [SimpleNamespace(id=i, frame=f) for i, f in (("a", 1), ("b", 1), ("c", 2))]
        self._session = SimpleNamespace(document=SimpleNamespace(annotations=annotations))

    def session(self):
        return self._session

    def image_transform(self):
        return None

    def update(self) -> None:
        self.repaints += 1

    def dialog_parent(self):
        return None


def test_the_canvas_is_a_tool_context(qtbot):
    canvas = ViewerCanvas()
    qtbot.addWidget(canvas)
    assert isinstance(canvas, ToolContext)
    assert not isinstance(object(), ToolContext)


def test_select_writes_the_state_and_selected_ids_reads_it_without_a_widget():
    context = BareContext()
    assert isinstance(context, ToolContext)
    events = []
    context.state.events.connect(events.append)
    select(context, ["b", "c", "a", "b"])
    assert context.state.selection == ("b", "c", "a")
    assert [e.type for e in events] == ["selection_changed"]
    assert selected_ids(context) == ["a", "b"]  # the frame shown, in document order
    assert context.repaints == 1
    tool = CanvasTool()
    tool.activate(context)
    assert tool.selected == {"a", "b", "c"}


def test_every_tool_of_a_controller_sees_the_one_selection(qtbot):
    canvas = ViewerCanvas()
    qtbot.addWidget(canvas)
    controller = ToolController(canvas)
    canvas.state.selection = ["x"]
    for name in controller.tools:
        controller.set_tool(name)
        assert controller.tool.selected == {"x"}
    received = []
    canvas.selection_changed.connect(received.append)
    canvas.state.selection = []
    assert received == [[]]
    assert controller.tool.selected == frozenset()
