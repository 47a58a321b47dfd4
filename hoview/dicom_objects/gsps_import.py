"""``hoview import PS.dcm``: a Grayscale Softcopy Presentation State's graphics as annotations.

:func:`read_gsps` (pure, for the viewer too) turns the Graphic Annotation Module
(PS3.3 C.10.5) and the Graphic Layer Module (C.10.7) into hoview layers and
annotations, per referenced image:

- a compound ARROW (the anchor, i.e. the head, then the foot; C.10.5.1.3) becomes one
  :class:`Arrow`; the text object and polylines sharing its Compound Graphic Instance
  ID (0070,0226) are its label and its alternate rendering, so hoview's own
  three-way arrows come back as one arrow; a compound RULER likewise becomes a
  :class:`Ruler`; other compound graphics are read as their component objects;
- a text object with a visible anchor and a bounding box (how Weasis writes an
  arrow) becomes an arrow from the box to the anchor, with the text as its label;
  other text objects become :class:`Text`;
- POLYLINE and INTERPOLATED become :class:`Polyline`, POINT :class:`Point`, CIRCLE
  :class:`Circle`, ELLIPSE :class:`Ellipse` (read-only kinds).

Layers are named ``"GSPS: <layer>"`` (the Graphic Layer Description, else the Graphic
Layer), coloured from the Recommended Display CIELab Value. Layer and annotation ids
are derived from the presentation state's SOP Instance UID and the object's place in
it, so importing the same file twice adds nothing the second time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydicom
from pydicom.dataset import Dataset
from pydicom.errors import InvalidDicomError

from hoview.annotations._checks import MAX_VERTICES
from hoview.annotations.imported_kinds import Circle, Ellipse, Point, Polyline
from hoview.annotations.shapes import Annotation, Arrow, Layer, Ruler, Text
from hoview.dicom_objects.gsps_common import (
    GSPS_CLASS,
    LAYER_PREFIX,
    NO_LABEL,
    rgb_to_hex,
    split_ruler_text,
)
from hoview.errors import HoviewError

__all__ = ["GspsContent", "ImageGraphics", "add_graphics", "import_gsps", "read_gsps"]

_AUTHOR = "GSPS import"


@dataclass
class ImageGraphics:
    """What a presentation state draws on one image.

    Attributes
    ----------
    sop_instance_uid : str
        The image's Referenced SOP Instance UID (0008,1155).
    frames : tuple of int
        The frames it names (Referenced Frame Number (0008,1160)); empty for all.
    layers : list of Layer
        The hoview layers its graphics are on (``"GSPS: <name>"``).
    annotations : list of Annotation
        The graphics as hoview annotations.
    """

    sop_instance_uid: str
    frames: tuple[int, ...] = ()
    layers: list[Layer] = field(default_factory=list)
    annotations: list[Annotation] = field(default_factory=list)


@dataclass
class GspsContent:
    """What :func:`read_gsps` found.

    Attributes
    ----------
    sop_instance_uid : str
        The presentation state's own SOP Instance UID.
    label : str
        Its Content Label (0070,0080).
    images : dict of str to ImageGraphics
        By referenced SOP Instance UID, in the order the file names them.
    """

    sop_instance_uid: str
    label: str = ""
    images: dict[str, ImageGraphics] = field(default_factory=dict)

    @property
    def referenced(self) -> tuple[str, ...]:
        """The SOP Instance UIDs of the images it draws on."""
        return tuple(self.images)


def _short_id(prefix: str, *parts: object) -> str:
    text = "\x00".join(str(p) for p in parts)
    return f"{prefix}-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:24]}"


def _floats(values: Any) -> list[float]:
    if values is None:
        return []
    if isinstance(values, (int, float)):
        return [float(values)]
    return [float(v) for v in values]


class _Units:
    """PIXEL coordinates as they are; DISPLAY ones (0..1 of the displayed area) scaled."""

    def __init__(self, ds: Dataset) -> None:
        self.area = (0.0, 0.0, 1.0, 1.0)
        areas = ds.get("DisplayedAreaSelectionSequence") or []
        if areas:
            tl = _floats(areas[0].get("DisplayedAreaTopLeftHandCorner")) or [1.0, 1.0]
            br = _floats(areas[0].get("DisplayedAreaBottomRightHandCorner")) or [1.0, 1.0]
            # pixel numbers from 1 (C.10.4): the area runs from tl - 1 to br in PIXEL units
            self.area = (tl[0] - 1.0, tl[1] - 1.0, br[0], br[1])

    def points(self, values: Any, units: str) -> list[tuple[float, float]]:
        data = _floats(values)
        pairs = [(data[i], data[i + 1]) for i in range(0, len(data) - 1, 2)]
        if str(units).strip().upper() != "DISPLAY":
            return pairs
        x0, y0, x1, y1 = self.area
        return [(x0 + u * (x1 - x0), y0 + v * (y1 - y0)) for u, v in pairs]


def _layers(ds: Dataset, gsps_uid: str) -> dict[str, Layer]:
    """Graphic Layer Sequence (C.10.7) -> hoview layers, by Graphic Layer (0070,0002)."""
    from highdicom.color import CIELabColor

    layers: dict[str, Layer] = {}
    for item in ds.get("GraphicLayerSequence") or []:
        name = str(item.get("GraphicLayer", "") or "").strip()
        if not name or name in layers:
            continue
        shown = str(item.get("GraphicLayerDescription", "") or "").strip() or name
        colour = "#ffffff"
        lab = item.get("GraphicLayerRecommendedDisplayCIELabValue")
        if lab is not None and len(lab) == 3:
            try:
                colour = rgb_to_hex(
                    CIELabColor.from_dicom_value([int(v) for v in lab]).to_rgb(clip=True)
                )
            except (TypeError, ValueError):
                pass
        try:
            order = int(item.get("GraphicLayerOrder", 0) or 0)
        except (TypeError, ValueError):
            order = 0
        layers[name] = Layer(
            name=(LAYER_PREFIX + shown)[:200],
            id=_short_id("gsps", gsps_uid, "layer", name),
            colour=colour,
            order=order,
        )
    return layers


def _closest_on_box(box: Sequence[float], point: tuple[float, float]) -> tuple[float, float]:
    """Return the point of the box ``(left, top, right, bottom)`` nearest to ``point``."""
    left, top, right, bottom = box
    return min(max(point[0], left), right), min(max(point[1], top), bottom)


def _style_colour(obj: Dataset, layer_colour: str) -> dict[str, Any]:
    """``{"style": Style(colour=...)}`` from a Line or Text Style Sequence (C.10-5a/b).

    Empty when the object names no colour or the layer's own.
    """
    from highdicom.color import CIELabColor

    from hoview.annotations.style import Style

    lab = None
    for keyword, colour_keyword in (
        ("LineStyleSequence", "PatternOnColorCIELabValue"),
        ("TextStyleSequence", "TextColorCIELabValue"),
    ):
        items = obj.get(keyword) or []
        if items and items[0].get(colour_keyword) is not None:
            lab = items[0].get(colour_keyword)
            break
    if lab is None or len(lab) != 3:
        return {}
    try:
        colour = rgb_to_hex(CIELabColor.from_dicom_value([int(v) for v in lab]).to_rgb(clip=True))
    except (TypeError, ValueError):
        return {}
    return {} if colour == layer_colour else {"style": Style(colour=colour)}


def _text_annotation(item: Dataset, units: _Units, common: dict[str, Any]) -> Annotation | None:
    text = str(item.get("UnformattedTextValue", "") or "")
    if not text.strip():
        return None
    anchor = None
    if "AnchorPoint" in item:
        got = units.points(item.AnchorPoint, item.get("AnchorPointAnnotationUnits", "PIXEL"))
        anchor = got[0] if got else None
    box = None
    if "BoundingBoxTopLeftHandCorner" in item and "BoundingBoxBottomRightHandCorner" in item:
        box_units = item.get("BoundingBoxAnnotationUnits", "PIXEL")
        corners = units.points(
            _floats(item.BoundingBoxTopLeftHandCorner)
            + _floats(item.BoundingBoxBottomRightHandCorner),
            box_units,
        )
        if len(corners) == 2:
            (x0, y0), (x1, y1) = corners
            box = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
    visible = str(item.get("AnchorPointVisibility", "N") or "N").strip().upper() == "Y"
    if anchor is not None and box is not None and visible:
        tail = _closest_on_box(box, anchor)
        return Arrow(tail=tail, head=anchor, label=text, **common)
    where = (box[0], box[1]) if box is not None else anchor
    if where is None:
        return None
    return Text(anchor=where, text=text, **common)


def _thinned(points: Sequence[tuple[float, float]]) -> tuple[tuple[float, float], ...]:
    """Keep at most ``MAX_VERTICES`` points of a line, evenly spaced, the ends kept.

    A traced outline may have more points than a sidecar holds; at that density a
    line through every n-th point looks the same.
    """
    if len(points) <= MAX_VERTICES:
        return tuple(points)
    step = (len(points) - 1) / (MAX_VERTICES - 1)
    return tuple(points[round(i * step)] for i in range(MAX_VERTICES))


def _graphic_annotation(item: Dataset, units: _Units, common: dict[str, Any]) -> Annotation | None:
    kind = str(item.get("GraphicType", "") or "").strip().upper()
    points = units.points(item.get("GraphicData"), item.get("GraphicAnnotationUnits", "PIXEL"))
    if kind in ("POLYLINE", "INTERPOLATED") and len(points) >= 2:
        closed = len(points) > 2 and points[0] == points[-1]
        vertices = points[:-1] if closed else points
        if len(vertices) < 2:
            return None
        return Polyline(
            vertices=_thinned(vertices),
            closed=closed,
            interpolated=kind == "INTERPOLATED",
            **common,
        )
    if kind == "POINT" and len(points) >= 1:
        return Point(at=points[0], **common)
    if kind == "CIRCLE" and len(points) >= 2:
        return Circle(centre=points[0], edge=points[1], **common)
    if kind == "ELLIPSE" and len(points) >= 4:
        return Ellipse(
            major_start=points[0],
            major_end=points[1],
            minor_start=points[2],
            minor_end=points[3],
            **common,
        )
    return None


def _or_none(build: Any, *args: Any) -> Annotation | None:
    """``build(*args)``, or ``None`` for an object hoview cannot hold (a bad value)."""
    try:
        return build(*args)
    except (TypeError, ValueError, IndexError):
        return None


def _item_annotations(
    item: Dataset, units: _Units, base: dict[str, Any], make_id: Any, layer_colour: str
) -> list[Annotation]:
    """One Graphic Annotation Sequence item's objects -> annotations (one frame)."""
    out: list[Annotation] = []
    texts = list(item.get("TextObjectSequence") or [])
    graphics = list(item.get("GraphicObjectSequence") or [])
    used_ids: set[int] = set()
    for j, compound in enumerate(item.get("CompoundGraphicSequence") or []):
        kind = str(compound.get("CompoundGraphicType", "") or "").strip().upper()
        if kind not in ("ARROW", "RULER"):
            continue  # read as its component objects
        points = units.points(
            compound.get("GraphicData"), compound.get("CompoundGraphicUnits", "PIXEL")
        )
        if len(points) < 2:
            continue
        cid = compound.get("CompoundGraphicInstanceID")
        label = None
        for text in texts:
            if cid is not None and text.get("CompoundGraphicInstanceID") == cid:
                value = str(text.get("UnformattedTextValue", "") or "")
                label = split_ruler_text(value) if kind == "RULER" else value
                break
        if kind == "ARROW" and label is not None and label.strip() in ("", NO_LABEL):
            label = None
        common = {
            **base,
            **_style_colour(compound, layer_colour),
            "id": make_id("compound", j),
            "label": label or None,
        }
        try:
            if kind == "ARROW":
                out.append(Arrow(head=points[0], tail=points[1], **common))
            else:
                out.append(Ruler(start=points[0], end=points[1], **common))
        except (TypeError, ValueError):
            continue  # not a point hoview can hold (not finite): its components are read
        if cid is not None:
            used_ids.add(int(cid))

    def linked(obj: Dataset) -> bool:
        cid = obj.get("CompoundGraphicInstanceID")
        return cid is not None and int(cid) in used_ids

    for j, text in enumerate(texts):
        if not linked(text):
            common = {**base, **_style_colour(text, layer_colour), "id": make_id("text", j)}
            annotation = _or_none(_text_annotation, text, units, common)
            if annotation is not None:
                out.append(annotation)
    for j, graphic in enumerate(graphics):
        if not linked(graphic):
            common = {**base, **_style_colour(graphic, layer_colour), "id": make_id("graphic", j)}
            annotation = _or_none(_graphic_annotation, graphic, units, common)
            if annotation is not None:
                out.append(annotation)
    return out


