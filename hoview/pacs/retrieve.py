"""WADO-RS retrieval of a study, series or instance into the cache (:mod:`hoview.pacs.cache`).

A few requests run in parallel; each instance arrives in the transfer syntax the server
holds it in and is written whole or not at all, so a retrieve that failed half-way is
resumed by running it again (what is cached is not fetched twice). ``on_instance`` is
called for each instance as soon as it is cached, so a viewer can show the first image
before the study finishes: with ``on_instance``, one instance (QIDO-RS ``limit=1``) is
fetched while the server lists the others, since listing a large study takes a server
longer than sending one instance (Orthanc: ~0.4 s for 500 instances, ~5 ms for one).

Instances are asked for without HTTP compression (``Accept-Encoding: identity``): they
come as the server holds them (``transfer-syntax=*``), so compressed ones arrive
compressed; deflating an uncompressed slice again per request cost Orthanc ~60 ms of CPU
for a 512 x 512 CT slice, 15 times what sending it takes on a LAN (benchmark B7).
"""

from __future__ import annotations

import queue
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from hoview.errors import HoviewError
from hoview.pacs.cache import InstanceCache
from hoview.pacs.client import PacsClient, PacsError, any_transfer_syntax
from hoview.pacs.servers import Reference, Server

__all__ = [
    "PARALLEL_REQUESTS",
    "STREAM_MIN_INSTANCES",
    "RetrieveCancelled",
    "retrieve_reference",
    "retrieve_study",
]

#: How many WADO-RS requests run at once.
PARALLEL_REQUESTS = 4
#: A series with at least this many instances missing, and at least half of it, comes
#: in one streamed request; smaller ones come one instance per request, in parallel.
STREAM_MIN_INSTANCES = 64
#: QIDO-RS instance-level return keys: Series and SOP Instance UID, Instance Number.
_FIELDS = ("0020000E", "00080018", "00200013")
#: Request headers of WADO-RS retrieves (see the module docstring).
_NO_HTTP_COMPRESSION = {"Accept-Encoding": "identity"}


class RetrieveCancelled(HoviewError):
    """The retrieve was cancelled; what was cached so far stays cached."""


def _value(item: dict, tag: str) -> Any:
    values = item.get(tag, {}).get("Value") or [None]
    return values[0]


def _bulk_client(server: Server) -> PacsClient:
    """Return a client for WADO-RS retrieves: no HTTP compression on top of the instances."""
    client = PacsClient(server)
    # dicomweb-client keeps its requests session private; its headers are the way in.
    client.web._session.headers.update(_NO_HTTP_COMPRESSION)  # noqa: SLF001
    return client


def _fetch_early(
    server: Server, study: str, series: str | None, cache: InstanceCache
) -> Path | None:
    """Fetch one instance of the study (QIDO-RS ``limit=1``); ``None`` if that fails.

    The regular pass fetches it again and reports the failure, if there is one.
    """
    client = _bulk_client(server)
    try:
        items = client.call(
            client.web.search_for_instances,
            study_instance_uid=study,
            series_instance_uid=series,
            fields=list(_FIELDS),
            limit=1,
        )
        for item in items:
            series_uid, sop_uid = _value(item, "0020000E"), _value(item, "00080018")
            if series_uid and sop_uid:
                path = cache.instance_path(study, str(series_uid), str(sop_uid))
                if path.is_file():
                    return path
                return cache.write(client.retrieve_instance(study, series_uid, sop_uid), path)
    except PacsError:
        return None
    return None


def _instances(
    client: PacsClient, study: str, series: str | None, instance: str | None
) -> list[tuple[str, str]]:
    """Return ``(series, sop)`` of the instances to fetch, in series and instance order."""
    items = client.search_instances(study, series, _FIELDS)
    found = []
    for item in items:
        series_uid, sop_uid = _value(item, "0020000E"), _value(item, "00080018")
        if not series_uid or not sop_uid:
            continue
        if series is not None and series_uid != series:
            continue
        if instance is not None and sop_uid != instance:
            continue
        number = _value(item, "00200013")
        try:
            order = int(number) if number is not None else 0
        except (TypeError, ValueError):
            order = 0
        found.append((str(series_uid), order, str(sop_uid)))
    if not found:
        what = "instance" if instance else "series" if series else "study"
        raise HoviewError(None, f"{client.server.label}: {what} not found")
    found = sorted(set(found))  # an instance listed twice is fetched once
    return [(series_uid, sop_uid) for series_uid, _order, sop_uid in found]


