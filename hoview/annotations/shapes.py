"""The annotation value objects: findings, layers, arrows, texts and rulers.

Graphics imported from DICOM presentation states that hoview cannot edit are kept as
read-only kinds (``editable`` is false): polylines, circles, ellipses and points.

Every object is immutable and checked when it is built: a wrong type raises
``TypeError``, a bad value ``ValueError``, each naming the field. An edit builds a new
object (:meth:`Annotation.replace`), which is what makes undo cheap.

Coordinates are image pixel coordinates as floats ``(x, y)``, x = column, y = row, with
the origin at the top-left corner of the top-left pixel: the centre of the first pixel is
(0.5, 0.5) and the bottom-right corner of the image is (columns, rows). This is DICOM's
PIXEL annotation unit (PS3.3 C.10.5.1.2). Frames are numbered from 1.

How they are drawn is a :class:`~hoview.annotations.style.Style`.
"""

from __future__ import annotations

import dataclasses
import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from hoview.annotations import _checks as c
from hoview.annotations.style import DEFAULT_COLOUR, DEFAULT_STYLE, Style

#: Finding laterality values.
LATERALITIES = ("R", "L", "bilateral")
#: The id of the layer new annotations go to unless told otherwise.
DEFAULT_LAYER_ID = "findings"

# Fast paths of the checks (a sidecar of 10,000 arrows builds 10,000 annotations); the
# _checks functions raise the errors.
_is_id = c.ID_PATTERN.fullmatch
_is_plain_timestamp = c.PLAIN_TIMESTAMP.fullmatch
_MAX_FRAME, _MAX_TEXT, _MAX_SHORT_TEXT = c.MAX_FRAME, c.MAX_TEXT, c.MAX_SHORT_TEXT


def new_id() -> str:
    """Return a new random identifier (32 hex digits)."""
    return uuid.uuid4().hex


@dataclass(frozen=True, slots=True)
class Finding:
    """A structured finding next to the free-text label; nothing here is hip-only.

    Parameters
    ----------
    finding : str
        What is seen, e.g. ``"heterotopic ossification"``.
    laterality : str or None
        ``"R"``, ``"L"`` or ``"bilateral"``.
    grade : str or None
        The grade the reader chose, on whatever scale fits, e.g. ``"Brooker III"``.
    suggested_grade : str or None
        The grade hoview suggests from the finding's measurements (for heterotopic
        ossification, :func:`hoview.annotations.brooker.suggest` from its gaps), kept
        apart from the reader's own ``grade``.
    extra : mapping
        Unknown keys from a sidecar, kept on a round trip.
    """

    finding: str
    laterality: str | None = None
    grade: str | None = None
    suggested_grade: str | None = None
    extra: Mapping[str, Any] = field(default_factory=c.empty, hash=False, repr=False)

    FIELDS: ClassVar[frozenset[str]] = frozenset(
        {"finding", "laterality", "grade", "suggested_grade"}
    )

    def __post_init__(self) -> None:
        c.check_str("finding", self.finding, max_len=c.MAX_SHORT_TEXT, empty=False)
        if self.laterality is not None:
            c.check_choice("laterality", self.laterality, LATERALITIES)
        c.check_optional_str("grade", self.grade, max_len=c.MAX_SHORT_TEXT)
        c.check_optional_str("suggested_grade", self.suggested_grade, max_len=c.MAX_SHORT_TEXT)
        c.set_field(self, "extra", c.frozen_extra("extra", self.extra, self.FIELDS))


@dataclass(frozen=True, slots=True)
class Layer:
    """A named group of annotations that is shown, hidden or locked together.

    Parameters
    ----------
    name : str
        What the layers panel shows, e.g. ``"Findings"``.
    id : str
        Identifier (1-64 of ``A-Z a-z 0-9 . _ : -``); a new random one by default.
    visible : bool
        Whether the layer's annotations are drawn.
    locked : bool
        A locked layer's annotations cannot be added, edited, moved or removed.
    colour : str
        ``#rrggbb``, the colour of annotations whose style names none.
    order : int
        Drawing order: layers with a higher order are drawn over lower ones.
    extra : mapping
        Unknown keys from a sidecar, kept on a round trip.
    """

    name: str
    id: str = field(default_factory=new_id)
    visible: bool = True
    locked: bool = False
    colour: str = DEFAULT_COLOUR
    order: int = 0
    extra: Mapping[str, Any] = field(default_factory=c.empty, hash=False, repr=False)

    FIELDS: ClassVar[frozenset[str]] = frozenset(
        {"id", "name", "visible", "locked", "colour", "order"}
    )

    def __post_init__(self) -> None:
        c.check_str("name", self.name, max_len=c.MAX_SHORT_TEXT, empty=False)
        c.check_id("id", self.id)
        c.check_bool("visible", self.visible)
        c.check_bool("locked", self.locked)
        c.set_field(self, "colour", c.check_colour("colour", self.colour))
        c.check_int("order", self.order, -1_000_000, 1_000_000)
        c.set_field(self, "extra", c.frozen_extra("extra", self.extra, self.FIELDS))

    def replace(self, **changes: Any) -> Layer:
        """Return a copy with ``changes`` applied (checked like a new layer)."""
        return dataclasses.replace(self, **changes)


