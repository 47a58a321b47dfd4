"""``hoview kos``: a Key Object Selection document, "For Teaching" (PS3.3 A.35.4).

A key image note (TID 2010 "Key Object Selection", PS3.16) built with highdicom's
``ko`` package, titled from CID 7010 "Key Object Selection Document Title":
(113004, DCM, "For Teaching"), the title teaching-file systems collect, or (113000,
DCM, "Of Interest"). hoview is its device observer.

It references each image given; for a multi-frame image one IMAGE item per frame with
its Referenced Frame Number (0008,1160); a single-frame image is referenced whole.
A Key Object Selection Document belongs to one study: its Study Instance UID is that
of the images it selects, and PS3.3 C.17.6.2.1 asks for a copy in each other study
(Identical Documents Sequence) when it selects across studies. hoview keeps it simple
and writes one note per study: images of several studies are refused with a clear
error.

The SOP Instance UID is derived from the title and the references, so the same
selection written twice is the same object.
"""

from __future__ import annotations

import copy
import warnings
from pathlib import Path

from highdicom.ko import KeyObjectSelection, KeyObjectSelectionDocument
from highdicom.sr import CodedConcept, DeviceObserverIdentifyingAttributes, ObserverContext
from pydicom.dataset import Dataset
from pydicom.sr.codedict import codes
from pydicom.uid import ExplicitVRLittleEndian

from hoview import __version__
from hoview.dicom_objects.gsps_common import uid_from
from hoview.dicom_objects.sr_export import DEVICE_UID
from hoview.dicom_objects.writing import write_dataset
from hoview.errors import HoviewError
from hoview.terminal import plural

__all__ = ["KOS_SERIES_NUMBER", "TITLES", "build_kos", "export_kos"]

#: ``--title`` -> document title (PS3.16 CID 7010).
TITLES = {
    "for-teaching": CodedConcept("113004", "DCM", "For Teaching"),
    "of-interest": CodedConcept("113000", "DCM", "Of Interest"),
}
#: Series Number (0020,0011) of the notes hoview writes.
KOS_SERIES_NUMBER = 9902


def build_kos(
    images: list[tuple[Dataset, list[int] | None]], title: str = "for-teaching"
) -> Dataset:
    """Build the note selecting ``images``.

    Parameters
    ----------
    images : list of (pydicom.dataset.Dataset, list of int or None)
        Each image's header, and the frames selected (``None``: the whole image).
    title : str
        A key of :data:`TITLES`.

    Returns
    -------
    pydicom.dataset.Dataset
        The document.

    Raises
    ------
    ValueError
        If the images are of more than one study, or ``title`` is unknown.
    """
    if title not in TITLES:
        raise ValueError(f"title: one of {', '.join(TITLES)}, not {title!r}")
    studies = {str(ds.StudyInstanceUID) for ds, _ in images}
    if len(studies) != 1:
        raise ValueError(f"the images belong to {len(studies)} studies")
    observer = ObserverContext(
        observer_type=codes.DCM.Device,
        observer_identifying_attributes=DeviceObserverIdentifyingAttributes(
            uid=DEVICE_UID, name="hoview", model_name=f"hoview {__version__}"[:64]
        ),
    )
    content = KeyObjectSelection(
        document_title=TITLES[title],
        referenced_objects=[ds for ds, _ in images],
        observer_device_context=observer,
    )
    _split_frames(content[0], {str(ds.SOPInstanceUID): frames for ds, frames in images})
    references = [(str(ds.SOPInstanceUID), frames or []) for ds, frames in images]
    study = studies.pop()
    ds = KeyObjectSelectionDocument(
        evidence=[ds for ds, _ in images],
        content=content,
        series_instance_uid=uid_from("hoview kos series", study),
        series_number=KOS_SERIES_NUMBER,
        sop_instance_uid=uid_from("hoview kos", title, repr(sorted(references))),
        instance_number=1,
        manufacturer="hoview",
        transfer_syntax_uid=ExplicitVRLittleEndian,
    )
    return ds


def _split_frames(root: Dataset, frames: dict[str, list[int] | None]) -> None:
    """Give each selected frame of a multi-frame image its own IMAGE item."""
    items: list[Dataset] = []
    for item in root.ContentSequence:
        if item.get("ValueType") != "IMAGE":
            items.append(item)
            continue
        uid = str(item.ReferencedSOPSequence[0].ReferencedSOPInstanceUID)
        wanted = frames.get(uid)
        if not wanted:
            items.append(item)
            continue
        for number in wanted:
            one = copy.deepcopy(item)
            one.ReferencedSOPSequence[0].ReferencedFrameNumber = number
            items.append(one)
    root.ContentSequence = items


def _headers(items: list[tuple[Path, int]]) -> list[tuple[Dataset, list[int] | None]]:
    """Open each image once; collect its frames (``None`` for a single-frame image)."""
    from hoview.sources.opening import open_image

    chosen: dict[Path, tuple[Dataset, list[int] | None]] = {}
    for path, frame in items:
        key = Path(path).resolve()
        if key not in chosen:
            source = open_image(path)
            header = getattr(source, "dataset", None)
            if header is None:
                raise HoviewError(path, "not a DICOM image: a key object note references DICOM")
            frames: list[int] | None = [] if source.frame_count > 1 else None
            chosen[key] = (header, frames)
            count = source.frame_count
        else:
            count = int(chosen[key][0].get("NumberOfFrames", 1) or 1)
        if not 1 <= frame <= max(count, 1):
            raise HoviewError(path, f"frame {frame} does not exist: the image has {count}")
        selected = chosen[key][1]
        if selected is not None and frame not in selected:
            selected.append(frame)
    return list(chosen.values())


def export_kos(
    items: list[tuple[Path, int]],
    out: Path,
    *,
    title: str = "for-teaching",
    deidentify: bool = False,
) -> str:
    """Write a Key Object Selection document selecting the given images and frames.

    Parameters
    ----------
    items : list of (pathlib.Path, int)
        Images and frames (from 1), as ``hoview.cli_exports.film_paths`` gives them;
        frame 1 of a single-frame image means the image.
    out : pathlib.Path
        The document to write.
    title : str
        ``"for-teaching"`` (113004) or ``"of-interest"`` (113000).
    deidentify : bool
        Apply the PS3.15 basic profile (:mod:`hoview.dicom_objects.deidentify`): the
        note then references the de-identified plain films of the frames.

    Returns
    -------
    str
        One line for the terminal, without patient identifiers.

    Raises
    ------
    HoviewError
        If an image is not DICOM, a frame does not exist, the images are of several
        studies, or ``out`` cannot be written.
    """
    if not items:
        raise HoviewError(out, "no images to select")
    images = _headers(items)
    try:
        with warnings.catch_warnings():
            # highdicom's warnings quote header values (a patient's name): keep them
            # off the terminal.
            warnings.simplefilter("ignore")
            ds = build_kos(images, title)
    except ValueError as exc:
        raise HoviewError(
            items[0][0],
            f"{exc}: a key object note belongs to one study (PS3.3 C.17.6); "
            "write one note per study",
        ) from None
    if deidentify:
        from hoview.dicom_objects.deidentify import deidentify_object

        deidentify_object(ds)
    write_dataset(ds, out)
    frames = sum(len(f) if f else 1 for _, f in images)
    meaning = TITLES[title].meaning
    return (
        f"wrote {out}: '{meaning}' note of {plural(len(images), 'image')}, "
        f"{plural(frames, 'frame')} in all"
    )
