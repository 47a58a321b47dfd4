"""Write the sample study's annotation sidecars, as a teaching case would have them.

"White arrows point to ossification surrounding both hip joints": one arrow per hip on
the AP pelvis film (DICOM and PNG alike, same pixel coordinates), each labelled and
with its structured finding, and arrows on a few CT slices through the masses.

Run after ``make_sample_data.py`` (the PNG's sidecar names the PNG by its SHA-256):

    python sample_data/make_sample_sidecars.py [--out DIR]

The output is deterministic: fixed ids, author and timestamps.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from hoview.annotations import AnnotationDocument, Arrow, Finding
from hoview.annotations.codec import dumps
from hoview.annotations.sidecar import sidecar_path
from hoview.sources.opening import open_image

HERE = Path(__file__).resolve().parent
AUTHOR = "hoview sample"
CREATED = "2026-11-24T12:00:00Z"
HO = "heterotopic ossification"

#: (tail, head, label, laterality, grade) on the 2000 x 1700 film, in image pixels.
#: The heads sit on the lateral edge of the pelvic mass of each side (image left is
#: the patient's right on an AP film).
FILM_ARROWS = (
    ((110.0, 560.0), (268.0, 690.0), "HO", "R", "Brooker III"),
    ((1840.0, 560.0), (1678.0, 690.0), "HO", "L", "Brooker II"),
)

#: CT slice file -> arrows (tail, head, label, laterality), 256 x 256 pixels.
CT_ARROWS = {
    "ct_019.dcm": (
        ((48.0, 72.0), (33.0, 117.0), "HO", "R"),
        ((208.0, 72.0), (224.0, 120.0), "HO", "L"),
    ),
    "ct_017.dcm": (
        ((48.0, 72.0), (33.0, 116.0), "HO", "R"),
        ((208.0, 72.0), (225.0, 121.0), "HO", "L"),
    ),
    "ct_010.dcm": (((62.0, 76.0), (37.0, 117.0), "HO", "R"),),
}


def _arrow(key: str, tail, head, label: str, side: str, grade: str | None) -> Arrow:
    return Arrow(
        id=key,
        tail=tail,
        head=head,
        label=label,
        finding=Finding(HO, side, grade),
        author=AUTHOR,
        created=CREATED,
    )


def write_sidecar(image_path: Path, arrows: list[Arrow]) -> Path:
    """Write a fresh sidecar for ``image_path`` holding ``arrows``; return its path."""
    image = open_image(image_path)
    document = AnnotationDocument(image.identity)
    document.add_many(arrows)
    target = sidecar_path(image_path)
    target.write_bytes(dumps(document, image_path.name))
    return target


def film_arrows(prefix: str) -> list[Arrow]:
    """Return the two hip arrows of the AP film, with ids starting with ``prefix``."""
    return [
        _arrow(f"{prefix}-{side.lower()}-hip", tail, head, label, side, grade)
        for tail, head, label, side, grade in FILM_ARROWS
    ]


def main(argv: list[str] | None = None) -> None:
    """Write every sidecar of the sample study into ``--out`` (default: here)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="the sample_data folder")
    out = parser.parse_args(argv).out
    written = [
        write_sidecar(out / "pelvis_ap.dcm", film_arrows("dx")),
        write_sidecar(out / "pelvis_ap.png", film_arrows("png")),
    ]
    for name, arrows in CT_ARROWS.items():
        slice_id = name.removesuffix(".dcm").replace("_", "-")
        written.append(
            write_sidecar(
                out / "ct_hips" / name,
                [
                    _arrow(f"{slice_id}-{side.lower()}", tail, head, label, side, None)
                    for tail, head, label, side in arrows
                ],
            )
        )
    for path in written:
        print(path)


if __name__ == "__main__":
    main()
