"""Keep every annotation test away from the real user data folder."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    """A private ``HOVIEW_DATA_DIR`` for the fallback sidecar folder."""
    folder = tmp_path / "user-data"
    monkeypatch.setenv("HOVIEW_DATA_DIR", str(folder))
    return folder
