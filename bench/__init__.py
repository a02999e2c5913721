"""Benchmarks of ProviderDesk, run as `python -m bench SUBCOMMAND` (see bench/__main__.py)."""
