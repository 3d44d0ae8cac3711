"""The methods compared, one module each; every one takes a ``BenchProblem`` and returns a plan (pair mask)."""
