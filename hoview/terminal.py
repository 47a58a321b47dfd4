r"""Text for a terminal: nothing from a file may move the cursor, recolour or hide output.

A label in a sidecar, a Study Description in a DICOM header or a file name can hold
ESC sequences (``\x1b[2J`` clears the screen, OSC 8 writes hyperlinks, OSC 52 writes
the clipboard), C1 controls (``\x9b`` is a one-byte CSI on some terminals), bidi
overrides that reorder what is shown (U+202E) or undecodable bytes of a file name
(lone surrogates, which would make ``print`` fail). Everything that ``hoview`` prints
goes through :func:`escape_controls` (text) or :func:`escape_json` (JSON), which spell
such characters out instead.
"""

from __future__ import annotations

import re
import sys
from typing import TextIO

__all__ = ["emit", "escape_controls", "escape_json"]

# C0 controls but tab and newline, DEL, C1 controls, bidi embeddings, overrides and
# isolates, the line/paragraph separators, and lone surrogates.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]"
)


def _spelled(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_controls(text: str) -> str:
    r"""Return ``text`` with every control character spelled out.

    Tabs and newlines are kept; ESC becomes ``\x1b``, U+202E becomes ``\u202e`` and an
    undecodable byte of a file name becomes ``\xNN``.

    Parameters
    ----------
    text : str
        What is about to be printed.

    Returns
    -------
    str
        Safe to write to a terminal.
    """
    return _UNSAFE.sub(_spelled, text)


def _json_spelled(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def escape_json(text: str) -> str:
    r"""Return JSON text with control characters as ``\uXXXX`` escapes.

    ``json.dumps(..., ensure_ascii=False)`` already escapes C0 controls; this also
    escapes C1 controls, bidi overrides and lone surrogates, so the result is still
    valid JSON that decodes to the same strings. Tabs and newlines are left alone:
    inside strings ``json.dumps`` has escaped them, outside they are the layout.
    """
    return _UNSAFE.sub(_json_spelled, text)


def emit(text: str, file: TextIO | None = None, *, end: str = "\n", flush: bool = False) -> None:
    """Print ``text`` with control characters spelled out (see :func:`escape_controls`)."""
    print(escape_controls(text), end=end, file=sys.stdout if file is None else file, flush=flush)


def plural(count: int, word: str) -> str:
    """Return ``"1 arrow"``, ``"2 arrows"``: a count and a noun that takes an ``s``."""
    return f"{count} {word}{'' if count == 1 else 's'}"
