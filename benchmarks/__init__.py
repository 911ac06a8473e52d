"""Benchmarks: a generator that scales the package synthetically, and a runner that times validators on it."""
