"""Huge integers are refused wherever they are, with or without the fast parse."""

from __future__ import annotations

import json

import pytest

from hoview.annotations.errors import SidecarSyntaxError
from hoview.annotations.jsonio import parse

HUGE = "1" * 21


@pytest.mark.parametrize(
    "text",
    [
        f"{HUGE}",
        f"\ufeff{HUGE}",
        f"[{HUGE}]",
        f'{{"a":{HUGE}}}',
        f'{{"a": -{HUGE}}}',
        f'{{"a":\t{HUGE}}}',
        f'{{"a": [1,\n{HUGE}]}}',
        f'{{"a": [1,\r\n  -{HUGE}], "uid": "2.25.{HUGE}"}}',
    ],
)
def test_a_huge_integer_is_refused_anywhere(text):
    with pytest.raises(SidecarSyntaxError, match="-digit integer is too large"):
        parse(text.encode("utf-8"))


def test_long_digit_runs_in_strings_and_floats_are_fine():
    data = {
        "uid": f"2.25.{HUGE}{HUGE}",
        "note": f"call {HUGE}",
        "x": float(f"{HUGE}.5"),
        "n": int("9" * 20),
    }
    raw = json.dumps(data).encode("utf-8")
    assert parse(raw) == json.loads(raw)
