"""The PACS sub-commands of ``hoview``: ``query`` and ``push``, and study references.

Parse, call the core (:mod:`hoview.pacs`), print. :func:`local_path` turns a study,
series or instance reference (``NAME:UID`` or a DICOMweb URL) into the cached file or
folder, so ``info``, ``render`` and the viewer work on it as on files.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from hoview.terminal import emit, escape_json

#: The sub-commands this module adds.
COMMANDS = ("query", "push")


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Add the ``query`` and ``push`` parsers to ``sub``."""
    query = sub.add_parser("query", help="list the studies on a DICOMweb server (QIDO-RS)")
    query.add_argument("server", metavar="SERVER", help="a name in servers.toml or a URL")
    query.add_argument("--patient-id", metavar="ID")
    query.add_argument("--patient-name", metavar="NAME", help="* and ? are wildcards")
    query.add_argument("--accession", metavar="A")
    query.add_argument("--modality", metavar="M", help="e.g. DX, CR, CT")
    query.add_argument("--study-date", metavar="YYYYMMDD-YYYYMMDD", help="a date or a range")
    query.add_argument("--json", action="store_true", help="print JSON instead of text")
    query.add_argument(
        "--show-identifiers",
        action="store_true",
        help="also print patient name, ID and accession number (hidden by default)",
    )

    push = sub.add_parser(
        "push", help="store an image's annotations to a DICOMweb server (STOW-RS)"
    )
    push.add_argument(
        "path", metavar="PATH", help="a DICOM image, or a study/series/instance reference"
    )
    push.add_argument("--to", required=True, metavar="SERVER", help="a name or a URL")
    push.add_argument("--gsps", action="store_true", help="the presentation state (arrows)")
    push.add_argument("--sr", action="store_true", help="the structured report (findings)")


def _progress() -> Callable[[int, int], None] | None:
    """Show ``retrieving 3/12`` on a terminal; nothing when stderr is a pipe."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        print(f"\rretrieving {done}/{total}", end=end, file=sys.stderr, flush=True)

    return show


def local_path(text: str) -> Path:
    """Return ``text`` as a path; a study, series or instance reference is retrieved first.

    Raises
    ------
    HoviewError
        If the reference's server is unknown or fails.
    """
    if os.path.lexists(text):  # a file or folder is always a path: no PACS code loaded
        return Path(text)
    from hoview.pacs.servers import parse_reference

    reference = parse_reference(text)
    if reference is None:
        return Path(text)
    from hoview.pacs.retrieve import retrieve_reference

    return retrieve_reference(reference, _progress())


def _image_files(path: Path) -> list[Path]:
    """Return the images under ``path`` (itself if a file) that have a sidecar."""
    if path.is_file():
        return [path]
    from hoview.annotations import locate
    from hoview.sources.opening import open_image

    found = []
    for file in sorted(p for p in path.rglob("*.dcm") if p.is_file()):
        try:
            if locate(file, open_image(file).identity) is not None:
                found.append(file)
        except Exception:  # noqa: BLE001,S112 - not an image: nothing to push
            continue
    return found


def run(args: argparse.Namespace) -> int:
    """Run the parsed sub-command ``args.command``; return the exit status."""
    from hoview.errors import HoviewError
    from hoview.pacs.servers import resolve_server

    if args.command == "query":
        from hoview.pacs.query import format_studies, search_studies

        server = resolve_server(args.server)
        studies = search_studies(
            server,
            patient_id=args.patient_id,
            patient_name=args.patient_name,
            accession=args.accession,
            modality=args.modality,
            study_date=args.study_date,
        )
        if args.json:
            data = [s.to_json(args.show_identifiers) for s in studies]
            print(escape_json(json.dumps(data, indent=2, ensure_ascii=False)))
        else:
            emit(format_studies(server, studies, args.show_identifiers))
        return 0
    from hoview.pacs.push import push

    server = resolve_server(args.to)
    both = not args.gsps and not args.sr
    files = _image_files(local_path(args.path))
    if not files:
        raise HoviewError(args.path, "no annotated image to push")
    for file in files:
        emit(push(file, server, gsps=both or args.gsps, sr=both or args.sr))
    return 0
