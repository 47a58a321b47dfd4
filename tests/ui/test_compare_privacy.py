"""Anonymous mode reaches both halves of compare mode (Ctrl+K): one view state, two canvases.

A copy of the sample film gets long, distinctive identifiers; a second copy others. In
anonymous mode, neither the corner text either canvas decided to draw nor a single
pixel of either canvas may differ between the two copies; without anonymous mode both
do (so the checks can fail).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pydicom
import pytest

#: Identifying attributes and the distinctive value each gets.
MARKERS = {
    "PatientName": "Qwertyson^Privacia^Marie",
    "PatientID": "PRIVID-583921",
    "AccessionNumber": "ACCN-4711-PRIV",
    "InstitutionName": "Saint Privatus Hospital",
}
#: The same fields with other values (a second patient).
OTHERS = {k: v.replace("Priv", "Othr").replace("PRIV", "OTHR") for k, v in MARKERS.items()}
#: Spellings that must not be drawn (case-insensitive: names may be shown in capitals).
FORBIDDEN = ("qwertyson", "privacia", "privid-583921", "accn-4711", "privatus")

COMPARE = "Compare with / without annotations"
ANONYMOUS = "Anonymous mode"


def identified_copy(folder: Path, sample_dir: Path, markers: dict[str, str]) -> Path:
    """A copy of the sample film (same file name, own folder) with ``markers`` in its header."""
    folder.mkdir()
    ds = pydicom.dcmread(sample_dir / "pelvis_ap.dcm")
    for keyword, value in markers.items():
        setattr(ds, keyword, value)
    path = folder / "pelvis_ap.dcm"
    ds.save_as(path)
    shutil.copy(sample_dir / "pelvis_ap.dcm.hoview.json", folder / "pelvis_ap.dcm.hoview.json")
    return path


@pytest.fixture
def films(tmp_path, sample_data_dir):
    return (
        identified_copy(tmp_path / "a", sample_data_dir, MARKERS),
        identified_copy(tmp_path / "b", sample_data_dir, OTHERS),
    )


def trigger(window, text):
    window.actions_by_text[text].trigger()


def grab_array(widget) -> np.ndarray:
    image = widget.grab().toImage()
    image = image.convertToFormat(image.Format.Format_Grayscale8)
    width, height = image.width(), image.height()
    buffer = np.frombuffer(image.constBits(), np.uint8, count=image.bytesPerLine() * height)
    return buffer.reshape(height, image.bytesPerLine())[:, :width].copy()


def drawn_text(canvas) -> str:
    lines = canvas.corner_text_lines()
    return "\n".join(line for corner in lines.values() for line in corner).lower()


def both_views(window):
    return (window.canvas, window.viewer.twin)


def show(window, qtbot, film):
    window.open_paths([film], wait=True)
    for canvas in both_views(window):
        qtbot.waitUntil(lambda c=canvas: c.frame is not None and c.isVisible(), timeout=5000)
    return [grab_array(canvas) for canvas in both_views(window)]


def test_anonymous_then_compare_draws_no_identifier_in_either_view(window, qtbot, films):
    first, second = films
    window.open_paths([first], wait=True)
    trigger(window, ANONYMOUS)
    trigger(window, COMPARE)
    assert window.viewer.comparing
    canvas, twin = both_views(window)
    assert twin.state is canvas.state  # one state, not a copy
    assert canvas.anonymous and twin.anonymous
    for view in (canvas, twin):
        text = drawn_text(view)
        assert text, "the corner text is on: it must show the non-identifying lines"
        assert not [word for word in FORBIDDEN if word in text], text
    # Pixels: the other patient's film looks exactly the same in both halves.
    grabs_first = show(window, qtbot, first)
    grabs_second = show(window, qtbot, second)
    for a, b in zip(grabs_first, grabs_second, strict=True):
        assert a.shape == b.shape
        assert np.array_equal(a, b)


def test_without_anonymous_both_views_draw_the_name(window, qtbot, films):
    """The control: the checks above can fail, in either half."""
    first, second = films
    window.open_paths([first], wait=True)
    trigger(window, COMPARE)
    for view in both_views(window):
        assert "qwertyson" in drawn_text(view)
        assert "privid-583921" in drawn_text(view)
    grabs_first = show(window, qtbot, first)
    grabs_second = show(window, qtbot, second)
    for a, b in zip(grabs_first, grabs_second, strict=True):
        assert a.shape == b.shape
        assert not np.array_equal(a, b)


def test_anonymous_turned_on_during_compare_reaches_the_twin(window, qtbot, films):
    first, _ = films
    window.open_paths([first], wait=True)
    trigger(window, COMPARE)
    twin = window.viewer.twin
    assert "qwertyson" in drawn_text(twin)
    named = grab_array(twin)
    trigger(window, ANONYMOUS)
    qtbot.waitUntil(lambda: "qwertyson" not in drawn_text(twin), timeout=2000)
    assert not [word for word in FORBIDDEN if word in drawn_text(twin)]
    assert not np.array_equal(grab_array(twin), named)  # the twin was repainted
    # The twin still draws no annotations, the main view still does.
    assert not twin.show_annotations and window.canvas.show_annotations


def test_compare_views_share_frame_window_and_geometry(window, qtbot, films):
    first, _ = films
    window.open_paths([first], wait=True)
    trigger(window, COMPARE)
    canvas, twin = both_views(window)
    twin.zoom_by(2.0)  # a change made in the twin is a change of the one state
    assert canvas.zoom == pytest.approx(twin.zoom)
    canvas.set_invert(True)
    canvas.rotate(90)
    assert twin.invert and twin.geometry_state.rotation == 90
    trigger(window, COMPARE)  # leaving compare keeps the state, frees the twin
    assert not window.viewer.comparing and twin.frame is None
    assert canvas.invert and canvas.geometry_state.rotation == 90
