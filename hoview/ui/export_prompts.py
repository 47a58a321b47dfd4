"""The questions every export asks: where to write, whether to go on, what went wrong.

The file dialog is hoview's own (not the desktop's), so it behaves the same everywhere
and tests can drive it; tests may also replace :func:`ask_save_path` outright. Default
file names are generic ("image.png", "montage.pdf"): never the patient's name, never the
source file's name, which often holds it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

#: File dialog filters: raster images, and a PDF for paper montages.
IMAGE_FILTER = "PNG image (*.png);;JPEG image (*.jpg *.jpeg);;TIFF image (*.tif *.tiff)"
PDF_FILTER = "PDF document (*.pdf)"


def ask_save_path(parent: QWidget | None, title: str, default: Path, filters: str) -> Path | None:
    """Ask where to write an export; return the chosen file, or ``None`` if cancelled.

    Parameters
    ----------
    parent : QWidget or None
        The dialog's parent window.
    title : str
        The dialog's title.
    default : pathlib.Path
        The suggested file (folder and generic name); its ending is added to a name
        typed without one.
    filters : str
        Qt name filters, ``;;``-separated; the one matching ``default`` is selected.
    """
    dialog = QFileDialog(parent, title, str(default.parent))
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setNameFilters(filters.split(";;"))
    suffix = default.suffix.lower()
    for name_filter in dialog.nameFilters():
        if f"*{suffix}" in name_filter:
            dialog.selectNameFilter(name_filter)
            break
    dialog.setDefaultSuffix(suffix.lstrip("."))
    dialog.selectFile(default.name)
    if not dialog.exec() or not dialog.selectedFiles():
        return None
    return Path(dialog.selectedFiles()[0])


def confirm_burned_in(parent: QWidget | None, warnings: list[str]) -> bool:
    """Warn that pixels may show the patient's name; return whether to export anyway.

    Parameters
    ----------
    parent : QWidget or None
        The box's parent window.
    warnings : list of str
        One line per image, from :func:`hoview.sources.burned_in.burned_in_warning`.
        Nothing is asked when it is empty.
    """
    if not warnings:
        return True
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Burned-in text")
    many = len(warnings) > 1
    box.setText(
        f"{'These images' if many else 'This image'} may show identifying text in the "
        "pixels, such as the patient's name. hoview cannot take it out."
    )
    box.setInformativeText("\n\n".join(warnings))
    anyway = box.addButton("Export anyway", QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is anyway


def show_error(parent: QWidget | None, message: str) -> None:
    """Show a one-line export error (``<file>: <what is wrong>``)."""
    QMessageBox.warning(parent, "hoview", message)


def with_suffix(path: Path, default_suffix: str) -> Path:
    """Return ``path``, with ``default_suffix`` added when it has no ending."""
    return path if path.suffix else path.with_name(path.name + default_suffix)
