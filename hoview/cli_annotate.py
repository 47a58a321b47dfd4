"""``hoview annotate``: add an arrow, text, ruler, angle, Cobb angle or gap, or calibrate.

Parse and call :mod:`hoview.annotations.commands`; no logic of its own beyond turning
numbers into annotations.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

FLOAT4 = ("X1", "Y1", "X2", "Y2")


def add_parser(sub: argparse._SubParsersAction, frame_number: Callable[[str], int]) -> None:
    """Add the ``annotate`` parser to ``sub``."""
    annotate = sub.add_parser(
        "annotate",
        help="add an arrow, a text, a ruler, an angle or a gap to an image, or calibrate it",
    )
    annotate.add_argument("path", metavar="PATH", help="a DICOM file or an image")
    shape = annotate.add_mutually_exclusive_group(required=True)
    shape.add_argument(
        "--arrow",
        type=float,
        nargs=4,
        metavar=FLOAT4,
        help="an arrow from the tail (X1, Y1) to the head on the finding (X2, Y2)",
    )
    shape.add_argument(
        "--text",
        nargs=3,
        metavar=("X", "Y", "TEXT"),
        help="a text whose top-left corner is at (X, Y)",
    )
    shape.add_argument(
        "--ruler",
        type=float,
        nargs=4,
        metavar=FLOAT4,
        help="a ruler between two points (mm when the pixel spacing is known)",
    )
    shape.add_argument(
        "--angle",
        type=float,
        nargs=6,
        metavar=("X1", "Y1", "X2", "Y2", "X3", "Y3"),
        help="an angle in degrees; the vertex is the second point",
    )
    shape.add_argument(
        "--cobb",
        type=float,
        nargs=8,
        metavar=("X1", "Y1", "X2", "Y2", "X3", "Y3", "X4", "Y4"),
        help="a Cobb angle between the line (X1, Y1)-(X2, Y2) and the line (X3, Y3)-(X4, Y4)",
    )
    shape.add_argument(
        "--gap",
        type=float,
        nargs=4,
        metavar=FLOAT4,
        help="the gap between opposing bone surfaces; with --gap-for it suggests a Brooker grade",
    )
    shape.add_argument(
        "--calibrate",
        type=float,
        nargs=5,
        metavar=(*FLOAT4, "MM"),
        help="set the image's spacing from a line of known length MM (overrides the file's)",
    )
    annotate.add_argument(
        "--gap-for",
        metavar="ID",
        help="the arrow (its id, see 'hoview annotations') whose heterotopic ossification "
        "the --gap measures: the arrow's finding gets the suggested Brooker grade",
    )
    annotate.add_argument(
        "--bridging",
        action="store_true",
        help="with --gap: the ossification bridges the joint (gap 0, Brooker IV)",
    )
    annotate.add_argument("--label", metavar="TEXT", help="free text shown with it")
    annotate.add_argument("--layer", metavar="NAME", help="the layer (made if new)")
    annotate.add_argument(
        "--frame",
        type=frame_number,
        default=None,
        metavar="N",
        help="the frame it belongs to, from 1 (default 1; a --gap-for gap: the arrow's)",
    )
    annotate.add_argument(
        "--finding", metavar="TEXT", help='structured finding, e.g. "heterotopic ossification"'
    )
    annotate.add_argument("--laterality", choices=("R", "L", "bilateral"))
    annotate.add_argument("--grade", metavar="TEXT", help='e.g. "Brooker III"')
    annotate.add_argument(
        "--author", metavar="NAME", help="who made it (default $HOVIEW_AUTHOR or your login name)"
    )


def check_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse option mixes that make no sense (usage errors, exit status 2)."""
    if (args.finding is None) and (args.laterality or args.grade):
        parser.error("--laterality and --grade describe a --finding: give one")
    if (args.gap_for is not None or args.bridging) and args.gap is None:
        parser.error("--gap-for and --bridging describe a --gap: give one")
    if args.calibrate is not None and (args.label or args.finding or args.layer):
        parser.error("--calibrate takes no --label, --finding or --layer")


def run(args: argparse.Namespace, emit: Callable[[str], None], warn: Callable[[str], None]) -> int:
    """Do what ``hoview annotate`` was asked; return the exit status."""
    from hoview.annotations import Angle, Arrow, CobbAngle, Finding, Gap, Ruler, Text
    from hoview.annotations.calibration import Calibration
    from hoview.annotations.commands import add_annotation, calibrate, default_author
    from hoview.errors import HoviewError
    from hoview.sources.opening import open_image

    path = Path(args.path)
    image = open_image(path)
    author = args.author if args.author is not None else default_author()
    try:
        if args.calibrate is not None:
            x1, y1, x2, y2, mm = args.calibrate
            calibration = Calibration(
                start=(x1, y1), end=(x2, y2), length_mm=mm, frame=args.frame or 1, author=author
            )
            sidecar = calibrate(path, image.identity, calibration, image.spacing, warn)
            emit(
                f"calibrated {path.name}: {calibration.mm_per_pixel:.4g} mm per pixel "
                f"(overrides the file's spacing); saved to {sidecar}"
            )
            return 0
        common = {
            "frame": args.frame or 1,
            "label": args.label,
            "author": author,
            "finding": Finding(args.finding, args.laterality, args.grade) if args.finding else None,
        }
        if args.arrow:
            x1, y1, x2, y2 = args.arrow
            annotation = Arrow(tail=(x1, y1), head=(x2, y2), **common)
        elif args.ruler:
            x1, y1, x2, y2 = args.ruler
            annotation = Ruler(start=(x1, y1), end=(x2, y2), **common)
        elif args.angle:
            x1, y1, x2, y2, x3, y3 = args.angle
            annotation = Angle(start=(x1, y1), vertex=(x2, y2), end=(x3, y3), **common)
        elif args.cobb:
            a, b, c, d, e, f, g, h = args.cobb
            annotation = CobbAngle(
                first_start=(a, b),
                first_end=(c, d),
                second_start=(e, f),
                second_end=(g, h),
                **common,
            )
        elif args.gap:
            x1, y1, x2, y2 = args.gap
            if args.gap_for is not None and args.frame is None:
                common["frame"] = _arrow_frame(path, image.identity, args.gap_for)
            annotation = Gap(
                start=(x1, y1), end=(x2, y2), bridging=args.bridging, arrow=args.gap_for, **common
            )
        else:
            x, y, text = args.text
            annotation = Text(anchor=(float(x), float(y)), text=text, **common)
        sidecar, stored = add_annotation(
            path, image.identity, annotation, args.layer, warn, image.spacing
        )
    except (TypeError, ValueError) as exc:
        raise HoviewError(path, str(exc)) from None
    emit(f"added {stored.kind} {stored.id} to {sidecar}")
    return 0


def _arrow_frame(path: Path, identity: object, arrow_id: str) -> int:
    """Return the frame of the arrow ``arrow_id`` (1 when there is none: the add says why)."""
    from hoview.annotations import load

    document = load(path, identity)  # type: ignore[arg-type]
    return document.get(arrow_id).frame if arrow_id in document else 1