def _references(item: Dataset, ds: Dataset) -> list[tuple[str, tuple[int, ...]]]:
    """Return the images (and frames) an item applies to: its own, else all referenced."""
    refs = item.get("ReferencedImageSequence")
    if not refs:
        refs = [
            r
            for s in ds.get("ReferencedSeriesSequence") or []
            for r in s.get("ReferencedImageSequence") or []
        ]
    out = []
    for ref in refs:
        uid = str(ref.get("ReferencedSOPInstanceUID", "") or "").strip()
        if not uid:
            continue
        frames = tuple(int(f) for f in _floats(ref.get("ReferencedFrameNumber")) if f >= 1)
        out.append((uid, frames))
    return out


def read_gsps(ds: Dataset) -> GspsContent:
    """Read a presentation state's graphics as hoview layers and annotations.

    Parameters
    ----------
    ds : pydicom.dataset.Dataset
        A Grayscale Softcopy Presentation State (or any presentation state with the
        Graphic Annotation Module).

    Returns
    -------
    GspsContent
        Per referenced image: the layers and annotations (ids derived from the
        presentation state's SOP Instance UID, so a second import adds nothing).
        Objects on a frame list are repeated on each frame; objects that name no
        frame are put on frame 1.

    Objects hoview cannot hold (a point that is not finite, too few points) are left
    out.
    """
    gsps_uid = str(ds.get("SOPInstanceUID", "") or "").strip()
    content = GspsContent(gsps_uid, str(ds.get("ContentLabel", "") or ""))
    layers = _layers(ds, gsps_uid)
    units = _Units(ds)
    for i, item in enumerate(ds.get("GraphicAnnotationSequence") or []):
        name = str(item.get("GraphicLayer", "") or "").strip() or "GSPS"
        if name not in layers:
            layers[name] = Layer(
                name=LAYER_PREFIX + name,
                id=_short_id("gsps", gsps_uid, "layer", name),
                order=len(layers),
            )
        layer = layers[name]
        for uid, frames in _references(item, ds):
            graphics = content.images.setdefault(uid, ImageGraphics(uid, frames))
            if layer not in graphics.layers:
                graphics.layers.append(layer)
            for frame in frames or (1,):
                base = {"layer": layer.id, "frame": frame, "author": _AUTHOR}

                def make_id(kind: str, j: int, _i: int = i, _f: int = frame, _u: str = uid) -> str:
                    return _short_id("gsps", gsps_uid, _u, _i, _f, kind, j)

                graphics.annotations.extend(
                    _item_annotations(item, units, base, make_id, layer.colour)
                )
    return content


