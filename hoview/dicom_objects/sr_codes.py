"""The coded concepts of hoview's structured reports, with where each comes from.

Standard codes (DICOM PS3.16; the SNOMED CT ones as PS3.16 lists them):

- Laterality (272741003, SCT) with the values of CID 244 "Laterality": Right
  (24028007, SCT), Left (7771000, SCT), Right and left (51440002, SCT).
- Heterotopic ossification (128491006, SCT, "Heterotopic ossification (disorder)"),
  the SNOMED CT concept for the finding hoview was made for.
- Finding (121071, DCM), Path (121055, DCM), Length (410668003, SCT), mm (UCUM),
  Imaging procedure (363679005, SCT, from CID 100) as Procedure Reported.
- Angle (1483009, SCT) and Cobb angle (285285000, SCT), in degrees (deg, UCUM); Yes
  (373066001, SCT) and No (373067005, SCT).

hoview's private coding scheme, **99HOVIEW** (PS3.3 8.2: designators starting with
"99" are private), declared in each report's Coding Scheme Identification Sequence
(0008,0110) and documented in the README:

- ``GRADE`` "Grade": the concept name of a finding's grade;
- ``SUGGESTED-GRADE`` "Suggested grade": the grade hoview suggests for a finding from its
  measurements (beside the reader's own ``GRADE``);
- ``BRIDGING`` "Bridging": whether a gap (a Length between bone surfaces) is bridged by
  bone, Yes (its length is then 0) or No; it also marks the group as a gap;
- ``BROOKER-1`` .. ``BROOKER-4`` "Brooker class I" .. "Brooker class IV": the Brooker
  classification of heterotopic ossification of the hip (Brooker et al., JBJS 1973);
- ``F-<12 hex>`` (a finding) and ``G-<12 hex>`` (a grade) for any other text: the hex
  digits are the first of the SHA-256 of the text, and the Code Meaning is the text.
"""

from __future__ import annotations

import hashlib

from highdicom.sr import CodedConcept
from pydicom.dataset import Dataset

#: hoview's private Coding Scheme Designator (0008,0102).
PRIVATE_SCHEME = "99HOVIEW"

FINDING = CodedConcept("121071", "DCM", "Finding")
PATH = CodedConcept("121055", "DCM", "Path")
LATERALITY = CodedConcept("272741003", "SCT", "Laterality")
GRADE = CodedConcept("GRADE", PRIVATE_SCHEME, "Grade")
LENGTH = CodedConcept("410668003", "SCT", "Length")
MILLIMETRE = CodedConcept("mm", "UCUM", "millimeter")
ANGLE = CodedConcept("1483009", "SCT", "Angle")
COBB_ANGLE = CodedConcept("285285000", "SCT", "Cobb angle")
DEGREE = CodedConcept("deg", "UCUM", "degree")
SUGGESTED_GRADE = CodedConcept("SUGGESTED-GRADE", PRIVATE_SCHEME, "Suggested grade")
BRIDGING = CodedConcept("BRIDGING", PRIVATE_SCHEME, "Bridging")
YES = CodedConcept("373066001", "SCT", "Yes")
NO = CodedConcept("373067005", "SCT", "No")
IMAGING_PROCEDURE = CodedConcept("363679005", "SCT", "Imaging procedure")
HETEROTOPIC_OSSIFICATION = CodedConcept("128491006", "SCT", "Heterotopic ossification")

#: hoview laterality -> CID 244 value.
LATERALITIES = {
    "R": CodedConcept("24028007", "SCT", "Right"),
    "L": CodedConcept("7771000", "SCT", "Left"),
    "bilateral": CodedConcept("51440002", "SCT", "Right and left"),
}
_ROMAN = ("I", "II", "III", "IV")


def _hashed(prefix: str, text: str) -> str:
    return f"{prefix}-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:12].upper()}"


def finding_code(text: str) -> CodedConcept:
    """Return the code of a finding: SNOMED CT for heterotopic ossification, else private."""
    if text.strip().lower() == "heterotopic ossification":
        return HETEROTOPIC_OSSIFICATION
    return CodedConcept(_hashed("F", text), PRIVATE_SCHEME, text[:64])


def grade_code(text: str) -> CodedConcept:
    """Return the private code of a grade (``"Brooker III"`` -> ``BROOKER-3``)."""
    words = text.strip().split()
    if len(words) == 2 and words[0].lower() == "brooker" and words[1].upper() in _ROMAN:
        n = _ROMAN.index(words[1].upper()) + 1
        return CodedConcept(f"BROOKER-{n}", PRIVATE_SCHEME, f"Brooker class {_ROMAN[n - 1]}")
    return CodedConcept(_hashed("G", text), PRIVATE_SCHEME, text[:64])


def finding_text(code: Dataset) -> str:
    """Return hoview's finding text for a finding code :func:`finding_code` wrote."""
    if (code.CodeValue, code.CodingSchemeDesignator) == ("128491006", "SCT"):
        return "heterotopic ossification"
    return str(code.CodeMeaning)


def grade_text(code: Dataset) -> str:
    """Return hoview's grade text for a grade code :func:`grade_code` wrote."""
    value = str(code.CodeValue)
    if code.CodingSchemeDesignator == PRIVATE_SCHEME and value.startswith("BROOKER-"):
        return f"Brooker {_ROMAN[int(value[-1]) - 1]}"
    return str(code.CodeMeaning)


def laterality_text(code: Dataset) -> str | None:
    """Return ``"R"``, ``"L"`` or ``"bilateral"`` for a CID 244 code; ``None`` if another."""
    for text, concept in LATERALITIES.items():
        if (code.CodeValue, code.CodingSchemeDesignator) == (
            concept.value,
            concept.scheme_designator,
        ):
            return text
    return None


def private_scheme_item() -> Dataset:
    """Return the Coding Scheme Identification Sequence item declaring 99HOVIEW."""
    item = Dataset()
    item.CodingSchemeDesignator = PRIVATE_SCHEME
    item.CodingSchemeName = "hoview private codes (see the hoview README)"
    item.CodingSchemeResponsibleOrganization = "the hoview project"
    return item
