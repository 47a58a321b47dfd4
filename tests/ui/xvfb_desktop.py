"""A private X display (Debian's Xvfb) driven as a person would: keys, wheel, screenshots.

Used by the real-window test: the program runs as a subprocess on its own display,
``xdotool`` sends real key presses and wheel clicks, and ImageMagick's ``import`` takes
screenshots of the whole screen as numpy arrays. Pixel helpers find what a person would
look at (the canvases, white glyphs, a piece of text anywhere on screen).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

#: Debian packages that provide the programs below (for the failure message).
TOOLS = {"Xvfb": "xvfb", "xdotool": "xdotool", "import": "imagemagick"}
SCREEN = (1280, 1000)


def require_tools() -> None:
    """Fail (never skip) with a clear message when a program the test drives is missing."""
    missing = [
        f"{name} (Debian package {pkg})" for name, pkg in TOOLS.items() if not shutil.which(name)
    ]
    if missing:
        pytest.fail("the real-window test needs " + ", ".join(missing) + ": install them")


def _free_display() -> int:
    for number in range(90, 200):
        if (
            not Path(f"/tmp/.X11-unix/X{number}").exists()
            and not Path(f"/tmp/.X{number}-lock").exists()
        ):
            return number
    pytest.fail("no free X display number between :90 and :199")


def _start_xvfb(number: int) -> subprocess.Popen | None:
    """Start ``Xvfb :number``; return it once its socket exists, None if it died."""
    size = f"{SCREEN[0]}x{SCREEN[1]}x24"
    command = ["Xvfb", f":{number}", "-screen", "0", size, "-nolisten", "tcp"]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    socket = Path(f"/tmp/.X11-unix/X{number}")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if server.poll() is not None:
            return None
        if socket.exists():
            return server
        time.sleep(0.05)
    server.kill()
    server.wait()
    pytest.fail(f"Xvfb :{number} did not create {socket} within 10 s")


@pytest.fixture(name="xvfb_display")
def xvfb_display_fixture() -> Iterator[str]:
    """A fresh X display ``:N`` of 1280 x 1000 x 24 (Debian's Xvfb), stopped after the test."""
    require_tools()
    for _attempt in range(5):
        number = _free_display()
        server = _start_xvfb(number)
        if server is not None:
            break
    else:
        pytest.fail("Xvfb did not start on any free display")
    try:
        yield f":{number}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@dataclass(frozen=True)
class Canvas:
    """A canvas on screen: its columns ``x0..x1`` (exclusive) and rows ``y0..y1``."""

    x0: int
    x1: int
    y0: int
    y1: int

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return self.y1 - self.y0


class Desktop:
    """The display ``display``: send keys and wheel clicks, take screenshots."""

    def __init__(self, display: str, shots: Path) -> None:
        self.env = {**os.environ, "DISPLAY": display}
        self.shots = shots
        self._count = 0

    def xdotool(self, *args: str) -> str:
        """Run ``xdotool args``; return its output."""
        done = subprocess.run(
            ["xdotool", *args], env=self.env, capture_output=True, text=True, timeout=20
        )
        return done.stdout

    def wait_window(self, name: str, timeout: float = 20.0) -> str:
        """Return the id of the first visible window whose name matches ``name``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.xdotool("search", "--onlyvisible", "--name", name).split()
            if found:
                return found[0]
            time.sleep(0.2)
        raise AssertionError(f"no window named {name!r} appeared within {timeout:.0f} s")

    def key(self, *keys: str) -> None:
        """Press (and release) ``keys`` one after the other, e.g. ``"shift+h"``."""
        self.xdotool("key", "--delay", "60", *keys)

    def click(self, x: int, y: int, button: int = 1, repeat: int = 1) -> None:
        """Move the pointer to ``(x, y)`` and click ``button`` (4: wheel up) ``repeat`` times."""
        self.xdotool("mousemove", str(x), str(y))
        self.xdotool("click", "--repeat", str(repeat), "--delay", "80", str(button))

    def move(self, x: int, y: int) -> None:
        """Move the pointer to ``(x, y)``."""
        self.xdotool("mousemove", str(x), str(y))

    def grab(self) -> np.ndarray:
        """The whole screen as an RGB array (rows, columns, 3)."""
        png = subprocess.run(
            ["import", "-window", "root", "png:-"], env=self.env, capture_output=True, timeout=20
        ).stdout
        return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))

    def settled(self, name: str, timeout: float = 5.0) -> np.ndarray:
        """Wait until two screenshots in a row agree; keep the last as ``<name>.png``."""
        time.sleep(0.15)
        last = self.grab()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            time.sleep(0.25)
            shot = self.grab()
            if np.array_equal(shot, last):
                break
            last = shot
        self._count += 1
        Image.fromarray(last).save(self.shots / f"{self._count:02d}-{name}.png")
        return last


def grey(shot: np.ndarray) -> np.ndarray:
    """The brightest channel of each pixel (white text is white in every channel)."""
    return shot.max(axis=2)


def canvases(shot: np.ndarray, min_width: int = 200) -> list[Canvas]:
    """Find the viewer canvases: black rectangles whose top row is a long dark run.

    The first screen row with dark runs of at least ``min_width`` pixels is the canvases'
    top edge; each run gives one canvas's columns. Each canvas ends at the first row below
    where its left edge turns into the light window background (the status bar).
    """
    dark = shot.max(axis=2) < 16
    light = shot.min(axis=2) > 200
    for y in range(dark.shape[0]):
        runs = _runs(dark[y])
        wide = [(a, b) for a, b in runs if b - a >= min_width]
        if wide:
            found = []
            for a, b in wide:
                below = np.flatnonzero(light[y + 50 :, a + 1] & light[y + 50 :, b - 2])
                if len(below):
                    found.append(Canvas(a, b, y, y + 50 + int(below[0])))
            return found
    return []


def _runs(row: np.ndarray) -> list[tuple[int, int]]:
    """``(start, end)`` of each run of True in a 1-D boolean array."""
    padded = np.concatenate([[False], row, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def components(mask: np.ndarray) -> list[np.ndarray]:
    """The 8-connected components of ``mask``, each as an ``(n, 2)`` array of (row, column)."""
    seen = np.zeros_like(mask, dtype=bool)
    found = []
    for start in zip(*np.nonzero(mask), strict=True):
        if seen[start]:
            continue
        seen[start] = True
        stack, pixels = [start], []
        while stack:
            r, c = stack.pop()
            pixels.append((r, c))
            for dr in (-1, 0, 1):
                for dc in (-1, 0, 1):
                    rr, cc = r + dr, c + dc
                    inside = 0 <= rr < mask.shape[0] and 0 <= cc < mask.shape[1]
                    if inside and mask[rr, cc] and not seen[rr, cc]:
                        seen[rr, cc] = True
                        stack.append((rr, cc))
        found.append(np.array(pixels))
    return found


def trim(mask: np.ndarray) -> np.ndarray:
    """``mask`` cut to the bounding box of its True pixels."""
    rows, cols = np.nonzero(mask)
    if not len(rows):
        return mask[:0, :0]
    return mask[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]


def same_glyph(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two glyph masks (trimmed) have the same size within 1 px and overlap >= 80%."""
    a, b = trim(a), trim(b)
    if not a.size or not b.size:
        return False
    if abs(a.shape[0] - b.shape[0]) > 1 or abs(a.shape[1] - b.shape[1]) > 1:
        return False
    h, w = min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1])
    a, b = a[:h, :w], b[:h, :w]
    return (a & b).sum() / max((a | b).sum(), 1) >= 0.8


