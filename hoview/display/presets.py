"""Window presets: the file's own, CT's conventional ones, and radiograph heuristics.

Plain radiographs (CR, DX, MG...) carry no calibrated unit like CT's Hounsfield units:
the same bone has different pixel values on two detectors. So their presets are
derived from each frame's histogram of modality values. The recipe is hoview's own
heuristic, not taken from any standard; it is described once, at
:func:`radiograph_presets`.
"""

from __future__ import annotations

import numpy as np

from hoview.display.attributes import PixelAttributes, Window
from hoview.display.pipeline import modality_values, native, padding_mask

#: Modalities whose images are projection radiographs (or may be: "" and "OT" cover
#: raster files and secondary captures of films).
RADIOGRAPH_MODALITIES = frozenset({"CR", "DX", "MG", "RF", "XA", "IO", "PX", "OT", ""})

#: A value at the exact minimum or maximum holding more than this share of the pixels
#: is taken to be background (direct exposure, burned out) or collimation (unexposed,
#: saturated) and left out of the histogram. Which end each lands on depends on the
#: detector and on MONOCHROME1/2, so both ends are checked.
SPIKE_FRACTION = 0.05

#: Percentiles of the "Auto" window, also the outer ends of "Bone" and "Soft tissue".
AUTO_PERCENTILES = (0.5, 99.5)

#: Conventional CT windows in Hounsfield units, as (name, centre, width). These are
#: the values the common viewers ship, e.g. OHIF's defaultWindowLevelPresets (soft
#: tissue 40/400, lung -600/1500, liver 90/150, bone 480/2500, brain 40/80), plus the
#: usual mediastinum window 50/350.
CT_PRESETS = (
    ("Soft tissue", 40.0, 400.0),
    ("Lung", -600.0, 1500.0),
    ("Bone", 480.0, 2500.0),
    ("Brain", 40.0, 80.0),
    ("Liver", 90.0, 150.0),
    ("Mediastinum", 50.0, 350.0),
)

#: Float frames larger than this are subsampled for their histogram.
_MAX_FLOAT_SAMPLES = 2_000_000

#: Bins of the histogram the three-class Otsu split searches (256 x 256 / 2 pairs).
_OTSU_BINS = 256

#: Two windows whose ends both differ by less than this share of the wider one's
#: width look the same on screen: the later one is left out of the presets.
DUPLICATE_TOLERANCE = 0.08


