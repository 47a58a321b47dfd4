"""Import pydicom for a command-line run without the optional modules it never uses there.

``import pydicom`` loads every pixel-data plugin at once (``pydicom.config`` imports
its handlers), and with them two optional packages that a ``hoview render`` or
``hoview info`` run never calls, a third of pydicom's import time:

- ``requests`` (with urllib3, charset_normalizer...): ``pydicom.data`` imports it to
  download pydicom's own test files. Without it pydicom falls back to ``urllib``, and
  hoview never downloads them.
- ``gdcm`` (python-gdcm): pydicom's in-process GDCM plugin. hoview never decodes with
  it in its own process: GDCM is the last decoder, run in a child process
  (:mod:`hoview.sources.gdcm_fallback`), because it can end the process that runs it;
  every other decoder (pyjpegls, pylibjpeg, Pillow) is a dependency, so no transfer
  syntax is left without an in-process plugin.

Both are optional to pydicom (it imports them in ``try``/``except ImportError``), so
hiding them while pydicom is imported is the ordinary "not installed" case. They are
hidden only for that import: afterwards ``import requests`` (a PACS reference given on
the command line) and ``import gdcm`` (the fallback's child) work as usual.
"""

from __future__ import annotations

import sys

#: Optional packages pydicom imports that a command-line run does not use.
NOT_NEEDED = ("requests", "gdcm")


def import_pydicom() -> None:
    """Import pydicom with :data:`NOT_NEEDED` hidden, unless something loaded it already.

    A process that has already imported pydicom, or one of the hidden packages, is
    left as it is.
    """
    if "pydicom" in sys.modules:
        return
    hidden = [name for name in NOT_NEEDED if name not in sys.modules]
    for name in hidden:  # None in sys.modules: "import name" raises ImportError
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        import pydicom  # noqa: F401
    finally:
        for name in hidden:
            if sys.modules.get(name, ...) is None:
                del sys.modules[name]
