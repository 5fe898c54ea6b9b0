"""Benchmarks of Estampille: ``python -m benchmarks.run [--only GROUP]`` (see BENCH.md)."""
