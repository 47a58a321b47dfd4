"""One presentation state per series and image: the newest version.

Pushing changed annotations to a PACS stores a new presentation state in the same
hoview series (issue 13, "Pushing again"), so a study retrieved later holds every
version. The series panel lists the newest of them: of the presentation states that
share a Series Instance UID (0020,000E) and draw first on the same image, the one with
the latest Presentation Creation Date and Time (0070,0082), (0070,0083) (PS3.3 C.11.10).
Presentation states in different series (another program's, another author's) are all
listed, as before.
"""

from __future__ import annotations

from collections.abc import Sequence

from hoview.ui.presentation_states import PresentationEntry

__all__ = ["newest_presentations"]


def _created(entry: PresentationEntry) -> str:
    ds = entry.item.dataset
    # A presentation state's creation, a report's content date and time (C.17.2).
    date = str(ds.get("PresentationCreationDate", "") or ds.get("ContentDate", "") or "")
    time = str(ds.get("PresentationCreationTime", "") or ds.get("ContentTime", "") or "")
    return f"{date:0<8}{time}"


def newest_presentations(entries: Sequence[PresentationEntry]) -> list[PresentationEntry]:
    """Return ``entries`` without the older versions of a presentation state.

    Parameters
    ----------
    entries : sequence of PresentationEntry
        As :func:`~hoview.ui.presentation_states.match_presentations` found them.

    Returns
    -------
    list of PresentationEntry
        In the same order, each (series, image) group reduced to its newest entry
        (the later one in file order when the times are equal).
    """
    newest: dict[tuple[str, int, int], PresentationEntry] = {}
    for entry in entries:
        series = str(entry.item.dataset.get("SeriesInstanceUID", "") or "")
        key = (series, entry.series_index, entry.frame_index)
        kept = newest.get(key)
        if not series or kept is None or _created(entry) >= _created(kept):
            newest[key if series else (str(id(entry)), -1, -1)] = entry
    chosen = {id(entry) for entry in newest.values()}
    return [entry for entry in entries if id(entry) in chosen]
