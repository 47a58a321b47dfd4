"""View -> Compare with prior: the current film left, the patient's most recent prior right."""

from __future__ import annotations

import shutil

import pytest
from layout_studies import film_copy

from hoview.ui.canvas_overlay import overlay_layout

PRIOR = "Compare with prior"


@pytest.fixture
def folder(tmp_path, sample_data_dir):
    """The sample film (2024-03-12) and, of the same patient unless said, other studies."""
    root = tmp_path / "patient"
    root.mkdir()
    shutil.copy(sample_data_dir / "pelvis_ap.dcm", root / "current.dcm")
    film_copy(sample_data_dir, root / "prior.dcm", "20231212")  # 3 months earlier
    film_copy(sample_data_dir, root / "older.dcm", "20220101")
    film_copy(sample_data_dir, root / "later.dcm", "20240501")
    film_copy(sample_data_dir, root / "other_patient.dcm", "20240101", PatientID="SOMEONE-ELSE")
    film_copy(sample_data_dir, root / "knee.dcm", "20240201", BodyPartExamined="KNEE")
    film_copy(sample_data_dir, root / "cr.dcm", "20240202", Modality="CR")
    return root


def show(window, name: str) -> None:
    """Click the series of file ``name`` in the series panel."""
    index = next(i for i, s in enumerate(window._series) if s.frames[0].source.path.name == name)
    window.series_panel.setCurrentRow(window.series_panel.row_of_series(index))
    assert window.canvas.frame.source.path.name == name


def corner(canvas, where: str = "top_right") -> list[str]:
    return canvas.corner_text_lines()[where]


def test_compare_with_prior_picks_the_most_recent_earlier_study_of_the_same_kind(
    window, qtbot, folder
):
    window.open_paths([folder], wait=True)
    show(window, "current.dcm")
    action = window.actions_by_text[PRIOR]
    assert action.shortcut().toString() == "Ctrl+Shift+K"
    action.trigger()
    viewer = window.viewer
    assert viewer.layout_shape == (1, 2)
    current, prior = viewer.viewports
    assert current is window.canvas and current.frame.source.path.name == "current.dcm"
    qtbot.waitUntil(prior.isVisible, timeout=3000)
    assert prior.frame.source.path.name == "prior.dcm"
    assert prior.frame is not None and prior.state is not current.state
    lines = corner(prior)
    assert lines[lines.index("2023-12-12 10:15:00") + 1] == "prior, 3 months earlier"
    assert "prior, 3 months earlier" not in corner(current)
    painted = [line.text for lines in overlay_layout(prior).corners.values() for line in lines]
    assert "prior, 3 months earlier" in painted  # drawn on the screen, not only listed
    assert viewer.active_canvas is current
    assert "3 months earlier" in window.statusBar().currentMessage()


def test_the_prior_of_a_later_study(window, qtbot, folder):
    window.open_paths([folder], wait=True)
    show(window, "later.dcm")
    window.actions_by_text[PRIOR].trigger()
    prior = window.viewer.viewports[1]
    assert prior.frame.source.path.name == "current.dcm"  # 2024-03-12, before 2024-05-01
    assert "prior, 1 month earlier" in corner(prior)


def test_no_prior_says_so_and_changes_nothing(window, qtbot, folder):
    window.open_paths([folder], wait=True)
    show(window, "older.dcm")
    window.actions_by_text[PRIOR].trigger()
    assert window.viewer.layout_shape == (1, 1)
    assert window.statusBar().currentMessage().startswith("No prior")


def test_anonymous_mode_hides_who_and_when_but_keeps_the_interval(window, qtbot, folder):
    window.open_paths([folder], wait=True)
    show(window, "current.dcm")
    window.actions_by_text[PRIOR].trigger()
    window.actions_by_text["Anonymous mode"].trigger()
    current, prior = window.viewer.viewports
    for canvas in (current, prior):
        text = "\n".join(line for lines in canvas.corner_text_lines().values() for line in lines)
        for secret in ("HOVIEW", "SAMPLE", "2023-12-12", "2024-03-12"):
            assert secret not in text
    assert "prior, 3 months earlier" in corner(prior)


def test_a_new_open_clears_the_prior(window, qtbot, folder, sample_data_dir):
    window.open_paths([folder], wait=True)
    show(window, "current.dcm")
    window.actions_by_text[PRIOR].trigger()
    prior = window.viewer.viewports[1]
    window.open_paths([sample_data_dir / "pelvis_ap.dcm"], wait=True)
    assert prior.series is None and prior.corner_note == ""
    assert window.viewer.active_canvas is window.canvas


def test_any_viewport_showing_an_earlier_study_of_the_patient_says_how_much_earlier(
    window, qtbot, folder
):
    window.open_paths([folder], wait=True)
    show(window, "current.dcm")
    window.actions_by_text["Layout 2x2"].trigger()
    viewer = window.viewer
    by_name = {s.frames[0].source.path.name: s for s in window._series}
    older, later, stranger = viewer.viewports[1:]
    viewer.show_series(older, by_name["older.dcm"])
    viewer.show_series(later, by_name["later.dcm"])
    viewer.show_series(stranger, by_name["other_patient.dcm"])
    assert older.corner_note == "prior, 2 years earlier"  # 2022-01-01 to 2024-03-12
    assert later.corner_note == "" and stranger.corner_note == ""
    # The primary now shows the later study: the notes are made again against it.
    viewer.set_active(window.canvas)
    show(window, "later.dcm")
    assert older.corner_note == "prior, 2 years earlier"  # 2022-01-01 to 2024-05-01
    viewer.show_series(later, by_name["current.dcm"])
    assert later.corner_note == "prior, 1 month earlier"
