"""``hoview push``: store an image's annotations to a DICOMweb server (STOW-RS).

The GSPS (:func:`~hoview.dicom_objects.gsps_export.build_gsps`, the visible layers, with
the image's window as ``hoview gsps`` writes it) and the TID 1500 SR
(:func:`~hoview.dicom_objects.sr_export.build_sr`) are built in memory and stored in one
STOW-RS request. Their SOP Instance UIDs come from their content, so pushing unchanged
annotations again stores the same instances (the archive keeps one copy), and changed
ones become a new instance in the same hoview series.

What the server accepted is recorded in the sidecar, under ``pacs.stored.<server>``
(``gsps``, ``sr``: the SOP Instance UIDs; ``at``: when), so a viewer can tell whether the
annotations on screen are stored. A refused store records nothing.
"""

from __future__ import annotations

import warnings
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pydicom.dataset import Dataset

from hoview.errors import HoviewError
from hoview.pacs.client import PacsClient
from hoview.pacs.servers import Server
from hoview.sources.spacing import calibrated

__all__ = ["build_objects", "push", "stored_record"]

#: Store Instances Response (PS3.18 10.5.3): Referenced SOP Sequence, Failed SOP
#: Sequence and Failure Reason.
_REFERENCED = "ReferencedSOPSequence"
_FAILED = "FailedSOPSequence"


def build_objects(
    path: Path, *, gsps: bool = True, sr: bool = True
) -> tuple[dict[str, Dataset], list[str]]:
    """Build the GSPS and SR of the image ``path``'s annotations.

    Returns
    -------
    (dict, list of str)
        ``{"gsps": ds, "sr": ds}`` (what could be built) and notes on what was left out.

    Raises
    ------
    HoviewError
        If ``path`` is not a DICOM image, or there is nothing at all to store.
    """
    from hoview.annotations.sidecar import load
    from hoview.dicom_objects.gsps_export import _display_window, build_gsps
    from hoview.dicom_objects.sr_export import build_sr
    from hoview.sources.opening import open_image

    source = open_image(path)
    image = getattr(source, "dataset", None)
    if image is None:
        raise HoviewError(path, "not a DICOM image: only DICOM images can be stored to a PACS")
    document = load(path, source.identity)
    spacing = calibrated(source.spacing, document.calibration)
    objects: dict[str, Dataset] = {}
    notes: list[str] = []
    if gsps:
        try:
            ds, _counts, _layers = build_gsps(
                image,
                document,
                window=_display_window(source, 1, None),
                pixel_spacing=spacing,
                path=path,
            )
            objects["gsps"] = ds
        except HoviewError as exc:
            notes.append(f"no presentation state: {exc.message}")
    if sr:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # highdicom quotes header values
                ds, _counts = build_sr(
                    image, list(document.annotations), spacing, source.frame_count
                )
            objects["sr"] = ds
        except ValueError:
            notes.append("no report: no arrow with a structured finding and no length")
    if not objects:
        raise HoviewError(path, "nothing to store: " + "; ".join(notes))
    return objects, notes


def _accepted(response: Dataset | None, sent: dict[str, Dataset]) -> tuple[set[str], list[str]]:
    """Return the SOP Instance UIDs the server accepted, and its failure reasons."""
    if response is None:
        return {str(ds.SOPInstanceUID) for ds in sent.values()}, []
    accepted = {
        str(item.get("ReferencedSOPInstanceUID", ""))
        for item in response.get(_REFERENCED, None) or []
    }
    failures = []
    for item in response.get(_FAILED, None) or []:
        reason = item.get("FailureReason", None)
        failures.append(f"0x{int(reason):04X}" if reason is not None else "no reason given")
    return accepted, failures


def stored_record(document: Any, label: str) -> dict[str, Any] | None:
    """Return what the sidecar says was last stored to the server ``label``, if anything."""
    pacs = document.extra.get("pacs")
    if not isinstance(pacs, dict):
        return None
    stored = pacs.get("stored")
    record = stored.get(label) if isinstance(stored, dict) else None
    return record if isinstance(record, dict) else None


def _record(path: Path, identity: Any, label: str, uids: dict[str, str]) -> None:
    from hoview.annotations.sidecar import update

    def edit(document: Any) -> None:
        pacs = document.extra.get("pacs")
        pacs = dict(pacs) if isinstance(pacs, dict) else {}
        stored = pacs.get("stored")
        stored = dict(stored) if isinstance(stored, dict) else {}
        stored[label] = {**uids, "at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        pacs["stored"] = stored
        document.extra["pacs"] = pacs

    update(path, identity, edit)


def push(path: str | Path, server: Server, gsps: bool = True, sr: bool = True) -> str:
    """Store the annotations of the DICOM image ``path`` to ``server`` (STOW-RS).

    Parameters
    ----------
    path : str or pathlib.Path
        A DICOM image (a local file or one in the DICOMweb cache) with a sidecar.
    server : Server
        Where to store them.
    gsps, sr : bool
        Which objects to store (default both; the SR is left out, with a note, when
        there is no finding or length to report).

    Returns
    -------
    str
        One line: what the server accepted, without patient identifiers.

    Raises
    ------
    HoviewError
        If there is nothing to store, or the server refuses (nothing is then marked
        stored in the sidecar).
    """
    from hoview.sources.opening import open_image

    path = Path(path)
    objects, notes = build_objects(path, gsps=gsps, sr=sr)
    client = PacsClient(server)
    response = client.store(list(objects.values()))
    accepted, failures = _accepted(response, objects)
    stored = {}
    for kind, ds in objects.items():
        uid = str(ds.SOPInstanceUID)
        if uid not in accepted:
            continue
        # Some archives answer "stored" for an instance a filter dropped (Orthanc 1.10
        # with a Lua ReceivedInstanceFilter): believe what is there, not what is said.
        if client.has_instance(str(ds.StudyInstanceUID), str(ds.SeriesInstanceUID), uid):
            stored[kind] = uid
        elif "not kept by the server" not in failures:
            failures.append("not kept by the server")
    if not stored:
        why = ", ".join(failures) or "nothing accepted"
        raise HoviewError(None, f"{server.label}: the server refused the store ({why})")
    _record(path, open_image(path).identity, server.label, stored)
    names = {"gsps": "presentation state", "sr": "report"}
    line = f"{server.label}: stored " + " and ".join(
        f"{names[kind]} {uid}" for kind, uid in stored.items()
    )
    refused = [names[kind] for kind in objects if kind not in stored]
    if refused:
        line += f"; refused: {', '.join(refused)} ({', '.join(failures) or 'no reason given'})"
    if notes:
        line += "; " + "; ".join(notes)
    return line
