"""Field checks shared by the annotation objects.

Every check raises ``TypeError`` for a value of the wrong type and ``ValueError`` for a
value of the right type that is out of range, with a message that starts with the
field's name (``"points[1]: must be finite, got nan"``), so a loader can prefix the
item's place in the file (``"annotations[3].points[1]: ..."``).

The rules are the ones of ``resources/hoview-annotations.schema.json``; a test checks
that the two agree.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Mapping
from datetime import datetime, timezone
from types import MappingProxyType
from typing import Any

#: Identifiers of layers and annotations: short, safe in file names and messages.
ID_PATTERN = re.compile(r"[A-Za-z0-9._:-]{1,64}")
#: Colours are ``#rrggbb``.
COLOUR_PATTERN = re.compile(r"#[0-9a-fA-F]{6}")
#: Timestamps are ISO 8601 in UTC: ``2024-05-01T12:34:56Z``, optional fraction.
TIMESTAMP_PATTERN = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|\+00:00)"
)
#: Timestamps :func:`check_timestamp` surely accepts, matched without a date parse (a
#: fast path: days 29 to 31 and anything else still go through the full check).
PLAIN_TIMESTAMP = re.compile(
    r"(?!0000)[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])"
    r"T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,6})?(?:Z|\+00:00)"
)
#: No image coordinate lies further than this from the origin (images are < 40000 px).
MAX_COORDINATE = 1e6
#: The highest frame number.
MAX_FRAME = 1_000_000
#: The longest label, text or finding, in characters.
MAX_TEXT = 10_000
#: The longest author name or grade, in characters.
MAX_SHORT_TEXT = 256
#: The fewest and most vertices of a polyline.
MIN_VERTICES, MAX_VERTICES = 2, 10_000

_JSON_TYPES = {
    dict: "object",
    list: "array",
    tuple: "array",
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    type(None): "null",
}


def type_name(value: Any) -> str:
    """Name a value's type the way a JSON file would (``object``, ``array``, ...)."""
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _preview(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def check_str(name: str, value: Any, *, max_len: int = MAX_TEXT, empty: bool = True) -> str:
    """Return ``value`` if it is a string of at most ``max_len`` characters."""
    if type(value) is not str:
        if not isinstance(value, str):
            raise TypeError(f"{name}: expected a string, got {type_name(value)}")
        value = str(value)
    if not empty and not value.strip():
        raise ValueError(f"{name}: must not be empty")
    if len(value) > max_len:
        raise ValueError(f"{name}: longer than {max_len} characters ({len(value)})")
    return value


def check_optional_str(name: str, value: Any, *, max_len: int = MAX_TEXT) -> str | None:
    """Return ``value`` if it is ``None`` or a string of at most ``max_len`` characters."""
    return None if value is None else check_str(name, value, max_len=max_len)


def check_id(name: str, value: Any) -> str:
    """Return ``value`` if it is an identifier: 1-64 of ``A-Z a-z 0-9 . _ : -``."""
    if type(value) is not str:
        raise TypeError(f"{name}: expected a string, got {type_name(value)}")
    if ID_PATTERN.fullmatch(value) is None:
        raise ValueError(
            f"{name}: {_preview(value)} is not an identifier "
            "(1 to 64 of the characters A-Z a-z 0-9 . _ : -)"
        )
    return value


def check_bool(name: str, value: Any) -> bool:
    """Return ``value`` if it is ``True`` or ``False``."""
    if value is not True and value is not False:
        raise TypeError(f"{name}: expected true or false, got {type_name(value)}")
    return value


def check_int(name: str, value: Any, low: int, high: int) -> int:
    """Return ``value`` if it is an integer (not a bool) in ``low..high``."""
    if type(value) is not int:
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise TypeError(f"{name}: expected an integer, got {type_name(value)}")
        value = int(value)
    if not low <= value <= high:
        raise ValueError(f"{name}: must be between {low} and {high}, got {value}")
    return value


def check_number(name: str, value: Any, low: float, high: float) -> float:
    """Return ``value`` as a float if it is a finite real number in ``low..high``."""
    if type(value) is not float:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"{name}: expected a number, got {type_name(value)}")
        try:
            value = float(value)
        except OverflowError:
            raise ValueError(f"{name}: number is too large") from None
    if not math.isfinite(value):
        raise ValueError(f"{name}: must be a finite number, got {value}")
    if not low <= value <= high:
        raise ValueError(f"{name}: must be between {low:g} and {high:g}, got {value:g}")
    return value


