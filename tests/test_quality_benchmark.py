"""benchmarks/quality.py end to end on two tiny ADBench-shaped files."""

import subprocess
import sys
from pathlib import Path

import numpy as np

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "quality.py"


def _quality(*args):
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=True
    ).stdout


def test_run_resumes_and_report_tabulates(tmp_path):
    rng = np.random.RandomState(0)
    for name in ("1_tiny", "2_other"):
        X = np.vstack([rng.normal(size=(95, 3)), rng.normal(6, 1, size=(5, 3))])
        np.savez(tmp_path / f"{name}.npz", X=X, y=np.r_[np.zeros(95), np.ones(5)])
    output = tmp_path / "rows.csv"
    args = ["--data", str(tmp_path), "--output", str(output)]

    first = _quality("run", "--methods", "IsolationForest,LocalOutlierFactor", *args)
    assert first.count(" ok") == 4
    again = _quality("run", "--methods", "IsolationForest", *args)
    assert again == ""  # every pair already measured

    report = _quality("report", *args)
    assert "| 1_tiny | 100 | 3 |" in report
    mean_row = next(line for line in report.splitlines() if "mean ROC-AUC" in line)
    assert float(mean_row.split("|")[4]) > 0.9  # IsolationForest finds the far cluster
    assert "Failures, NaN or constant scores: none." in report
