# Benchmarks are run by hand (python tests/perf/bench_scoring.py), never collected by pytest.
collect_ignore_glob = ["*.py"]
