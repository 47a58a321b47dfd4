"""Helper process for test_crash_safety.py: save versions A and B of a large document
of arrows in a loop, printing a line after each save, until it is killed.

    python crash_child.py FOLDER

The documents are deterministic (fixed ids and timestamps), so the test can build the
same two versions and compare the sidecar with them. Imports nothing heavy.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from hoview.annotations import AnnotationDocument, Arrow, Finding, save  # noqa: E402

IDENTITY = {"sha256": "5e" * 32, "columns": 3000, "rows": 2500, "frames": 1}
IMAGE_NAME = "film.png"
ARROWS = 3000
STAMP = "2024-03-01T09:30:00.000Z"


def build(version: str) -> AnnotationDocument:
    """Version "A" or "B" of the document: same ids, different points and labels."""
    shift = 0.0 if version == "A" else 7.25
    finding = Finding("heterotopic ossification", "R", "Brooker III")
    document = AnnotationDocument(IDENTITY)
    document.add_many(
        Arrow(
            (100.0 + (i % 50) * 50 + shift, 100.0 + (i // 50) * 35),
            (130.5 + (i % 50) * 50, 125.25 + (i // 50) * 35 + shift),
            id=f"arrow-{i:05d}",
            label=f"{version} {i}",
            finding=finding if i % 3 == 0 else None,
            author="crash test",
            created=STAMP,
        )
        for i in range(ARROWS)
    )
    document.set_all_visible(version == "A")
    return document


def main(folder: str) -> None:
    image = Path(folder) / IMAGE_NAME
    documents = [build("A"), build("B")]
    previous = None
    n = 0
    while True:
        document = documents[n % 2]
        if previous is None:
            save(document, image, force=True)
        else:
            document.disk_state = previous.disk_state
            save(document, image)
        previous = document
        n += 1
        sys.stdout.write(f"saved {n}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1])