def retrieve_study(
    server: Server,
    study_uid: str,
    *,
    series_uid: str | None = None,
    instance_uid: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    on_instance: Callable[[Path], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> list[Path]:
    """Retrieve a study (or one series, or one instance) into the DICOMweb cache.

    Parameters
    ----------
    server : Server
        The DICOMweb server.
    study_uid : str
        Study Instance UID.
    series_uid, instance_uid : str, optional
        Only this series, or only this instance of it.
    progress : callable, optional
        ``progress(done, total)`` after each instance (already cached ones count).
    on_instance : callable, optional
        ``on_instance(path)`` for each instance as soon as it is whole in the cache.
    cancel : callable, optional
        Polled between instances; when it returns ``True`` no more are fetched and
        :class:`RetrieveCancelled` is raised.

    Returns
    -------
    list of pathlib.Path
        The cached files, in series and instance order. Callbacks run in the calling
        thread.

    Raises
    ------
    HoviewError
        If the study, series or instance is not on the server, or the server fails
        (:class:`~hoview.pacs.client.PacsError`); what was cached stays cached.
    """
    cache = InstanceCache()
    client = PacsClient(server)
    cache.hold(study_uid)
    try:
        cache.remove_parts(study_uid)
        shown: set[Path] = set()
        first = None
        if on_instance is not None and instance_uid is None:
            # Alone, so that the server's listing does not slow it down.
            first = _fetch_early(server, study_uid, series_uid, cache)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="qido") as pool:
            listing = pool.submit(_instances, client, study_uid, series_uid, instance_uid)
            if on_instance is not None and first is not None:
                shown.add(first)
                on_instance(first)
            wanted = listing.result()
        paths = [cache.instance_path(study_uid, series, sop) for series, sop in wanted]
        total = len(paths)
        cache.touch(study_uid)
        done = 0
        missing = []
        for (series, sop), path in zip(wanted, paths, strict=True):
            if path.is_file():
                done += 1
                if on_instance is not None and path not in shown:
                    on_instance(path)
                if progress is not None:
                    progress(done, total)
            else:
                missing.append((series, sop, path))
        if missing:
            sizes = Counter(series for series, _sop in wanted)
            _fetch(
                server, study_uid, missing, cache, total, done, progress, on_instance, cancel, sizes
            )
        cache.touch(study_uid)
    finally:
        cache.release(study_uid)
    cache.evict(keep=[study_uid])
    return paths


def _fetch(
    server: Server,
    study: str,
    missing: list[tuple[str, str, Path]],
    cache: InstanceCache,
    total: int,
    done: int,
    progress: Callable[[int, int], None] | None,
    on_instance: Callable[[Path], None] | None,
    cancel: Callable[[], bool] | None,
    series_sizes: Counter[str],
) -> None:
    """Fetch ``missing`` with a few parallel requests; report each instance in this thread.

    A large series of which at least half is missing (:data:`STREAM_MIN_INSTANCES`)
    comes in one streamed WADO-RS series request (multipart, instance by instance): one
    request per instance cost Orthanc and the client several times the work of one
    stream (benchmark B7-study). The rest, and whatever a stream did not bring, come one
    instance per request. The workers wait for this thread (a short queue), so they are
    never far ahead of the callbacks, and stop between instances once the retrieve is
    cancelled or has failed.
    """
    local = threading.local()
    stop = threading.Event()
    arrived: queue.Queue[Path] = queue.Queue(maxsize=PARALLEL_REQUESTS)

    def bulk() -> PacsClient:
        if getattr(local, "client", None) is None:
            local.client = _bulk_client(server)
        return local.client

    def deliver(path: Path) -> None:
        while not stop.is_set():  # once stopped, the file just stays cached
            try:
                arrived.put(path, timeout=0.1)
                return
            except queue.Full:
                continue

    def fetch_one(series: str, sop: str, path: Path) -> None:
        if not stop.is_set():
            deliver(cache.write(bulk().retrieve_instance(study, series, sop), path))

    def fetch_series(series: str, wanted: dict[str, Path]) -> None:
        client = bulk()

        def stream() -> None:
            # A part is whole once the next one has begun. dicomweb-client hands out
            # what is left of a cut-off stream as a last part, so the last part is never
            # trusted: it is fetched again with a request of its own (a few ms).
            parts = client.web.iter_series(study, series, media_types=any_transfer_syntax)
            held = None
            for ds in parts:
                if stop.is_set():
                    return
                if held is not None:
                    write(held)
                held = ds

        def write(ds: Any) -> None:
            path = wanted.pop(str(ds.SOPInstanceUID), None)
            if path is not None:
                deliver(cache.write(ds, path))

        client.call(stream, not_found="series not found")
        for sop, path in list(wanted.items()):  # the last part; listed but not streamed
            fetch_one(series, sop, path)

    by_series: dict[str, dict[str, Path]] = {}
    for series, sop, target in missing:
        by_series.setdefault(series, {})[sop] = target
    with ThreadPoolExecutor(max_workers=PARALLEL_REQUESTS, thread_name_prefix="wado") as pool:
        jobs: list[Future[None]] = []
        for series, items in by_series.items():
            if len(items) >= STREAM_MIN_INSTANCES and 2 * len(items) >= series_sizes[series]:
                jobs.append(pool.submit(fetch_series, series, items))
            else:
                jobs.extend(pool.submit(fetch_one, series, sop, p) for sop, p in items.items())
        try:
            while done < total:
                if cancel is not None and cancel():
                    break
                try:
                    path: Path | None = arrived.get(timeout=0.05)
                except queue.Empty:
                    path = None
                if path is None:
                    failed = next((j for j in jobs if j.done() and j.exception()), None)
                    if failed is not None:
                        failed.result()  # raises the worker's error here
                    if all(j.done() for j in jobs) and arrived.empty():
                        break
                    continue
                done += 1
                if on_instance is not None:
                    on_instance(path)
                if progress is not None:
                    progress(done, total)
        finally:
            stop.set()
            for job in jobs:
                job.cancel()
    if done < total:
        raise RetrieveCancelled(None, f"{server.label}: retrieve cancelled ({done} of {total})")


def retrieve_reference(
    reference: Reference, progress: Callable[[int, int], None] | None = None
) -> Path:
    """Retrieve what ``reference`` names; return the cached file or folder to open.

    The instance's file, the series' folder, or the study's folder.
    """
    paths = retrieve_study(
        reference.server,
        reference.study,
        series_uid=reference.series,
        instance_uid=reference.instance,
        progress=progress,
    )
    if reference.instance is not None:
        return paths[0]
    if reference.series is not None:
        return paths[0].parent
    return InstanceCache().study_folder(reference.study)
