"""Orientation markers: which patient direction each edge of the view faces.

DICOM says where an image's rows and columns point in the patient in two ways:
Patient Orientation (0020,0020), two strings of the letters ``L R A P H F`` (the direction
of the rows, i.e. of increasing column index, then of the columns, i.e. of increasing
row index; PS3.3 C.7.6.1.1.1), and Image Orientation (Patient) (0020,0037), the same two
directions as unit vectors in the patient's LPS coordinates (PS3.3 C.7.6.2.1.1).

A viewer shows on each edge the direction that edge faces; rotating or flipping the view
moves the letters with it (flip an AP pelvis left-right and R goes to the other side).
Pure functions, no Qt; the rotation and flips mean what they mean in
:class:`hoview.display.view_geometry.ViewGeometry`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: Each direction letter and its opposite (PS3.3 C.7.6.1.1.1).
OPPOSITE = {"L": "R", "R": "L", "A": "P", "P": "A", "H": "F", "F": "H"}
#: A direction cosine smaller than this is left out of an oblique label (as Weasis does).
OBLIQUE_THRESHOLD = 0.25

_COS_SIN = {0: (1, 0), 90: (0, 1), 180: (-1, 0), 270: (0, -1)}


@dataclass(frozen=True, slots=True)
class EdgeLabels:
    """The direction letters shown on the four edges of a view.

    Attributes
    ----------
    left, right, top, bottom : str
        Letters such as ``"R"`` or ``"LF"`` (oblique); ``""`` when unknown.
    """

    left: str
    right: str
    top: str
    bottom: str


def check_direction(value: str, name: str = "direction") -> str:
    """Return ``value`` upper-cased if it is a valid direction, else raise.

    Parameters
    ----------
    value : str
        One to three of the letters ``L R A P H F``, no axis twice (``"L"``, ``"FL"``).
    name : str
        What to call the value in the error message.

    Returns
    -------
    str

    Raises
    ------
    TypeError
        If ``value`` is not a string.
    ValueError
        If it is empty, has another letter, or names one axis twice.
    """
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string of the letters L R A P H F, not {value!r}")
    letters = value.strip().upper()
    if not letters or len(letters) > 3 or any(ch not in OPPOSITE for ch in letters):
        raise ValueError(f"{name} must be one to three of the letters L R A P H F, not {value!r}")
    axes = [frozenset((ch, OPPOSITE[ch])) for ch in letters]
    if len(set(axes)) != len(axes):
        raise ValueError(f"{name} {value!r} names one axis twice")
    return letters


def opposite(direction: str) -> str:
    """Return the opposite of a direction, letter by letter (``"LF"`` -> ``"RH"``)."""
    return "".join(OPPOSITE[ch] for ch in direction)


def letters_from_vector(vector: Sequence[float]) -> str:
    """Return the direction letters of a patient-space (LPS) unit vector.

    Letters are ordered by the size of their component; components under
    :data:`OBLIQUE_THRESHOLD` are left out (so a slightly tilted row reads ``"L"``).

    Parameters
    ----------
    vector : sequence of float
        ``(x, y, z)`` in DICOM patient coordinates: +x left, +y posterior, +z head.

    Returns
    -------
    str
        ``""`` for a zero or invalid vector.
    """
    if len(vector) != 3 or not all(math.isfinite(float(v)) for v in vector):
        return ""
    names = (("R", "L"), ("A", "P"), ("F", "H"))
    parts = sorted(
        ((abs(float(v)), names[i][float(v) > 0]) for i, v in enumerate(vector)),
        reverse=True,
    )
    return "".join(letter for size, letter in parts if size >= OBLIQUE_THRESHOLD)


def image_directions(metadata: Mapping[str, Any]) -> tuple[str, str] | None:
    """Return ``(row direction, column direction)`` of an image from its header.

    Patient Orientation (0020,0020) wins; otherwise the letters are derived from Image
    Orientation (Patient) (0020,0037).

    Parameters
    ----------
    metadata : mapping
        Header fields as :func:`hoview.sources.dicom_header.dicom_metadata` gives them
        (``patient_orientation``, ``image_orientation``).

    Returns
    -------
    tuple of str or None
        ``None`` when the header says nothing usable.
    """
    given = metadata.get("patient_orientation")
    if isinstance(given, str):
        given = given.split("\\")
    if isinstance(given, (list, tuple)) and len(given) == 2:
        try:
            return check_direction(str(given[0])), check_direction(str(given[1]))
        except ValueError:
            pass
    cosines = metadata.get("image_orientation")
    if isinstance(cosines, (list, tuple)) and len(cosines) == 6:
        try:
            row = letters_from_vector([float(v) for v in cosines[:3]])
            column = letters_from_vector([float(v) for v in cosines[3:]])
        except (TypeError, ValueError):
            return None
        if row and column:
            return row, column
    return None


def edge_labels(
    row_direction: str,
    column_direction: str,
    rotation: int = 0,
    flip_h: bool = False,
    flip_v: bool = False,
) -> EdgeLabels:
    """Return the letters for the four edges of a view of an image.

    Parameters
    ----------
    row_direction, column_direction : str
        Where increasing column index (to the right in the file) and increasing row
        index (down in the file) point in the patient, e.g. ``"L"`` and ``"F"`` for an
        AP chest or pelvis (Patient Orientation ``["L", "F"]``).
    rotation : int
        Clockwise rotation of the view on screen, a multiple of 90 degrees.
    flip_h, flip_v : bool
        The image mirrored left-right / top-bottom before rotating, as in
        :class:`~hoview.display.view_geometry.ViewGeometry`.

    Returns
    -------
    EdgeLabels

    Raises
    ------
    ValueError
        If a direction is invalid or ``rotation`` is not a multiple of 90.
    """
    row = check_direction(row_direction, "row direction")
    column = check_direction(column_direction, "column direction")
    if rotation % 90:
        raise ValueError(f"rotation must be a multiple of 90 degrees, not {rotation!r}")
    cos, sin = _COS_SIN[rotation % 360]
    fx = -1 if flip_h else 1
    fy = -1 if flip_v else 1
    # Screen offset = M @ image offset with M = [[a, b], [c, d]] (ViewGeometry's map).
    a, b, c, d = cos * fx, -sin * fy, sin * fx, cos * fy

    def facing(sx: int, sy: int) -> str:
        # The image direction shown towards screen (sx, sy) is M^T @ (sx, sy).
        u, v = a * sx + c * sy, b * sx + d * sy
        if u:
            return row if u > 0 else opposite(row)
        return column if v > 0 else opposite(column)

    return EdgeLabels(
        left=facing(-1, 0), right=facing(1, 0), top=facing(0, -1), bottom=facing(0, 1)
    )


def view_edge_labels(
    metadata: Mapping[str, Any],
    stated: Sequence[str] | None,
    rotation: int = 0,
    flip_h: bool = False,
    flip_v: bool = False,
) -> EdgeLabels | None:
    """Return the edge letters of a view, or ``None`` when the orientation is unknown.

    Parameters
    ----------
    metadata : mapping
        The image's header fields (see :func:`image_directions`).
    stated : sequence of two str, or None
        Row and column directions the user stated in the sidecar's ``orientation``;
        they win over the header (the user said so on purpose, for a raster film or a
        file without orientation).
    rotation, flip_h, flip_v
        The view, as in :func:`edge_labels`.

    Returns
    -------
    EdgeLabels or None
    """
    directions = None
    if stated is not None:
        try:
            directions = check_direction(stated[0]), check_direction(stated[1])
        except (TypeError, ValueError, IndexError):
            directions = None
    if directions is None:
        directions = image_directions(metadata)
    if directions is None:
        return None
    return edge_labels(*directions, rotation % 360, flip_h, flip_v)
