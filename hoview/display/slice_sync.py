"""What linked viewports share: the slice (by position or index) and the zoom and pan.

Slices are matched the way Horos and Weasis do: when both stacks lie in one Frame of
Reference (0020,0052) and are parallel, by their position along the slice normal (the
cross product of the Image Orientation (Patient) (0020,0037) cosines, applied to the
Image Position (Patient) (0020,0032), PS3.3 C.7.6.2.1.1); otherwise by index. Zoom and
pan are matched relative to each image: the zoom as a factor of the fitted zoom, the
centre as a fraction of the image's width and height, so a film and its prior of
another size show the same part at the same magnification of the fitted view.

No Qt: the viewer's link (``hoview.ui.viewport_sync``) calls these.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from hoview.display.view_geometry import ViewGeometry

__all__ = ["PARALLEL", "Stack", "linked_geometry", "matching_index", "slice_normal"]

#: Two normals are parallel when the cosine of their angle is at least this.
PARALLEL = 0.99

Vector = tuple[float, float, float]


def slice_normal(orientation: Sequence[float] | None) -> Vector | None:
    """Return the unit normal of an Image Orientation (Patient), or ``None``.

    Parameters
    ----------
    orientation : sequence of 6 floats or None
        Row then column direction cosines.
    """
    if orientation is None or len(orientation) != 6:
        return None
    r, c = [float(v) for v in orientation[:3]], [float(v) for v in orientation[3:]]
    n = (r[1] * c[2] - r[2] * c[1], r[2] * c[0] - r[0] * c[2], r[0] * c[1] - r[1] * c[0])
    size = math.sqrt(sum(v * v for v in n))
    if not math.isfinite(size) or size < 1e-6:
        return None
    return (n[0] / size, n[1] / size, n[2] / size)


@dataclass(frozen=True)
class Stack:
    """Where the frames of a series lie in the patient.

    Attributes
    ----------
    frame_of_reference : str
        Frame of Reference UID (0020,0052); ``""`` when absent.
    normal : tuple of 3 floats or None
        The slice normal (all frames share it), ``None`` when unknown or mixed.
    positions : tuple of (tuple of 3 floats or None)
        Image Position (Patient) of each frame, in display order.
    """

    frame_of_reference: str
    normal: Vector | None
    positions: tuple[Vector | None, ...]

    @classmethod
    def build(
        cls,
        frame_of_reference: str,
        positions: Sequence[Sequence[float] | None],
        orientations: Sequence[Sequence[float] | None],
    ) -> Stack:
        """Build a stack from each frame's position and orientation (``None``: absent).

        The normal is kept only when every frame gives the same orientation.
        """
        normals = {slice_normal(o) for o in orientations}
        normal = normals.pop() if len(normals) == 1 else None
        points = tuple(
            (float(p[0]), float(p[1]), float(p[2])) if p is not None and len(p) == 3 else None
            for p in positions
        )
        return cls(str(frame_of_reference or ""), normal, points)

    def __len__(self) -> int:
        return len(self.positions)

    def located(self) -> bool:
        """Say whether frames have positions, and the stack a normal and a frame of reference."""
        return (
            bool(self.frame_of_reference)
            and self.normal is not None
            and bool(self.positions)
            and all(p is not None for p in self.positions)
        )


def _dot(a: Vector, b: Vector) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def by_position(source: Stack, target: Stack) -> bool:
    """Say whether slices of ``source`` and ``target`` are matched by position.

    Both must be located (see :meth:`Stack.located`), share one Frame of Reference UID,
    and be parallel (cosine of the normals' angle at least :data:`PARALLEL`).
    """
    if not (source.located() and target.located()):
        return False
    if source.frame_of_reference != target.frame_of_reference:
        return False
    assert source.normal is not None and target.normal is not None
    return abs(_dot(source.normal, target.normal)) >= PARALLEL


def matching_index(source: Stack, index: int, target: Stack) -> int:
    """Return the frame of ``target`` that matches frame ``index`` of ``source``.

    By position (see :func:`by_position`): the target frame whose position along the
    target's normal is nearest the source frame's (the first of equals). Otherwise by
    index, kept within the target's frames.

    Raises
    ------
    ValueError
        If ``target`` has no frames.
    """
    if not len(target):
        raise ValueError("target: a stack without frames has no matching frame")
    index = max(0, min(index, len(source) - 1)) if len(source) else 0
    if not by_position(source, target):
        return max(0, min(index, len(target) - 1))
    assert target.normal is not None
    point = source.positions[index]
    assert point is not None
    wanted = _dot(point, target.normal)
    distances = [abs(_dot(p, target.normal) - wanted) for p in target.positions if p is not None]
    return distances.index(min(distances))


def linked_geometry(
    source: ViewGeometry,
    source_fit: ViewGeometry,
    source_size: tuple[int, int],
    target: ViewGeometry,
    target_fit: ViewGeometry,
    target_size: tuple[int, int],
) -> ViewGeometry:
    """Return ``target`` zoomed and panned as ``source`` is, relative to each image.

    Parameters
    ----------
    source, target : ViewGeometry
        The two views now; ``target`` keeps its rotation, flips and viewport size.
    source_fit, target_fit : ViewGeometry
        Each image fitted to its viewport (their zooms are the references).
    source_size, target_size : tuple of int
        ``(columns, rows)`` of each image.

    Returns
    -------
    ViewGeometry
        The target's zoom is ``target_fit.zoom * source.zoom / source_fit.zoom``; its
        centre the same fraction of its image as the source's centre of the source's.
    """
    factor = source.zoom / source_fit.zoom if source_fit.zoom > 0 else 1.0
    fx = source.center_x / source_size[0] if source_size[0] else 0.5
    fy = source.center_y / source_size[1] if source_size[1] else 0.5
    return replace(
        target,
        zoom=target_fit.zoom * factor,
        center_x=fx * target_size[0],
        center_y=fy * target_size[1],
    )
