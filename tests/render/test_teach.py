"""The quiz page: self-contained, anonymous HTML whose toggle reveals the arrows.

The unit tests read the HTML; the browser tests load it from file:// in Debian's
Chromium (``/usr/bin/chromium``, driven by Playwright) and look at the pixels. The
browser tests fail, never skip, when Chromium or Playwright is missing: CI installs both.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pydicom
import pytest
from PIL import Image

from hoview.errors import HoviewError
from hoview.render.film import FilmRequest
from hoview.render.teach import DEFAULT_TITLE, build_teaching_page, encode_pair

PELVIS = "pelvis_ap.dcm"
SIDECAR = ".hoview.json"
CHROMIUM = os.environ.get("HOVIEW_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
#: What the test copy of the film says about its patient; none of it may reach the page.
IDENTIFIERS = {
    "PatientName": "Doe^Jane",
    "PatientID": "MRN4471829",
    "PatientBirthDate": "19610817",
    "StudyDate": "20240312",
    "AccessionNumber": "ACC99812",
    "InstitutionName": "St Example Hospital",
    "ReferringPhysicianName": "Careful^Doctor",
}
IDENTIFYING_NAME = "Doe_Jane_MRN4471829_pelvis.dcm"


# -- helpers -----------------------------------------------------------------------------


class Page(HTMLParser):
    """What a test needs from the page: tags with attributes and the text inside some."""

    TEXT_OF = ("title", "h1", "h2", "h3", "button", "p")

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.texts: dict[str, list[str]] = {t: [] for t in self.TEXT_OF}
        self._open: list[tuple[str, list[str]]] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in self.TEXT_OF:
            self._open.append((tag, []))

    def handle_endtag(self, tag):
        if self._open and self._open[-1][0] == tag:
            name, parts = self._open.pop()
            self.texts[name].append(" ".join("".join(parts).split()))

    def handle_data(self, data):
        for _, parts in self._open:
            parts.append(data)

    def all(self, tag: str, cls: str | None = None) -> list[dict[str, str | None]]:
        return [
            a for t, a in self.tags if t == tag and (cls is None or cls in (a.get("class") or ""))
        ]


def without_images(text: str) -> str:
    """The page with its data: URIs cut out (random base64 may spell anything)."""
    return re.sub(r"data:image/[a-z]+;base64,[A-Za-z0-9+/=]+", "data:IMAGE", text)


def decode(uri: str) -> Image.Image:
    head, data = uri.split(",", 1)
    assert head in ("data:image/png;base64", "data:image/jpeg;base64"), head
    image = Image.open(io.BytesIO(base64.b64decode(data, validate=True)))
    image.load()
    assert image.format == head.split("/")[1].split(";")[0].upper()
    return image


def build(tmp_path, inputs, **options):
    out = tmp_path / "quiz"
    result = build_teaching_page(inputs, out, **options)
    text = result.index.read_text(encoding="utf-8")
    return result, text, Page(text)


@pytest.fixture
def film(tmp_path, sample_data_dir) -> Path:
    """The sample AP pelvis with its sidecar, under a name and header that identify."""
    folder = tmp_path / "in"
    folder.mkdir()
    ds = pydicom.dcmread(sample_data_dir / PELVIS)
    for keyword, value in IDENTIFIERS.items():
        setattr(ds, keyword, value)
    path = folder / IDENTIFYING_NAME
    ds.save_as(path)
    shutil.copy(sample_data_dir / (PELVIS + SIDECAR), folder / (IDENTIFYING_NAME + SIDECAR))
    return path


def set_teaching(path: Path, teaching) -> None:
    sidecar = path.with_name(path.name + SIDECAR)
    data = json.loads(sidecar.read_text())
    data["teaching"] = teaching
    sidecar.write_text(json.dumps(data))


def arrows(sample_data_dir):
    data = json.loads((sample_data_dir / (PELVIS + SIDECAR)).read_text())
    return (
        data["image"]["columns"],
        data["image"]["rows"],
        [a["points"] for a in data["annotations"]],
    )


# -- the HTML ----------------------------------------------------------------------------


def test_page_shows_each_film_plain_first_with_its_arrows_stacked(tmp_path, film, sample_data_dir):
    done = []
    result, text, page = build(
        tmp_path,
        [film, sample_data_dir / "pelvis_ap.png", sample_data_dir / "ct_hips"],
        progress=lambda i, n: done.append((i, n)),
    )
    assert result.index == tmp_path / "quiz" / "index.html"
    assert result.cases == 3
    assert result.warnings == []
    assert done == [(1, 3), (2, 3), (3, 3)]
    assert text.startswith("<!DOCTYPE html>")
    assert page.texts["title"] == [DEFAULT_TITLE]
    assert page.texts["h2"] == ["Case 1", "Case 2", "Case 3"]
    sections = page.all("section", "case")
    assert [s["id"] for s in sections] == ["case-1", "case-2", "case-3"]
    assert ["has-arrows" in s["class"] for s in sections] == [True, True, False]
    buttons = page.all("button", "toggle")
    assert page.texts["button"] == ["Show arrows", "Show arrows", "No arrows on this film"]
    assert [b["aria-pressed"] for b in buttons] == ["false"] * 3
    assert ["disabled" in b for b in buttons] == [False, False, True]
    assert len(page.all("img", "plain")) == 3
    assert len(page.all("img", "arrows")) == 2  # the CT slice has no arrows: no overlay


def test_images_are_data_uris_of_the_right_size_and_differ_only_at_the_arrows(
    tmp_path, film, sample_data_dir
):
    _, _, page = build(tmp_path, [film, sample_data_dir / "ct_hips"], max_size=1000)
    plain, ct = page.all("img", "plain")
    (overlay,) = page.all("img", "arrows")
    columns, rows, points = arrows(sample_data_dir)
    scale = 1000 / max(columns, rows)
    size = (round(columns * scale), round(rows * scale))
    a, b = decode(plain["src"]), decode(overlay["src"])
    assert a.size == b.size == size
    assert (plain["width"], plain["height"]) == (str(size[0]), str(size[1]))
    assert a.format == b.format  # one format per case, so the switch flickers nowhere else
    for image in (a, b):
        assert not set(image.info) & {"exif", "comment", "icc_profile", "XML:com.adobe.xmp"}
        assert not any(isinstance(v, str) and len(v) > 20 for v in image.info.values())
    assert decode(ct["src"]).size == (256, 256)  # smaller than max_size: never enlarged
    changed = np.abs(np.asarray(a.convert("L"), int) - np.asarray(b.convert("L"), int)) > 32
    assert changed.sum() > 500
    near = near_segments(changed.shape, [[(x * scale, y * scale) for x, y in p] for p in points])
    assert changed[~near].sum() < 0.01 * changed.sum()


def near_segments(shape, segments, reach=0.08):
    """Pixels within ``reach`` of the diagonal from any segment (arrow, head and label)."""
    rows, columns = shape
    radius = reach * float(np.hypot(rows, columns))
    y, x = np.mgrid[0:rows, 0:columns] + 0.5
    near = np.zeros(shape, bool)
    for (x1, y1), (x2, y2) in segments:
        dx, dy = x2 - x1, y2 - y1
        t = np.clip(((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy), 0, 1)
        near |= np.hypot(x - (x1 + t * dx), y - (y1 + t * dy)) <= radius
    return near


def test_page_names_no_file_and_nothing_from_the_header(tmp_path, film):
    result, text, _ = build(tmp_path, [film])
    visible = without_images(text)
    uids = [
        str(pydicom.dcmread(film, stop_before_pixels=True)[k].value)
        for k in ("SOPInstanceUID", "StudyInstanceUID", "SeriesInstanceUID")
    ]
    for uid in uids:
        assert uid not in text
    for word in [
        *IDENTIFIERS.values(),
        "Doe",
        "Jane",
        "MRN",
        "Pelvis AP",
        "HOVIEW^SAMPLE",
        "SYNTHETIC IMAGE",
        IDENTIFYING_NAME,
        Path(IDENTIFYING_NAME).stem,
        ".dcm",
        str(tmp_path),
        "2024",
        "2026",
    ]:
        assert word not in visible, word
    assert not re.search(r"\b(19|20)\d\d-?[01]\d-?[0-3]\d\b", visible)  # no dates at all
    assert not re.search(r"\b[0-2]\d:[0-5]\d\b", visible)  # nor times


def test_page_fetches_nothing_and_says_so(tmp_path, film):
    _, text, page = build(tmp_path, [film])
    visible = without_images(text).replace('http-equiv="Content-Security-Policy"', "")
    for bad in ("http", "//", "url(", "@import", "<link", "<iframe", "<object", "<embed"):
        assert bad not in visible, bad
    sources = [a.get("src") or a.get("href") for _, a in page.tags if "src" in a or "href" in a]
    assert sources and all(s.startswith("data:image/") for s in sources)
    metas = {
        a.get("name") or a.get("http-equiv"): a["content"]
        for a in page.all("meta")
        if "content" in a
    }
    assert metas["robots"].startswith("noindex")
    assert metas["referrer"] == "no-referrer"
    csp = dict(p.strip().split(" ", 1) for p in metas["Content-Security-Policy"].split(";"))
    assert csp["default-src"] == "'none'"
    assert csp["img-src"] == "data:"
    for tag in ("script", "style"):
        (block,) = re.findall(rf"<{tag}>(.*?)</{tag}>", text, flags=re.DOTALL)
        digest = base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()
        assert csp[f"{tag}-src"] == f"'sha256-{digest}'"
    assert text.count("<script") == 1
    outside_script = re.sub(r"<script>.*?</script>", "", visible, flags=re.DOTALL)
    assert not re.search(r"\son[a-z]+\s*=", outside_script)  # no inline event handlers


def test_user_text_is_escaped(tmp_path, film):
    evil = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
    _, text, page = build(
        tmp_path,
        [FilmRequest(film, caption=f"Hip {evil}")],
        title=f"Quiz {evil}",
        discussions=[f"Answer {evil}\nsecond line\n\nnext paragraph"],
    )
    assert evil not in text
    assert text.count("<script") == 1 and text.count("<img") == 2
    assert page.texts["title"] == [f"Quiz {evil}"]
    assert page.texts["h1"] == [f"Quiz {evil}"]
    assert page.texts["h2"] == [f"Hip {evil}"]
    assert f"Answer {evil} second line" in page.texts["p"]
    assert "next paragraph" in page.texts["p"]
    assert page.all("img", "plain")[0]["alt"] == f"Hip {evil}, without arrows"


def test_headings_and_discussions_come_from_the_teacher_then_the_sidecar(
    tmp_path, film, sample_data_dir
):
    set_teaching(film, {"title": "Brooker grades", "discussion": "Bilateral HO."})
    png = tmp_path / "in" / "film.png"
    shutil.copy(sample_data_dir / "pelvis_ap.png", png)
    shutil.copy(sample_data_dir / ("pelvis_ap.png" + SIDECAR), png.with_name(png.name + SIDECAR))
    _, _, page = build(tmp_path, [film, png, FilmRequest(film, caption="Teacher's caption")])
    assert page.texts["h2"] == ["Brooker grades", "Case 2", "Teacher's caption"]
    assert page.texts["h3"] == ["Discussion", "Discussion"]
    assert page.texts["p"].count("Bilateral HO.") == 2
    _, _, page = build(tmp_path, [film, png], discussions=["", "Given on the command line"])
    assert "Bilateral HO." in page.texts["p"]  # an empty flag falls back to the sidecar
    assert "Given on the command line" in page.texts["p"]
    assert len(page.all("div", "discussion")) == 2


def test_strip_labels_takes_the_words_off_the_arrows_but_keeps_the_arrows(tmp_path, film):
    _, labelled, _ = build(tmp_path, [film], max_size=800)
    _, stripped, page = build(tmp_path, [film], max_size=800, strip_labels=True)
    assert "HO" not in without_images(stripped)
    for word in ("heterotopic", "Brooker", "hoview sample"):
        assert word not in stripped
    plain = np.asarray(decode(page.all("img", "plain")[0]["src"]).convert("L"), int)
    bare = np.asarray(decode(page.all("img", "arrows")[0]["src"]).convert("L"), int)
    full = np.asarray(decode(Page(labelled).all("img", "arrows")[0]["src"]).convert("L"), int)
    assert (np.abs(bare - plain) > 32).sum() > 200  # the arrows are there
    assert (np.abs(full - plain) > 32).sum() > (np.abs(bare - plain) > 32).sum() + 100


def test_only_index_html_is_written_into_an_existing_folder(tmp_path, film):
    out = tmp_path / "quiz"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    (out / "index.html").write_text("old page")
    result = build_teaching_page([film], out)
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "notes.txt"]
    assert (out / "notes.txt").read_text() == "mine"
    assert result.index.read_text().startswith("<!DOCTYPE html>")
    nested = build_teaching_page([film], tmp_path / "a" / "b")
    assert nested.index.is_file()


def test_bad_requests_are_errors_naming_the_folder(tmp_path, film):
    out = tmp_path / "quiz"
    with pytest.raises(HoviewError, match="at least one image"):
        build_teaching_page([], out)
    with pytest.raises(HoviewError, match="2 discussions for 1 images"):
        build_teaching_page([film], out, discussions=["a", "b"])
    with pytest.raises(ValueError, match="max_size"):
        build_teaching_page([film], out, max_size=0)
    assert not out.exists()
    out.write_text("a file")
    with pytest.raises(HoviewError, match="not a folder") as caught:
        build_teaching_page([film], out)
    assert caught.value.path == out
    with pytest.raises(HoviewError, match="no_such.dcm"):
        build_teaching_page([tmp_path / "no_such.dcm"], tmp_path / "other")


def test_a_sidecar_teaching_object_must_hold_text(tmp_path, film):
    set_teaching(film, {"title": 5})
    with pytest.raises(HoviewError, match="teaching"):
        build_teaching_page([film], tmp_path / "quiz")


def test_burned_in_text_is_a_warning_for_the_teacher_not_a_line_on_the_page(tmp_path, film):
    ds = pydicom.dcmread(film)
    ds.BurnedInAnnotation = "YES"
    ds.save_as(film)
    result, text, _ = build(tmp_path, [film, film])
    assert len(result.warnings) == 1
    assert IDENTIFYING_NAME in result.warnings[0] and "burned-in" in result.warnings[0]
    assert "burned" not in text and IDENTIFYING_NAME not in text


def test_coloured_arrows_keep_their_colour_and_both_images_share_the_mode(tmp_path, film):
    sidecar = film.with_name(film.name + SIDECAR)
    data = json.loads(sidecar.read_text())
    data["layers"][0]["colour"] = "#ffff00"
    sidecar.write_text(json.dumps(data))
    _, _, page = build(tmp_path, [film], max_size=600)
    plain = decode(page.all("img", "plain")[0]["src"])
    overlay = decode(page.all("img", "arrows")[0]["src"])
    assert plain.mode == overlay.mode == "RGB"
    pixels = np.asarray(overlay, int)
    yellow = (pixels[..., 0] > 200) & (pixels[..., 1] > 200) & (pixels[..., 2] < 80)
    assert yellow.sum() > 50


def test_smooth_films_go_in_as_png_and_noisy_ones_as_jpeg():
    smooth = np.tile(np.linspace(0, 255, 400).astype(np.uint8), (300, 1))
    grain = np.random.default_rng(1).normal(0, 2, smooth.shape)  # a film's quantum noise
    noisy = np.clip(smooth + grain, 0, 255).astype(np.uint8)
    for array, fmt in ((smooth, "PNG"), (noisy[..., None].repeat(3, 2), "JPEG")):
        first, second = encode_pair(array, array)
        assert decode(first).format == decode(second).format == fmt
    only, none = encode_pair(smooth, None)
    assert none is None and decode(only).mode == "L" and decode(only).size == (400, 300)


def test_the_template_ships_in_the_wheel():
    tomllib = pytest.importorskip("tomllib")
    repo = Path(__file__).resolve().parents[2]
    config = tomllib.loads((repo / "pyproject.toml").read_text())
    globs = config["tool"]["setuptools"]["package-data"]["hoview.resources"]
    assert "*.html" in globs
    assert (repo / "resources" / "teaching_page.html").is_file()


# -- in a real browser -------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium under Playwright; fails with what to install when missing."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the browser test needs Playwright: pip install '.[test]'")
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"the browser test needs Debian's Chromium at {CHROMIUM}: "
            "apt-get install chromium (.ci/run installs it)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def opened(chromium, tmp_path, film, sample_data_dir):
    """The quiz page for the pelvis (with a discussion) and a CT slice, open in a tab."""
    set_teaching(film, {"discussion": "Heterotopic ossification, Brooker III and II."})
    result = build_teaching_page([film, sample_data_dir / "ct_hips", film], tmp_path / "quiz")
    page = chromium.new_page(viewport={"width": 1280, "height": 1000}, device_scale_factor=1)
    requests, problems = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(result.index.as_uri())
    yield page, requests, problems
    page.close()


def shot(page) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(page.screenshot())).convert("RGB"), int)


def box(page, selector):
    found = page.locator(selector).bounding_box()
    assert found, selector
    return found


def picture(page, selector):
    """Where the picture is drawn inside an ``object-fit: contain`` image, in page pixels."""
    return page.locator(selector).evaluate(
        """(image) => {
            const r = image.getBoundingClientRect();
            const s = Math.min(r.width / image.naturalWidth, r.height / image.naturalHeight);
            const w = image.naturalWidth * s, h = image.naturalHeight * s;
            return {x: r.x + (r.width - w) / 2, y: r.y + (r.height - h) / 2,
                    width: w, height: h, box: [r.x, r.y, r.width, r.height]};
        }"""
    )


def test_in_chromium_the_toggle_reveals_only_the_arrows_and_the_key_hides_them(
    opened, sample_data_dir, tmp_path
):
    page, requests, problems = opened
    button = page.locator("#case-1 .toggle")
    page.evaluate("document.getElementById('case-1').scrollIntoView()")
    film_box = picture(page, "#case-1 img.plain")
    assert film_box["y"] + film_box["height"] <= 1000, "the first film fits in the window"
    assert not page.locator("#case-1 img.arrows").is_visible()
    assert not page.locator("#case-1 .answer").is_visible()
    layout = [box(page, s) for s in ("#case-1 .film", "#case-1 .discussion", "#case-2")]
    before = shot(page)
    Image.fromarray(before.astype(np.uint8)).save(tmp_path / "before.png")

    button.click()
    after = shot(page)
    Image.fromarray(after.astype(np.uint8)).save(tmp_path / "after.png")
    assert button.get_attribute("aria-pressed") == "true"
    assert button.inner_text() == "Hide arrows"
    assert page.locator("#case-1 .answer").is_visible()
    assert [box(page, s) for s in ("#case-1 .film", "#case-1 .discussion", "#case-2")] == layout

    # Pixels changed over the film only near the sidecar's arrows, mapped to the page.
    columns, rows, points = arrows(sample_data_dir)
    sx, sy = film_box["width"] / columns, film_box["height"] / rows
    x0, y0 = round(film_box["x"]), round(film_box["y"])
    w, h = round(film_box["width"]), round(film_box["height"])
    changed = (np.abs(after - before).max(axis=2) > 40)[y0 : y0 + h, x0 : x0 + w]
    segments = [[(x * sx, y * sy) for x, y in p] for p in points]
    near = near_segments(changed.shape, segments)
    assert changed.sum() > 300
    assert changed[~near].sum() <= 0.01 * changed.sum(), "pixels changed away from the arrows"
    for (_, _), (hx, hy) in segments:  # something drawn at each arrow's head
        head = changed[int(hy) - 15 : int(hy) + 15, int(hx) - 15 : int(hx) + 15]
        assert head.sum() > 20

    page.keyboard.press("a")
    assert button.get_attribute("aria-pressed") == "false"
    assert button.inner_text() == "Show arrows"
    back = shot(page)
    region = (slice(y0, y0 + h), slice(x0, x0 + w))
    assert np.abs(back[region] - before[region]).max() <= 2  # the button may show focus
    assert not page.locator("#case-1 .answer").is_visible()
    assert problems == []  # no script error, no CSP violation
    assert requests and all(u.startswith(("file:", "data:")) for u in requests), requests


@pytest.mark.parametrize("viewport", [(1280, 1000), (1000, 640), (600, 900)])
def test_in_chromium_every_case_shows_at_one_size_and_the_first_fits_the_window(
    chromium, tmp_path, film, sample_data_dir, viewport
):
    width, height = viewport
    result = build_teaching_page([film, sample_data_dir / "ct_hips", film], tmp_path / "quiz")
    page = chromium.new_page(viewport={"width": width, "height": height}, device_scale_factor=1)
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    try:
        page.goto(result.index.as_uri())
        first, ct = picture(page, "#case-1 img.plain"), picture(page, "#case-2 img.plain")
        assert first["box"][2:] == ct["box"][2:]  # one display box for every case
        # The 256-pixel CT slice is enlarged like the 2140-pixel film: both fill the box,
        # as tall as it is in a wide window, as wide as it is in a narrow one.
        key, side = ("height", 3) if width > height else ("width", 2)
        assert ct[key] == pytest.approx(first[key], abs=1)
        assert ct[key] == pytest.approx(first["box"][side], abs=1)
        assert ct["height"] > 1.5 * 256  # enlarged, not shown at its own 256 pixels
        # At the top of the page the whole first film, header above it, is in view.
        assert first["y"] >= 0 and first["y"] + first["height"] <= height
        assert first["box"][1] + first["box"][3] <= height
        # The overlay with the arrows covers exactly the plain film.
        overlay = page.locator("#case-1 img.arrows").evaluate(
            "(image) => { const r = image.getBoundingClientRect();"
            " return [r.x, r.y, r.width, r.height]; }"
        )
        assert overlay == pytest.approx(first["box"], abs=0.5)
        assert problems == []
    finally:
        page.close()


def test_in_chromium_keys_move_between_cases_and_toggle_all(opened):
    page, requests, problems = opened

    def revealed():
        return ["revealed" in (page.get_attribute(f"#case-{n}", "class") or "") for n in (1, 2, 3)]

    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.id") == "case-2"
    assert box(page, "#case-2")["y"] == pytest.approx(0, abs=1)
    page.keyboard.press("a")  # the CT slice has no arrows: nothing to toggle
    assert revealed() == [False, False, False]
    assert page.locator("#case-2 .toggle").is_disabled()
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.id") == "case-3"
    page.keyboard.press("a")
    assert revealed() == [False, False, True]
    page.keyboard.press("k")
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("document.activeElement.id") == "case-1"
    page.keyboard.press("Shift+A")
    assert revealed() == [True, False, True]
    assert page.locator("#case-1 .toggle").get_attribute("aria-pressed") == "true"
    page.keyboard.press("Shift+A")
    assert revealed() == [False, False, False]
    page.keyboard.press("Control+a")  # browser shortcuts are left alone
    assert revealed() == [False, False, False]
    assert problems == []
    assert all(u.startswith(("file:", "data:")) for u in requests), requests


def test_teach_that_fails_to_write_leaves_no_empty_folder(tmp_path):
    """A real ``hoview teach`` whose page write fails (file size limit): no folder left."""
    import os
    import resource
    import signal
    import subprocess
    import sys

    from pydicom.data import get_testdata_file

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit: EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))

    out = tmp_path / "new" / "quiz"
    done = subprocess.run(
        [sys.executable, "-m", "hoview", "teach", get_testdata_file("CT_small.dcm"), "-o", out],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=str(tmp_path / "d")),
        preexec_fn=small_files,
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("hoview: error: ") and "cannot write the page" in done.stderr
    assert not (tmp_path / "new").exists()
