"""The deck opens in LibreOffice Impress: converted headless, rasterised, looked at.

``soffice --headless --convert-to pdf`` renders every slide as it stands after all its
clicks (the PDF has no animation), so the two-slide deck (``animate=False``) shows the
plain film on its first case page and the film with arrows on the next; the animated
deck is converted to ODP, Impress's own format, to see that LibreOffice read the click
animation and aims it at the annotated picture. These tests fail, never skip, when
LibreOffice or poppler's ``pdftoppm`` is missing: CI installs Debian's
``libreoffice-impress`` and ``poppler-utils``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from hoview.render.film import FilmRequest, render_film
from hoview.render.slides import FILM_BOX, PROJECTION, build_slides, place_film
from hoview.sources import open_path

SOFFICE = shutil.which("soffice") or "/usr/bin/soffice"
PDFTOPPM = shutil.which("pdftoppm") or "/usr/bin/pdftoppm"


def convert(deck: Path, to: str, tmp_path: Path) -> Path:
    """Convert with a private LibreOffice profile (no first-start dialogs, no locks)."""
    profile = (tmp_path / "lo-profile").as_uri()
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--norestore"]
        + ["--convert-to", to, "--outdir", str(tmp_path / "out"), str(deck)],
        capture_output=True,
        text=True,
        timeout=240,
    )
    out = tmp_path / "out" / f"{deck.stem}.{to}"
    assert done.returncode == 0 and out.is_file(), done.stderr[-1000:]
    return out


def page(pdf: Path, number: int) -> np.ndarray:
    """Rasterise one PDF page at the projection's size (1920 pixels wide), as grey."""
    prefix = pdf.with_name(f"page{number}")
    subprocess.run(
        [PDFTOPPM, "-f", str(number), "-l", str(number), "-scale-to-x", str(PROJECTION[0])]
        + ["-scale-to-y", str(PROJECTION[1]), "-png", "-singlefile", str(pdf), str(prefix)],
        check=True,
        timeout=120,
    )
    return np.asarray(Image.open(f"{prefix}.png").convert("L"), dtype=float)


def film_region(shot: np.ndarray, columns: int, rows: int) -> np.ndarray:
    place = place_film(columns, rows, FILM_BOX)
    return shot[place.y : place.y + place.height, place.x : place.x + place.width]


def expected(film: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    return np.asarray(Image.fromarray(film).convert("L").resize(size, Image.BILINEAR), float)


@pytest.fixture(scope="module")
def pelvis(tmp_path_factory, sample_data_dir):
    folder = tmp_path_factory.mktemp("lo-film")
    for name in ("pelvis_ap.dcm", "pelvis_ap.dcm.hoview.json"):
        shutil.copy(sample_data_dir / name, folder / name)
    path = folder / "pelvis_ap.dcm"
    frame = open_path(path).series[0].frames[0]
    film = render_film(frame, orientation_markers=True)
    return path, film


def test_libreoffice_shows_the_plain_film_then_the_film_with_arrows(tmp_path, pelvis):
    assert Path(SOFFICE).exists(), "LibreOffice (Debian: libreoffice-impress) is needed"
    path, film = pelvis
    deck = tmp_path / "lecture.pptx"
    build_slides([FilmRequest(path, caption="AP pelvis")], deck, animate=False)
    pdf = convert(deck, "pdf", tmp_path)
    title, without, with_arrows = (page(pdf, n) for n in (1, 2, 3))
    assert title.mean() < 40 and title.max() > 200, "a black title slide with white text"
    rows, columns = film.plain.shape[:2]
    shown = [film_region(p, columns, rows) for p in (without, with_arrows)]
    size = (shown[0].shape[1], shown[0].shape[0])
    plain, annotated = expected(film.plain, size), expected(film.annotated, size)
    # Each page shows its own film: close to it, and further from the other one.
    assert np.corrcoef(shown[0].ravel(), plain.ravel())[0, 1] > 0.97
    assert np.abs(shown[0] - plain).mean() < np.abs(shown[0] - annotated).mean()
    assert np.abs(shown[1] - annotated).mean() < np.abs(shown[1] - plain).mean()
    # Around the film the slide is black.
    assert without[FILM_BOX[1] :, : FILM_BOX[0]].mean() < 5


def test_libreoffice_reads_the_click_animation_of_the_annotated_picture(
    tmp_path, pelvis, sample_data_dir
):
    """The sample deck (the pelvis film and two CT slices) as Impress reads it."""
    assert Path(SOFFICE).exists(), "LibreOffice (Debian: libreoffice-impress) is needed"
    path, _ = pelvis
    deck = tmp_path / "lecture.pptx"
    films = [FilmRequest(path), *(FilmRequest(sample_data_dir / "ct_hips", n) for n in (19, 10))]
    build_slides(films, deck, discussions=["Brooker III"], discussion_on_slide=True)
    odp = convert(deck, "odp", tmp_path)
    content = zipfile.ZipFile(odp).read("content.xml").decode("utf-8")
    frames = dict(re.findall(r'<draw:frame draw:name="([^"]+)"[^>]*?xml:id="([^"]+)"', content))
    frames |= {
        name: ident
        for ident, name in re.findall(
            r'<draw:frame[^>]*?xml:id="([^"]+)"[^>]*?draw:name="([^"]+)"', content
        )
    }
    assert "Case 1 with arrows" in frames, sorted(frames)
    sets = re.findall(r"<anim:set [^>]*>", content)
    visible = [s for s in sets if 'smil:attributeName="visibility"' in s and "visible" in s]
    targets = [re.search(r'smil:targetElement="([^"]+)"', s).group(1) for s in visible]
    for case in (1, 2, 3):
        assert frames[f"Case {case} with arrows"] in targets, (frames, targets)
        assert frames.get(f"Case {case} without arrows") not in targets
    clicks = re.findall(r'presentation:node-type="on-click"', content)
    assert len(clicks) == 4, "case 1: the arrows, then the discussion; cases 2 and 3: arrows"
