"""Fuzz ``hoview info`` and ``hoview render`` with mutated files; count what goes wrong.

Run::

    python -m benchmarks.fuzz                      # 20,000 inputs, in worker processes
    python -m benchmarks.fuzz -n 3000 --jobs 1     # fewer, on one core
    python -m benchmarks.fuzz --only 1234          # rebuild and check one input
    python -m benchmarks.fuzz -n 50 --cli          # through the real ``hoview`` command

Each input is rebuilt from the run seed and its index (see
:mod:`benchmarks.fuzz_mutations`), so any failure printed here is reproduced with
``--seed S --only I`` (``--keep DIR`` writes the input to a file). Workers call, in
process, what the command calls: open the path, describe it (text and JSON), render
the first frame of the first series to an array. A worker runs under an address-space
cap (``RLIMIT_AS``, default 4 GB); an input that takes longer than the timeout
(default 10 s) is a hang and its worker is replaced.

Outcomes: ``ok`` (it worked), ``refused`` (a HoviewError: the one-line message),
``traceback`` (any other exception), ``hang``, ``memory`` (MemoryError under the cap)
and ``died`` (the worker process ended: a crash or the kernel's OOM killer).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import select
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.fuzz_mutations import Case, make_case, seed_files

FAILURES = ("traceback", "hang", "memory", "died")


class _OverTime(BaseException):
    """Raised in a worker by SIGALRM when one input takes too long."""


@dataclass
class Summary:
    """What a fuzz run found.

    Parameters
    ----------
    counts : collections.Counter
        Inputs per outcome.
    failures : list of dict
        One per failing input: index, seed file, mutation, outcome, detail.
    seconds : float
        Wall time of the run.
    """

    counts: Counter = field(default_factory=Counter)
    failures: list[dict] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> int:
        """Inputs with a traceback, a hang, a memory overrun or a dead worker."""
        return sum(self.counts[k] for k in FAILURES)


def check_path(path: Path) -> tuple[str, str]:
    """Do what ``hoview info`` and ``hoview render`` do with ``path``, in this process.

    Returns
    -------
    tuple of str
        The outcome (``ok``, ``refused``, ``traceback``, ``memory``) and a detail:
        the error line or the traceback's last lines.
    """
    from hoview.describe import describe_path, format_description
    from hoview.errors import HoviewError
    from hoview.render.export import pick_frame, render_frame

    try:
        description = describe_path(path)
        json.dumps(description, ensure_ascii=False)
        format_description(description)
        render_frame(pick_frame(path, 1))
    except HoviewError as exc:
        return "refused", str(exc)
    except MemoryError:
        return "memory", _where()
    except _OverTime:
        return "hang", _where()
    except Exception:  # noqa: BLE001 - this is what the fuzz run is looking for
        return "traceback", _where()
    return "ok", ""


def _where() -> str:
    lines = traceback.format_exc().strip().splitlines()
    return " | ".join(line.strip() for line in lines[-7:])


def _place(case: Case, folder: Path) -> Path:
    """Write the case's bytes where it is opened from; return the path to open."""
    for old in folder.iterdir():
        if old.is_dir():
            for inner in old.iterdir():
                inner.unlink()
            old.rmdir()
        else:
            old.unlink()
    name = "input" + (case.seed_file.suffix if case.seed_file.suffix else ".dcm")
    if case.in_folder:
        inner = folder / "scan"
        inner.mkdir()
        (inner / name).write_bytes(case.data)
        return inner
    path = folder / name
    path.write_bytes(case.data)
    return path


