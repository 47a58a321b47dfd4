"""Shared fixtures: where pydicom's test files are, offscreen Qt."""

from __future__ import annotations

import os
from pathlib import Path

import pydicom
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

#: pydicom ships these with the package; never use get_testdata_file (it downloads).
PYDICOM_FILES = Path(pydicom.__file__).parent / "data" / "test_files"

REPO = Path(__file__).resolve().parent.parent
SAMPLE_DATA = REPO / "sample_data"


@pytest.fixture(scope="session")
def pydicom_files() -> Path:
    """The folder of DICOM test files that pydicom ships."""
    assert PYDICOM_FILES.is_dir(), PYDICOM_FILES
    return PYDICOM_FILES


@pytest.fixture
def sample_series_folder(tmp_path, pydicom_files) -> Path:
    """A folder with two pydicom images in it (two series)."""
    import shutil

    folder = tmp_path / "study"
    folder.mkdir()
    for name in ("CT_small.dcm", "MR_small.dcm"):
        shutil.copy(pydicom_files / name, folder / name)
    return folder


@pytest.fixture(scope="session")
def sample_data_dir() -> Path:
    """The repository's synthetic sample study."""
    assert (SAMPLE_DATA / "pelvis_ap.dcm").is_file()
    return SAMPLE_DATA


@pytest.fixture(scope="session", autouse=True)
def _one_qapplication(qapp):
    """Create the session's QApplication first.

    Exports start a bare QGuiApplication when none exists; widgets need a QApplication,
    so the tests make sure the first application is the full one.
    """
    return qapp


@pytest.fixture(scope="session", autouse=True)
def _deidentify_key(tmp_path_factory):
    """Keep the de-identification key of the tests' teaching exports out of the home folder."""
    key = tmp_path_factory.mktemp("deidentify") / "deidentify.key"
    previous = os.environ.get("HOVIEW_DEIDENTIFY_KEY_FILE")
    os.environ["HOVIEW_DEIDENTIFY_KEY_FILE"] = str(key)
    yield key
    if previous is None:
        os.environ.pop("HOVIEW_DEIDENTIFY_KEY_FILE", None)
    else:
        os.environ["HOVIEW_DEIDENTIFY_KEY_FILE"] = previous


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--bundle DIR``: check a built bundle (tests/packaging, packaging/check-bundle)."""
    parser.addoption(
        "--bundle", metavar="DIR", default=None, help="check this hoview bundle (slow)"
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "bundle: checks a built bundle (packaging/check-bundle)")
