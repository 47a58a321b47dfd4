"""Annotations of an image: the model, its undo history and its sidecar file. No Qt.

>>> from hoview.annotations import Arrow, History, load, save
>>> document = load(image_path, source.identity)        # doctest: +SKIP
>>> history = History(document)                         # doctest: +SKIP
>>> document.add(Arrow(tail=(800, 600), head=(1020, 840), label="HO"))  # doctest: +SKIP
>>> save(document, image_path)                          # doctest: +SKIP
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

#: Where each public name lives. The submodules are imported on first use (PEP 562),
#: so ``hoview.annotations.atomic`` (which ``hoview render`` uses to write its output)
#: does not load the whole model.
_WHERE = {
    "SidecarConflictError": "hoview.annotations.errors",
    "SidecarError": "hoview.annotations.errors",
    "SidecarLockError": "hoview.annotations.errors",
    "SidecarMismatchError": "hoview.annotations.errors",
    "SidecarPathError": "hoview.annotations.errors",
    "SidecarSyntaxError": "hoview.annotations.errors",
    "SidecarTooLargeError": "hoview.annotations.errors",
    "SidecarUnreadableError": "hoview.annotations.errors",
    "SidecarValidationError": "hoview.annotations.errors",
    "SidecarVersionError": "hoview.annotations.errors",
    "SidecarWriteError": "hoview.annotations.errors",
    "History": "hoview.annotations.history",
    "Circle": "hoview.annotations.imported_kinds",
    "Ellipse": "hoview.annotations.imported_kinds",
    "Point": "hoview.annotations.imported_kinds",
    "Polyline": "hoview.annotations.imported_kinds",
    "KINDS": "hoview.annotations.kinds",
    "Angle": "hoview.annotations.measure_kinds",
    "CobbAngle": "hoview.annotations.measure_kinds",
    "Gap": "hoview.annotations.measure_kinds",
    "AnnotationDocument": "hoview.annotations.model",
    "DocumentEvent": "hoview.annotations.model",
    "EventEmitter": "hoview.annotations.model",
    "check_identity": "hoview.annotations.model",
    "DEFAULT_LAYER_ID": "hoview.annotations.shapes",
    "Annotation": "hoview.annotations.shapes",
    "Arrow": "hoview.annotations.shapes",
    "Finding": "hoview.annotations.shapes",
    "Layer": "hoview.annotations.shapes",
    "Ruler": "hoview.annotations.shapes",
    "Text": "hoview.annotations.shapes",
    "LoadResult": "hoview.annotations.sidecar",
    "fallback_path": "hoview.annotations.sidecar",
    "load": "hoview.annotations.sidecar",
    "load_sidecar": "hoview.annotations.sidecar",
    "locate": "hoview.annotations.sidecar",
    "open_annotations": "hoview.annotations.sidecar",
    "save": "hoview.annotations.sidecar",
    "save_path": "hoview.annotations.sidecar",
    "sidecar_path": "hoview.annotations.sidecar",
    "update": "hoview.annotations.sidecar",
    "ResolvedStyle": "hoview.annotations.style",
    "Style": "hoview.annotations.style",
}

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


def __getattr__(name: str) -> Any:
    """Import a public name's submodule when the name is first used."""
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(where), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
