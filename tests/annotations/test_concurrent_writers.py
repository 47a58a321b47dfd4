"""Several writers of one sidecar at once: real processes, nothing lost, nothing refused.

The full 3 x 150 run through separate ``hoview annotate`` processes takes minutes on a
small machine; the normal suite runs 3 x 150 commands through the command line's entry
point in three child processes, plus 3 x ``HOVIEW_RACE_CLI_ARROWS`` (default 8) real
``hoview annotate`` processes. ``HOVIEW_RACE_CLI_ARROWS=150`` runs the full CLI target.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from PIL import Image

from hoview.annotations import (
    AnnotationDocument,
    Arrow,
    SidecarError,
    load_sidecar,
    save,
    sidecar_path,
)
from hoview.annotations import lock as lock_module
from hoview.annotations.lock import lock_path, sidecar_lock

HERE = Path(__file__).resolve().parent
CHILD = HERE / "annotate_child.py"
PROCESSES = 3
ARROWS_EACH = 150
CLI_ARROWS_EACH = int(os.environ.get("HOVIEW_RACE_CLI_ARROWS", "8"))

pytestmark = pytest.mark.skipif(os.name != "posix", reason="fcntl locks")


@pytest.fixture
def film(tmp_path):
    path = tmp_path / "film.png"
    Image.new("L", (80, 60), 0).save(path)
    return path


def _labels(image: Path) -> list[str]:
    document = load_sidecar(sidecar_path(image))  # validates against the schema
    return [a.label for a in document.annotations]


def _expected(tags: list[str], count: int) -> set[str]:
    return {f"{tag}-{i}" for tag in tags for i in range(count)}


def test_three_processes_add_450_arrows_none_lost_none_refused(film):
    tags = [f"p{n}" for n in range(PROCESSES)]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    started = time.perf_counter()
    children = [
        subprocess.Popen(
            [sys.executable, str(CHILD), str(film), tag, str(ARROWS_EACH)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        for tag in tags
    ]
    outputs = [child.communicate(timeout=300) for child in children]
    for child, (out, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, (out + err).decode()
        assert out.decode().strip() == f"ok {ARROWS_EACH}"
    labels = _labels(film)
    took = time.perf_counter() - started
    print(f"\n{len(labels)} arrows from {PROCESSES} processes in {took:.1f} s")
    assert len(labels) == PROCESSES * ARROWS_EACH == 450
    assert set(labels) == _expected(tags, ARROWS_EACH)
    assert not lock_path(sidecar_path(film)).exists(), "the lock file is cleaned up"
    assert not [p for p in film.parent.iterdir() if p.name.endswith(".tmp")]


def test_concurrent_real_hoview_annotate_commands(film):
    hoview = shutil.which("hoview", path=str(Path(sys.executable).parent)) or "hoview"
    tags = [f"cli{n}" for n in range(PROCESSES)]

    def run(tag: str) -> list[str]:
        problems = []
        for i in range(CLI_ARROWS_EACH):
            x, y = 2 + (i % 50), 2 + (i // 50) * 5
            done = subprocess.run(
                [hoview, "annotate", str(film), "--arrow", str(x), str(y), str(x + 3), str(y + 3)]
                + ["--label", f"{tag}-{i}"],
                capture_output=True,
                text=True,
                timeout=60,
            )
            if done.returncode != 0 or not done.stdout.startswith("added arrow"):
                problems.append(f"{tag}-{i}: {done.returncode} {done.stderr.strip()}")
        return problems

    with ThreadPoolExecutor(PROCESSES) as pool:
        problems = [p for found in pool.map(run, tags) for p in found]
    assert problems == [], "refused or failed"
    assert set(_labels(film)) == _expected(tags, CLI_ARROWS_EACH)


def test_a_lock_held_too_long_gives_a_clear_error(film, monkeypatch):
    identity = {"sha256": "ab" * 32, "columns": 80, "rows": 60, "frames": 1}
    target = sidecar_path(film)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; "
            "from hoview.annotations.lock import sidecar_lock\n"
            "with sidecar_lock(Path(sys.argv[1])):\n"
            "    print('held', flush=True); time.sleep(30)",
            str(target),
        ],
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout.readline() == b"held\n"
        monkeypatch.setattr(lock_module, "LOCK_TIMEOUT", 0.3)
        document = AnnotationDocument(identity)
        document.add(Arrow((1, 1), (5, 5)))
        started = time.monotonic()
        with pytest.raises(SidecarError) as caught:
            save(document, film)
        assert 0.3 <= time.monotonic() - started < 5
        message = f"hoview: error: {caught.value}"
        assert "\n" not in message and str(target) in message
        assert "another program has been saving these annotations for over 0.3 s" in message
        assert not target.exists()
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    # The holder died: the kernel dropped its lock, and its lock file is no obstacle.
    assert lock_path(target).exists()
    save(document, film)
    assert load_sidecar(target, identity).annotations[0].id == document.annotations[0].id
    assert not lock_path(target).exists()


def test_lock_is_exclusive_between_threads_and_cleans_up(tmp_path):
    target = tmp_path / "x.hoview.json"
    inside = []
    overlaps = []

    def work(n: int) -> None:
        for _ in range(20):
            with sidecar_lock(target):
                inside.append(n)
                if len(inside) > 1:
                    overlaps.append(tuple(inside))
                time.sleep(0.0005)
                inside.remove(n)

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(work, range(4)))
    assert overlaps == []
    assert list(tmp_path.iterdir()) == []


def test_lock_file_that_is_a_symlink_is_refused(tmp_path):
    target = tmp_path / "x.hoview.json"
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    lock_path(target).symlink_to(victim)
    with pytest.raises(SidecarError, match="lock file is a symbolic link"):
        with sidecar_lock(target):
            pass
    assert victim.read_text() == "keep me"
