"""hoview's performance harness: ratios against baselines timed in the same run.

``python -m benchmarks`` prints one table row per figure of the performance issue
(B1-B6); ``--quick`` runs fewer repeats, ``--smoke`` tiny data once (for a test).
"""
