"""Whether an image's pixels may carry burned-in text, such as a patient's name.

hoview never writes identifying text into pixels, but it cannot take text out of
pixels that already hold it. Ultrasound and secondary-capture images, screenshots
(Image Type SAVE or SECONDARY) and files that say so (Burned In Annotation YES)
often show the patient's name in the picture, so exports of them warn first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Modalities whose pixels often hold burned-in identifying text.
RISKY_MODALITIES = frozenset({"US", "SC", "XC", "OT", "ES"})
#: Image Type values that mark a derived screen capture.
RISKY_IMAGE_TYPES = frozenset({"SAVE", "SECONDARY"})


def burned_in_reason(metadata: Mapping[str, Any]) -> str | None:
    """Say why the pixels may carry burned-in text, or return ``None``.

    Parameters
    ----------
    metadata : mapping
        :attr:`~hoview.sources.base.ImageSource.metadata` of the image.

    Returns
    -------
    str or None
        A short reason ("Burned In Annotation is YES", "modality US", "Image Type
        contains SECONDARY"), or ``None`` when nothing suggests burned-in text.
    """
    flag = str(metadata.get("burned_in_annotation", "")).strip().upper()
    if flag == "YES":
        return "Burned In Annotation is YES"
    modality = str(metadata.get("modality", "")).strip().upper()
    if modality in RISKY_MODALITIES:
        return f"modality {modality}"
    image_type = metadata.get("image_type", ())
    if isinstance(image_type, str):
        image_type = image_type.split("\\")
    for value in image_type:
        word = str(value).strip().upper()
        if word in RISKY_IMAGE_TYPES:
            return f"Image Type contains {word}"
    return None


def burned_in_warning(name: str, metadata: Mapping[str, Any]) -> str | None:
    """Return the one-line warning for an export of ``name``, or ``None``.

    Parameters
    ----------
    name : str
        How to name the image in the message (its file name).
    metadata : mapping
        The image's metadata.
    """
    reason = burned_in_reason(metadata)
    if reason is None:
        return None
    return (
        f"{name}: the pixels may carry burned-in text that identifies the patient "
        f"({reason}); check the export before sharing it"
    )
