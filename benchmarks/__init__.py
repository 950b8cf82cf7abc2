"""Benchmarks of the main pages and jobs (``make bench``); figures are written to docs/benchmarks.md."""
