"""Benchmarks (not tests): each script measures against a baseline in the same run."""
