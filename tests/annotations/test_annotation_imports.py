"""hoview.annotations is pure Python: no Qt, and nothing heavy at import time."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import hoview.annotations

PACKAGE = Path(hoview.annotations.__file__).parent
REPO = PACKAGE.parent.parent
FORBIDDEN = ("PySide6", "PySide2", "PyQt5", "PyQt6", "shiboken6", "qtpy")


def test_no_module_imports_qt():
    for path in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"


def test_importing_annotations_loads_no_qt_and_nothing_heavy():
    code = (
        "import sys, hoview.annotations as a;"
        "a.AnnotationDocument({'sha256': '0' * 64, 'columns': 2, 'rows': 2, 'frames': 1});"
        "print(' '.join(sorted(m for m in sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    ).stdout.split()
    loaded = {name.split(".")[0] for name in out}
    assert not loaded & set(FORBIDDEN)
    assert not loaded & {"pydicom", "numpy", "PIL", "jsonschema", "platformdirs"}