def likeness(a: np.ndarray, b: np.ndarray, shift: int = 2) -> float:
    """How alike two grey crops look: the best normalised correlation over small shifts.

    The middle of ``a`` (``shift`` pixels off each side) is slid over ``b`` by up to
    ``2 * shift`` pixels each way, so text drawn at a slightly different sub-pixel place
    still matches itself (about 0.9) and not its mirror image (about 0.5).
    """
    h = min(a.shape[0], b.shape[0]) - 2 * shift
    w = min(a.shape[1], b.shape[1]) - 2 * shift
    x = a[shift : shift + h, shift : shift + w].astype(float)
    x = x - x.mean()
    best = -1.0
    for dy in range(2 * shift + 1):
        for dx in range(2 * shift + 1):
            y = b[dy : dy + h, dx : dx + w].astype(float)
            y = y - y.mean()
            norm = np.sqrt((x * x).sum() * (y * y).sum())
            if norm:
                best = max(best, float((x * y).sum() / norm))
    return best


def find_text(mask: np.ndarray, template: np.ndarray) -> list[tuple[int, int]]:
    """Where the text ``template`` (a trimmed mask) is drawn in ``mask``: top-left corners.

    A place matches when it covers at least 90% of the template's pixels and holds at most
    15% more lit pixels than the template (so bright film does not match everything).
    """
    h, w = template.shape
    shape = (mask.shape[0] + h, mask.shape[1] + w)
    image = np.fft.rfft2(mask.astype(float), shape)
    overlap = np.fft.irfft2(image * np.conj(np.fft.rfft2(template.astype(float), shape)), shape)
    lit = np.fft.irfft2(image * np.conj(np.fft.rfft2(np.ones((h, w)), shape)), shape)
    size = template.sum()
    hits = (overlap > 0.9 * size - 0.5) & (lit < 1.15 * size + 0.5)
    rows, cols = np.nonzero(hits[: mask.shape[0] - h + 1, : mask.shape[1] - w + 1])
    return list(zip(rows.tolist(), cols.tolist(), strict=True))


def text_lines(mask: np.ndarray) -> list[np.ndarray]:
    """Split a block of text (a mask) into its lines, each trimmed."""
    rows = mask.any(axis=1)
    return [trim(mask[a:b]) for a, b in _runs(rows)]


def spawn(command: Sequence[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    """Start ``command`` with its output in ``log``."""
    with log.open("wb") as out:
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen) -> None:
    """End ``process`` (ours): terminate, then kill after 5 s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