#: The layer every new document has: white arrows on findings.
DEFAULT_LAYER = Layer(name="Findings", id=DEFAULT_LAYER_ID)


@dataclass(frozen=True, slots=True, kw_only=True)
class Annotation:
    """What every annotation has; build an :class:`Arrow`, :class:`Text` or :class:`Ruler`.

    Parameters
    ----------
    id : str
        Identifier, unique in the document; a new random one by default.
    layer : str
        The id of the layer it belongs to.
    frame : int
        The frame it is drawn on, from 1.
    label : str or None
        Free text shown with it (``"HO"``).
    style : Style
        How it is drawn (a mapping of style fields is accepted too).
    finding : Finding or None
        A structured finding (a mapping of finding fields is accepted too).
    author : str
        Who made it.
    created, modified : str
        ISO 8601 UTC timestamps; ``created`` defaults to now and ``modified`` to
        ``created``.
    extra : mapping
        Unknown keys from a sidecar, kept on a round trip.
    """

    kind: ClassVar[str] = ""
    #: Whether the viewer may move, reshape or edit it (imported DICOM graphics may not).
    editable: ClassVar[bool] = True
    POINT_FIELDS: ClassVar[tuple[str, ...]] = ()
    #: The kind's own fields besides its points (a text's ``text``), for copies.
    OWN_FIELDS: ClassVar[tuple[str, ...]] = ()
    #: Each field's slot setter, in field order (see :meth:`_from_fields`).
    _STORES: ClassVar[tuple[Any, ...]] = ()
    FIELDS: ClassVar[frozenset[str]] = frozenset(
        {
            "id",
            "kind",
            "layer",
            "frame",
            "points",
            "label",
            "style",
            "finding",
            "author",
            "created",
            "modified",
        }
    )

    id: str = field(default_factory=new_id)
    layer: str = DEFAULT_LAYER_ID
    frame: int = 1
    label: str | None = None
    style: Style = DEFAULT_STYLE
    finding: Finding | None = None
    author: str = ""
    created: str = field(default_factory=c.now_utc)
    modified: str | None = None
    extra: Mapping[str, Any] = field(default_factory=c.empty, hash=False, repr=False)

    def __post_init__(self) -> None:
        for name in self.POINT_FIELDS:
            point = getattr(self, name)
            checked = c.check_point(name, point)
            if checked is not point:
                c.set_field(self, name, checked)
        self._check_fields()

    @classmethod
    def _from_fields(cls, values: tuple[Any, ...]) -> Annotation:
        """Build one from the values of all its fields, its points already checked.

        The sidecar reader's way in (:mod:`hoview.annotations.codec`): it checks the
        points itself, naming them ``points[i]`` as the file does, so this skips the
        dataclass ``__init__`` and checks every other field once, as ``__post_init__``
        does (:meth:`_check_fields`).

        Parameters
        ----------
        values : tuple
            Every field's value in field order (:func:`dataclasses.fields`: ``id`` to
            ``extra``, then the points as ``(x, y)`` tuples of floats, then a
            :class:`Text`'s ``text``).
        """
        annotation = object.__new__(cls)
        for store, value in zip(cls._STORES, values):  # noqa: B905 (strict costs 15%)
            store(annotation, value)
        annotation._check_fields()
        return annotation

    def _check_fields(self) -> None:
        """Check every field but the points (fast paths first; ``_checks`` raises)."""
        id_, layer, frame, label = self.id, self.layer, self.frame, self.label
        if type(id_) is not str or _is_id(id_) is None:
            c.check_id("id", id_)
        if type(layer) is not str or _is_id(layer) is None:
            c.check_id("layer", layer)
        if type(frame) is not int or not 1 <= frame <= _MAX_FRAME:
            c.set_field(self, "frame", c.check_int("frame", frame, 1, _MAX_FRAME))
        if label is not None and (type(label) is not str or len(label) > _MAX_TEXT):
            c.set_field(self, "label", c.check_str("label", label))
        if type(self.style) is not Style:
            c.set_field(self, "style", _coerce(Style, "style", self.style))
        if self.finding is not None and type(self.finding) is not Finding:
            c.set_field(self, "finding", _coerce(Finding, "finding", self.finding))
        author, created, modified = self.author, self.created, self.modified
        if type(author) is not str or len(author) > _MAX_SHORT_TEXT:
            c.set_field(self, "author", c.check_str("author", author, max_len=_MAX_SHORT_TEXT))
        if type(created) is not str or _is_plain_timestamp(created) is None:
            c.check_timestamp("created", created)
        if modified is None:
            c.set_field(self, "modified", created)
        elif modified != created and (
            type(modified) is not str or _is_plain_timestamp(modified) is None
        ):
            c.check_timestamp("modified", modified)
        if self.extra:
            c.set_field(self, "extra", c.frozen_extra("extra", self.extra, self.FIELDS))

    @property
    def points(self) -> tuple[tuple[float, float], ...]:
        """The points in the order the sidecar stores them."""
        return tuple(getattr(self, name) for name in self.POINT_FIELDS)

    def replace(self, **changes: Any) -> Annotation:
        """Return a copy with ``changes`` applied, checked like a new annotation.

        ``points=[...]`` sets every point at once; ``kind`` cannot change.
        """
        if "points" in changes:
            changes.update(
                zip(self.POINT_FIELDS, self.check_points(changes.pop("points")), strict=True)
            )
        if "kind" in changes:
            raise ValueError(f"kind: {self.kind!r} cannot become {changes['kind']!r}")
        return dataclasses.replace(self, **changes)

    @classmethod
    def point_values(cls, points: Any) -> dict[str, Any]:
        """Return the keyword arguments that build this kind at ``points``."""
        return dict(zip(cls.POINT_FIELDS, cls.check_points(points), strict=True))

    @classmethod
    def check_points(cls, points: Any) -> list[Any]:
        """Return ``points`` as a list if it holds as many points as this kind has."""
        if isinstance(points, (str, bytes, Mapping)) or not hasattr(points, "__len__"):
            raise TypeError(f"points: expected a list of points, got {c.type_name(points)}")
        wanted = len(cls.POINT_FIELDS)
        if len(points) != wanted:
            article = "an" if cls.kind[0] in "aeiou" else "a"
            raise ValueError(
                f"points: {article} {cls.kind} has {wanted} point{'s' if wanted > 1 else ''}, "
                f"got {len(points)}"
            )
        return list(points)


