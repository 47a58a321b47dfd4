"""Which films of a montage or quiz page are one case: "Case 3, slice 22".

Slices (or frames) named one after another from one series, as ``PATH@22-31`` names
them, are one case: they share its number and each says which slice it is. Every
other film is a case of its own. Names never hold a file name, which may hold a
patient's name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from hoview.render.film import FilmRequest
from hoview.sources.base import Frame


@dataclass(frozen=True)
class CaseName:
    """A film's place among the cases.

    Parameters
    ----------
    number : int
        The case, from 1.
    part : str or None
        ``"slice 22"`` or ``"frame 3"`` when the case has several; else ``None``.
    """

    number: int
    part: str | None = None

    def caption(self, title: str | None = None) -> str:
        """Return ``"Case N"`` (or ``title``), followed by ``", slice M"`` if a part."""
        head = title if title else f"Case {self.number}"
        return f"{head}, {self.part}" if self.part else head


def case_names(requests: Sequence[FilmRequest], frames: Sequence[Frame]) -> list[CaseName]:
    """Return each request's case, with its part when the case has several slices.

    A run of consecutive requests of one path naming at least two different frames is
    one case. Its parts are "frame N" when the frames are those of one multi-frame file
    and "slice N" when they are the files of a series, ``N`` being the number the
    request gives (``PATH@N``).

    Parameters
    ----------
    requests : sequence of FilmRequest
        The films in order.
    frames : sequence of Frame
        Their opened frames, in the same order.

    Returns
    -------
    list of CaseName
        One per request.

    Raises
    ------
    ValueError
        If there are not as many frames as requests.
    """
    if len(requests) != len(frames):
        raise ValueError(f"{len(frames)} frames for {len(requests)} requests")
    names: list[CaseName] = []
    start = 0
    while start < len(requests):
        end = start + 1
        while end < len(requests) and Path(requests[end].path) == Path(requests[start].path):
            end += 1
        run = range(start, end)
        if len({requests[i].frame for i in run}) < 2:
            for _ in run:
                names.append(CaseName(_next_number(names)))
        else:
            number = _next_number(names)
            one_file = len({id(frames[i].source) for i in run}) == 1
            word = "frame" if one_file else "slice"
            names.extend(CaseName(number, f"{word} {requests[i].frame}") for i in run)
        start = end
    return names


def _next_number(names: Sequence[CaseName]) -> int:
    return names[-1].number + 1 if names else 1
