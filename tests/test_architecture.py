"""House rules a machine checks: no Qt in the core, ruff-clean code, mypy-clean core."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORE = ("sources", "display", "annotations")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", CORE)
def test_core_packages_import_no_qt(package):
    files = sorted((REPO / "hoview" / package).rglob("*.py"))
    assert files
    for path in files:
        qt = {
            n
            for n in _imports(path)
            if n.split(".")[0] in ("PySide6", "PyQt5", "PyQt6", "shiboken6")
        }
        assert not qt, f"{path.relative_to(REPO)} imports {qt}"


def test_only_ui_uses_qtwidgets():
    for path in sorted((REPO / "hoview").rglob("*.py")):
        if "ui" in path.relative_to(REPO / "hoview").parts:
            continue
        assert not any("QtWidgets" in n for n in _imports(path)), path


def test_importing_the_core_loads_no_qt():
    code = (
        "import sys, hoview.sources, hoview.display.pipeline, hoview.annotations; "
        "print(any(m.startswith('PySide6') for m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert done.stdout.strip() == "False"


def test_import_linter_contracts():
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert exe, "import-linter is part of the test extra"
    done = subprocess.run([exe], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_clean():
    exe = shutil.which("ruff", path=str(Path(sys.executable).parent))
    assert exe, "ruff is part of the test extra"
    done = subprocess.run(
        [exe, "check", "hoview", "tests", "sample_data"], capture_output=True, text=True, cwd=REPO
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_core_is_mypy_clean():
    exe = shutil.which("mypy", path=str(Path(sys.executable).parent))
    assert exe, "mypy is part of the test extra"
    # The files and settings are pyproject.toml's [tool.mypy]; .mypy_cache keeps reruns fast.
    done = subprocess.run([exe], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stdout + done.stderr