def _coerce(cls: type, name: str, value: Any) -> Any:
    """Accept a Style or Finding, a mapping of its fields, or ``None`` for the default."""
    if isinstance(value, cls):
        return value
    if isinstance(value, Mapping):
        return _nested(cls, name, value)
    if value is None and cls is Style:
        return DEFAULT_STYLE
    raise TypeError(f"{name}: expected a {cls.__name__}, got {c.type_name(value)}")


def _nested(cls: type, name: str, values: Mapping[str, Any]) -> Any:
    known = {k: v for k, v in values.items() if k in cls.FIELDS}  # type: ignore[attr-defined]
    unknown = {k: v for k, v in values.items() if k not in known}
    try:
        return cls(**known, extra=unknown)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{name}.{exc}") from None


@dataclass(frozen=True, slots=True)
class Arrow(Annotation):
    """An arrow pointing at a finding: the head is on the finding.

    Parameters
    ----------
    tail, head : (float, float)
        Image pixel coordinates ``(x, y)`` of the tail and of the tip of the head.
    **kwargs
        The fields every :class:`Annotation` has.
    """

    kind: ClassVar[str] = "arrow"
    POINT_FIELDS: ClassVar[tuple[str, ...]] = ("tail", "head")

    tail: tuple[float, float]
    head: tuple[float, float]


@dataclass(frozen=True, slots=True)
class Text(Annotation):
    """A piece of text anchored at one point.

    Parameters
    ----------
    anchor : (float, float)
        Image pixel coordinates ``(x, y)`` of the text's top-left corner.
    text : str
        What it says (not empty).
    **kwargs
        The fields every :class:`Annotation` has.
    """

    kind: ClassVar[str] = "text"
    POINT_FIELDS: ClassVar[tuple[str, ...]] = ("anchor",)
    OWN_FIELDS: ClassVar[tuple[str, ...]] = ("text",)
    FIELDS: ClassVar[frozenset[str]] = Annotation.FIELDS | {"text"}

    anchor: tuple[float, float]
    text: str

    def _check_fields(self) -> None:
        Annotation._check_fields(self)
        c.check_str("text", self.text, empty=False)


@dataclass(frozen=True, slots=True)
class Ruler(Annotation):
    """A distance between two points.

    Parameters
    ----------
    start, end : (float, float)
        Image pixel coordinates ``(x, y)`` of the two ends.
    **kwargs
        The fields every :class:`Annotation` has.
    """

    kind: ClassVar[str] = "ruler"
    POINT_FIELDS: ClassVar[tuple[str, ...]] = ("start", "end")

    start: tuple[float, float]
    end: tuple[float, float]

    def length(self, pixel_spacing: tuple[float, float] | None = None) -> tuple[float, str]:
        """Return the ruler's length and its unit.

        Parameters
        ----------
        pixel_spacing : (float, float) or None
            ``(row spacing, column spacing)`` in mm, from Pixel Spacing (0028,0030) or
            Imager Pixel Spacing (0018,1164), as ``ImageSource.pixel_spacing`` gives it.

        Returns
        -------
        (float, str)
            ``(length, "mm")`` when the spacing is known, else ``(length, "px")``.
        """
        dx = self.end[0] - self.start[0]
        dy = self.end[1] - self.start[1]
        if pixel_spacing is None:
            return math.hypot(dx, dy), "px"
        row_spacing = c.check_number("pixel_spacing[0]", pixel_spacing[0], 1e-9, 1e6)
        column_spacing = c.check_number("pixel_spacing[1]", pixel_spacing[1], 1e-9, 1e6)
        return math.hypot(dx * column_spacing, dy * row_spacing), "mm"
