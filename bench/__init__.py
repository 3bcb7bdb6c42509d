"""Benchmarks: each prints its figures on its last line. Not tests: nothing here asserts."""
