"""Where hoview's shipped files are."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

#: A file every copy of the sample study holds (how a folder is recognised as it).
_SAMPLE_MARKER = "pelvis_ap.dcm"


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


def sample_data_candidates() -> list[Path]:
    """Return where the sample study may be, in the order they are tried.

    The copy inside the installed package (``hoview/sample_data``, shipped in the
    wheel as package data), then ``sample_data/`` beside the package in a checkout
    (an editable install maps the package folder there).
    """
    here = Path(__file__).resolve().parent
    candidates = [here / "sample_data"]
    try:
        packaged = Path(str(resources.files("hoview.sample_data")))
    except (ModuleNotFoundError, TypeError, ValueError):
        packaged = None
    if packaged is not None and packaged not in candidates:
        candidates.append(packaged)
    candidates.append(here.parent / "sample_data")
    return candidates


def sample_data_folder() -> Path | None:
    """Return the folder of the sample study shipped with hoview.

    Returns
    -------
    pathlib.Path or None
        The first of :func:`sample_data_candidates` that holds the study; ``None``
        only if it was removed from this install.
    """
    for folder in sample_data_candidates():
        if (folder / _SAMPLE_MARKER).is_file():
            return folder
    return None


def is_sample(path: str | Path) -> bool:
    """Return whether ``path`` is a file of the shipped sample study (or the folder).

    The viewer keeps viewer-only state (H) of the sample in memory instead of
    rewriting the shipped sidecars.
    """
    folder = sample_data_folder()
    if folder is None:
        return False
    try:
        Path(path).resolve().relative_to(folder.resolve())
    except (OSError, ValueError):
        return False
    return True


#: Environment variable that moves the DICOMweb cache (tests, portable installs).
CACHE_DIR_ENV = "HOVIEW_CACHE_DIR"
#: Environment variable that moves the user config folder (``servers.toml``).
CONFIG_DIR_ENV = "HOVIEW_CONFIG_DIR"


def dicomweb_cache_root() -> Path:
    """Return the folder of the DICOMweb cache (``$HOVIEW_CACHE_DIR`` if set).

    ``platformdirs.user_cache_dir("hoview")/dicomweb`` otherwise. Eviction deletes
    files there, so no sidecar is ever written beside them.
    """
    override = os.environ.get(CACHE_DIR_ENV)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("hoview", appauthor=False)) / "dicomweb"


def config_dir() -> Path:
    """Return the user's hoview config folder (``$HOVIEW_CONFIG_DIR`` if set)."""
    override = os.environ.get(CONFIG_DIR_ENV)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_config_dir("hoview", appauthor=False))


def in_dicomweb_cache(path: str | Path) -> bool:
    """Return whether ``path`` is inside the DICOMweb cache (see :func:`dicomweb_cache_root`)."""
    try:
        Path(os.path.abspath(path)).resolve().relative_to(dicomweb_cache_root().resolve())
    except (OSError, ValueError):
        return False
    return True
