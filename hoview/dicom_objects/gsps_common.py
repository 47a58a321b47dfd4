"""What GSPS export and import share: names, colours, ids (PS3.3 C.10.5, C.10.7).

No Qt.
"""

from __future__ import annotations

import hashlib
import re

#: Grayscale Softcopy Presentation State Storage (PS3.4 B.5).
GSPS_CLASS = "1.2.840.10008.5.1.4.1.1.11.1"
#: The text of an arrow's text object when the arrow has neither label nor finding:
#: Unformatted Text Value (0070,0006) is Type 1, so it cannot be empty.
NO_LABEL = "*"
#: Prefix of the hoview layers a GSPS import makes.
LAYER_PREFIX = "GSPS: "

_RULER_TEXT = re.compile(
    r"^(?:(?P<label>.*\S)\s+)?-?\d+(?:\.\d+)?\s(?:mm(?: at detector)?|px)$", re.DOTALL
)


def uid_from(*parts: str) -> str:
    """Return a ``2.25.<integer>`` UID derived from ``parts`` (PS3.5 B.2).

    The integer is the first 128 bits of the SHA-256 of the parts, so the same parts
    always give the same UID (at most 44 characters).
    """
    digest = hashlib.sha256("\x00".join(parts).encode("utf-8")).digest()
    return f"2.25.{int.from_bytes(digest[:16], 'big')}"


def code_string_name(name: str, taken: set[str]) -> str:
    """Return a Graphic Layer (0070,0002) value for ``name``: a CS of at most 16 characters.

    Upper case letters, digits, space and underscore, starting with a letter, not
    ending in space or underscore, and not in ``taken`` (a counter is appended).
    """
    text = re.sub(r"[^A-Z0-9 _]+", "_", name.upper())
    text = re.sub(r"^[^A-Z]+", "", text)
    base = re.sub(r"[ _]+$", "", text[:16]) or "LAYER"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        suffix = f"_{n}"
        candidate = re.sub(r"[ _]+$", "", base[: 16 - len(suffix)]) + suffix
    taken.add(candidate)
    return candidate


def split_ruler_text(text: str) -> str | None:
    """Return the label of a ruler's text (``"<label> 12.3 mm"``), ``None`` if none."""
    match = _RULER_TEXT.match(text.strip())
    if match is None:
        return text.strip() or None
    return match.group("label")


def hex_to_rgb(colour: str) -> tuple[int, int, int]:
    """``"#rrggbb"`` -> ``(r, g, b)``."""
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def rgb_to_hex(rgb: tuple[int, int, int]) -> str:
    """``(r, g, b)`` (0..255, clipped) -> ``"#rrggbb"``."""
    r, g, b = (min(max(int(round(v)), 0), 255) for v in rgb)
    return f"#{r:02x}{g:02x}{b:02x}"
