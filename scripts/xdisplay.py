"""A private X display (Debian's Xvfb) for the README's screenshot scripts.

``xdotool`` presses keys and clicks, ImageMagick's ``import`` grabs the screen; both
scripts that take the README's pictures of a real run (``screenshot_layout.py``,
``screenshot_sample.py``) drive the program through it.
"""

from __future__ import annotations

import io
import os
import subprocess
import time
from pathlib import Path

import numpy as np
from PIL import Image


class Display:
    """A private X display of ``screen`` pixels, with the programs that drive it."""

    def __init__(self, screen: tuple[int, int]) -> None:
        number = next(
            n
            for n in range(90, 200)
            if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists()
        )
        self.name = f":{number}"
        size = f"{screen[0]}x{screen[1]}x24"
        self.server = subprocess.Popen(
            ["Xvfb", self.name, "-screen", "0", size, "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not Path(f"/tmp/.X11-unix/X{number}").exists():
            if time.monotonic() > deadline or self.server.poll() is not None:
                raise SystemExit(f"Xvfb {self.name} did not start")
            time.sleep(0.05)
        self.env = {**os.environ, "DISPLAY": self.name}

    def xdotool(self, *args: str) -> str:
        """Run xdotool; return what it printed."""
        done = subprocess.run(
            ["xdotool", *args], env=self.env, capture_output=True, text=True, timeout=20
        )
        return done.stdout

    def key(self, *keys: str) -> None:
        """Press keys one after the other."""
        self.xdotool("key", "--delay", "80", *keys)

    def click(self, x: int, y: int, repeat: int = 1, button: int = 1) -> None:
        """Click ``button`` at ``(x, y)`` (``repeat`` 2: a double click; 4: wheel up)."""
        self.xdotool("mousemove", str(x), str(y))
        time.sleep(0.1)
        self.xdotool("click", "--repeat", str(repeat), "--delay", "60", str(button))
        time.sleep(0.3)

    def grab(self) -> np.ndarray:
        """Return the screen as an RGB array."""
        png = subprocess.run(
            ["import", "-window", "root", "png:-"], env=self.env, capture_output=True, timeout=20
        ).stdout
        return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))

    def settled(self, timeout: float = 8.0) -> np.ndarray:
        """Return the screen once two grabs in a row agree."""
        time.sleep(0.3)
        last = self.grab()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            time.sleep(0.4)
            shot = self.grab()
            if np.array_equal(shot, last):
                break
            last = shot
        return last

    def stop(self) -> None:
        """End the X server (ours)."""
        self.server.terminate()
        self.server.wait(timeout=10)
