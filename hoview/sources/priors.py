"""Which earlier study to compare with: the prior of a series, chosen from header fields.

A radiologist reads a hip film beside the patient's previous film of the same kind.
Among the open series, the *prior* of the series on screen is a series of another
study that

- belongs to the same patient: the same Patient ID (0010,0020), never empty;
- was made before: its Study Date (0008,0020) is earlier than this study's (a
  study without a date is never a prior, and a study without a date has none);
- shows the same kind of image: the same Modality (0008,0060) and the same Body Part
  Examined (0018,0015), compared without case or surrounding spaces; when neither
  study gives a body part, the modality alone decides (when only one gives it, the
  two are not the same kind);

and of those, the most recent: the latest Study Date, then the latest Study Time
(0008,0030); still tied, the first in the folder's order. Within the prior study the
series shown is the first of that kind, preferring one of the same View Position
(0018,5101) as the series on screen.

The interval is written as :func:`interval_text` says. Only headers are read; nothing
here logs or returns a Patient ID or name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hoview.sources.base import Series

__all__ = [
    "Prior",
    "SeriesFacts",
    "find_prior",
    "interval_text",
    "months_between",
    "prior_note",
    "prior_of",
]


@dataclass(frozen=True)
class SeriesFacts:
    """What the choice of a prior reads of one series' header.

    Attributes
    ----------
    study_uid : str
        Study Instance UID (0020,000D).
    patient_id : str
        Patient ID (0010,0020), stripped; ``""`` when absent.
    date : datetime.date or None
        Study Date (0008,0020); ``None`` when absent or not a date.
    time : str
        Study Time (0008,0030) digits (``HHMMSS``), ``""`` when absent.
    modality : str
        Modality (0008,0060), upper case.
    body_part : str
        Body Part Examined (0018,0015), upper case, ``""`` when absent.
    view : str
        View Position (0018,5101), upper case, ``""`` when absent.
    """

    study_uid: str
    patient_id: str
    date: dt.date | None
    time: str = ""
    modality: str = ""
    body_part: str = ""
    view: str = ""

    @classmethod
    def from_metadata(cls, metadata: Mapping[str, Any]) -> SeriesFacts:
        """Read the facts from header fields keyed like ``ImageSource.metadata``."""

        def text(key: str) -> str:
            value = metadata.get(key)
            return " ".join(str(value).split()) if value is not None else ""

        return cls(
            study_uid=text("study_instance_uid"),
            patient_id=text("patient_id"),
            date=parse_date(text("study_date")),
            time="".join(c for c in text("study_time").split(".")[0] if c.isdigit()),
            modality=text("modality").upper(),
            body_part=text("body_part").upper(),
            view=text("view_position").upper(),
        )

    @classmethod
    def of(cls, series: Series) -> SeriesFacts | None:
        """Return the facts of ``series`` (its first image's header); ``None`` if empty."""
        if not series.frames:
            return None
        return cls.from_metadata(series.frames[0].source.metadata)

    def same_kind(self, other: SeriesFacts) -> bool:
        """Say whether ``other`` has this modality and body part (see the module)."""
        return bool(self.modality) and (self.modality, self.body_part) == (
            other.modality,
            other.body_part,
        )


def parse_date(text: str) -> dt.date | None:
    """Return the date of a DICOM DA value (``YYYYMMDD`` or ``YYYY.MM.DD``), else ``None``."""
    digits = text.replace(".", "") if len(text) == 10 and text[4::3] == ".." else text
    if len(digits) != 8 or not digits.isdigit():
        return None
    try:
        return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None


def find_prior(current: SeriesFacts, candidates: Sequence[SeriesFacts]) -> int | None:
    """Return the index in ``candidates`` of the prior of ``current``, or ``None``.

    Parameters
    ----------
    current : SeriesFacts
        The series on screen.
    candidates : sequence of SeriesFacts
        Every open series, in the folder's order (``current`` may be among them).

    Returns
    -------
    int or None
        The chosen series (see the module for the rules), ``None`` when there is none.
    """
    if not current.patient_id or current.date is None:
        return None
    best: int | None = None
    best_key: tuple[dt.date, str, int] | None = None
    for index, facts in enumerate(candidates):
        if (
            facts.patient_id != current.patient_id
            or facts.study_uid == current.study_uid
            or facts.date is None
            or facts.date >= current.date
            or not current.same_kind(facts)
        ):
            continue
        # Later date, later time, then the one with the same view, then the first.
        key = (facts.date, facts.time, 1 if facts.view == current.view else 0)
        if best_key is None or key > best_key:
            best, best_key = index, key
    return best


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole calendar months from ``earlier`` to ``later``, rounded down.

    >>> months_between(dt.date(2023, 12, 12), dt.date(2024, 3, 12))
    3
    >>> months_between(dt.date(2023, 12, 13), dt.date(2024, 3, 12))
    2
    """
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if later.day < earlier.day:
        months -= 1
    return max(months, 0)


def interval_text(earlier: dt.date, later: dt.date) -> str:
    """Say how much earlier a prior was: ``"prior, 3 months earlier"``.

    Under one month in days (``"prior, 12 days earlier"``), from 1 to 23 months in
    whole months rounded down, from 24 months on in whole years rounded down
    (``"prior, 2 years earlier"``). The same day is ``"prior, same day"``.
    """
    days = (later - earlier).days
    months = months_between(earlier, later)
    if days <= 0:
        return "prior, same day"
    if months < 1:
        amount, unit = days, "day"
    elif months < 24:
        amount, unit = months, "month"
    else:
        amount, unit = months // 12, "year"
    return f"prior, {amount} {unit}{'s' if amount != 1 else ''} earlier"


@dataclass(frozen=True)
class Prior:
    """The prior chosen for a series.

    Attributes
    ----------
    series : Series
        The prior series to show.
    note : str
        Its corner text line, e.g. ``"prior, 3 months earlier"``.
    """

    series: Series
    note: str


def prior_note(current: Series, other: Series) -> str:
    """Return what a viewport showing ``other`` beside ``current`` says of it.

    ``"prior, 3 months earlier"`` (see :func:`interval_text`) when ``other`` belongs to
    an earlier study of the same patient (any modality), else ``""``.
    """
    now, then = SeriesFacts.of(current), SeriesFacts.of(other)
    if (
        now is None
        or then is None
        or not now.patient_id
        or then.patient_id != now.patient_id
        or then.study_uid == now.study_uid
        or now.date is None
        or then.date is None
        or then.date >= now.date
    ):
        return ""
    return interval_text(then.date, now.date)


def prior_of(current: Series, open_series: Sequence[Series]) -> Prior | None:
    """Return the prior of ``current`` among ``open_series`` (see the module), or ``None``."""
    facts = SeriesFacts.of(current)
    if facts is None:
        return None
    described = [(s, SeriesFacts.of(s)) for s in open_series if s is not current]
    usable = [(s, f) for s, f in described if f is not None]
    index = find_prior(facts, [f for _s, f in usable])
    if index is None:
        return None
    series = usable[index][0]
    return Prior(series, prior_note(current, series))