def check_point(name: str, value: Any) -> tuple[float, float]:
    """Return ``value`` as ``(x, y)`` floats in image pixel coordinates.

    Accepts any two-item sequence of real numbers (a tuple, a list, a numpy row).
    """
    kind = type(value)
    if (kind is tuple or kind is list) and len(value) == 2:
        x, y = value
        if (
            type(x) is float
            and type(y) is float
            and -MAX_COORDINATE <= x <= MAX_COORDINATE
            and -MAX_COORDINATE <= y <= MAX_COORDINATE
        ):
            return value if kind is tuple else (x, y)
    if isinstance(value, (str, bytes, Mapping)) or not hasattr(value, "__len__"):
        raise TypeError(f"{name}: expected a point [x, y], got {type_name(value)}")
    if len(value) != 2:
        raise ValueError(f"{name}: a point has 2 coordinates [x, y], got {len(value)}")
    x, y = value
    x = check_number(f"{name}[0]", x, -MAX_COORDINATE, MAX_COORDINATE)
    y = check_number(f"{name}[1]", y, -MAX_COORDINATE, MAX_COORDINATE)
    return (x, y)


def check_vertices(name: str, value: Any) -> tuple[tuple[float, float], ...]:
    """Return ``value`` as a tuple of 2 to 10,000 points ``(x, y)`` (see :func:`check_point`).

    Errors name the failing vertex: ``"vertices[3][0]: must be a finite number"``.
    """
    if isinstance(value, (str, bytes, Mapping)) or not hasattr(value, "__len__"):
        raise TypeError(f"{name}: expected a list of points, got {type_name(value)}")
    if not MIN_VERTICES <= len(value) <= MAX_VERTICES:
        raise ValueError(
            f"{name}: a polyline has {MIN_VERTICES} to {MAX_VERTICES} points, got {len(value)}"
        )
    return tuple([check_point(f"{name}[{j}]", point) for j, point in enumerate(value)])


def check_colour(name: str, value: Any) -> str:
    """Return ``value`` in lower case if it is a ``#rrggbb`` colour."""
    if type(value) is not str:
        raise TypeError(f"{name}: expected a colour '#rrggbb', got {type_name(value)}")
    if COLOUR_PATTERN.fullmatch(value) is None:
        raise ValueError(f"{name}: {_preview(value)} is not a colour '#rrggbb'")
    return value.lower()


def check_choice(name: str, value: Any, choices: tuple[str, ...]) -> str:
    """Return ``value`` if it is one of the strings ``choices``."""
    if type(value) is not str:
        raise TypeError(f"{name}: expected a string, got {type_name(value)}")
    if value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name}: must be one of {allowed}, got {_preview(value)}")
    return value


def check_timestamp(name: str, value: Any) -> str:
    """Return ``value`` if it is an ISO 8601 UTC timestamp such as ``2024-05-01T12:34:56Z``."""
    if type(value) is not str:
        raise TypeError(f"{name}: expected an ISO 8601 timestamp, got {type_name(value)}")
    if TIMESTAMP_PATTERN.fullmatch(value) is None:
        raise ValueError(
            f"{name}: {_preview(value)} is not an ISO 8601 UTC timestamp "
            "like '2024-05-01T12:34:56Z'"
        )
    try:
        datetime.fromisoformat(value[:19])
    except ValueError:
        raise ValueError(f"{name}: {_preview(value)} is not a real date and time") from None
    return value


