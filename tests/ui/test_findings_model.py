"""The findings panel's rows without Qt: grades, values, filters, the report text, marks."""

from __future__ import annotations

from enhanced_dicom import write_enhanced

from hoview.annotations import AnnotationDocument, Arrow, Finding, Ruler
from hoview.sources import open_path
from hoview.ui.findings_model import (
    annotated_frames,
    filter_rows,
    finding_rows,
    grade_text,
    to_tsv,
)

HO = "heterotopic ossification"


def test_grade_text_shows_the_readers_grade_and_a_differing_suggestion():
    assert grade_text(None) == ""
    assert grade_text(Finding(HO)) == ""
    assert grade_text(Finding(HO, grade="Brooker II")) == "Brooker II"
    assert grade_text(Finding(HO, suggested_grade="Brooker IV")) == "— (suggested Brooker IV)"
    both = Finding(HO, grade="Brooker II", suggested_grade="Brooker III")
    assert grade_text(both) == "Brooker II (suggested Brooker III)"
    same = Finding(HO, grade="Brooker III", suggested_grade="Brooker III")
    assert grade_text(same) == "Brooker III"


def test_rows_of_a_series_sorted_filtered_and_as_tab_separated_text(tmp_path):
    source = open_path(write_enhanced(tmp_path / "a.dcm", frames=3, rows=40, columns=40))
    series = source.series[0]
    image = series.frames[0].source
    document = AnnotationDocument(image.identity)
    hidden = document.add_layer("Old")
    document.add(Ruler(start=(0, 0), end=(3, 4), frame=3, label="leg\nlength"))  # 5 px
    document.add(Arrow(tail=(1, 1), head=(2, 2), frame=1, finding=Finding(HO, "L")))
    document.add(Arrow(tail=(1, 1), head=(2, 2), frame=2, layer=hidden.id))
    document.set_layer_visible(hidden.id, False)
    rows = finding_rows(series, [(image, document)])
    assert [(r.kind, r.frame, r.shown) for r in rows] == [
        ("arrow", 1, True),
        ("arrow", 2, False),
        ("ruler", 3, True),
    ]
    assert rows[2].value == "2.5 mm" and rows[2].centre == (1.5, 2.0)
    assert [r.frame for r in filter_rows(rows, layer="Old")] == [2]
    assert [r.frame for r in filter_rows(rows, finding=HO)] == [1]
    assert filter_rows(rows, layer="Old", finding=HO) == []
    text = to_tsv(filter_rows(rows, layer="Findings"))
    assert text.splitlines() == [
        "Kind\tLabel\tFinding\tLaterality\tGrade\tLayer\tFrame\tAuthor\tValue",
        f"arrow\t\t{HO}\tL\t\tFindings\t1\t\t",
        "ruler\tleg length\t\t\t\tFindings\t3\t\t2.5 mm",
    ]
    # only visible annotations mark their frames
    assert annotated_frames(series, [(image, document)]) == [0, 2]
