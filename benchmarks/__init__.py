"""The benchmark program behind `make bench`: `python -m benchmarks --help`."""
