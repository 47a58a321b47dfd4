"""Reading JSON that may be hostile: size, encoding, NaN, huge numbers, deep nesting.

:func:`parse` is ``json.loads`` with limits no real sidecar reaches, and errors that name
the line and column, or the item (``annotations[3].points[0][1]: NaN is not allowed``).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from hoview.annotations.errors import SidecarSyntaxError, SidecarTooLargeError

#: Refuse files larger than this (10,000 arrows take about 4 MB).
MAX_BYTES = 64 * 2**20
#: Refuse JSON nested deeper than this (a real sidecar is 5 levels deep).
MAX_DEPTH = 32
#: Refuse integer literals with more digits than this.
MAX_INT_DIGITS = 20


def _integer_shape() -> bytes:
    """Return a table for ``bytes.translate`` that keeps only the shape of numbers.

    A possible integer literal then reads ``b`` (what JSON allows before a value:
    ``:``, ``,``, ``[``, white space; or its minus sign) and ``0`` for each digit, so
    one search finds them all.
    """
    table = bytearray(b" " * 256)
    for byte in b"0123456789":
        table[byte] = ord("0")
    for byte in b" \t\n\r:,[-":
        table[byte] = ord("b")
    return bytes(table)


_INTEGER_SHAPE = _integer_shape()


class _Refused:
    """Stands in for a number JSON allows but a sidecar does not (NaN, a huge integer)."""

    def __init__(self, what: str) -> None:
        self.what = what


def parse(raw: bytes, path: str | Path | None = None) -> Any:
    """Parse a sidecar's bytes as JSON, refusing what no real sidecar holds.

    Raises
    ------
    SidecarTooLargeError
        More than :data:`MAX_BYTES`.
    SidecarSyntaxError
        Not UTF-8, malformed JSON (line and column given), NaN, Infinity, an integer of
        more than :data:`MAX_INT_DIGITS` digits, or nesting deeper than :data:`MAX_DEPTH`.
    """
    if len(raw) > MAX_BYTES:
        raise SidecarTooLargeError(
            path, f"{len(raw):,} bytes is far larger than any sidecar (limit {MAX_BYTES:,})"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SidecarSyntaxError(
            path, f"not UTF-8 text: invalid byte at line {line} column {column}"
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    refused: list[_Refused] = []

    def constant(name: str) -> _Refused:
        refused.append(_Refused(f"{name} is not allowed: numbers must be finite"))
        return refused[-1]

    def integer(literal: str) -> int | _Refused:
        if len(literal.lstrip("-")) > MAX_INT_DIGITS:
            refused.append(_Refused(f"a {len(literal)}-digit integer is too large"))
            return refused[-1]
        return int(literal)

    # Unless a long integer may be there, skip the hook: a Python call per number.
    hook = integer if _may_hold_long_integer(raw) else None
    try:
        data = json.loads(text, parse_constant=constant, parse_int=hook)
    except json.JSONDecodeError as exc:
        raise SidecarSyntaxError(
            path, f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        raise SidecarSyntaxError(
            path, f"JSON nested too deeply (a sidecar is at most {MAX_DEPTH} levels deep)"
        ) from None
    if refused:
        where, bad = next((w, v) for w, v, _ in walk(data, "") if isinstance(v, _Refused))
        raise SidecarSyntaxError(path, f"{where or 'document'}: {bad.what}")
    return data


def _may_hold_long_integer(raw: bytes) -> bool:
    """Say whether ``raw`` may hold an integer literal of more than MAX_INT_DIGITS digits.

    Never wrong when it says no. A UID's digits in a string follow a dot and do not
    count; a long number after a space inside a string only costs the slow path.
    """
    shape = raw.removeprefix(b"\xef\xbb\xbf").translate(_INTEGER_SHAPE)
    digits = b"0" * (MAX_INT_DIGITS + 1)
    return shape.startswith(digits) or b"b" + digits in shape


def walk(value: Any, where: str, depth: int = 0) -> Any:
    """Yield ``(where, value, depth)`` for ``value`` and everything inside it."""
    stack = [(where, value, depth)]
    while stack:
        where, value, depth = stack.pop()
        yield where, value, depth
        if isinstance(value, dict):
            stack.extend(
                (f"{where}.{k}" if where else str(k), v, depth + 1) for k, v in value.items()
            )
        elif isinstance(value, list):
            stack.extend((f"{where}[{i}]", v, depth + 1) for i, v in enumerate(value))


def check_free(where: str, value: Any, depth: int) -> None:
    """Check a value hoview keeps without interpreting it (unknown keys, view state).

    Raises ``ValueError`` naming ``where`` if it nests deeper than :data:`MAX_DEPTH`
    (counting ``depth`` levels above it) or holds a number too large to be finite.
    """
    if not isinstance(value, (dict, list, float)):
        return
    for place, item, level in walk(value, where, depth):
        if level > MAX_DEPTH:
            raise ValueError(f"{where}: JSON nested too deeply (more than {MAX_DEPTH} levels)")
        if type(item) is float and not math.isfinite(item):
            raise ValueError(f"{place}: number is too large (numbers must be finite)")
