"""The benchmark command runs: ``python -m benchmarks --quick`` exits 0 and prints every table
and the targets. No timing is asserted: the numbers depend on the machine and its load."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# nbclient and Jupyter warn about their own deprecations in the notebook section's subprocess
pytestmark = pytest.mark.filterwarnings("ignore")


def benchmarks(*args, timeout=300):
    result = subprocess.run([sys.executable, "-m", "benchmarks", *args], cwd=ROOT,
                            capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stderr, result.stderr  # numpy stays quiet, as in the tests
    return result.stdout


def test_quick_run_prints_every_table_and_the_targets():
    out = benchmarks("--quick")
    for heading in ("== cells:", "== charlm:", "== course:", "== grading:", "== targets"):
        assert heading in out
    for column in ("fused ms", "GFLOP/s", "of matmul", "per-gate ms", "torch ms",  # cells
                   "chars/s", "loss at end",  # charlm
                   "median s",  # course
                   "per submission", "ratio (nbgrader / trusted)"):  # grading
        assert column in out
    assert re.search(r"^machine .* cores", out, re.M)
    assert re.search(r"^threads .*OPENBLAS_NUM_THREADS=1", out, re.M)
    assert re.search(r"^load ", out, re.M)
    for row in ("rnn", "gru", "lstm"):
        assert re.search(rf"^\s*{row}\s+float64\s+25\s+16\s+27\s+64\s", out, re.M)
    targets = out.split("== targets")[1]
    verdicts = re.findall(r"^(PASS|MISS|NOT MEASURED)", targets, re.M)
    assert len(verdicts) >= 4, targets  # cells, charlm, one notebook, the series


def test_without_torch_its_columns_are_skipped_with_a_message():
    out = benchmarks("--quick", "--only", "cells", "--no-torch")
    assert "PyTorch columns skipped" in out
    assert "== charlm:" not in out and "== course:" not in out
    assert "NOT MEASURED" in out.split("== targets")[1]