def check_json(name: str, value: Any) -> Any:
    """Return ``value`` if JSON can hold it.

    That is dicts with string keys, lists, strings, booleans, ``None`` and finite
    numbers, nested at most 32 levels.
    """
    stack = [(name, value, 0)]
    while stack:
        where, item, depth = stack.pop()
        if depth > 32:
            raise ValueError(f"{name}: nested too deeply for JSON")
        if isinstance(item, dict):
            for key, inner in item.items():
                if not isinstance(key, str):
                    raise TypeError(f"{where}: keys must be strings, got {type_name(key)}")
                stack.append((f"{where}.{key}", inner, depth + 1))
        elif isinstance(item, (list, tuple)):
            stack.extend((f"{where}[{i}]", inner, depth + 1) for i, inner in enumerate(item))
        elif isinstance(item, float):
            if not math.isfinite(item):
                raise ValueError(f"{where}: must be a finite number, got {item}")
        elif item is not None and not isinstance(item, (str, int)):
            raise TypeError(f"{where}: {type_name(item)} cannot be saved as JSON")
    return value


def now_utc() -> str:
    """Return the current time as an ISO 8601 UTC timestamp with milliseconds."""
    now = datetime.now(timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def check_extra(name: str, value: Any, known: frozenset[str]) -> dict[str, Any]:
    """Return unknown keys to keep on a round trip, refusing ones that shadow known fields."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise TypeError(f"{name}: expected a mapping of unknown keys, got {type_name(value)}")
    clash = sorted(k for k in value if not isinstance(k, str) or k in known)
    if clash:
        raise ValueError(f"{name}: keys {clash} are not unknown keys")
    return dict(value)


#: Largest columns, rows and frames an image identity may have.
MAX_IMAGE_SIZE = 1_000_000
#: A SOP Instance UID as the file has it: real files carry UIDs over 64 characters,
#: with spaces or non-ASCII letters, and must stay annotatable (keyed on them as they are).
_UID = re.compile(r".{1,1024}", re.DOTALL)
_SHA256 = re.compile(r"[0-9a-f]{64}")


def check_identity(identity: Any) -> dict[str, Any]:
    """Check an image identity and return a copy of it.

    Parameters
    ----------
    identity : mapping
        ``sop_instance_uid`` (DICOM SOP Instance UID (0008,0018)) or ``sha256`` (of a
        raster file's bytes, lower-case hex), plus ``columns``, ``rows`` and
        ``frames``, as ``ImageSource.identity`` gives it. Other keys are kept.

    Raises
    ------
    TypeError, ValueError
        Naming the field, e.g. ``"identity.rows: must be between 1 and 1000000"``.
    """
    if not isinstance(identity, Mapping):
        raise TypeError(f"identity: expected a mapping, got {type_name(identity)}")
    result = dict(identity)
    if "sop_instance_uid" not in result and "sha256" not in result:
        raise ValueError("identity: needs a sop_instance_uid or a sha256")
    for key, pattern, what in (
        ("sop_instance_uid", _UID, "a UID of 1 to 1024 characters"),
        ("sha256", _SHA256, "64 lower-case hex digits"),
    ):
        if key in result:
            value = result[key]
            if type(value) is not str:
                raise TypeError(f"identity.{key}: expected a string, got {type_name(value)}")
            if pattern.fullmatch(value) is None:
                raise ValueError(f"identity.{key}: {value[:70]!r} is not {what}")
    for key in ("columns", "rows", "frames"):
        if key not in result:
            raise ValueError(f"identity.{key}: missing")
        result[key] = check_int(f"identity.{key}", result[key], 1, MAX_IMAGE_SIZE)
    return result


EMPTY: Mapping[str, Any] = MappingProxyType({})


def empty() -> Mapping[str, Any]:
    """Return the shared, read-only empty mapping of unknown keys."""
    return EMPTY


def frozen_extra(name: str, value: Any, known: frozenset[str]) -> Mapping[str, Any]:
    """Return unknown keys as a read-only mapping (see :func:`check_extra`)."""
    if not value:
        if value is None or isinstance(value, Mapping):
            return EMPTY
    return MappingProxyType(check_extra(name, value, known))


def set_field(obj: object, name: str, value: Any) -> None:
    """Set a field of a frozen dataclass while it is being built."""
    object.__setattr__(obj, name, value)