def histogram(stored: np.ndarray, attrs: PixelAttributes) -> tuple[np.ndarray, np.ndarray]:
    """Distinct modality values of a frame, ascending, and how many pixels have each.

    Padding (Pixel Padding Value (0028,0120) / Range Limit (0028,0121)) and non-finite
    values are left out. Integer data of at most 16 bits is counted exactly with one
    ``bincount`` over the stored bit patterns; other data is sampled.
    """
    stored = native(stored)
    if stored.dtype.kind in "ui" and stored.dtype.itemsize <= 2:
        unsigned = np.dtype(f"u{stored.dtype.itemsize}")
        counts = np.bincount(stored.view(unsigned).ravel(), minlength=2 ** (8 * unsigned.itemsize))
        domain = np.arange(counts.size, dtype=unsigned).view(stored.dtype)
        keep = counts > 0
        mask = padding_mask(domain, attrs)
        if mask is not None and (keep & ~mask).any():
            keep &= ~mask
        values = np.asarray(modality_values(domain[keep], attrs), dtype=np.float64)
        counts = counts[keep]
    else:
        flat = stored.reshape(-1)
        mask = padding_mask(flat, attrs)
        if mask is not None and not mask.all():
            flat = flat[~mask]
        flat = flat[:: max(1, flat.size // _MAX_FLOAT_SAMPLES)]
        values = np.asarray(modality_values(flat, attrs), dtype=np.float64)
        counts = np.ones(values.size, dtype=np.int64)
    finite = np.isfinite(values)
    values, counts = values[finite], counts[finite]
    distinct, inverse = np.unique(values, return_inverse=True)
    return distinct, np.bincount(inverse.ravel(), weights=counts).astype(np.int64)


def _percentiles(values: np.ndarray, counts: np.ndarray, qs: list[float]) -> list[float]:
    """Find the lowest value with at least ``q`` percent of the pixels at or below it."""
    cumulative = np.cumsum(counts)
    targets = np.asarray(qs, dtype=np.float64) / 100.0 * cumulative[-1]
    index = np.clip(np.searchsorted(cumulative, targets, side="left"), 0, values.size - 1)
    return [float(v) for v in values[index]]


def _radiograph_histogram(
    stored: np.ndarray, attrs: PixelAttributes
) -> tuple[np.ndarray, np.ndarray]:
    values, counts = histogram(stored, attrs)
    total = counts.sum()
    if values.size > 1 and counts[0] > SPIKE_FRACTION * total:
        values, counts = values[1:], counts[1:]
    if values.size > 1 and counts[-1] > SPIKE_FRACTION * total:
        values, counts = values[:-1], counts[:-1]
    return values, counts


def _otsu(values: np.ndarray, counts: np.ndarray) -> float:
    """Split a histogram in two where the between-class variance is largest (Otsu)."""
    if values.size < 2:
        return float(values[0]) if values.size else 0.0
    weights = counts.astype(np.float64)
    below = np.cumsum(weights)[:-1]
    below_sum = np.cumsum(weights * values)[:-1]
    above = weights.sum() - below
    mean_below = below_sum / below
    mean_above = (float(np.dot(weights, values)) - below_sum) / above
    between = below * above * (mean_below - mean_above) ** 2
    k = int(np.argmax(between))
    return float(values[k] + values[k + 1]) / 2


def _otsu3(values: np.ndarray, counts: np.ndarray) -> tuple[float, float]:
    """Split a histogram in three classes, largest between-class variance (Otsu, 1979).

    The histogram is first binned to at most :data:`_OTSU_BINS` bins; the two
    thresholds are bin edges. A histogram of fewer than three distinct values is
    split at its Otsu threshold twice.
    """
    if values.size < 3:
        split = _otsu(values, counts)
        return split, split
    edges = np.linspace(values[0], values[-1], min(_OTSU_BINS, values.size) + 1)
    binned = np.histogram(values, bins=edges, weights=counts.astype(np.float64))[0]
    sums = np.histogram(values, bins=edges, weights=counts * values)[0]
    weight, total = np.cumsum(binned), np.cumsum(sums)
    # Thresholds after bin i and after bin j (i < j): classes [0, i], (i, j], (j, end].
    i, j = np.triu_indices(binned.size - 1, k=1)
    w0, w1, w2 = weight[i], weight[j] - weight[i], weight[-1] - weight[j]
    s0, s1, s2 = total[i], total[j] - total[i], total[-1] - total[j]
    with np.errstate(divide="ignore", invalid="ignore"):
        between = s0 * s0 / w0 + s1 * s1 / w1 + s2 * s2 / w2
    between[(w0 <= 0) | (w1 <= 0) | (w2 <= 0)] = -np.inf
    if not np.isfinite(between).any():
        split = _otsu(values, counts)
        return split, split
    k = int(np.argmax(between))
    return float(edges[i[k] + 1]), float(edges[j[k] + 1])


def _window(low: float, high: float, name: str, integer: bool = False) -> Window:
    """Make a ``LINEAR_EXACT`` window from ``low`` to ``high``.

    With ``integer`` (the modality values are integers) the centre and the width are
    whole numbers too, as a file's own windows on integer data are: ``low`` is kept
    (rounded down) and ``high`` moved up by at most two to an even width.
    """
    if integer:
        low = float(np.floor(low))
        high = max(float(np.ceil(high)), low + 1)
        high += (high - low) % 2
    if high > low:
        return Window((low + high) / 2, high - low, "LINEAR_EXACT", name)
    return Window(low + 0.5, 1.0, "LINEAR_EXACT", name)


def _integers(values: np.ndarray) -> bool:
    """Tell whether every modality value is a whole number."""
    return bool(values.size) and bool(np.all(values == np.rint(values)))


def auto_window(
    stored: np.ndarray,
    attrs: PixelAttributes,
    low_percentile: float = 0.5,
    high_percentile: float = 99.5,
) -> Window:
    """Window the bulk of a frame's modality values: a window named ``"Auto"``.

    The histogram leaves out padding and, when more than :data:`SPIKE_FRACTION` of
    the pixels sit at the exact minimum (or maximum) value, that value (background
    or collimation on CR/DX). The window is ``LINEAR_EXACT`` (PS3.3 C.11.2.1.3.2) from
    the low to the high percentile, so they show black and white exactly.

    Parameters
    ----------
    stored : numpy.ndarray
        One frame's stored values.
    attrs : PixelAttributes
        How they are displayed.
    low_percentile, high_percentile : float
        Percentiles of the pixels, 0..100.

    Returns
    -------
    Window
        If the percentiles coincide, the whole range of values; if the frame is
        flat (or empty), a window that shows it black.

    Raises
    ------
    ValueError
        If the percentiles are not ``0 <= low < high <= 100``.

    """
    if not 0 <= low_percentile < high_percentile <= 100:
        raise ValueError(
            "low_percentile/high_percentile: expected 0 <= low < high <= 100, got "
            f"{low_percentile} and {high_percentile}"
        )
    values, counts = _radiograph_histogram(stored, attrs)
    return _auto(values, counts, low_percentile, high_percentile)


def _auto(values: np.ndarray, counts: np.ndarray, low_q: float, high_q: float) -> Window:
    if values.size == 0:
        return _window(0.0, 0.0, "Auto")
    low, high = _percentiles(values, counts, [low_q, high_q])
    if high <= low:
        low, high = float(values[0]), float(values[-1])
    return _window(low, high, "Auto", _integers(values))


def radiograph_presets(stored: np.ndarray, attrs: PixelAttributes) -> list[Window]:
    """Make ``"Auto"``, ``"Bone"`` and ``"Soft tissue"`` windows for a radiograph.

    hoview's own heuristic, not from a standard (radiograph values are not calibrated
    like Hounsfield units). On the histogram :func:`auto_window` uses (padding and
    background/collimation spikes left out), with ``p_lo`` and ``p_hi`` its 0.5th and
    99.5th percentiles (:data:`AUTO_PERCENTILES`):

    - "Auto" runs from ``p_lo`` to ``p_hi``.
    - The histogram is split in three classes by the two-threshold Otsu method
      (largest between-class variance): air and direct exposure, soft tissue, bone.
      ``t1`` is the air/soft tissue threshold, ``t2`` the soft tissue/bone one, and
      ``s = t2 - t1`` the spread of soft tissue.
    - "Soft tissue" runs from ``t1 - s/2`` to ``t2 + s/2`` (within ``p_lo..p_hi``):
      skin line, fat planes and muscle get the contrast, air goes dark and bone
      light grey, still showing its outline, as a soft-tissue print of a film does.
    - "Bone" runs from the middle of the soft tissue, ``(t1 + t2) / 2``, to
      ``p_hi``: all grey levels go to cortex and trabeculae, soft tissue stays a dark
      grey, so the outline of the limb is still seen.

    When low values are shown bright (``attrs.presentation_inverse``: MONOCHROME1 or
    Presentation LUT Shape INVERSE) bone is the low class: "Bone" then runs from
    ``p_lo`` to ``(t1 + t2) / 2``. On integer modality values every centre and width
    is an integer.

    Parameters
    ----------
    stored : numpy.ndarray
        One frame's stored values.
    attrs : PixelAttributes
        How they are displayed.

    Returns
    -------
    list of Window
        ``LINEAR_EXACT`` windows (PS3.3 C.11.2.1.3.2): Auto, Bone, Soft tissue.

    """
    values, counts = _radiograph_histogram(stored, attrs)
    auto = _auto(values, counts, *AUTO_PERCENTILES)
    if values.size == 0:
        return [auto, _window(0.0, 0.0, "Bone"), _window(0.0, 0.0, "Soft tissue")]
    integer = _integers(values)
    low, high = _percentiles(values, counts, list(AUTO_PERCENTILES))
    t1, t2 = _otsu3(values, counts)
    spread = t2 - t1
    middle = min(max((t1 + t2) / 2, low), high)
    soft = _window(max(low, t1 - spread / 2), min(high, t2 + spread / 2), "Soft tissue", integer)
    if attrs.presentation_inverse:
        bone = _window(low, middle, "Bone", integer)
    else:
        bone = _window(middle, high, "Bone", integer)
    return [auto, bone, soft]


def ct_presets() -> list[Window]:
    """List the conventional CT windows in Hounsfield units (see :data:`CT_PRESETS`).

    Returns
    -------
    list of Window
        ``LINEAR`` windows (PS3.3 C.11.2.1.2), soft tissue first.

    """
    return [Window(center, width, "LINEAR", name) for name, center, width in CT_PRESETS]


def presets_for(stored: np.ndarray, attrs: PixelAttributes, modality: str) -> list[Window]:
    """List the windows offered for a frame, in the order of the number keys 1-9.

    The file's own windows (Window Center (0028,1050) / Width (0028,1051)) come
    first, then the modality's presets: :func:`ct_presets` for CT in Hounsfield units,
    :func:`radiograph_presets` for the :data:`RADIOGRAPH_MODALITIES` (and unknown
    modality ``""``), :func:`auto_window` alone otherwise. A preset that looks the
    same as an earlier window (:func:`same_look`), or has the name of one of the
    file's windows (case aside: the file's "BONE" wins over hoview's "Bone"), is left
    out. Colour images get no presets.

    Parameters
    ----------
    stored : numpy.ndarray
        One frame's stored values.
    attrs : PixelAttributes
        How they are displayed.
    modality : str
        Modality (0008,0060), ``""`` when unknown.

    Returns
    -------
    list of Window
        Possibly more than nine; the viewer binds the first nine to keys.

    """
    if attrs.is_colour:
        return []
    modality = str(modality or "").strip().upper()
    if modality == "CT":
        extra = ct_presets() if attrs.units == "HU" else [auto_window(stored, attrs)]
    elif modality in RADIOGRAPH_MODALITIES:
        extra = radiograph_presets(stored, attrs)
    else:
        extra = [auto_window(stored, attrs)]
    named = {window.name.strip().casefold() for window in attrs.windows}
    extra = [w for w in extra if w.name.casefold() not in named]  # the file's "BONE" wins
    result: list[Window] = []
    for window in (*attrs.windows, *extra):
        if not any(same_look(window, earlier) for earlier in result):
            result.append(window)
    return result


def same_look(a: Window, b: Window) -> bool:
    """Tell whether two windows show an image alike: a duplicate preset.

    Both ends (:attr:`Window.low`, :attr:`Window.high`) differ by less than
    :data:`DUPLICATE_TOLERANCE` of the wider window's width, and the VOI LUT
    Functions are both linear (``LINEAR``, ``LINEAR_EXACT``) or the same.
    """
    linear = ("LINEAR", "LINEAR_EXACT")
    if a.function != b.function and not (a.function in linear and b.function in linear):
        return False
    reach = DUPLICATE_TOLERANCE * max(a.width, b.width)
    return abs(a.low - b.low) <= reach and abs(a.high - b.high) <= reach
