"""Start the desktop program."""

from __future__ import annotations

import sys
from pathlib import Path


def run_viewer(paths: list[Path | str]) -> int:
    """Open the viewer window on ``paths`` (the start screen when empty); run Qt.

    Parameters
    ----------
    paths : list of str or pathlib.Path
        Files, folders, and DICOMweb references (``name:UID`` of a server in
        ``servers.toml``, or a ``.../studies/UID[/series/UID[/instances/UID]]`` URL).
        A reference is retrieved in the background: its first image shows as soon as
        it arrives. Pass references as the strings the user typed (a ``Path`` would
        fold the ``//`` of a URL).

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
    window.open_locations([str(p) for p in paths])
    return int(app.exec())
