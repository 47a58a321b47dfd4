"""The Brooker grade hoview suggests from gaps (Brooker et al. 1973), apart from the reader's."""

from __future__ import annotations

import pytest

from hoview.annotations import AnnotationDocument, Arrow, Finding, Gap, History
from hoview.annotations.brooker import check_gap_target, refresh_suggestions, suggest

IDENTITY = {"sha256": "cd" * 32, "columns": 1000, "rows": 800, "frames": 2}
HO = Finding("heterotopic ossification", "R", "Brooker I")


@pytest.mark.parametrize(
    ("gap_mm", "bridging", "grade"),
    [
        (10.0, False, "Brooker II"),
        (25.0, False, "Brooker II"),
        (9.99, False, "Brooker III"),
        (0.5, False, "Brooker III"),
        (0.0, True, "Brooker IV"),
        (12.0, True, "Brooker IV"),
        (None, False, None),
        (None, True, "Brooker IV"),
    ],
)
def test_suggest(gap_mm, bridging, grade):
    assert suggest(gap_mm, bridging) == grade


def make(finding=HO):
    document = AnnotationDocument(IDENTITY)
    arrow = document.add(Arrow(tail=(100, 100), head=(200, 200), finding=finding))
    return document, arrow


def test_a_gap_suggests_the_grade_and_leaves_the_readers_own():
    document, arrow = make()
    # 30 x 40 px = 50 px; at 0.25 mm a pixel, 12.5 mm: class II.
    document.add(Gap(start=(300, 300), end=(330, 340), arrow=arrow.id))
    assert refresh_suggestions(document, (0.25, 0.25)) == 1
    finding = document.get(arrow.id).finding
    assert (finding.grade, finding.suggested_grade) == ("Brooker I", "Brooker II")
    # At 0.19 mm a pixel the same gap is 9.5 mm: class III.
    refresh_suggestions(document, (0.19, 0.19))
    assert document.get(arrow.id).finding.suggested_grade == "Brooker III"


def test_the_narrowest_gap_decides_and_a_bridge_anywhere_is_iv():
    document, arrow = make()
    document.add(Gap(start=(300, 300), end=(300, 400), arrow=arrow.id))  # 100 px = 25 mm
    document.add(Gap(start=(400, 300), end=(400, 320), arrow=arrow.id))  # 20 px = 5 mm
    refresh_suggestions(document, (0.25, 0.25))
    assert document.get(arrow.id).finding.suggested_grade == "Brooker III"
    document.add(Gap(start=(500, 300), end=(500, 400), arrow=arrow.id, bridging=True))
    refresh_suggestions(document, (0.25, 0.25))
    assert document.get(arrow.id).finding.suggested_grade == "Brooker IV"


def test_without_millimetres_there_is_no_suggestion_and_removing_the_gap_clears_it():
    document, arrow = make()
    gap = document.add(Gap(start=(300, 300), end=(300, 400), arrow=arrow.id))
    assert refresh_suggestions(document, None) == 0
    assert document.get(arrow.id).finding.suggested_grade is None
    refresh_suggestions(document, (0.25, 0.25))
    document.remove(gap.id)
    refresh_suggestions(document, (0.25, 0.25))
    assert document.get(arrow.id).finding == HO


def test_an_arrow_without_a_finding_gets_one_of_heterotopic_ossification():
    document, arrow = make(finding=None)
    document.add(Gap(start=(300, 300), end=(300, 400), arrow=arrow.id))
    refresh_suggestions(document, (0.05, 0.05))  # 5 mm
    assert document.get(arrow.id).finding == Finding(
        "heterotopic ossification", suggested_grade="Brooker III"
    )


def test_one_undo_takes_back_the_gap_and_its_suggestion_when_grouped():
    document, arrow = make()
    history = History(document)
    with history.group("Measure gap"):
        document.add(Gap(start=(300, 300), end=(300, 400), arrow=arrow.id))
        refresh_suggestions(document, (0.25, 0.25))
    assert document.get(arrow.id).finding.suggested_grade == "Brooker II"
    history.undo()
    assert len(document) == 1
    assert document.get(arrow.id).finding.suggested_grade is None


@pytest.mark.parametrize(
    ("arrow_fields", "gap_fields", "message"),
    [
        ({"layer": "other"}, {}, "another layer"),
        ({"frame": 2}, {}, "frame 2"),
        ({"finding": Finding("fracture")}, {}, "not heterotopic ossification"),
    ],
)
def test_a_gap_belongs_only_to_an_arrow_of_heterotopic_ossification_beside_it(
    arrow_fields, gap_fields, message
):
    arrow = Arrow(tail=(0, 0), head=(5, 5), **arrow_fields)
    with pytest.raises(ValueError, match=message):
        check_gap_target(arrow, Gap(start=(0, 0), end=(1, 1), **gap_fields))
