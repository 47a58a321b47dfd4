"""Helpers for tests/pacs: a real Orthanc (Debian's orthanc + orthanc-dicomweb), a child process.

The launcher itself is ``benchmarks/orthanc.py`` (shared with the B9 benchmarks): started
on 127.0.0.1 with free ports and a config file in a temporary folder (storage there, the
DicomWeb plugin, remote access off, ``OverwriteInstances`` true); the package's own
system service, if any, is neither used nor needed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pydicom
import pytest
import requests

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # the checkout's benchmarks/ (not an installed package)
    sys.path.insert(0, str(REPO))

from benchmarks import orthanc as _launcher  # noqa: E402
from benchmarks.orthanc import ORTHANC, PLUGIN, free_port  # noqa: E402

__all__ = ["ORTHANC", "PLUGIN", "SAMPLE", "Orthanc", "free_port", "sample_files", "store_sample"]

SAMPLE = REPO / "sample_data"


class Orthanc(_launcher.Orthanc):
    """The shared launcher; a server that does not start fails the test that needs it."""

    def start(self, timeout: float = 30) -> None:
        try:
            super().start(timeout)
        except _launcher.OrthancError as exc:
            pytest.fail(str(exc))


def sample_files() -> list[Path]:
    return [SAMPLE / "pelvis_ap.dcm", *sorted((SAMPLE / "ct_hips").glob("*.dcm"))]


def store_sample(orthanc: Orthanc) -> str:
    """STOW the sample study with dicomweb-client; return its Study Instance UID."""
    from dicomweb_client import DICOMwebClient

    session = requests.Session()
    if orthanc.auth:
        session.auth = orthanc.auth
    client = DICOMwebClient(orthanc.url, session=session)
    datasets = [pydicom.dcmread(f) for f in sample_files()]
    client.store_instances(datasets)
    return str(datasets[0].StudyInstanceUID)
