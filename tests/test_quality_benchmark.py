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


def test_clean_setting_trains_on_half_the_normal_rows_per_seed(tmp_path):
    rng = np.random.RandomState(0)
    X = np.vstack([rng.normal(size=(90, 3)), rng.normal(6, 1, size=(10, 3))])
    np.savez(tmp_path / "1_tiny.npz", X=X, y=np.r_[np.zeros(90), np.ones(10)])
    output = tmp_path / "clean.csv"
    args = ["--setting", "clean", "--data", str(tmp_path), "--output", str(output)]

    rows = _quality("run", "--seeds", "0,1", "--methods", "kNN,IsolationForest", *args)
    # 45 of the 90 normal rows train; the other 45 and the 10 anomalies are tested
    assert rows.count("1_tiny 0 45 55 3 ") == 2 and rows.count("1_tiny 1 45 55 3 ") == 2
    assert _quality("run", "--seeds", "0,1", "--methods", "kNN", *args) == ""

    report = _quality("report", *args)
    mean_row = next(line for line in report.splitlines() if "**mean ROC-AUC**" in line)
    assert [float(c.strip(" *")) for c in mean_row.split("|")[2:4]] == [1.0, 1.0]
    assert "mean ROC-AUC, seed 1" in report
