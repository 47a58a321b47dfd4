"""Sidecar JSON <-> :class:`~hoview.annotations.model.AnnotationDocument`, with every check.

Reading: bytes -> :func:`hoview.annotations.jsonio.parse` (size, UTF-8, JSON with line
and column, no NaN or Infinity, no huge integers, bounded nesting) ->
:func:`document_from_json` (format and version, the JSON Schema in ``resources/``, then
the model's own checks, which also say what a schema cannot: unique ids, existing layers
and frames, points within the image, the right image). Every error names the failing
item: ``annotations[3].points[1]: ...``.

The schema is applied to the whole document except the annotation items, which the
model's constructors check by the same rules (a test holds the two to agreement): with
10,000 arrows, a generic schema validator would cost many times the JSON parsing itself.

Writing: :func:`dumps` writes one layer or annotation per line, so files diff well and
the fast C JSON encoder does the work.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from hoview.annotations import _checks as c
from hoview.annotations.errors import (
    SidecarMismatchError,
    SidecarValidationError,
    SidecarVersionError,
)
from hoview.annotations.jsonio import check_free
from hoview.annotations.kinds import KINDS
from hoview.annotations.model import AnnotationDocument
from hoview.annotations.shapes import DEFAULT_STYLE, Annotation, Finding, Layer, Style

#: The ``format`` value of every sidecar.
FORMAT = "hoview.annotations"
#: The newest format version this build reads. It writes the oldest version that holds a
#: document (:func:`needed_version`): 2 adds the angle, cobb and gap kinds, a finding's
#: ``suggested_grade`` and the top-level ``calibration`` to 1, and nothing else.
VERSION = 2
#: What version 2 added, by kind.
_VERSION_2_KINDS = frozenset({"angle", "cobb", "gap"})
#: The JSON Schema's file name in ``resources/``.
SCHEMA_NAME = "hoview-annotations.schema.json"

_TOP_KEYS = frozenset({"format", "version", "image", "view", "layers", "annotations"})
_IMAGE_KEYS = frozenset({"sop_instance_uid", "sha256", "columns", "rows", "frames"})
_REQUIRED = frozenset({"id", "kind", "layer", "frame", "points"})
_MISSING = object()


def _int(value: Any) -> Any:
    """JSON Schema counts 3.0 as an integer; so does the reader."""
    return int(value) if type(value) is float and value.is_integer() else value


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """Return the sidecar's JSON Schema (draft 2020-12), read from ``resources/``."""
    from hoview.paths import resource_path

    return json.loads(resource_path(SCHEMA_NAME).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def validator() -> Any:
    """Return a ``jsonschema`` validator for :func:`schema`, built once."""
    import jsonschema

    cls = jsonschema.validators.validator_for(schema())
    return cls(schema())


def schema_errors(data: Any) -> list[str]:
    """Return every way ``data`` breaks the schema as ``"item: message"``, best first."""
    import jsonschema

    errors = list(validator().iter_errors(data))
    if not errors:
        return []
    best = jsonschema.exceptions.best_match(errors)
    return [_describe(best)] + [_describe(e) for e in errors if e is not best]


def _describe(error: Any) -> str:
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
    where = where.lstrip(".") or "document"
    kind, expected, instance = error.validator, error.validator_value, error.instance
    if where == "image.file" and kind != "type":
        message = f"must be the image's file name in the sidecar's own folder, not {instance!r}"
    elif kind == "type":
        wanted = " or ".join(expected) if isinstance(expected, list) else expected
        message = f"expected {wanted}, got {c.type_name(instance)}"
    elif kind == "required" and isinstance(instance, dict):
        key = next(k for k in expected if k not in instance)
        where, message = (f"{where}." if where != "document" else "") + key, "missing"
    elif kind in ("minItems", "maxItems") and isinstance(instance, list):
        message = f"has {len(instance)} items; {kind} is {expected}"
    else:
        message = error.message if len(error.message) <= 160 else error.message[:157] + "..."
    return f"{where}: {message}"


def document_from_json(
    data: Any, identity: dict[str, Any] | None = None, path: str | Path | None = None
) -> AnnotationDocument:
    """Build a document from parsed sidecar JSON, checking everything.

    Parameters
    ----------
    data : object
        What :func:`parse` returned.
    identity : mapping or None
        The image's identity (``ImageSource.identity``); the sidecar must belong to
        it. ``None`` checks the sidecar against its own ``image`` entry only.
    path : str or pathlib.Path or None
        The file, for messages.

    Raises
    ------
    SidecarVersionError
        ``version`` is newer than :data:`VERSION`.
    SidecarMismatchError
        The sidecar belongs to another image.
    SidecarValidationError
        Anything else, naming the item (``annotations[3].frame: ...``).
    """
    if not isinstance(data, dict):
        raise SidecarValidationError(path, f"expected a JSON object, got {c.type_name(data)}")
    if data.get("format") != FORMAT:
        raise SidecarValidationError(
            path, f"format: not a hoview annotation file (expected format {FORMAT!r})"
        )
    version = _int(data.get("version"))
    if type(version) is int and version > VERSION:
        raise SidecarVersionError(
            path,
            f"version {version} was written by a newer hoview; this one reads version "
            f"{VERSION} and older: update hoview to open these annotations",
        )
    annotations = data.get("annotations")
    skeleton = {**data, "annotations": []} if isinstance(annotations, list) else data
    problems = schema_errors(skeleton)
    if problems:
        raise SidecarValidationError(path, problems[0])
    assert isinstance(annotations, list)  # the schema requires "annotations", an array
    image = dict(data["image"])
    image.pop("file", None)
    for key in ("columns", "rows", "frames"):
        image[key] = _int(image[key])
    if identity is not None:
        _check_same_image(image, identity, path)
        image.update(identity)
    try:
        extra = {k: v for k, v in data.items() if k not in _TOP_KEYS}
        for key, value in extra.items():
            check_free(key, value, 1)
        for key in image.keys() - _IMAGE_KEYS:
            check_free(f"image.{key}", image[key], 2)
        check_free("view", data.get("view", {}), 1)
        layers = [_layer(item, i) for i, item in enumerate(data["layers"])]
        shared: dict[Any, Any] = {}
        items = [_annotation(item, i, shared) for i, item in enumerate(annotations)]
        return AnnotationDocument(image, layers, items, data.get("view"), extra)
    except (TypeError, ValueError) as exc:
        raise SidecarValidationError(path, str(exc)) from None


def _check_same_image(image: dict[str, Any], identity: Any, path: str | Path | None) -> None:
    for key, what in (("sop_instance_uid", "SOP Instance UID"), ("sha256", "SHA-256")):
        if key in identity:
            if image.get(key) != identity[key]:
                found = f"{what} {image[key]}" if key in image else f"no {what}"
                raise SidecarMismatchError(
                    path,
                    f"image: belongs to another image ({found}; this image's "
                    f"{what} is {identity[key]})",
                )
            break
    size = tuple(image[k] for k in ("columns", "rows", "frames"))
    wanted = tuple(identity.get(k) for k in ("columns", "rows", "frames"))
    if size != wanted:
        raise SidecarMismatchError(
            path,
            "image: made for a {} x {} image with {} frame(s); this one is "
            "{} x {} with {} frame(s)".format(*size, *wanted),
        )


def _layer(item: dict[str, Any], i: int) -> Layer:
    known = {k: v for k, v in item.items() if k in Layer.FIELDS}
    if "order" in known:
        known["order"] = _int(known["order"])
    extra = {k: v for k, v in item.items() if k not in Layer.FIELDS}
    for key, value in extra.items():
        check_free(f"layers[{i}].{key}", value, 3)
    try:
        return Layer(**known, extra=extra)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"layers[{i}].{exc}") from None


