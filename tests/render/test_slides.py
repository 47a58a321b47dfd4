"""Lecture slides: the deck read back with python-pptx; its click animation read as XML.

The deck from the sample study (the pelvis film with its two arrows, two CT slices) is
opened again with python-pptx: a 16:9 title slide and one black slide per case, the
annotated picture exactly on the plain one, and the slide's timing tree makes the
annotated picture (and only it) appear at the first click.
"""

from __future__ import annotations

import io
import shutil

import numpy as np
import pytest
from lxml import etree
from PIL import Image
from pptx import Presentation
from pptx.util import Emu

from hoview.errors import HoviewError
from hoview.render.film import FilmRequest
from hoview.render.slide_timing import P_NS, click_targets, set_click_animation, timing_element
from hoview.render.slides import (
    EMU_PER_PIXEL,
    FILM_BOX,
    PROJECTION,
    build_slides,
    place_film,
)

SIDECAR = ".hoview.json"


@pytest.fixture
def study(tmp_path, sample_data_dir):
    """A copy of the sample film with its sidecar, and the sample CT folder."""
    for name in ("pelvis_ap.dcm", "pelvis_ap.dcm" + SIDECAR):
        shutil.copy(sample_data_dir / name, tmp_path / name)
    return [
        FilmRequest(tmp_path / "pelvis_ap.dcm", caption="AP pelvis"),
        FilmRequest(sample_data_dir / "ct_hips", 19),
        FilmRequest(sample_data_dir / "ct_hips", 20),
    ]


def pictures(slide):
    return [s for s in slide.shapes if s.shape_type is not None and s.shape_type == 13]


def geometry(shape):
    return (shape.left, shape.top, shape.width, shape.height)


def pixels(picture) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(picture.image.blob)))


def test_deck_has_a_title_slide_then_one_black_slide_per_case(tmp_path, study):
    out = tmp_path / "deck.pptx"
    result = build_slides(study, out, title="Heterotopic ossification", discussions=["Brooker III"])
    assert (result.cases, result.slides) == (3, 4)
    deck = Presentation(str(out))
    assert (deck.slide_width, deck.slide_height) == (Emu(12_192_000), Emu(6_858_000))
    slides = list(deck.slides)
    assert slides[0].shapes.title.text == "Heterotopic ossification"
    titles = [s.shapes.title.text for s in slides[1:]]
    assert titles == ["AP pelvis", "Case 2, slice 19", "Case 2, slice 20"]
    for slide in slides:
        assert str(slide.background.fill.fore_color.rgb) == "000000"
    notes = slides[1].notes_slide.notes_text_frame.text
    assert notes == "Brooker III"
    assert not slides[2].has_notes_slide or not slides[2].notes_slide.notes_text_frame.text


def test_the_annotated_film_lies_exactly_on_the_plain_one_and_appears_at_the_first_click(
    tmp_path, study
):
    out = tmp_path / "deck.pptx"
    build_slides(study, out)
    slide = list(Presentation(str(out)).slides)[1]
    plain, annotated = pictures(slide)  # z-order: the annotated picture is on top
    assert plain.name == "Case 1 without arrows" and annotated.name == "Case 1 with arrows"
    assert geometry(plain) == geometry(annotated)
    a, b = pixels(plain), pixels(annotated)
    assert a.shape[:2] == b.shape[:2]
    changed = np.any(np.atleast_3d(a).astype(int) != np.atleast_3d(b).astype(int)[..., :1], axis=2)
    assert 0 < changed.mean() < 0.05  # the arrows and labels, nothing else
    assert click_targets(slide._element) == [[annotated.shape_id]]


def test_films_are_rendered_for_the_projection_not_at_full_size(tmp_path, study):
    out = tmp_path / "deck.pptx"
    build_slides(study, out)
    slides = list(Presentation(str(out)).slides)
    plain = pictures(slides[1])[0]
    film = pixels(plain)
    box_w, box_h = FILM_BOX[2], FILM_BOX[3]
    assert max(film.shape[1] / box_w, film.shape[0] / box_h) == pytest.approx(1, abs=0.01)
    assert film.ndim == 2, "a grey film goes in as 8-bit grey"
    # The picture fills its box on the slide: its height is the box's (the film is taller).
    assert plain.height == box_h * EMU_PER_PIXEL
    assert plain.left + plain.width // 2 == pytest.approx(
        (FILM_BOX[0] + box_w / 2) * EMU_PER_PIXEL, abs=EMU_PER_PIXEL
    )
    ct = pixels(pictures(slides[2])[0])
    assert ct.shape == (256, 256), "a small CT slice is never enlarged in the file"
    assert pictures(slides[2])[0].height == box_h * EMU_PER_PIXEL  # the slide enlarges it


