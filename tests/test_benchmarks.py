"""Every benchmark in benchmarks/ still runs (tiny sizes, one repeat, nothing timed).

A benchmark is run by hand to measure speed; here it is only run at a tiny size
(``PPAIP_BENCH_SMOKE=1``) so that a change of the library cannot break it unseen.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = sorted((ROOT / "benchmarks").glob("bench_*.py"))


def test_there_are_benchmarks_to_run():
    assert len(BENCHMARKS) >= 5


@pytest.mark.parametrize("script", BENCHMARKS, ids=lambda p: p.stem)
def test_benchmark_runs_at_a_tiny_size(script: Path):
    if script.stem == "bench_durable" and importlib.util.find_spec("durable") is None:
        pytest.skip("durable_rules absent (the durable extra, CPython < 3.13)")
    env = {**os.environ, "PPAIP_BENCH_SMOKE": "1", "TZ": "Europe/Paris",
           "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH"))
                                         if p)}
    done = subprocess.run([sys.executable, str(script)], cwd=script.parent, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip(), "a benchmark prints its figures"
