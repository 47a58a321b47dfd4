"""Captions and headings of cases: the slices of one series are one case."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from hoview.render import montage
from hoview.render.cases import CaseName, case_names
from hoview.render.film import FilmRequest
from hoview.render.montage import compose_montage
from hoview.render.teach import build_teaching_page


def frames_of(*sources):
    return [SimpleNamespace(source=s) for s in sources]


def test_a_range_of_slices_is_one_case_and_each_slice_says_which():
    film, ct = Path("film.dcm"), Path("ct")
    requests = [FilmRequest(film)] + [FilmRequest(ct, n) for n in (22, 23, 24)]
    requests.append(FilmRequest(film))
    slices = [object(), object(), object()]
    names = case_names(requests, frames_of("film", *slices, "film"))
    assert [n.caption() for n in names] == [
        "Case 1",
        "Case 2, slice 22",
        "Case 2, slice 23",
        "Case 2, slice 24",
        "Case 3",
    ]


def test_frames_of_one_file_are_frames_and_a_repeated_film_is_two_cases():
    cine, film = Path("cine.dcm"), Path("film.dcm")
    source = object()
    requests = [FilmRequest(cine, 3), FilmRequest(cine, 4), FilmRequest(film), FilmRequest(film)]
    names = case_names(requests, frames_of(source, source, "a", "a"))
    assert names == [CaseName(1, "frame 3"), CaseName(1, "frame 4"), CaseName(2), CaseName(3)]
    assert names[0].caption("Brooker grades") == "Brooker grades, frame 3"
    with pytest.raises(ValueError, match="frames for"):
        case_names(requests, [])


def test_montage_captions_name_the_slice(film, sample_data_dir, monkeypatch):
    drawn: list[str] = []
    paint = montage.paint_page

    def spy(page, images, captions, *args, **kwargs):
        drawn.extend(captions)
        return paint(page, images, captions, *args, **kwargs)

    monkeypatch.setattr(montage, "paint_page", spy)
    ct = sample_data_dir / "ct_hips"
    requests = [FilmRequest(film), FilmRequest(ct, 22), FilmRequest(ct, 23)]
    compose_montage(requests, tile_size=64)
    assert drawn == ["Case 1", "Case 2, slice 22", "Case 2, slice 23"]
    drawn.clear()
    compose_montage(requests[1:], pairs=True, tile_size=64)
    assert drawn[:2] == [
        "Case 1, slice 22 \u2013 without arrows",
        "Case 1, slice 22 \u2013 with arrows",
    ]


def test_quiz_headings_name_the_slice(film, sample_data_dir, tmp_path):
    ct = sample_data_dir / "ct_hips"
    requests = [FilmRequest(ct, n) for n in (22, 31)] + [FilmRequest(film)]
    result = build_teaching_page(requests, tmp_path / "quiz", max_size=64)
    text = result.index.read_text(encoding="utf-8")
    assert re.findall(r"<h2[^>]*>([^<]*)</h2>", text) == [
        "Case 1, slice 22",
        "Case 1, slice 31",
        "Case 2",
    ]
