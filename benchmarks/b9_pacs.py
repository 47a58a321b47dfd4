"""B9: a 500-instance CT study on a local Orthanc -- first image, whole study, peak memory.

The run starts its own Orthanc (:mod:`benchmarks.orthanc`, Debian's package, free
loopback ports, storage in a temporary folder) and stores the generated studies
(:func:`benchmarks.data.pacs_study`: 512 x 512, 16 bits, uncompressed) with ``POST
/instances`` once. Every hoview run retrieves into a fresh, empty cache folder; the
baseline is dicomweb-client on its own, with a new client (and connection) per run as
hoview makes, the turns interleaved.

- B9-first: hoview's ``retrieve_study`` until ``on_instance`` fires for the first
  instance and that file is opened (``open_image``) and its frame decoded, as the
  viewer shows it; baseline: one WADO-RS ``retrieve_instance`` of the first instance.
  dicomweb-client's requests session accepts gzip, so Orthanc deflates the instance
  for it; hoview asks without (``Accept-Encoding: identity``): B9-first-identity
  reports the ratio against the baseline asking as hoview does.
- B9-study: the whole study through ``retrieve_study``; baseline: dicomweb-client's
  ``retrieve_study`` (one multipart request), each instance then written to a file.
- B9-memory: peak RSS (VmHWM) of a fresh process retrieving the big study against one
  retrieving a small one (``python -m benchmarks.b9_pacs memory URL STUDY CACHE``).
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks import data
from benchmarks.orthanc import Orthanc
from benchmarks.timing import REPO, Row, mb, ms, peak_rss_kib

_ENV = ("HOVIEW_CACHE_DIR", "HOVIEW_CONFIG_DIR", "HOVIEW_DATA_DIR", "HOVIEW_CACHE_LIMIT_MB")


class _Stop(Exception):
    """Raised from ``on_instance`` once the first image is shown: the run is over."""


def _turns(
    runs: dict[str, Callable[[], float]], repeats: int, before: Callable[[], object]
) -> dict[str, float]:
    """Run each contender ``repeats`` times, taking turns; each returns its own seconds."""
    samples: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            before()
            gc.collect()
            samples[name].append(run())
    return {name: statistics.median(values) for name, values in samples.items()}


def _study_uid(files: list[Path]) -> str:
    import pydicom

    return str(pydicom.dcmread(files[0], stop_before_pixels=True).StudyInstanceUID)


def _first_instance(files: list[Path]) -> tuple[str, str]:
    """Series and SOP Instance UID of the instance numbered lowest (the one shown first)."""
    import pydicom

    headers = [pydicom.dcmread(f, stop_before_pixels=True) for f in files]
    first = min(headers, key=lambda ds: int(ds.InstanceNumber))
    return str(first.SeriesInstanceUID), str(first.SOPInstanceUID)


def _hoview_env(folder: Path) -> dict[str, str]:
    """hoview's folders in ``folder``: an empty config, a cache that holds everything."""
    for name in ("config", "data"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    return {
        "HOVIEW_CONFIG_DIR": str(folder / "config"),
        "HOVIEW_DATA_DIR": str(folder / "data"),
        "HOVIEW_CACHE_DIR": str(folder / "cache"),
        "HOVIEW_CACHE_LIMIT_MB": "100000",
    }


def retrieve_first(url: str, study: str) -> float:
    """Seconds from ``retrieve_study`` to the first instance cached, opened and decoded."""
    from hoview.pacs.retrieve import retrieve_study
    from hoview.pacs.servers import Server
    from hoview.sources.opening import open_image

    start = time.perf_counter()
    shown: list[float] = []

    def on_instance(path: Path) -> None:
        open_image(path).pixels(1)
        shown.append(time.perf_counter() - start)
        raise _Stop

    try:
        retrieve_study(Server(name="", url=url), study, on_instance=on_instance)
    except _Stop:
        pass
    return shown[0]


def retrieve_all(url: str, study: str) -> int:
    """Retrieve the whole study into the cache; return the number of instances."""
    from hoview.pacs.retrieve import retrieve_study
    from hoview.pacs.servers import Server

    return len(retrieve_study(Server(name="", url=url), study))


def _baseline_first(url: str, study: str, series: str, sop: str, gzip: bool = True) -> float:
    """One WADO-RS instance; ``gzip=False`` asks the server not to deflate it (as hoview)."""
    from dicomweb_client import DICOMwebClient

    headers = None if gzip else {"Accept-Encoding": "identity"}
    start = time.perf_counter()
    DICOMwebClient(url, headers=headers).retrieve_instance(study, series, sop)
    return time.perf_counter() - start


def _baseline_study(url: str, study: str, folder: Path) -> float:
    from dicomweb_client import DICOMwebClient

    start = time.perf_counter()
    folder.mkdir(parents=True, exist_ok=True)
    for ds in DICOMwebClient(url).retrieve_study(study):
        ds.save_as(folder / f"{ds.SOPInstanceUID}.dcm", enforce_file_format=True)
    return time.perf_counter() - start


def _memory_child(url: str, study: str, folder: Path) -> dict:
    env = dict(os.environ)
    env.update(_hoview_env(folder))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.b9_pacs", "memory", url, study],
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
        cwd=REPO,
    )
    shutil.rmtree(folder, ignore_errors=True)
    if done.returncode != 0:
        raise RuntimeError(f"child memory failed: {done.stderr.strip()[-800:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def rows(sizes: data.Sizes) -> list[Row]:
    big = data.pacs_study(sizes.pacs_instances, sizes.ct_side)
    small = data.pacs_study(sizes.pacs_small, sizes.ct_side)
    saved = {name: os.environ.get(name) for name in _ENV}
    with tempfile.TemporaryDirectory(prefix="hoview-b7-") as tmp:
        root = Path(tmp)
        (root / "orthanc").mkdir()
        server = Orthanc(root / "orthanc")
        server.start()
        try:
            server.post_files([*big, *small])
            os.environ.update(_hoview_env(root / "hoview"))
            return _measure(sizes, server.url, big, small, root)
        finally:
            server.stop()
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def _measure(
    sizes: data.Sizes, url: str, big: list[Path], small: list[Path], root: Path
) -> list[Row]:
    study, n = _study_uid(big), len(big)
    series, sop = _first_instance(big)
    cache, out = root / "hoview" / "cache", root / "baseline"

    def fresh() -> None:
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)

    first = _turns(
        {
            "baseline": lambda: _baseline_first(url, study, series, sop),
            "hoview": lambda: retrieve_first(url, study),
            "identity": lambda: _baseline_first(url, study, series, sop, gzip=False),
        },
        sizes.repeats,
        fresh,
    )

    def hoview_all() -> float:
        start = time.perf_counter()
        if retrieve_all(url, study) != n:
            raise RuntimeError("retrieve_study returned the wrong number of instances")
        return time.perf_counter() - start

    whole = _turns(
        {"baseline": lambda: _baseline_study(url, study, out), "hoview": hoview_all},
        sizes.repeats,
        fresh,
    )
    fresh()
    small_study = _study_uid(small)
    peaks: dict[str, list[int]] = {"big": [], "small": []}
    for i in range(sizes.child_repeats):
        peaks["small"].append(_memory_child(url, small_study, root / f"m{i}s")["peak_kib"])
        peaks["big"].append(_memory_child(url, study, root / f"m{i}b")["peak_kib"])
    peak_big, peak_small = statistics.median(peaks["big"]), statistics.median(peaks["small"])

    what = f"{n}-instance {sizes.ct_side}x{sizes.ct_side} CT study on a local Orthanc"
    return [
        Row(
            "B9-first",
            f"{what}: retrieve -> first instance cached, opened, decoded; "
            "baseline: one WADO-RS instance (dicomweb-client)",
            ms(first["hoview"]),
            ms(first["baseline"]),
            first["hoview"] / first["baseline"],
            "<= 1.5x",
            first["hoview"] / first["baseline"] <= 1.5,
        ),
        Row(
            "B9-first-identity",
            "the same; baseline: that instance asked for without HTTP compression, "
            "as hoview asks (Accept-Encoding: identity)",
            ms(first["hoview"]),
            ms(first["identity"]),
            first["hoview"] / first["identity"],
            "report",
            None,
        ),
        Row(
            "B9-study",
            f"{what}: whole study into a fresh cache; baseline: dicomweb-client "
            "retrieve_study + each written to a file",
            ms(whole["hoview"]),
            ms(whole["baseline"]),
            whole["hoview"] / whole["baseline"],
            "<= 1.2x",
            whole["hoview"] / whole["baseline"] <= 1.2,
        ),
        Row(
            "B9-memory",
            f"peak RSS of a process retrieving the {n}-instance study vs the "
            f"{len(small)}-instance one",
            mb(peak_big),
            mb(peak_small),
            peak_big / peak_small,
            "<= 1.2x",
            peak_big / peak_small <= 1.2,
        ),
    ]


def _memory(url: str, study: str) -> dict:
    start = time.perf_counter()
    count = retrieve_all(url, study)
    return {
        "seconds": time.perf_counter() - start,
        "instances": count,
        "peak_kib": peak_rss_kib(),
    }


if __name__ == "__main__":
    if sys.argv[1:2] != ["memory"] or len(sys.argv) != 4:
        sys.exit("usage: python -m benchmarks.b9_pacs memory URL STUDY_UID")
    print(json.dumps(_memory(sys.argv[2], sys.argv[3])), flush=True)
