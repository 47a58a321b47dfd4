"""The ``hoview`` command: parse, call the core, print. No logic of its own.

Errors are one line, ``hoview: error: <file>: <what is wrong>``, with exit status 1;
usage errors exit with status 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from hoview import __version__
from hoview.errors import HoviewError
from hoview.lean_pydicom import import_pydicom
from hoview.render.formats import DICOM_SUFFIXES, allowed_endings
from hoview.terminal import emit, escape_json

PROG = "hoview"
COMMANDS = (
    "info",
    "render",
    "annotate",
    "annotations",
    "montage",
    "teach",
    "slides",
    "case",
    "gsps",
    "sr",
    "kos",
    "import",
    "query",
    "push",
    "doctor",
)


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < value <= 16:
        raise argparse.ArgumentTypeError(f"must be greater than 0 and at most 16: {text}")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= value <= 100_000:
        raise argparse.ArgumentTypeError(f"must be from 1 to 100000: {text}")
    return value


def _frame_number(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"frames are numbered from 1: {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """Return the parser for the sub-commands (``info``, ``render``)."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Look at radiographs and DICOM studies; mark findings with arrows.",
        epilog="Run 'hoview PATH ...' (no sub-command) to open the viewer.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    info = sub.add_parser("info", help="what PATH holds: studies, series, frames, windows")
    info.add_argument("path", metavar="PATH", help="a DICOM file, an image, a folder or DICOMDIR")
    info.add_argument("--json", action="store_true", help="print JSON instead of text")
    info.add_argument(
        "--show-identifiers",
        action="store_true",
        help="also print patient name, ID, dates and institution (hidden by default)",
    )

    render = sub.add_parser("render", help="write an image as the viewer shows it")
    render.add_argument("path", metavar="PATH", help="a DICOM file, an image or a folder")
    render.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        required=True,
        help=f"output file: {allowed_endings(DICOM_SUFFIXES)} "
        "(.dcm: a de-identified DICOM Secondary Capture)",
    )
    render.add_argument(
        "--frame",
        type=_frame_number,
        default=1,
        metavar="N",
        help="frame (or slice of a series) to render, from 1 (default 1)",
    )
    render.add_argument(
        "--window",
        type=float,
        nargs=2,
        metavar=("CENTER", "WIDTH"),
        help="window centre and width in modality units (default: the file's)",
    )
    render.add_argument(
        "--scale",
        type=_positive_float,
        default=None,
        metavar="F",
        help="scale factor (default 1: native size)",
    )
    render.add_argument(
        "--no-annotations", action="store_true", help="leave annotations out (the plain film)"
    )
    render.add_argument(
        "--layer",
        action="append",
        default=[],
        metavar="NAME",
        help="draw only this annotation layer (repeat for several)",
    )
    render.add_argument(
        "--pair",
        action="store_true",
        help="the film twice side by side: without and with arrows, captioned",
    )
    render.add_argument(
        "--strip-labels", action="store_true", help="leave out the arrows' labels (blind quiz)"
    )
    render.add_argument(
        "--orientation-markers",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="draw R/L, A/P, H/F letters on the edges when the file or sidecar says them "
        "(default: off)",
    )

    from hoview.cli_annotate import add_parser as add_annotate_parser

    add_annotate_parser(sub, _frame_number)

    listing = sub.add_parser("annotations", help="list an image's annotations")
    listing.add_argument("path", metavar="PATH", help="an image, or a .hoview.json sidecar")
    listing.add_argument("--json", action="store_true", help="print JSON instead of text")

    from hoview.cli_exports import add_parsers

    add_parsers(sub, _positive_int)
    from hoview.cli_dicom import add_parsers as add_dicom_parsers

    add_dicom_parsers(sub, _frame_number)
    from hoview.cli_pacs import add_parsers as add_pacs_parsers

    add_pacs_parsers(sub)
    doctor = sub.add_parser(
        "doctor",
        help="what this installation has (versions, decoders, Qt, folders): for bug reports",
    )
    doctor.add_argument("--json", action="store_true", help="print JSON instead of text")
    return parser