def _annotation(item: Any, i: int, shared: dict[Any, Any]) -> Annotation:
    """Build one annotation from its JSON object (the fast path; same rules as the schema).

    The structure and the points are checked here, in the file's terms (``points[1]``),
    every other field once by :meth:`Annotation._from_fields`. ``shared`` maps style
    and finding contents already built to their (immutable) objects, so 10,000 arrows
    with the same finding share one :class:`Finding`.
    """
    try:
        if type(item) is not dict:
            raise TypeError(f": expected an object, got {c.type_name(item)}")
        keys = item.keys()
        if not _REQUIRED <= keys:
            raise ValueError(f"{min(_REQUIRED - keys)}: missing")
        kind = item["kind"]
        cls = KINDS.get(kind) if type(kind) is str else None
        if cls is None:
            c.check_choice("kind", kind, tuple(KINDS))
            raise AssertionError(kind)  # not reached: kind is none of KINDS, so that raised
        count = len(cls.POINT_FIELDS)  # 0: any number of points (a polyline)
        points = item["points"]
        if type(points) is not list:
            raise TypeError(f"points: expected an array, got {c.type_name(points)}")
        if len(points) != count:
            cls.check_points(points)
        # The points, then a text's text or a polyline's flags.
        own: tuple[Any, ...]
        if count == 2:
            own = (c.check_point("points[0]", points[0]), c.check_point("points[1]", points[1]))
        elif count == 1:
            own = (c.check_point("points[0]", points[0]),)
        else:
            if not count:
                cls.check_points(points)  # a polyline's 2 to 10,000 (an empty list too)
            own = tuple([c.check_point(f"points[{j}]", p) for j, p in enumerate(points)])
            if not count:
                own = (own,)
        if kind == "text":
            if "text" not in item:
                raise ValueError("text: missing")
            own += (item["text"],)
        elif kind == "polyline":
            own += (item.get("closed", False), item.get("interpolated", False))
        elif kind == "gap":
            own += (item.get("bridging", False), item.get("arrow"))
        get = item.get
        created = get("created", _MISSING)
        modified = get("modified", _MISSING)
        if modified is None:
            c.check_timestamp("modified", modified)
        style = get("style")
        if style is None or (type(style) is dict and not style):
            style = DEFAULT_STYLE
        else:
            style = _shared(Style, "style", style, shared)
        finding = get("finding")
        if finding is not None:
            finding = _shared(Finding, "finding", finding, shared)
        extra = c.EMPTY
        if not cls.FIELDS.issuperset(keys):
            extra = {k: v for k, v in item.items() if k not in cls.FIELDS}
            for key, value in extra.items():
                check_free(key, value, 3)
        frame = item["frame"]
        return cls._from_fields(
            (
                item["id"],
                item["layer"],
                int(frame) if type(frame) is float and frame.is_integer() else frame,
                get("label"),
                style,
                finding,
                get("author", ""),
                c.now_utc() if created is _MISSING else created,
                None if modified is _MISSING else modified,
                extra,
            )
            + own
        )
    except (TypeError, ValueError) as exc:
        message = str(exc)
        raise type(exc)(f"annotations[{i}]{'' if message[0] == ':' else '.'}{message}") from None


