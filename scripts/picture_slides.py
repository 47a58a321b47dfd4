#!/usr/bin/env python3
"""Make the README's picture of a lecture slide before and after the click, for real.

``hoview slides`` builds the sample pelvis film's deck twice, with the click animation
and as two slides per case (``--no-animation``); LibreOffice Impress converts the
two-slide deck to PDF headless (a PDF has no clicks: each page is a slide as it stands,
so the first case page is the slide before the click and the next one the same slide
after it, at the same geometry); poppler's ``pdftoppm`` rasterises both pages, and they
are put side by side.

Usage::

    python scripts/picture_slides.py [--out docs/slides-before-after.png]

Needs Debian's libreoffice-impress and poppler-utils.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "sample_data" / "pelvis_ap.dcm"


def main() -> int:
    """Build the deck, convert it, write the picture; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "slides-before-after.png")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hoview-slides-") as tmp:
        work = Path(tmp)
        deck = work / "lecture.pptx"
        hoview = [sys.executable, "-m", "hoview", "slides", str(SAMPLE), "--title", "Hip lecture"]
        hoview += ["--caption", "AP pelvis: what do you see?", "--no-animation", "-o", str(deck)]
        subprocess.run(hoview, check=True)
        profile = (work / "profile").as_uri()
        subprocess.run(
            ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
            + ["--outdir", str(work), str(deck)],
            check=True,
            capture_output=True,
        )
        pages = []
        for number in (2, 3):
            prefix = work / f"page{number}"
            subprocess.run(
                ["pdftoppm", "-f", str(number), "-l", str(number), "-scale-to-x", "960"]
                + ["-scale-to-y", "540", "-png", "-singlefile", str(work / "lecture.pdf")]
                + [str(prefix)],
                check=True,
            )
            pages.append(Image.open(f"{prefix}.png").convert("RGB"))
        gap = 16
        out = Image.new("RGB", (2 * 960 + gap, 540), (128, 128, 128))
        out.paste(pages[0], (0, 0))
        out.paste(pages[1], (960 + gap, 0))
        args.out.parent.mkdir(parents=True, exist_ok=True)
        out.save(args.out, optimize=True)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
