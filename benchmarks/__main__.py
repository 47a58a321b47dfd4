"""Run the benchmarks: ``python -m benchmarks`` (all rows), ``--quick``, ``--smoke``."""

from benchmarks.harness import main

raise SystemExit(main())
