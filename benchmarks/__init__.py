"""Benchmarks (never in production, not in CI): ``make bench`` times the main pages and jobs one at a time
(``benchmarks/__main__.py``); ``make loadtest`` measures the app under load, as it runs (``benchmarks/load.py``,
the wrk scripts of ``benchmarks/wrk``, and the ceiling view its settings add). Figures go to docs/benchmarks.md."""
