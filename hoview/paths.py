"""Where hoview's shipped files are."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def resource_path(name: str) -> Path:
    """Return the path of a file shipped in ``resources/``.

    Parameters
    ----------
    name : str
        File name inside the resources folder, e.g. ``"hoview.desktop"``.

    Returns
    -------
    pathlib.Path
        The file in the installed wheel, or in the source tree when hoview runs
        from a checkout.
    """
    try:
        base = Path(str(resources.files("hoview.resources")))
    except ModuleNotFoundError:
        base = Path(__file__).resolve().parent.parent / "resources"
    return base / name


def sample_data_folder() -> Path | None:
    """Return the sample study shipped beside the source tree, if this is a checkout."""
    folder = Path(__file__).resolve().parent.parent / "sample_data"
    return folder if folder.is_dir() else None
