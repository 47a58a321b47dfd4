"""Fixtures for export tests: a copy of the sample film with its arrows, the CLI."""

from __future__ import annotations

import shutil

import pytest

from hoview.cli import main

PELVIS = "pelvis_ap.dcm"


@pytest.fixture
def film(tmp_path, sample_data_dir):
    """A copy of the sample film and its sidecar (two "HO" arrows), in ``tmp_path``."""
    for name in (PELVIS, PELVIS + ".hoview.json"):
        shutil.copy(sample_data_dir / name, tmp_path / name)
    return tmp_path / PELVIS


@pytest.fixture
def cli(capsys):
    """Run ``hoview ARGS``; return ``(status, stdout, stderr)``."""

    def run(*args):
        status = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return status, out, err

    return run
