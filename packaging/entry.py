"""The bundle's entry point: ``hoview`` as a program that needs no Python installed.

PyInstaller freezes this script. It runs the ``hoview`` command line, and one more
thing a frozen program cannot otherwise do: ``hoview -c CODE ARGS...`` runs CODE the way
``python -c`` would, because hoview starts its GDCM fallback decoder as
``sys.executable -c ...`` (:mod:`hoview.sources.gdcm_fallback`), and in the bundle
``sys.executable`` is this program.
"""

import sys


def _run() -> int:
    if len(sys.argv) >= 3 and sys.argv[1] == "-c":
        code = sys.argv[2]
        sys.argv = ["-c", *sys.argv[3:]]
        exec(compile(code, "<string>", "exec"), {"__name__": "__main__"})  # noqa: S102
        return 0
    from hoview.cli import main

    return main()


if __name__ == "__main__":
    sys.exit(_run())
