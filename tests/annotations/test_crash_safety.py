"""Kill a process with SIGKILL while it saves a large sidecar, at least 200 times.

Each time, the sidecar must parse and equal version A or version B exactly, the backup
too, and the next save must clean up the temporary files the dead process left.
"""

from __future__ import annotations

import importlib.util
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hoview.annotations import load, save, sidecar_path
from hoview.annotations.codec import dumps

HERE = Path(__file__).resolve().parent
CHILD = HERE / "crash_child.py"
KILLS = 200

pytestmark = pytest.mark.skipif(os.name != "posix", reason="needs SIGKILL")


def _child_module():
    spec = importlib.util.spec_from_file_location("hoview_crash_child", CHILD)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_sigkill_during_saves_leaves_old_or_new_version(tmp_path):
    child = _child_module()
    versions = {dumps(child.build(v), child.IMAGE_NAME): v for v in ("A", "B")}
    assert len(versions) == 2
    expected_json = {v: json.loads(b) for b, v in versions.items()}
    image = tmp_path / child.IMAGE_NAME
    target = sidecar_path(image)
    backup = target.with_name(target.name + ".bak")
    save(child.build("A"), image)

    rng = random.Random(20240301)
    seen = {"A": 0, "B": 0}
    leftovers = 0
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    for kill in range(KILLS):
        proc = subprocess.Popen(
            [sys.executable, str(CHILD), str(tmp_path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        try:
            if kill % 5 == 4:
                time.sleep(rng.uniform(0.0, 0.15))  # sometimes during start-up or first save
            else:
                line = proc.stdout.readline()
                assert line.startswith(b"saved"), proc.stderr.read().decode()
                time.sleep(rng.uniform(0.0, 0.05))
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            proc.stdout.close()
            proc.stderr.close()
        assert proc.returncode == -signal.SIGKILL

        data = target.read_bytes()
        assert data in versions, f"kill {kill}: the sidecar is neither version A nor B"
        assert json.loads(data) == expected_json[versions[data]]
        seen[versions[data]] += 1
        if backup.exists():
            assert backup.read_bytes() in versions, f"kill {kill}: bad backup"
        if _temp_files(tmp_path):
            leftovers += 1
        if kill % 20 == 19 or kill == KILLS - 1:
            document = load(image, child.IDENTITY)  # the file still loads as a document
            assert dumps(document, child.IMAGE_NAME) == data
            save(document, image)
            assert _temp_files(tmp_path) == [], "the next save removes stale temp files"
            assert target.read_bytes() == data

    print(f"\nkills={KILLS} final A={seen['A']} B={seen['B']} with temp files left={leftovers}")
    assert seen["A"] > 0 and seen["B"] > 0
    assert leftovers > 0, "no kill landed inside a save: the test did not test much"


def test_backup_when_a_crash_left_the_sidecar_and_its_backup_one_file(tmp_path):
    """A kill between the backup rename and the final rename leaves <name> and <name>.bak
    as two links of one file; the next save must not leave its temporary link behind."""
    child = _child_module()
    image = tmp_path / child.IMAGE_NAME
    save(child.build("A"), image)
    target = sidecar_path(image)
    backup = target.with_name(target.name + ".bak")
    backup.unlink(missing_ok=True)
    os.link(target, backup)
    document = load(image, child.IDENTITY)
    document.update("arrow-00000", label="changed")
    save(document, image)
    assert _temp_files(tmp_path) == []
    assert json.loads(backup.read_bytes()) == json.loads(dumps(child.build("A"), child.IMAGE_NAME))
