"""View geometry: which part of an image a viewport shows, how large, which way up.

Image coordinates follow DESIGN.md "Coordinates" (PS3.3 C.10.5.1.2 PIXEL units):
``x`` is the column, ``y`` the row, the origin is the top-left corner of the top-left
pixel and pixel centres sit at ``+0.5``. Screen coordinates are the same for the
viewport: screen pixel ``(j, i)`` has its centre at ``(j + 0.5, i + 0.5)``. Zoom, pan,
rotation and flips are view state (:class:`ViewGeometry`), one affine map between the
two; they never change stored coordinates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

#: Rotation clockwise on screen, in degrees -> (cos, sin), exactly.
_COS_SIN = {0: (1, 0), 90: (0, 1), 180: (-1, 0), 270: (0, -1)}


def _right_angle(degrees: float, name: str) -> int:
    """Return ``degrees`` as 0, 90, 180 or 270, or raise if it is not a right angle."""
    if isinstance(degrees, bool) or not isinstance(degrees, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name}: expected a number of degrees, got {type(degrees).__name__}")
    if not (math.isfinite(degrees) and degrees % 90 == 0):
        raise ValueError(f"{name}: must be a multiple of 90 degrees, got {degrees!r}")
    return int(degrees) % 360


@dataclass(frozen=True)
class ViewGeometry:
    """Which part of the image a viewport shows, how large, and which way up.

    The view is one affine map from image to screen coordinates (:meth:`affine`):
    the image is flipped about the centre point (``flip_h`` mirrors x, ``flip_v``
    mirrors y), rotated clockwise on screen by ``rotation``, scaled by ``zoom``, and
    the centre point lands at the middle of the viewport. Everything else
    (:meth:`image_to_screen`, :meth:`screen_to_image`, :func:`render_view`) is
    derived from that map. Stored annotation coordinates never change with it.

    The same picture has two spellings: ``rotation + 180`` with both flips toggled.
    :meth:`flipped` and :meth:`rotated` keep the rotation the user chose.

    Parameters
    ----------
    zoom : float
        Screen pixels per image pixel (> 0).
    center_x, center_y : float
        The image point shown at the centre of the viewport, in image pixel
        coordinates.
    width, height : int
        The viewport's size in screen pixels (>= 1).
    rotation : int
        Degrees clockwise on screen: 0, 90, 180 or 270 (any multiple of 90 is
        reduced to one of these).
    flip_h, flip_v : bool
        Mirror the image left-right (x) / top-bottom (y) before rotating; at
        rotation 0 that is a mirror of the screen.

    Raises
    ------
    ValueError
        If ``zoom`` is not positive and finite, the centre is not finite, the size
        is smaller than one pixel, or ``rotation`` is not a multiple of 90.
    TypeError
        If ``rotation`` is not a number.

    """

    zoom: float
    center_x: float
    center_y: float
    width: int
    height: int
    rotation: int = 0
    flip_h: bool = False
    flip_v: bool = False

    def __post_init__(self) -> None:
        if not (math.isfinite(self.zoom) and self.zoom > 0):
            raise ValueError(f"zoom: must be a positive number, got {self.zoom!r}")
        if not (math.isfinite(self.center_x) and math.isfinite(self.center_y)):
            raise ValueError("center_x/center_y: must be finite")
        if int(self.width) < 1 or int(self.height) < 1:
            raise ValueError(f"width/height: the viewport is {self.width}x{self.height}")
        object.__setattr__(self, "width", int(self.width))
        object.__setattr__(self, "height", int(self.height))
        object.__setattr__(self, "rotation", _right_angle(self.rotation, "rotation"))
        object.__setattr__(self, "flip_h", bool(self.flip_h))
        object.__setattr__(self, "flip_v", bool(self.flip_v))

    @property
    def quarter_turn(self) -> bool:
        """Whether the image lies sideways (rotation 90 or 270): its rows run across."""
        return self.rotation in (90, 270)

    def _orientation(self) -> tuple[int, int, int, int]:
        """Rotation times flips as exact integers ``(a, b, c, d)``.

        An image offset ``(u, v)`` from the centre point goes to the screen offset
        ``zoom * (a*u + b*v, c*u + d*v)``; the matrix is orthogonal, so its inverse is
        its transpose.
        """
        cos, sin = _COS_SIN[self.rotation]
        fx = -1 if self.flip_h else 1
        fy = -1 if self.flip_v else 1
        return cos * fx, -sin * fy, sin * fx, cos * fy

    def affine(self) -> tuple[float, float, float, float, float, float]:
        """Return the image-to-screen map as ``(m11, m12, m21, m22, dx, dy)``.

        The order and meaning are Qt's ``QTransform(m11, m12, m21, m22, dx, dy)``:
        ``screen_x = m11*x + m21*y + dx`` and ``screen_y = m12*x + m22*y + dy``, so
        ``QTransform(*geometry.affine())`` paints annotations exactly where
        :meth:`image_to_screen` puts them.

        Returns
        -------
        tuple of float
            ``(m11, m12, m21, m22, dx, dy)``.

        """
        a, b, c, d = self._orientation()
        z = self.zoom
        m11, m21, m12, m22 = a * z, b * z, c * z, d * z
        dx = self.width / 2 - (m11 * self.center_x + m21 * self.center_y)
        dy = self.height / 2 - (m12 * self.center_x + m22 * self.center_y)
        return m11, m12, m21, m22, dx, dy

    def _inverse(self) -> tuple[float, float, float, float, float, float]:
        """Return the screen-to-image map as ``(m11, m12, m21, m22, dx, dy)`` (Qt order)."""
        a, b, c, d = self._orientation()
        k = 1.0 / self.zoom
        # The inverse of zoom * [[a, b], [c, d]] is [[a, c], [b, d]] / zoom.
        m11, m21, m12, m22 = a * k, c * k, b * k, d * k
        dx = self.center_x - (m11 * self.width / 2 + m21 * self.height / 2)
        dy = self.center_y - (m12 * self.width / 2 + m22 * self.height / 2)
        return m11, m12, m21, m22, dx, dy

    def image_to_screen(self, x: float, y: float) -> tuple[float, float]:
        """Map image point ``(x, y)`` to its screen position, through :meth:`affine`.

        Parameters
        ----------
        x, y : float
            Image pixel coordinates (column, row); numpy arrays work too.

        Returns
        -------
        tuple of float
            ``(screen_x, screen_y)`` in viewport pixels.

        """
        m11, m12, m21, m22, dx, dy = self.affine()
        return m11 * x + m21 * y + dx, m12 * x + m22 * y + dy

    def screen_to_image(self, sx: float, sy: float) -> tuple[float, float]:
        """Map screen position ``(sx, sy)`` to the image point under it.

        The inverse of :meth:`image_to_screen` (to rounding); numpy arrays work too.
        """
        m11, m12, m21, m22, dx, dy = self._inverse()
        return m11 * sx + m21 * sy + dx, m12 * sx + m22 * sy + dy

    @classmethod
    def fit(
        cls,
        columns: int,
        rows: int,
        width: int,
        height: int,
        rotation: int = 0,
        *,
        flip_h: bool = False,
        flip_v: bool = False,
    ) -> ViewGeometry:
        """Make the geometry that shows a whole ``columns x rows`` image, centred.

        Parameters
        ----------
        columns, rows : int
            The image's size in pixels.
        width, height : int
            The viewport's size in screen pixels.
        rotation : int
            Degrees clockwise on screen; at 90 and 270 the image's rows run across
            the viewport, so ``rows`` is fitted to ``width``.
        flip_h, flip_v : bool
            Flips to keep (they do not change the fit).

        Returns
        -------
        ViewGeometry
            The largest zoom that shows every pixel, centred on the image.

        Raises
        ------
        ValueError
            If any size is smaller than one pixel or ``rotation`` is not a multiple
            of 90.

        """
        if columns < 1 or rows < 1:
            raise ValueError(f"columns/rows: the image is {columns}x{rows}")
        if width < 1 or height < 1:
            raise ValueError(f"width/height: the viewport is {width}x{height}")
        rotation = _right_angle(rotation, "rotation")
        across, down = (rows, columns) if rotation in (90, 270) else (columns, rows)
        zoom = min(width / across, height / down)
        return cls(zoom, columns / 2, rows / 2, width, height, rotation, flip_h, flip_v)

    def rotated(self, by_degrees: int) -> ViewGeometry:
        """Return this view turned clockwise on screen about the viewport centre.

        Parameters
        ----------
        by_degrees : int
            A multiple of 90; negative turns anticlockwise.

        Returns
        -------
        ViewGeometry
            Same centre point, zoom and flips; ``rotation`` reduced to 0..270.

        """
        return replace(self, rotation=self.rotation + _right_angle(by_degrees, "by_degrees"))

    def flipped(self, horizontal: bool = True) -> ViewGeometry:
        """Return this view mirrored on screen, keeping the centre point and rotation.

        A left-right mirror of the screen is ``flip_h`` at rotation 0 or 180 and
        ``flip_v`` at 90 or 270 (the image lies sideways), so the rotation the user
        chose stays as it is and flipping twice gives back the same geometry.

        Parameters
        ----------
        horizontal : bool
            ``True`` mirrors left-right on screen, ``False`` top-bottom.

        Returns
        -------
        ViewGeometry
            The mirrored view.

        """
        if bool(horizontal) != self.quarter_turn:
            return replace(self, flip_h=not self.flip_h)
        return replace(self, flip_v=not self.flip_v)

    def zoomed(self, factor: float, anchor: tuple[float, float] | None = None) -> ViewGeometry:
        """Return this view zoomed by ``factor``, the image point under ``anchor`` kept.

        Parameters
        ----------
        factor : float
            New zoom over old (> 0).
        anchor : tuple of float, optional
            Screen position that keeps its image point (a cursor); the viewport
            centre if omitted.

        Returns
        -------
        ViewGeometry
            The zoomed view; rotation and flips are honoured.

        Raises
        ------
        ValueError
            If the new zoom is not a positive finite number.

        """
        sx, sy = (self.width / 2, self.height / 2) if anchor is None else anchor
        x, y = self.screen_to_image(sx, sy)
        pinned = replace(self, zoom=self.zoom * factor, center_x=x, center_y=y)
        # In ``pinned`` (x, y) sits at the middle; the new centre is the point that
        # lies as far from the middle as the anchor, on the other side.
        cx, cy = pinned.screen_to_image(self.width - sx, self.height - sy)
        return replace(pinned, center_x=cx, center_y=cy)

    def panned(self, dx: float, dy: float) -> ViewGeometry:
        """Return this view with the image moved by ``(dx, dy)`` screen pixels (a drag).

        Parameters
        ----------
        dx, dy : float
            How far the image moves on screen, right and down.

        Returns
        -------
        ViewGeometry
            The moved view; rotation and flips are honoured.

        """
        cx, cy = self.screen_to_image(self.width / 2 - dx, self.height / 2 - dy)
        return replace(self, center_x=cx, center_y=cy)
