"""A montage lets go of the full-size frames it decoded once their tiles are rendered.

Each film is shown once, at its tile's size; a dozen 16 MB frames kept decoded would
only hold memory. Frames decoded before the montage began (the viewer's) stay.
"""

from __future__ import annotations

import numpy as np
from grey_dicom import write_grey

from hoview.render.film import FilmRequest
from hoview.render.montage import compose_montage
from hoview.sources import dicom, open_path
from hoview.sources.base import FrameCache


def _dx(path, seed: int):
    return write_grey(path, np.random.default_rng(seed).integers(0, 4096, (300, 200), np.uint16))


def _frames(tmp_path, count: int, cache: FrameCache):
    return [
        open_path(_dx(tmp_path / f"f{i}.dcm", i), cache=cache).series[0].frames[0]
        for i in range(count)
    ]


def test_frames_decoded_for_the_montage_are_released(tmp_path) -> None:
    cache = FrameCache()
    frames = _frames(tmp_path, 3, cache)
    requests = [FilmRequest(f.source.path, opened=f) for f in frames]
    pages, result = compose_montage(requests, pairs=True)
    assert result.tiles == 6 and pages[0].mean() > 0
    assert not any(f.source.is_decoded(f.number) for f in frames)
    assert len(cache) == 0


def test_frames_the_viewer_had_decoded_stay(tmp_path) -> None:
    cache = FrameCache()
    frames = _frames(tmp_path, 3, cache)
    frames[1].pixels()  # on screen in the viewer
    compose_montage([FilmRequest(f.source.path, opened=f) for f in frames])
    assert [f.source.is_decoded(f.number) for f in frames] == [False, True, False]


def test_a_frame_shown_twice_is_decoded_once(tmp_path, monkeypatch) -> None:
    cache = FrameCache()
    (frame,) = _frames(tmp_path, 1, cache)
    decoded = []
    original = dicom.DicomImage._decode

    def counting(self, number):
        decoded.append(number)
        return original(self, number)

    monkeypatch.setattr(dicom.DicomImage, "_decode", counting)
    request = FilmRequest(frame.source.path, opened=frame)
    pages, _ = compose_montage([request, request], columns=2)
    assert len(decoded) == 1  # released after its last tile, never between the two
    assert not frame.source.is_decoded(frame.number)
    assert pages[0].mean() > 0


def test_release_and_is_decoded(tmp_path) -> None:
    cache = FrameCache()
    (frame,) = _frames(tmp_path, 1, cache)
    assert not frame.source.is_decoded(1)
    first = frame.pixels()
    assert frame.source.is_decoded(1) and cache.nbytes == first.nbytes
    frame.source.release(1)
    assert not frame.source.is_decoded(1) and cache.nbytes == 0
    frame.source.release(1)  # nothing to drop: no error
    assert np.array_equal(frame.pixels(), first)
