"""Start the desktop program."""

from __future__ import annotations

import sys
from pathlib import Path


def run_viewer(paths: list[Path]) -> int:
    """Open the viewer window on ``paths`` (the start screen when empty); run Qt.

    Returns
    -------
    int
        The Qt event loop's exit status.
    """
    from PySide6.QtWidgets import QApplication

    from hoview.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("hoview")
    app.setOrganizationName("hoview")
    window = MainWindow()
    window.show()
    window.open_paths(paths)
    return int(app.exec())