def _read(file: Path) -> Dataset:
    try:
        ds = pydicom.dcmread(file)
    except (InvalidDicomError, OSError, ValueError, EOFError, TypeError, AttributeError) as exc:
        raise HoviewError(file, f"not a DICOM file ({type(exc).__name__})") from None
    if str(ds.get("SOPClassUID", "")) != GSPS_CLASS:
        raise HoviewError(file, "not a grayscale softcopy presentation state")
    return ds


def _find_image(file: Path, content: GspsContent, into: Path | None) -> tuple[Path, ImageGraphics]:
    from hoview.dicom_objects.referenced_image import find_referenced_image

    if not content.images:
        raise HoviewError(file, "the presentation state draws nothing on any image")
    if into is not None:
        image = find_referenced_image(file, content.referenced[0], into)
        try:
            header = pydicom.dcmread(
                image, stop_before_pixels=True, specific_tags=["SOPInstanceUID"]
            )
            uid = str(header.get("SOPInstanceUID", "") or "").strip()
        except (InvalidDicomError, OSError, ValueError, EOFError, TypeError, AttributeError):
            uid = ""
        if uid in content.images:
            return image, content.images[uid]
        if len(content.images) == 1:
            return image, next(iter(content.images.values()))
        raise HoviewError(image, "is not one of the images the presentation state references")
    error: HoviewError | None = None
    for uid, graphics in content.images.items():
        try:
            return find_referenced_image(file, uid, None), graphics
        except HoviewError as exc:
            error = exc
    assert error is not None
    raise error


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def add_graphics(document: Any, graphics: ImageGraphics) -> tuple[int, int, dict[str, int]]:
    """Add a presentation state's layers and annotations on one image to ``document``.

    What ``hoview import`` does inside the sidecar's lock, and what the viewer's
    "Import into my annotations" does to the open document. The layers go on top of
    the document's own, in the presentation state's order. Layers and annotations
    whose ids the document already holds are left alone (their ids derive from the
    presentation state, so a second import adds nothing).

    Parameters
    ----------
    document : AnnotationDocument
        The image's annotations; edited in place (wrap the call in one undo group).
    graphics : ImageGraphics
        What :func:`read_gsps` found for that image.

    Returns
    -------
    (int, int, dict of str to int)
        How many layers were added, how many objects were left out (outside the image
        or on a frame it does not have), and how many annotations of each kind were
        added.
    """
    top = max((layer.order for layer in document.layers), default=-1)
    new_layers = 0
    for k, layer in enumerate(sorted(graphics.layers, key=lambda la: la.order)):
        try:
            document.layer(layer.id)
        except KeyError:
            document.add_layer(layer.replace(order=top + 1 + k))
            new_layers += 1
    added: dict[str, int] = {}
    skipped = 0
    for annotation in graphics.annotations:
        if annotation.id in document:
            continue
        try:
            document.add(annotation)
        except ValueError:
            skipped += 1  # outside the image or on a frame it does not have
            continue
        added[annotation.kind] = added.get(annotation.kind, 0) + 1
    return new_layers, skipped, added


