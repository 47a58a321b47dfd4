"""The frame cache decodes a frame once, even when two threads ask for it at once.

The window's loader decodes the first frame in the background while the window sets
itself up; when the canvas asks for the same frame, it waits for that result.
"""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from hoview.sources.base import FrameCache


def test_a_frame_asked_for_while_it_loads_is_loaded_once() -> None:
    cache = FrameCache()
    calls = []
    started = threading.Event()

    def slow_load() -> np.ndarray:
        calls.append(threading.get_ident())
        started.set()
        time.sleep(0.2)
        return np.arange(12, dtype=np.uint16).reshape(3, 4)

    results = {}
    loader = threading.Thread(target=lambda: results.setdefault("bg", cache.get("k", slow_load)))
    loader.start()
    assert started.wait(5)
    waited = cache.get("k", slow_load)  # while the other thread is loading
    loader.join(5)
    assert len(calls) == 1
    assert waited is results["bg"]
    assert not waited.flags.writeable


def test_a_failed_load_is_tried_again_by_the_thread_that_waited() -> None:
    cache = FrameCache()
    started = threading.Event()
    release = threading.Event()

    def failing() -> np.ndarray:
        started.set()
        release.wait(5)
        raise ValueError("broken in the background")

    errors = []

    def background() -> None:
        try:
            cache.get("k", failing)
        except ValueError as exc:
            errors.append(exc)

    thread = threading.Thread(target=background)
    thread.start()
    assert started.wait(5)
    threading.Timer(0.1, release.set).start()
    with pytest.raises(RuntimeError, match="my own"):
        cache.get("k", lambda: (_ for _ in ()).throw(RuntimeError("my own error")))
    thread.join(5)
    assert len(errors) == 1
    assert len(cache) == 0
    assert cache.get("k", lambda: np.zeros(2)).shape == (2,)


def test_a_load_that_asks_for_its_own_key_does_not_wait_for_itself() -> None:
    cache = FrameCache()

    def inner() -> np.ndarray:
        return np.ones(3)

    def outer() -> np.ndarray:
        return cache.get("k", inner) * 2

    done = []
    thread = threading.Thread(target=lambda: done.append(cache.get("k", outer)))
    thread.start()
    thread.join(5)
    assert not thread.is_alive()
    assert done and len(cache) == 1


def test_different_frames_load_side_by_side() -> None:
    cache = FrameCache()
    inside = threading.Barrier(2, timeout=5)

    def load(value: int):
        def run() -> np.ndarray:
            inside.wait()  # both loads run at the same time, or this times out
            return np.full(4, value)

        return run

    out = {}
    threads = [
        threading.Thread(target=lambda v=v: out.setdefault(v, cache.get(v, load(v))))
        for v in (1, 2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert out[1][0] == 1 and out[2][0] == 2
