"""Benchmarks: this project's optimizer side by side with greedy, stable matching and an exact MILP.

``python -m bench`` generates the instances, runs every method on the same
eligible pairs and integer scores, and writes ``docs/benchmarks.md``.
"""