def worker(run_seed: int, timeout: float) -> None:
    """Read input indices on stdin, write one JSON result per line on stdout."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    work = Path(tempfile.mkdtemp(prefix="hoview-fuzz-"))
    os.environ["XDG_DATA_HOME"] = str(work / "data")  # no real fallback sidecars
    seeds = seed_files(work / "raster-seeds")
    inputs = work / "input"
    inputs.mkdir()

    def over_time(signum: int, frame: object) -> None:
        raise _OverTime()

    signal.signal(signal.SIGALRM, over_time)
    out = sys.stdout
    sys.stdout = sys.stderr  # nothing the code under test prints breaks the protocol
    for line in sys.stdin:
        index = int(line)
        case = make_case(run_seed, index, seeds)
        path = _place(case, inputs)
        start = time.monotonic()
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            outcome, detail = check_path(path)
        except _OverTime:
            outcome, detail = "hang", _where()
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        if time.monotonic() - start > timeout:
            outcome = "hang"
        result = {"index": index, "outcome": outcome, "detail": detail[:2000]}
        result.update(seed_file=case.seed_file.name, mutation=case.mutation)
        out.write(json.dumps(result) + "\n")
        out.flush()


class _Worker:
    """A worker process under an address-space cap."""

    def __init__(self, run_seed: int, timeout: float, memory_bytes: int) -> None:
        def limit() -> None:
            os.nice(5)
            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))

        command = [sys.executable, "-m", "benchmarks.fuzz", "--worker", "--seed", str(run_seed)]
        command += ["--timeout", str(timeout)]
        self.process = subprocess.Popen(
            command,
            cwd=Path(__file__).resolve().parent.parent,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            preexec_fn=limit,  # noqa: PLW1509 - no threads in the parent
        )
        self.index: int | None = None
        self.started = 0.0

    def send(self, index: int) -> None:
        self.index, self.started = index, time.monotonic()
        self.process.stdin.write(f"{index}\n")
        self.process.stdin.flush()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


def run(
    count: int,
    run_seed: int = 1,
    start: int = 0,
    timeout: float = 10.0,
    memory_gb: float = 4.0,
    jobs: int = 1,
    report=None,  # noqa: ANN001 - optional callable(done, summary)
) -> Summary:
    """Check inputs ``start .. start + count - 1`` of run ``run_seed`` in worker processes.

    Parameters
    ----------
    count, run_seed, start : int
        Which inputs.
    timeout : float
        Seconds one input may take (the worker's own alarm fires at this; the worker is
        killed 5 s later if it does not answer).
    memory_gb : float
        Address-space cap of each worker.
    jobs : int
        Worker processes.
    report : callable, optional
        ``report(done, summary)`` after each input.
    """
    summary = Summary()
    begin = time.monotonic()
    pending = list(range(start + count - 1, start - 1, -1))
    memory = int(memory_gb * 2**30)
    workers = [_Worker(run_seed, timeout, memory) for _ in range(max(jobs, 1))]
    done = 0

    def record(index: int, outcome: str, detail: str, extra: dict | None = None) -> None:
        nonlocal done
        done += 1
        summary.counts[outcome] += 1
        if outcome in FAILURES:
            failure = {"index": index, "outcome": outcome, "detail": detail}
            summary.failures.append({**failure, **(extra or {})})
        if report is not None:
            report(done, summary)

    try:
        for w in workers:
            if pending:
                w.send(pending.pop())
        while any(w.index is not None for w in workers):
            busy = [w for w in workers if w.index is not None]
            ready, _, _ = select.select([w.process.stdout for w in busy], [], [], 0.5)
            for w in busy:
                line = w.process.stdout.readline() if w.process.stdout in ready else None
                if line:
                    result = json.loads(line)
                    extra = {k: result[k] for k in ("seed_file", "mutation")}
                    record(result["index"], result["outcome"], result["detail"], extra)
                elif line == "" or time.monotonic() - w.started > timeout + 5:
                    died = w.process.poll() is not None or line == ""
                    w.stop()
                    outcome = "died" if died and line == "" else "hang"
                    record(w.index, outcome, f"worker exit status {w.process.returncode}")
                    workers[workers.index(w)] = w = _Worker(run_seed, timeout, memory)
                else:
                    continue
                w.index = None
                if pending:
                    w.send(pending.pop())
    finally:
        for w in workers:
            w.stop()
    summary.seconds = time.monotonic() - begin
    return summary


def run_cli(case: Case, folder: Path, timeout: float = 10.0) -> tuple[str, str]:
    """Run ``hoview info`` and ``hoview render`` on one case as real processes.

    Returns ``("ok" | "refused", "")`` when both end in 0 or in exit 1 with one line
    ``hoview: error: ...``; else ``("traceback" | "hang", what was printed)``.
    """
    path = _place(case, folder)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_DATA_HOME": str(folder / "data")}
    outcome = "ok"
    for args in (["info", str(path)], ["render", str(path), "-o", str(folder / "out.png")]):
        try:
            done = subprocess.run(
                [sys.executable, "-m", "hoview", *args],
                capture_output=True,
                text=True,
                timeout=timeout,
                env=env,
            )
        except subprocess.TimeoutExpired:
            return "hang", f"hoview {args[0]} ran over {timeout} s"
        lines = done.stderr.strip().splitlines()
        if done.returncode == 1 and len(lines) == 1 and lines[0].startswith("hoview: error: "):
            outcome = "refused"
        elif done.returncode != 0 or "Traceback" in done.stderr:
            return "traceback", f"hoview {args[0]} exit {done.returncode}: {done.stderr[-1500:]}"
    return outcome, ""


def main(argv: list[str] | None = None) -> int:
    """Run the fuzz campaign from the command line; exit 1 if anything failed."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fuzz", description=__doc__)
    parser.add_argument("-n", "--count", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start", type=int, default=0, help="first input index")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per input")
    parser.add_argument("--memory-gb", type=float, default=4.0, help="address-space cap")
    parser.add_argument("--jobs", type=int, default=max((os.cpu_count() or 2) - 1, 1))
    parser.add_argument("--only", type=int, help="check this one input, here, and explain")
    parser.add_argument("--keep", type=Path, help="with --only: write the input into DIR")
    parser.add_argument("--cli", action="store_true", help="through the hoview command")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.seed, args.timeout)
        return 0
    if args.only is not None:
        with tempfile.TemporaryDirectory() as tmp:
            seeds = seed_files(Path(tmp) / "seeds")
            case = make_case(args.seed, args.only, seeds)
            print(f"input {args.only}: {case.seed_file.name}: {case.mutation}")
            folder = args.keep or Path(tmp) / "input"
            folder.mkdir(parents=True, exist_ok=True)
            path = _place(case, folder)
            print(path, *check_path(path), sep="\n")
        return 0
    if args.cli:
        summary = Summary()
        with tempfile.TemporaryDirectory() as tmp:
            seeds = seed_files(Path(tmp) / "seeds")
            folder = Path(tmp) / "input"
            folder.mkdir()
            for index in range(args.start, args.start + args.count):
                case = make_case(args.seed, index, seeds)
                outcome, detail = run_cli(case, folder, args.timeout)
                summary.counts[outcome] += 1
                if outcome in FAILURES:
                    failure = {"index": index, "outcome": outcome, "detail": detail}
                    summary.failures.append({**failure, "mutation": case.mutation})
    else:

        def report(done: int, s: Summary) -> None:
            if done % 500 == 0:
                print(f"{done}/{args.count}: {dict(s.counts)}", file=sys.stderr, flush=True)

        summary = run(
            args.count, args.seed, args.start, args.timeout, args.memory_gb, args.jobs, report
        )
    for failure in summary.failures:
        print(json.dumps(failure))
    print(
        f"{sum(summary.counts.values())} inputs (seed {args.seed}) in {summary.seconds:.0f} s: "
        + ", ".join(f"{summary.counts[k]} {k}" for k in ("ok", "refused", *FAILURES))
    )
    return 1 if summary.failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
