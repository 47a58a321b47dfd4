"""QIDO-RS study search (``hoview query``): the studies on a server that match filters."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from hoview.errors import HoviewError
from hoview.pacs.client import PacsClient
from hoview.pacs.servers import Server

__all__ = ["StudySummary", "format_studies", "search_studies", "study_date_range"]

#: QIDO-RS return keys (PS3.18 Table 10.6.1-5, study level).
_FIELDS = (
    "StudyDate",
    "StudyTime",
    "ModalitiesInStudy",
    "StudyDescription",
    "NumberOfStudyRelatedSeries",
    "NumberOfStudyRelatedInstances",
    "StudyInstanceUID",
    "AccessionNumber",
    "PatientName",
    "PatientID",
)
_TAGS = {
    "StudyDate": "00080020",
    "ModalitiesInStudy": "00080061",
    "StudyDescription": "00081030",
    "NumberOfStudyRelatedSeries": "00201206",
    "NumberOfStudyRelatedInstances": "00201208",
    "StudyInstanceUID": "0020000D",
    "AccessionNumber": "00080050",
    "PatientName": "00100010",
    "PatientID": "00100020",
}


@dataclass(frozen=True)
class StudySummary:
    """One study a search found.

    ``patient_name`` and ``patient_id`` are kept for ``--show-identifiers`` only.
    """

    study_uid: str
    date: str
    modalities: tuple[str, ...]
    description: str
    series: int | None
    instances: int | None
    accession: str
    patient_name: str
    patient_id: str

    def to_json(self, identifiers: bool = False) -> dict[str, Any]:
        """Return a JSON-ready dict; patient name and ID only with ``identifiers``."""
        data = asdict(self)
        data["modalities"] = list(self.modalities)
        if not identifiers:
            for key in ("patient_name", "patient_id", "accession"):
                data.pop(key)
        return data


def study_date_range(text: str) -> str:
    """Check ``YYYYMMDD``, ``YYYYMMDD-YYYYMMDD``, ``-YYYYMMDD`` or ``YYYYMMDD-`` (PS3.4 C.2.2.2.5).

    Raises
    ------
    ValueError
        If ``text`` is none of these.
    """
    if not re.fullmatch(r"(\d{8})?-?(\d{8})?", text) or text in ("", "-"):
        raise ValueError(f"expected YYYYMMDD or YYYYMMDD-YYYYMMDD, got {text!r}")
    return text


def _values(item: dict, keyword: str) -> list[Any]:
    element = item.get(_TAGS[keyword], {})
    return list(element.get("Value", []) or []) if isinstance(element, dict) else []


def _text(item: dict, keyword: str) -> str:
    values = _values(item, keyword)
    if not values:
        return ""
    value = values[0]
    if isinstance(value, dict):  # a PN value: {"Alphabetic": "..."}
        return str(value.get("Alphabetic", ""))
    return str(value)


def _number(item: dict, keyword: str) -> int | None:
    try:
        return int(_text(item, keyword))
    except ValueError:
        return None


def _summary(item: dict) -> StudySummary:
    return StudySummary(
        study_uid=_text(item, "StudyInstanceUID"),
        date=_text(item, "StudyDate"),
        modalities=tuple(str(v) for v in _values(item, "ModalitiesInStudy")),
        description=_text(item, "StudyDescription"),
        series=_number(item, "NumberOfStudyRelatedSeries"),
        instances=_number(item, "NumberOfStudyRelatedInstances"),
        accession=_text(item, "AccessionNumber"),
        patient_name=_text(item, "PatientName"),
        patient_id=_text(item, "PatientID"),
    )


def search_studies(
    server: Server,
    *,
    patient_id: str | None = None,
    patient_name: str | None = None,
    accession: str | None = None,
    modality: str | None = None,
    study_date: str | None = None,
) -> list[StudySummary]:
    """Return the studies on ``server`` matching every filter given, by date (newest first).

    Parameters
    ----------
    server : Server
        The DICOMweb server.
    patient_id, patient_name, accession, modality : str, optional
        Matched as the server matches QIDO attributes (``*`` and ``?`` are wildcards).
    study_date : str, optional
        ``YYYYMMDD`` or a range ``YYYYMMDD-YYYYMMDD`` (see :func:`study_date_range`).

    Raises
    ------
    HoviewError
        If a filter is invalid or the server fails (:class:`~hoview.pacs.client.PacsError`).
    """
    filters: dict[str, str] = {}
    for keyword, value in (
        ("PatientID", patient_id),
        ("PatientName", patient_name),
        ("AccessionNumber", accession),
        ("ModalitiesInStudy", modality),
    ):
        if value:
            filters[keyword] = value
    if study_date:
        try:
            filters["StudyDate"] = study_date_range(study_date)
        except ValueError as exc:
            raise HoviewError(None, f"--study-date: {exc}") from None
    items = PacsClient(server).search_studies(filters, _FIELDS)
    studies = [_summary(item) for item in items if isinstance(item, dict)]
    return sorted(studies, key=lambda s: (s.date, s.study_uid), reverse=True)


def format_studies(server: Server, studies: list[StudySummary], identifiers: bool) -> str:
    """Return the studies as lines for a terminal (patients only with ``identifiers``)."""
    if not studies:
        return f"{server.label}: no studies found"
    lines = [f"{server.label}: {len(studies)} stud{'y' if len(studies) == 1 else 'ies'}"]
    for study in studies:
        date = study.date
        if len(date) == 8:
            date = f"{date[:4]}-{date[4:6]}-{date[6:]}"
        counts = f"{study.series if study.series is not None else '?'} series, "
        counts += f"{study.instances if study.instances is not None else '?'} instances"
        line = f"{date or '(no date)':<10}  {'/'.join(study.modalities) or '-':<8}  "
        line += f"{study.description or '(no description)'}  [{counts}]  {study.study_uid}"
        if identifiers:
            line += f"  patient: {study.patient_name or '-'} ({study.patient_id or '-'})"
            if study.accession:
                line += f"  accession: {study.accession}"
        lines.append(line)
    return "\n".join(lines)
