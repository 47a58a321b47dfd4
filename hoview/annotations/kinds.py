"""The one registry of annotation kinds: the class a sidecar's ``kind`` names.

Adding a kind is one class in :mod:`~hoview.annotations.shapes`,
:mod:`~hoview.annotations.measure_kinds` or :mod:`~hoview.annotations.imported_kinds`,
its name here, and its drawing in :mod:`hoview.render.paint`.
"""

from __future__ import annotations

import dataclasses

from hoview.annotations.imported_kinds import Circle, Ellipse, Point, Polyline
from hoview.annotations.measure_kinds import MEASURE_KINDS
from hoview.annotations.shapes import Annotation, Arrow, Ruler, Text

#: Annotation classes by the ``kind`` a sidecar stores.
_ALL: tuple[type[Annotation], ...] = (
    Arrow,
    Text,
    Ruler,
    *MEASURE_KINDS,
    Polyline,
    Circle,
    Ellipse,
    Point,
)
KINDS: dict[str, type[Annotation]] = {cls.kind: cls for cls in _ALL}
for _cls in KINDS.values():
    _cls._STORES = tuple(getattr(_cls, f.name).__set__ for f in dataclasses.fields(_cls))