def _shared(cls: type, name: str, value: Any, shared: dict[Any, Any]) -> Any:
    """Build a Style or Finding from JSON (``None`` for null), reusing equal ones."""
    if value is None:
        return None
    if type(value) is not dict:
        raise TypeError(f"{name}: expected an object or null, got {c.type_name(value)}")
    if not value.keys() <= cls.FIELDS:  # type: ignore[attr-defined]
        return _nested(cls, name, value)  # unknown keys: values of any type, not shared
    key = (cls, tuple(value.items()))
    try:
        return shared[key]
    except KeyError:
        shared[key] = built = _nested(cls, name, value)
        return built
    except TypeError:  # an unhashable value (an array): never valid, _nested says why
        return _nested(cls, name, value)


def _nested(cls: type, name: str, value: dict[str, Any]) -> Any:
    if not value and cls is Style:
        return DEFAULT_STYLE
    fields: frozenset[str] = cls.FIELDS  # type: ignore[attr-defined]
    if cls is Finding and "finding" not in value:
        raise ValueError(f"{name}.finding: missing")
    extra = {k: v for k, v in value.items() if k not in fields}
    for key, item in extra.items():
        check_free(f"{name}.{key}", item, 4)
    try:
        return cls(**{k: v for k, v in value.items() if k in fields}, extra=extra)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{name}.{exc}") from None


# -- writing -------------------------------------------------------------------------


