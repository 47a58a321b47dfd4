"""hoview render --pair and hoview montage: geometry, captions, what differs where."""

from __future__ import annotations

import json
import re

import numpy as np
import pydicom
import pytest
from PIL import Image, PdfParser

from hoview.cli import main
from hoview.cli_exports import film_paths
from hoview.errors import HoviewError
from hoview.render import layout
from hoview.render.film import load_film
from hoview.render.layout import Metrics
from hoview.render.montage import compose_montage, compose_pair, plan_pages

PELVIS = "pelvis_ap.dcm"


def rgb(path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGB")).astype(int)


def arrow_boxes(sidecar, scale, pad):
    """Boxes (x0, y0, x1, y1) in output pixels around each arrow and its label."""
    boxes = []
    for item in json.loads(sidecar.read_text())["annotations"]:
        (x1, y1), (x2, y2) = item["points"]
        boxes.append(
            (
                min(x1, x2) * scale - pad,
                min(y1, y2) * scale - pad,
                max(x1, x2) * scale + pad,
                max(y1, y2) * scale + pad,
            )
        )
    return boxes


def outside(mask, boxes):
    ys, xs = np.nonzero(mask)
    inside = np.zeros(len(xs), bool)
    for x0, y0, x1, y1 in boxes:
        inside |= (xs >= x0) & (xs <= x1) & (ys >= y0) & (ys <= y1)
    return int((~inside).sum())


def crop(array, rect):
    x, y, w, h = rect
    return array[y : y + h, x : x + w]


def test_pair_is_plain_then_annotated_with_captions(cli, film, tmp_path):
    out = tmp_path / "pair.png"
    status, _, err = cli("render", film, "--pair", "--scale", "0.25", "-o", out)
    assert status == 0, err
    image = rgb(out)
    size = (500, 425)
    metrics = Metrics.for_height(size[1])
    page = layout.place(
        [size, size], 2, layout.page_for_box(2, 2, size, metrics, False), size, metrics, False
    )
    assert image.shape[:2] == (page.size[1], page.size[0])
    left, right = (crop(image, cell.image) for cell in page.cells)
    plain = load_film(film, scale=0.25)
    assert np.array_equal(left, plain.plain)
    assert np.array_equal(right, plain.annotated)
    changed = np.any(left != right, axis=2)
    assert changed.sum() > 200, "the arrows are missing from the right half"
    boxes = arrow_boxes(film.with_name(PELVIS + ".hoview.json"), 0.25, pad=45)
    assert outside(changed, boxes) == 0
    for cell in page.cells:  # white caption text on black under each half
        band = crop(image, cell.caption)
        assert (band > 128).any()
    # The caption bands differ: "Without arrows" and "With arrows".
    first, second = (crop(image, cell.caption) for cell in page.cells)
    assert not np.array_equal(first, second)


def test_pair_respects_strip_labels(cli, film, tmp_path):
    labelled, stripped = tmp_path / "a.png", tmp_path / "b.png"
    assert cli("render", film, "--scale", "0.5", "-o", labelled)[0] == 0
    assert cli("render", film, "--scale", "0.5", "--strip-labels", "-o", stripped)[0] == 0
    plain = load_film(film, scale=0.5).plain
    a, b = rgb(labelled), rgb(stripped)
    assert np.any(b != plain), "stripping labels must keep the arrows"
    gone = np.any(a != b, axis=2)
    assert gone.sum() > 20, "the labels were not removed"
    # The labels sit beyond the tails (110, 560) and (1840, 560): only there.
    tails = [(x * 0.5 - 45, 560 * 0.5 - 45, x * 0.5 + 45, 560 * 0.5 + 15) for x in (110, 1840)]
    assert outside(gone, tails) == 0


def test_pair_and_no_annotations_is_a_usage_error(capsys, film, tmp_path):
    with pytest.raises(SystemExit) as exit_info:
        main(["render", str(film), "--pair", "--no-annotations", "-o", str(tmp_path / "x.png")])
    assert exit_info.value.code == 2
    assert "--pair" in capsys.readouterr().err


def test_slide_montage_of_pairs_places_every_tile(cli, film, sample_data_dir, tmp_path):
    out = tmp_path / "slide.png"
    ct = sample_data_dir / "ct_hips"
    status, stdout, err = cli(
        "montage", film, f"{ct}@19", f"{ct}@10", "-o", out, "--pairs",
        "--title", "Heterotopic ossification", "--caption", "AP pelvis",
    )  # fmt: skip
    assert status == 0, err
    assert "6 tiles" in stdout
    image = rgb(out)
    assert image.shape == (1080, 1920, 3)
    sizes = [(2000, 1700)] * 2 + [(256, 256)] * 4
    (page,), metrics = plan_pages(
        sizes, paper=None, columns=None, tile_size=None, title=True, group=2
    )
    assert len(page.cells) == 6
    for i, cell in enumerate(page.cells):
        tile = crop(image, cell.image)
        assert tile.mean() > 20, f"tile {i} is empty"
        assert (crop(image, cell.caption) > 128).any(), f"caption {i} is missing"
        if i % 2:  # the with-arrows half of each pair differs from its plain half
            plain = crop(image, page.cells[i - 1].image)
            assert np.any(plain != tile)
    x, y, w, h = page.title
    assert (image[y : y + h, x : x + w] > 128).any(), "the title is missing"
    # Black outside the cells and the title.
    mask = np.ones(image.shape[:2], bool)
    for cell in page.cells:
        for cx, cy, cw, ch in (cell.image, cell.caption):
            mask[cy : cy + ch, cx : cx + cw] = False
    mask[y : y + h, x : x + w] = False
    assert image[mask].max() == 0


def test_montage_columns_and_tile_size_set_the_grid(film, sample_data_dir):
    ct = sample_data_dir / "ct_hips"
    requests = [film] + [ct] * 4
    pages, result = compose_montage(requests, columns=2, tile_size=300)
    assert result.tiles == 5 and result.pages == 1
    (page_image,) = pages
    metrics = Metrics.for_height(720)
    assert page_image.shape[1::-1] == layout.page_for_box(5, 2, (300, 300), metrics, False)
    (page,), _ = plan_pages(
        [(2000, 1700)] + [(256, 256)] * 4, paper=None, columns=2, tile_size=300,
        title=False, group=1,
    )  # fmt: skip
    rows = sorted({cell.caption[1] for cell in page.cells})
    assert len(rows) == 3  # five tiles in two columns


@pytest.mark.parametrize(("paper", "points"), [("a4", (595.2, 841.9)), ("letter", (612, 792))])
def test_pdf_handout_pages(cli, sample_data_dir, tmp_path, paper, points):
    out = tmp_path / "handout.pdf"
    ct = sample_data_dir / "ct_hips"
    status, stdout, err = cli(
        "montage", f"{ct}@1-14", "-o", out, "--paper", paper, "--title", "Handout"
    )
    assert status == 0, err
    data = out.read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page(?![a-z])", data))
    sizes = [(256, 256)] * 14
    planned, _ = plan_pages(sizes, paper=paper, columns=None, tile_size=None, title=True, group=1)
    assert pages == len(planned) >= 2
    assert f"{pages} pages" in stdout
    assert sum(len(p.cells) for p in planned) == 14
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    assert len(boxes) == pages
    for w, h in boxes:
        assert float(w) == pytest.approx(points[0], abs=1)
        assert float(h) == pytest.approx(points[1], abs=1)
    assert_no_document_information(data)


def assert_no_document_information(data: bytes) -> None:
    """The PDF has no Info dictionary, no XMP and names no producing program."""
    parsed = PdfParser.PdfParser(buf=data)
    assert len(parsed.info) == 0
    assert b"Info" not in parsed.trailer_dict
    for key in (b"/Info", b"/CreationDate", b"/ModDate", b"/Producer", b"/Creator",
                b"/Title", b"/Author", b"/Metadata", b"xmpmeta", b"Pillow"):  # fmt: skip
        assert key not in data, key
    # Every page object is where the cross-reference table says it is.
    for ref in parsed.pages:
        assert parsed.read_indirect(ref)[b"Type"] == b"Page"


def test_montage_errors_name_the_file(cli, film, tmp_path):
    status, _, err = cli("montage", film, "-o", tmp_path / "m.gif")
    assert status == 1 and "m.gif" in err and "format" in err
    status, _, err = cli("montage", film, "-o", tmp_path / "m.png", "--caption", "a", "b")
    assert status == 1 and "2 captions for 1 images" in err
    status, _, err = cli("montage", tmp_path / "missing.dcm", "-o", tmp_path / "m.png")
    assert status == 1 and "missing.dcm" in err
    assert not (tmp_path / "m.png").exists()


def test_frame_names(tmp_path):
    odd = tmp_path / "odd@2"
    odd.write_bytes(b"")
    assert film_paths([str(odd)]) == [(odd, 1)]
    assert film_paths(["a/b@3", "c@2-4"]) == [
        (tmp_path.__class__("a/b"), 3),
        (tmp_path.__class__("c"), 2),
        (tmp_path.__class__("c"), 3),
        (tmp_path.__class__("c"), 4),
    ]
    with pytest.raises(HoviewError, match="from 1"):
        film_paths(["x@0"])
    with pytest.raises(HoviewError, match="range"):
        film_paths(["x@5-2"])


def test_compose_pair_uses_the_films_own_size(film):
    shown = load_film(film, scale=0.1)
    pair = compose_pair(shown)
    assert pair.shape[1] > 2 * shown.size[0]
    assert pair.shape[0] > shown.size[1]


def test_burned_in_sources_warn_before_export(cli, film, tmp_path):
    ds = pydicom.dcmread(film)
    ds.BurnedInAnnotation = "YES"
    ds.save_as(film)
    status, _, err = cli("render", film, "--scale", "0.1", "-o", tmp_path / "a.png")
    assert status == 0
    assert f"hoview: warning: {film.name}: the pixels may carry burned-in text" in err
    assert "Burned In Annotation is YES" in err
    status, _, err = cli("montage", film, film, "-o", tmp_path / "m.png")
    assert status == 0 and err.count("burned-in") == 1


def test_teach_warns_before_writing(cli, film, tmp_path):
    ds = pydicom.dcmread(film)
    ds.Modality = "US"
    ds.save_as(film)
    status, out, err = cli("teach", film, "-o", tmp_path / "quiz")
    assert status == 0
    assert "modality US" in err and err.count("burned-in") == 1
    assert "1 cases" in out or "1 case" in out


def shown_area(sizes, columns, title):
    metrics = Metrics.for_height(layout.SLIDE[1])
    box = layout.cell_box(len(sizes), columns, layout.SLIDE, metrics, title)
    return sum(w * h for w, h in (layout.fit(s, box) for s in sizes))


def empty_cells(count, columns):
    used, rows = layout.grid_shape(count, columns)
    return used * rows - count


def test_a_titled_slide_of_two_pairs_puts_them_on_one_row_where_they_show_larger():
    sizes = [(256, 256)] * 4  # two CT slices, each without and with arrows
    (page,), _ = plan_pages(sizes, paper=None, columns=None, tile_size=None, title=True, group=2)
    rows = {cell.caption[1] for cell in page.cells}
    assert len(rows) == 1  # a 2 x 2 grid would leave the films smaller under the title
    assert shown_area(sizes, 4, True) > shown_area(sizes, 2, True)
    assert page.cells[0].image[3] == max(c.image[3] for c in page.cells)


@pytest.mark.parametrize("title", [False, True])
@pytest.mark.parametrize("pairs", [1, 2, 3, 4, 5, 7])
@pytest.mark.parametrize(
    "shape", [(2140, 1760), (256, 256), (1700, 2100), (3000, 1500), (1024, 768)]
)
def test_slide_grid_shows_films_largest_and_leaves_no_hole_another_grid_avoids(shape, pairs, title):
    sizes = [shape, shape, (256, 256), (256, 256)] * pairs
    sizes = sizes[: 2 * pairs]
    (page,), _ = plan_pages(sizes, paper=None, columns=None, tile_size=None, title=title, group=2)
    columns = len({cell.caption[0] for cell in page.cells})
    options = range(2, len(sizes) + 2, 2)
    largest = max(shown_area(sizes, c, title) for c in options)
    chosen = shown_area(sizes, columns, title)
    assert chosen >= 0.99 * largest
    for other in options:  # no grid as large has fewer empty cells
        if shown_area(sizes, other, title) >= chosen:
            assert empty_cells(len(sizes), other) >= empty_cells(len(sizes), columns)
