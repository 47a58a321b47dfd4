"""Fixtures of tests/pacs: real Orthanc servers (see orthanc_server.py), hoview's folders."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from orthanc_server import ORTHANC, Orthanc, store_sample


@pytest.fixture(scope="session")
def orthanc_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """Make Orthanc servers; every one still running is stopped at the end."""
    if shutil.which(ORTHANC) is None:
        pytest.fail(f"{ORTHANC} is missing: .ci/run installs orthanc and orthanc-dicomweb")
    started: list[Orthanc] = []

    def make(**kwargs: object) -> Orthanc:
        server = Orthanc(tmp_path_factory.mktemp("orthanc"), **kwargs)  # type: ignore[arg-type]
        started.append(server)
        server.start()
        return server

    yield make
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def orthanc(orthanc_factory) -> Orthanc:
    """A session's Orthanc holding the sample study (DX pelvis + CT hips)."""
    server = orthanc_factory()
    server.study_uid = store_sample(server)
    return server


@pytest.fixture
def pacs_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, orthanc: Orthanc) -> Path:
    """Config, cache and data folders in ``tmp_path``; ``local`` names the session's Orthanc."""
    for name in ("config", "cache", "data"):
        (tmp_path / name).mkdir()
    monkeypatch.setenv("HOVIEW_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("HOVIEW_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("HOVIEW_DATA_DIR", str(tmp_path / "data"))
    for name in ("HOVIEW_DICOMWEB_USER", "HOVIEW_DICOMWEB_PASSWORD", "HOVIEW_DICOMWEB_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "config" / "servers.toml").write_text(
        f'[servers.local]\nurl = "{orthanc.url}"\ntimeout = 20\n'
    )
    return tmp_path
