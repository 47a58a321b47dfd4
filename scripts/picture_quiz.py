#!/usr/bin/env python3
"""Make the README's picture of the quiz page, from a real run of the README's command.

``hoview teach`` writes the sample study's quiz (the README's third teaching command);
Chromium (Debian's, driven by Playwright) opens it at 1280 x 860, A shows the first
case's arrows, and the page is grabbed and scaled to 960 x 645.

Usage::

    python scripts/picture_quiz.py [--out docs/teaching-quiz.png]

Needs Debian's chromium and the Playwright Python package (its own browsers are not used).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parent.parent
VIEWPORT = (1280, 860)
PICTURE = (960, 645)


def main() -> int:
    """Write the quiz, open it, press A, save the picture; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "teaching-quiz.png")
    args = parser.parse_args()
    browser_path = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser_path is None:
        print("picture_quiz: needs Debian's chromium (apt-get install chromium)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="hoview-quiz-") as tmp:
        quiz = Path(tmp) / "ho-quiz"
        command = [sys.executable, "-m", "hoview", "teach", "sample_data/pelvis_ap.dcm"]
        command += ["sample_data/ct_hips@19", "sample_data/ct_hips@10", "--title", "Hip quiz"]
        command += ["--discussion", "Brooker III right, II left.", "-o", str(quiz)]
        subprocess.run(command, check=True, cwd=REPO)
        shot = Path(tmp) / "page.png"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=browser_path)
            page = browser.new_page(viewport={"width": VIEWPORT[0], "height": VIEWPORT[1]})
            page.goto((quiz / "index.html").as_uri())
            page.wait_for_load_state("load")
            page.keyboard.press("a")  # show the first case's arrows
            page.wait_for_timeout(500)
            page.screenshot(path=str(shot))
            browser.close()
        with Image.open(shot) as image:
            picture = image.convert("RGB").resize(PICTURE, Image.Resampling.LANCZOS)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        picture.save(args.out, optimize=True)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
