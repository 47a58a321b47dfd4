"""Which fields identify a patient: the one list every output consults.

Corner text in anonymous mode, ``hoview info`` without ``--show-identifiers``, every
export and every log line leave these out. It sits at the bottom of the package (it
imports nothing of hoview's), so the display code can consult it without depending on
the readers in :mod:`hoview.sources`.
"""

from __future__ import annotations

__all__ = ["IDENTIFYING_FIELDS"]

#: Header fields (keys of ``ImageSource.metadata``) that identify a patient, a date or
#: a place; hidden in anonymous mode and never written to exports or logs.
IDENTIFYING_FIELDS = frozenset(
    {
        "patient_name",
        "patient_id",
        "patient_birth_date",
        "patient_sex",
        "patient_age",
        "study_date",
        "study_time",
        "series_date",
        "acquisition_date",
        "accession_number",
        "institution_name",
        "referring_physician",
        "performing_physician",
        "operators_name",
        "station_name",
    }
)
