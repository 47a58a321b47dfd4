"""A gap copied with its arrow measures the copy; alone, only an arrow that is there."""

from __future__ import annotations

from hoview.annotations import AnnotationDocument, Arrow, Finding, Gap
from hoview.ui.clipboard import annotations_from_json, annotations_to_json

IDENTITY = {"sha256": "12" * 32, "columns": 500, "rows": 400, "frames": 1}
HO = Finding("heterotopic ossification")


def pair():
    document = AnnotationDocument(IDENTITY)
    arrow = document.add(Arrow(tail=(10, 10), head=(50, 50), finding=HO))
    gap = document.add(Gap(start=(60, 60), end=(60, 80), arrow=arrow.id))
    return document, arrow, gap


def test_a_gap_pasted_with_its_arrow_measures_the_pasted_arrow():
    document, arrow, gap = pair()
    data = annotations_to_json([arrow, gap], document)
    new_arrow, new_gap = annotations_from_json(data, document, layer="findings")
    assert new_arrow.id != arrow.id
    assert new_gap.arrow == new_arrow.id


def test_a_gap_pasted_alone_keeps_an_arrow_that_is_there_and_drops_one_that_is_not():
    document, arrow, gap = pair()
    data = annotations_to_json([gap], document)
    (same_image,) = annotations_from_json(data, document, layer="findings")
    assert same_image.arrow == arrow.id
    other = AnnotationDocument({**IDENTITY, "sha256": "34" * 32})
    (elsewhere,) = annotations_from_json(data, other, layer="findings")
    assert elsewhere.arrow is None
    assert elsewhere.points == gap.points
