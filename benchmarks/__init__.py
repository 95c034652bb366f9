"""iamlab benchmarks: `make bench` (or `python -m benchmarks`) prints every figure."""
