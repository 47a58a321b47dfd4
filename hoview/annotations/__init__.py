"""Annotations of an image: the model, its undo history and its sidecar file. No Qt.

>>> from hoview.annotations import Arrow, History, load, save
>>> document = load(image_path, source.identity)        # doctest: +SKIP
>>> history = History(document)                         # doctest: +SKIP
>>> document.add(Arrow(tail=(800, 600), head=(1020, 840), label="HO"))  # doctest: +SKIP
>>> save(document, image_path)                          # doctest: +SKIP
"""

from hoview.annotations.errors import (
    SidecarConflictError,
    SidecarError,
    SidecarLockError,
    SidecarMismatchError,
    SidecarPathError,
    SidecarSyntaxError,
    SidecarTooLargeError,
    SidecarUnreadableError,
    SidecarValidationError,
    SidecarVersionError,
    SidecarWriteError,
)
from hoview.annotations.history import History
from hoview.annotations.imported_kinds import Circle, Ellipse, Point, Polyline
from hoview.annotations.kinds import KINDS
from hoview.annotations.measure_kinds import Angle, CobbAngle, Gap
from hoview.annotations.model import (
    AnnotationDocument,
    DocumentEvent,
    EventEmitter,
    check_identity,
)
from hoview.annotations.shapes import (
    DEFAULT_LAYER_ID,
    Annotation,
    Arrow,
    Finding,
    Layer,
    Ruler,
    Text,
)
from hoview.annotations.sidecar import (
    LoadResult,
    fallback_path,
    load,
    load_sidecar,
    locate,
    open_annotations,
    save,
    save_path,
    sidecar_path,
    update,
)
from hoview.annotations.style import ResolvedStyle, Style

__all__ = [
    "DEFAULT_LAYER_ID",
    "Annotation",
    "AnnotationDocument",
    "Angle",
    "Arrow",
    "Circle",
    "CobbAngle",
    "DocumentEvent",
    "Ellipse",
    "EventEmitter",
    "Finding",
    "Gap",
    "History",
    "KINDS",
    "Layer",
    "LoadResult",
    "Point",
    "Polyline",
    "ResolvedStyle",
    "Ruler",
    "SidecarConflictError",
    "SidecarError",
    "SidecarLockError",
    "SidecarMismatchError",
    "SidecarPathError",
    "SidecarSyntaxError",
    "SidecarTooLargeError",
    "SidecarUnreadableError",
    "SidecarValidationError",
    "SidecarVersionError",
    "SidecarWriteError",
    "Style",
    "Text",
    "check_identity",
    "fallback_path",
    "load",
    "load_sidecar",
    "locate",
    "open_annotations",
    "save",
    "save_path",
    "sidecar_path",
    "update",
]