def test_a_case_without_annotations_has_no_animation(tmp_path, study):
    out = tmp_path / "deck.pptx"
    build_slides(study, out)
    slides = list(Presentation(str(out)).slides)
    annotated_slice, plain_slice = slides[2], slides[3]  # slice 19 has a sidecar, 20 none
    assert len(pictures(annotated_slice)) == 2 and click_targets(annotated_slice._element)
    assert len(pictures(plain_slice)) == 1
    assert plain_slice._element.find(f"{{{P_NS}}}timing") is None


def test_discussion_on_slide_appears_at_the_second_click(tmp_path, study):
    out = tmp_path / "deck.pptx"
    build_slides(study[:1], out, discussions=["Brooker III right"], discussion_on_slide=True)
    slide = list(Presentation(str(out)).slides)[1]
    plain, annotated = pictures(slide)
    text = next(s for s in slide.shapes if s.name == "Discussion")
    assert text.text_frame.text == "Brooker III right"
    assert click_targets(slide._element) == [[annotated.shape_id], [text.shape_id]]
    assert plain.left + plain.width <= text.left  # the film is beside the text, not under it


def test_no_animation_gives_two_slides_per_case(tmp_path, study):
    out = tmp_path / "deck.pptx"
    result = build_slides(study[:1], out, animate=False)
    assert result.slides == 3
    _, without, with_arrows = list(Presentation(str(out)).slides)
    for slide in (without, with_arrows):
        assert slide._element.find(f"{{{P_NS}}}timing") is None
        assert slide.shapes.title.text == "AP pelvis"
    (a,), (b,) = pictures(without), pictures(with_arrows)
    assert geometry(a) == geometry(b)
    assert a.name.endswith("without arrows") and b.name.endswith("with arrows")
    assert not np.array_equal(pixels(a), np.atleast_3d(pixels(b))[..., 0])


def test_document_properties_are_neutral(tmp_path, study):
    out = tmp_path / "deck.pptx"
    build_slides(study[:1], out, title="Hip lecture")
    props = Presentation(str(out)).core_properties
    assert props.title == "Hip lecture"
    assert props.author == "" and props.last_modified_by == "hoview"
    assert props.subject == props.keywords == props.comments == ""


@pytest.mark.parametrize(
    ("name", "discussions", "message"),
    [
        ("deck.ppt", [], "a lecture deck is a .pptx file"),
        ("deck.pptx", ["a", "b", "c", "d"], "4 discussions for 3 images"),
    ],
)
def test_bad_requests_name_the_deck(tmp_path, study, name, discussions, message):
    with pytest.raises(HoviewError, match=message) as caught:
        build_slides(study, tmp_path / name, discussions=discussions)
    assert name in str(caught.value)
    assert not (tmp_path / name).exists()


def test_an_unreadable_film_names_the_film_and_writes_nothing(tmp_path, study):
    broken = tmp_path / "broken.dcm"
    broken.write_bytes(b"\0" * 128 + b"DICM" + b"\x02\x00")
    with pytest.raises(HoviewError) as caught:
        build_slides([*study[:1], broken], tmp_path / "deck.pptx")
    assert "broken.dcm" in str(caught.value)
    assert not (tmp_path / "deck.pptx").exists()


def test_place_film_keeps_the_aspect_and_centres():
    place = place_film(2000, 1000, (0, 0, 1000, 1000))
    assert (place.x, place.y, place.width, place.height) == (0, 250, 1000, 500)
    assert place.scale == 0.5
    assert place_film(100, 100, (10, 10, 400, 200)).scale == 1.0  # never enlarged


def test_timing_tree_lists_each_click_and_replaces_an_old_one():
    sld = etree.fromstring(
        f'<p:sld xmlns:p="{P_NS}"><p:cSld/><p:clrMapOvr/><p:extLst/></p:sld>'.encode()
    )
    set_click_animation(sld, [[4]])
    set_click_animation(sld, [[5, 6], [7]])
    assert [child.tag.split("}")[1] for child in sld] == ["cSld", "clrMapOvr", "timing", "extLst"]
    assert click_targets(sld) == [[5, 6], [7]]
    ids = [int(n.get("id")) for n in sld.iter(f"{{{P_NS}}}cTn")]
    assert ids == list(range(1, len(ids) + 1)), "time node ids are unique and ordered"
    with pytest.raises(ValueError, match="at least one click"):
        timing_element([])


def test_the_slide_size_is_the_projection():
    assert PROJECTION[0] * EMU_PER_PIXEL == 12_192_000
    assert PROJECTION[1] * EMU_PER_PIXEL == 6_858_000