def import_gsps(file: Path, into: Path | None = None) -> str:
    """Add a presentation state's graphics to its image's sidecar.

    Parameters
    ----------
    file : pathlib.Path
        A Grayscale Softcopy Presentation State.
    into : pathlib.Path, optional
        The image to add them to; by default the referenced image, looked for by SOP
        Instance UID among the files in ``file``'s folder and its parent.

    Returns
    -------
    str
        One line for the terminal: what was added, to which sidecar.

    Raises
    ------
    HoviewError
        If ``file`` is not a presentation state, its image is not found, or the
        sidecar cannot be read or written.
    """
    from hoview.annotations.sidecar import update
    from hoview.sources.opening import open_image

    file = Path(file)
    ds = _read(file)
    try:
        content = read_gsps(ds)
    except (TypeError, ValueError) as exc:
        raise HoviewError(file, f"cannot read its graphics: {exc}") from None
    image, graphics = _find_image(file, content, into)
    source = open_image(image)

    def edit(document: Any) -> tuple[int, int, dict[str, int]]:
        return add_graphics(document, graphics)

    sidecar, (new_layers, skipped, added) = update(image, source.identity, edit)
    if not added:
        return f"{file}: nothing new for {image.name} (already imported)"
    what = ", ".join(_plural(n, kind) for kind, n in added.items())
    note = f"; {_plural(skipped, 'object')} outside the image left out" if skipped else ""
    return (
        f"added {what} on {_plural(new_layers or len(graphics.layers), 'layer')} to {sidecar}{note}"
    )