def _style_json(style: Style) -> dict[str, Any]:
    if style is DEFAULT_STYLE:
        return {}
    out = {
        k: getattr(style, k)
        for k in ("colour", "outline", "line_width", "head_size", "font_size")
        if getattr(style, k) is not None
    }
    out.update(style.extra)
    return out


def annotation_to_json(a: Annotation) -> dict[str, Any]:
    """Return one annotation as the JSON object a sidecar stores."""
    out: dict[str, Any] = {
        "id": a.id,
        "kind": a.kind,
        "layer": a.layer,
        "frame": a.frame,
        "points": [list(p) for p in a.points],
        "label": a.label,
    }
    if a.kind == "text":
        out["text"] = a.text  # type: ignore[attr-defined]
    elif a.kind == "polyline":
        out["closed"] = a.closed  # type: ignore[attr-defined]
        out["interpolated"] = a.interpolated  # type: ignore[attr-defined]
    elif a.kind == "gap":
        out["bridging"] = a.bridging  # type: ignore[attr-defined]
        if a.arrow is not None:  # type: ignore[attr-defined]
            out["arrow"] = a.arrow  # type: ignore[attr-defined]
    f = a.finding
    out["style"] = _style_json(a.style)
    out["finding"] = None if f is None else _finding_json(f)
    out["author"] = a.author
    out["created"] = a.created
    out["modified"] = a.modified
    if a.extra:
        out.update(a.extra)
    return out


def _finding_json(f: Finding) -> dict[str, Any]:
    out = {"finding": f.finding, "laterality": f.laterality, "grade": f.grade}
    if f.suggested_grade is not None:  # version 2; absent keeps a version-1 file as it was
        out["suggested_grade"] = f.suggested_grade
    out.update(f.extra)
    return out


def needed_version(document: AnnotationDocument) -> int:
    """Return the oldest format version that holds ``document`` (1 or 2).

    A document that uses nothing version 2 added is written as version 1, so colleagues
    on an older hoview still open it; one that does is written as version 2, which an
    older hoview refuses cleanly ("written by a newer hoview") instead of misreading.
    """
    if "calibration" in document.extra:
        return 2
    for a in document.annotations:
        if a.kind in _VERSION_2_KINDS or (a.finding and a.finding.suggested_grade is not None):
            return 2
    return 1


def layer_to_json(layer: Layer) -> dict[str, Any]:
    """Return one layer as the JSON object a sidecar stores."""
    return {
        "id": layer.id,
        "name": layer.name,
        "visible": layer.visible,
        "locked": layer.locked,
        "colour": layer.colour,
        "order": layer.order,
        **layer.extra,
    }


def document_to_json(document: AnnotationDocument, file_name: str | None = None) -> dict[str, Any]:
    """Return the document as sidecar JSON (``file_name``: the image's, for ``image.file``)."""
    image = dict(document.identity)
    if file_name is not None:
        image["file"] = file_name
    return {
        "format": FORMAT,
        "version": needed_version(document),
        "image": image,
        "view": dict(document.view),
        **document.extra,
        "layers": [layer_to_json(layer) for layer in document.layers],
        "annotations": [annotation_to_json(a) for a in document.annotations],
    }


def dumps(document: AnnotationDocument, file_name: str | None = None) -> bytes:
    """Return the sidecar file's bytes: UTF-8 JSON, one layer or annotation per line."""
    for ascii_only in (False, True):
        encode = json.JSONEncoder(
            ensure_ascii=ascii_only, allow_nan=False, check_circular=False
        ).encode
        data = document_to_json(document, file_name)
        lines = ["{"]
        for key, value in data.items():
            if key in ("layers", "annotations"):
                items = ",\n  ".join(encode(v) for v in value)
                lines.append(f" {encode(key)}: [\n  {items}\n ]," if items else f' "{key}": [],')
            else:
                lines.append(f" {encode(key)}: {encode(value)},")
        lines[-1] = lines[-1][:-1]
        lines.append("}\n")
        try:
            return "\n".join(lines).encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate read from a \ud800 escape
            continue
    raise AssertionError("unreachable: ASCII output always encodes")
