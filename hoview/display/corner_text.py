"""What the four corners of the viewer say, laid out the way radiology viewers do.

Top left: the patient. Top right: the study and series. Bottom left: the image
(modality, frame, slice position). Bottom right: the display (window, zoom,
orientation, inversion). Pure text from header fields and view state, so the viewer,
an export and a test all get the same lines.

In anonymous mode the header fields in
:data:`hoview.privacy.IDENTIFYING_FIELDS` are dropped before anything is
formatted, so no line can show them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from hoview.privacy import IDENTIFYING_FIELDS

__all__ = ["CORNERS", "corner_text", "dicom_date", "dicom_time", "person_name"]

#: The corners, in the order a viewer paints them.
CORNERS = ("top_left", "top_right", "bottom_left", "bottom_right")

_GAP = "  "


def corner_text(
    metadata: Mapping[str, Any], view: Mapping[str, Any], anonymous: bool
) -> dict[str, list[str]]:
    """Build the lines for the four corners of a view.

    Parameters
    ----------
    metadata : Mapping
        Header fields by hoview's names, as :attr:`ImageSource.metadata
        <hoview.sources.base.ImageSource.metadata>` gives them (see
        :func:`hoview.sources.dicom_header.dicom_metadata`). Used: ``patient_name``,
        ``patient_id``, ``patient_birth_date``, ``patient_sex``, ``patient_age``,
        ``institution_name``, ``study_date`` (else ``series_date``, else
        ``acquisition_date``), ``study_time``, ``study_description``,
        ``series_number``, ``series_description``, ``accession_number``,
        ``modality``, ``body_part``, ``view_position``, ``image_position``,
        ``image_orientation``, ``slice_thickness``. Missing or blank fields give no
        line.
    view : Mapping
        The view state; every key is optional:

        - ``window_center``, ``window_width`` : float -- the VOI window;
          ``window_name`` : str -- its name (the file's Window Center & Width
          Explanation (0028,1055) or the preset's), written after it;
          ``voi_label`` : str -- shown instead when there is no window (a VOI LUT);
        - ``zoom`` : float -- screen pixels per image pixel;
        - ``frame`` : int -- the frame number from 1 (as in DICOM), or
          ``frame_index`` : int -- from 0; ``frame_count`` : int;
          ``instance_number`` : int -- Instance Number (0020,0013) of the image
          shown, when each image of the series is a file of its own: written as
          ``Im: 1 / 40 (#40)`` (the place in the series, then the file's number);
        - ``rotation`` : int -- degrees clockwise; ``flip_h``, ``flip_v``,
          ``invert`` : bool.
    anonymous : bool
        Leave out every field in :data:`~hoview.privacy.IDENTIFYING_FIELDS`
        (names, IDs, dates, times, age, sex, accession, institution, physicians,
        station).

    Returns
    -------
    dict of str to list of str
        Lines for ``"top_left"``, ``"top_right"``, ``"bottom_left"`` and
        ``"bottom_right"`` (all four keys, lists possibly empty), top line first.

    Examples
    --------
    >>> lines = corner_text(
    ...     {"patient_name": "DOE^JOHN", "modality": "CR", "study_date": "20240312"},
    ...     {"window_center": 40, "window_width": 400, "zoom": 0.51, "rotation": 90},
    ...     anonymous=False,
    ... )
    >>> lines["top_left"], lines["top_right"], lines["bottom_left"]
    (['DOE, JOHN'], ['2024-03-12'], ['CR'])
    >>> lines["bottom_right"]
    ['W: 400 L: 40', 'Zoom: 51%', 'Rot: 90°']

    """
    meta = {
        key: value
        for key, value in metadata.items()
        if _text(value) and not (anonymous and key in IDENTIFYING_FIELDS)
    }
    return {
        "top_left": _patient(meta),
        "top_right": _study(meta),
        "bottom_left": _image(meta, view),
        "bottom_right": _display(view),
    }


def person_name(value: Any) -> str:
    """Format a DICOM person name (PS3.5 6.2, VR PN) for reading.

    ``"DOE^JOHN"`` becomes ``"DOE, JOHN"``; ``"DOE^JOHN^A^DR^JR"`` becomes
    ``"DOE, DR JOHN A, JR"``. Of several component groups (``=``), the first one
    that is not empty (the alphabetic one, usually) is used. Empty components and a
    value without ``^`` are kept as they are.
    """
    text = _text(value)
    group = next((g for g in text.split("=") if g.strip("^ ")), "")
    parts = [p.strip() for p in group.split("^")] + [""] * 5
    family, given, middle, prefix, suffix = parts[:5]
    rest = " ".join(p for p in (prefix, given, middle) if p)
    name = ", ".join(p for p in (family, rest) if p)
    return f"{name}, {suffix}" if suffix and name else name or suffix


def dicom_date(value: Any) -> str:
    """Format a DICOM date (VR DA, ``YYYYMMDD``) as ``YYYY-MM-DD``.

    The old ACR-NEMA form ``YYYY.MM.DD`` is read too; anything else is returned as
    it is, so an odd value is still shown rather than lost.
    """
    text = _text(value)
    digits = text.replace(".", "") if len(text) == 10 and text[4::3] == ".." else text
    if len(digits) == 8 and digits.isdigit():
        return f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
    return text


def dicom_time(value: Any) -> str:
    """Format a DICOM time (VR TM, ``HHMMSS.FFFFFF``) as ``HH:MM:SS`` or ``HH:MM``.

    Fractions of a second are dropped; an old ``HH:MM:SS`` value or anything else
    is returned as it is.
    """
    text = _text(value)
    whole = text.split(".")[0]
    if whole.isdigit() and len(whole) in (4, 6):
        return ":".join(whole[i : i + 2] for i in range(0, len(whole), 2))
    return text


# -- the corners ----------------------------------------------------------------------


def _patient(meta: Mapping[str, Any]) -> list[str]:
    birth = dicom_date(meta["patient_birth_date"]) if "patient_birth_date" in meta else ""
    age = _text(meta.get("patient_age"))
    if len(age) == 4 and age[:3].isdigit():  # VR AS: "054Y" -> "54Y"
        age = f"{int(age[:3])}{age[3]}"
    return _lines(
        person_name(meta["patient_name"]) if "patient_name" in meta else "",
        _labelled("ID: ", meta.get("patient_id")),
        _joined(_labelled("DOB: ", birth), _text(meta.get("patient_sex")), age),
    )


def _study(meta: Mapping[str, Any]) -> list[str]:
    dated = [k for k in ("study_date", "series_date", "acquisition_date") if k in meta]
    when = _joined(
        dicom_date(meta[dated[0]]) if dated else "",
        dicom_time(meta["study_time"]) if "study_time" in meta else "",
        gap=" ",
    )
    return _lines(
        _text(meta.get("institution_name")),
        when,
        _text(meta.get("study_description")),
        _joined(
            _labelled("Se: ", meta.get("series_number")), _text(meta.get("series_description"))
        ),
        _labelled("Acc: ", meta.get("accession_number")),
    )


def _image(meta: Mapping[str, Any], view: Mapping[str, Any]) -> list[str]:
    kind = _joined(*(_text(meta.get(k)) for k in ("modality", "body_part", "view_position")))
    return _lines(kind, _frame(view), _slice(meta))


def _display(view: Mapping[str, Any]) -> list[str]:
    center, width = _number(view.get("window_center")), _number(view.get("window_width"))
    if center is not None and width is not None:
        name = _text(view.get("window_name"))
        window = f"W: {_short(width)} L: {_short(center)}"
        window = f"{window} \N{EM DASH} {name}" if name else window
    else:
        window = _text(view.get("voi_label"))
    zoom = _number(view.get("zoom"))
    percent = "" if zoom is None or zoom <= 0 else _percent(zoom * 100)
    rotation = _number(view.get("rotation"))
    turned = [f"Rot: {int(rotation) % 360}\N{DEGREE SIGN}"] if rotation and rotation % 360 else []
    turned += [name for key, name in (("flip_h", "Flip H"), ("flip_v", "Flip V")) if view.get(key)]
    return _lines(
        window,
        f"Zoom: {percent}" if percent else "",
        _joined(*turned),
        "Inverted" if view.get("invert") else "",
    )


def _frame(view: Mapping[str, Any]) -> str:
    number = _number(view.get("frame"))
    if number is None:
        index = _number(view.get("frame_index"))
        number = None if index is None else index + 1
    count = _number(view.get("frame_count"))
    if number is None:
        return ""
    text = f"Im: {int(number)} / {int(count)}" if count else f"Im: {int(number)}"
    instance = _number(view.get("instance_number"))
    return f"{text} (#{int(instance)})" if instance is not None else text


def _slice(meta: Mapping[str, Any]) -> str:
    """Return ``"Z: -52.0 mm  Thk: 3.0 mm"`` for a slice with a position (CT, MR, PET)."""
    parts = []
    position = _numbers(meta.get("image_position"), 3)
    if position is not None:
        axis = _normal_axis(_numbers(meta.get("image_orientation"), 6))
        parts.append(f"{'XYZ'[axis]}: {_mm(position[axis])}")
    thickness = _number(meta.get("slice_thickness"))
    if thickness is not None and thickness > 0:
        parts.append(f"Thk: {_mm(thickness)}")
    return _joined(*parts)


def _normal_axis(orientation: list[float] | None) -> int:
    """Patient axis (0 x, 1 y, 2 z) closest to the slice normal; 2 when unknown."""
    if orientation is None:
        return 2
    r, c = orientation[:3], orientation[3:]
    normal = (r[1] * c[2] - r[2] * c[1], r[2] * c[0] - r[0] * c[2], r[0] * c[1] - r[1] * c[0])
    size = [abs(v) for v in normal]
    return size.index(max(size)) if max(size) > 0 else 2


# -- small formatters -------------------------------------------------------------------


def _lines(*candidates: str) -> list[str]:
    return [line for line in candidates if line]


def _joined(*parts: str, gap: str = _GAP) -> str:
    return gap.join(p for p in parts if p)


def _text(value: Any) -> str:
    """Return a header value as one stripped line ('' for None and blanks)."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "\\".join(t for t in (_text(v) for v in value) if t)
    return " ".join(str(value).split())


def _labelled(label: str, value: Any) -> str:
    text = _text(value)
    return f"{label}{text}" if text else ""


def _number(value: Any) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _numbers(value: Any, count: int) -> list[float] | None:
    if not isinstance(value, Iterable) or isinstance(value, (str, bytes)):
        return None
    numbers = [_number(v) for v in value]
    if len(numbers) != count or any(n is None for n in numbers):
        return None
    return [float(n) for n in numbers if n is not None]


def _short(number: float) -> str:
    """Return ``400`` for 400.0 and ``40.5`` for 40.5: at most two decimals."""
    text = f"{number:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _percent(percent: float) -> str:
    return f"{percent:.0f}%" if percent >= 10 else f"{_short(percent)}%"


def _mm(value: float) -> str:
    """Return ``-52.0 mm`` (one decimal), or up to three where one would round."""
    text = f"{value:.1f}"
    if abs(float(text) - value) > 1e-9:
        text = f"{value:.3f}".rstrip("0")
    return f"{text} mm"