def _viewer_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Open the viewer. Sub-commands: "
        + ", ".join(COMMANDS)
        + " (see 'hoview COMMAND --help').",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="files or folders to open (none: the start screen)"
    )
    desktop = parser.add_mutually_exclusive_group()
    desktop.add_argument(
        "--install-desktop-entry",
        action="store_true",
        help="add hoview to your desktop's applications and open .dcm files with it (for you only)",
    )
    desktop.add_argument(
        "--uninstall-desktop-entry", action="store_true", help="take that away again"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``hoview`` with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or args_list[0] not in COMMANDS and args_list[0] not in ("-h", "--help"):
        args = _viewer_parser().parse_args(args_list)
        if args.install_desktop_entry or args.uninstall_desktop_entry:
            from hoview.desktop import run_desktop_entry

            return _run(lambda: run_desktop_entry(install=args.install_desktop_entry))
        return _run(lambda: _open_viewer(args.paths))
    parser = build_parser()
    args = parser.parse_args(args_list)
    if args.command in ("info", "render"):
        import_pydicom()  # without the optional packages these runs never use
    if args.command == "info":
        return _run(lambda: _info(args))
    if args.command == "doctor":
        return _run(lambda: _doctor(args))
    if args.command == "render":
        if args.window is not None:
            _check_window(parser, args.window)
        if args.pair and args.no_annotations:
            parser.error("--pair shows the film with and without annotations: drop one")
        return _run(lambda: _render(args))
    if args.command == "annotate":
        from hoview.cli_annotate import check_args
        from hoview.cli_annotate import run as run_annotate

        check_args(parser, args)
        return _run(lambda: run_annotate(args, emit, _warn))
    if args.command == "annotations":
        return _run(lambda: _annotations(args))
    if args.command in ("montage", "teach", "slides", "case"):
        from hoview.cli_exports import RUNNERS

        return _run(lambda: RUNNERS[args.command](args, _warn))
    if args.command in ("gsps", "sr", "kos", "import"):
        from hoview.cli_dicom import run

        if args.command == "gsps" and args.window is not None:
            _check_window(parser, args.window)
        return _run(lambda: run(args))
    if args.command in ("query", "push"):
        from hoview.cli_pacs import run as run_pacs

        return _run(lambda: run_pacs(args))
    parser.print_help()
    return 2


def _run(action) -> int:  # noqa: ANN001 - a zero-argument callable returning an int
    try:
        return int(action() or 0)
    except HoviewError as exc:
        emit(f"{PROG}: error: {exc}", sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (``hoview info ... | head``): stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _check_window(parser: argparse.ArgumentParser, values: list[float]) -> None:
    from hoview.display.attributes import Window

    try:
        Window(values[0], values[1])
    except ValueError as exc:
        parser.error(f"--window: {exc}")


def _info(args: argparse.Namespace) -> int:
    from hoview.cli_pacs import local_path
    from hoview.describe import describe_path, format_description

    description = describe_path(
        local_path(args.path), identifiers=args.show_identifiers, progress=_progress()
    )
    if args.json:
        emit_json(description)
    else:
        emit(format_description(description))
    return 0


def emit_json(data: object) -> None:
    """Print ``data`` as JSON, control characters escaped (the output stays valid JSON)."""
    print(escape_json(json.dumps(data, indent=2, ensure_ascii=False)))


def _warn(message: str) -> None:
    emit(f"{PROG}: warning: {message}", sys.stderr)


def _render(args: argparse.Namespace) -> int:
    from hoview.cli_pacs import local_path
    from hoview.render.commands import render_to_file

    render_to_file(
        local_path(args.path),
        Path(args.output),
        frame=args.frame,
        window=tuple(args.window) if args.window else None,
        scale=args.scale,
        annotations=not args.no_annotations,
        progress=_progress(),
        layers=args.layer,
        pair=args.pair,
        strip_labels=args.strip_labels,
        warn=_warn,
        orientation_markers=args.orientation_markers,
    )
    return 0


def _annotations(args: argparse.Namespace) -> int:
    from hoview.annotations import load, load_sidecar, locate
    from hoview.annotations.commands import document_summary, format_summary
    from hoview.annotations.sidecar import SUFFIX
    from hoview.sources.opening import open_image

    path = Path(args.path)
    if path.name.endswith(SUFFIX):
        document, sidecar, spacing = load_sidecar(path), path, None
    else:
        image = open_image(path)
        sidecar = locate(path, image.identity)
        document, spacing = load(path, image.identity), image.spacing
    summary = document_summary(
        document,
        spacing,
        spacing.source if spacing else None,
        spacing.calibration_type if spacing else "",
    )
    if args.json:
        emit_json({"sidecar": str(sidecar) if sidecar else None, **summary})
    else:
        emit(format_summary(summary, sidecar))
    return 0


def _progress():  # noqa: ANN202 - returns a callback or None
    """Show ``reading files 120/1000`` on a terminal; nothing when stderr is a pipe."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        if total >= 20:
            end = "\n" if done >= total else ""
            print(f"\rreading files {done}/{total}", end=end, file=sys.stderr, flush=True)

    return show


def _doctor(args: argparse.Namespace) -> int:
    from hoview.doctor import format_report, report

    data = report()
    if args.json:
        emit_json(data)
    else:
        emit(format_report(data))
    return 0


def _open_viewer(paths: list[str]) -> int:
    from hoview.qt_preflight import check_platform

    platform = check_platform()  # before Qt, which would abort with many lines
    if not platform.ok:
        emit(f"{PROG}: error: {platform.problem}", sys.stderr)
        return 1
    from hoview.ui.app import run_viewer

    # As typed: the viewer retrieves a study reference itself, showing the first image
    # as soon as it arrives.
    return run_viewer(list(paths))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
