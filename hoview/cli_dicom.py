"""The DICOM-object sub-commands of ``hoview``: ``gsps``, ``sr``, ``kos`` and ``import``.

Parse, call the core (:mod:`hoview.dicom_objects`), print; :mod:`hoview.cli` adds these
parsers and runs them.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from hoview.terminal import emit

#: The sub-commands this module adds.
COMMANDS = ("gsps", "sr", "kos", "import")

_DEIDENTIFY_HELP = (
    "for teaching: the PS3.15 basic profile (no patient, new UIDs that match "
    "'hoview render -o OUT.dcm' of the same image)"
)


def add_parsers(sub: argparse._SubParsersAction, frame_number: Callable[[str], int]) -> None:
    """Add the ``gsps``, ``sr``, ``kos`` and ``import`` parsers to ``sub``."""
    gsps = sub.add_parser("gsps", help="write an image's annotations as a DICOM presentation state")
    gsps.add_argument("path", metavar="PATH", help="a DICOM image with annotations")
    gsps.add_argument("-o", "--output", required=True, metavar="OUT.dcm", type=Path)
    gsps.add_argument(
        "--layer",
        action="append",
        default=[],
        metavar="NAME",
        help="only this layer, shown or hidden (repeat for more; default: the visible layers)",
    )
    gsps.add_argument("--frame", type=frame_number, metavar="N", help="only frame N")
    gsps.add_argument(
        "--with-display",
        action="store_true",
        help="also the window (default or --window) and the rotation and flips",
    )
    gsps.add_argument(
        "--window", nargs=2, type=float, metavar=("CENTER", "WIDTH"), help="with --with-display"
    )
    gsps.add_argument("--deidentify", action="store_true", help=_DEIDENTIFY_HELP)

    sr = sub.add_parser("sr", help="write an image's findings as a DICOM structured report")
    sr.add_argument("path", metavar="PATH", help="a DICOM image with annotations")
    sr.add_argument("-o", "--output", required=True, metavar="OUT.dcm", type=Path)
    sr.add_argument("--deidentify", action="store_true", help=_DEIDENTIFY_HELP)

    kos = sub.add_parser("kos", help="write a key image note ('For Teaching') for images")
    kos.add_argument("paths", nargs="+", metavar="PATH", help="DICOM images; PATH@N names frame N")
    kos.add_argument("-o", "--output", required=True, metavar="OUT.dcm", type=Path)
    kos.add_argument(
        "--title",
        choices=("for-teaching", "of-interest"),
        default="for-teaching",
        help="the document title: 113004 For Teaching (default) or 113000 Of Interest",
    )
    kos.add_argument("--deidentify", action="store_true", help=_DEIDENTIFY_HELP)

    imp = sub.add_parser(
        "import", help="add a presentation state's or a report's annotations to a sidecar"
    )
    imp.add_argument("file", metavar="FILE.dcm", type=Path)
    imp.add_argument(
        "--into",
        metavar="IMAGE",
        type=Path,
        help="the image to add them to (default: the one FILE references, found beside it)",
    )


def run(args: argparse.Namespace) -> int:
    """Run the parsed sub-command ``args.command``; return the exit status."""
    if args.command == "gsps":
        from hoview.dicom_objects.gsps_export import export_gsps

        window = tuple(args.window) if args.window else None
        message = export_gsps(
            Path(args.path),
            args.output,
            layers=tuple(args.layer),
            frame=args.frame,
            with_display=args.with_display,
            window=window,  # type: ignore[arg-type]
            deidentify=args.deidentify,
        )
    elif args.command == "sr":
        from hoview.dicom_objects.sr_export import export_sr

        message = export_sr(Path(args.path), args.output, deidentify=args.deidentify)
    elif args.command == "kos":
        from hoview.cli_exports import film_paths
        from hoview.dicom_objects.kos import export_kos

        message = export_kos(
            film_paths(args.paths), args.output, title=args.title, deidentify=args.deidentify
        )
    else:
        from hoview.dicom_objects.importing import import_object

        message = import_object(args.file, args.into)
    emit(message)
    return 0
