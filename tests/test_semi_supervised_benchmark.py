"""benchmarks/semi_supervised.py end to end on two tiny ADBench-shaped files."""

import subprocess
import sys
from pathlib import Path

import numpy as np

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "semi_supervised.py"


def _bench(*args):
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=True
    ).stdout


def test_split_keeps_a_fraction_of_the_training_anomalies_labelled():
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        from semi_supervised import split
    finally:
        sys.path.remove(str(SCRIPT.parent))
    X = np.arange(2000, dtype=float).reshape(1000, 2)
    y = np.r_[np.zeros(900, dtype=int), np.ones(100, dtype=int)]
    X_train, X_test, y_partial, y_test = split(X, y, 0.05)
    assert len(X_train) == 700 and len(X_test) == 300
    assert y_test.sum() == 30  # stratified
    assert np.sum(y_partial == -1) == 4  # 5% of the 70 training anomalies, rounded
    assert set(np.unique(y_partial)) == {-1, 0}
    train_anomalies = {tuple(r) for r in X[y == 1]}
    assert all(tuple(r) in train_anomalies for r in X_train[y_partial == -1])
    _, _, y_one, _ = split(X, y, 0.001)
    assert np.sum(y_one == -1) == 1  # at least one label


def test_run_resumes_and_report_tabulates(tmp_path):
    rng = np.random.RandomState(0)
    for name in ("1_tiny", "2_other"):
        X = np.vstack([rng.normal(size=(190, 3)), rng.normal(5, 1, size=(10, 3))])
        np.savez(tmp_path / f"{name}.npz", X=X, y=np.r_[np.zeros(190), np.ones(10)])
    output = tmp_path / "rows.csv"
    args = ["--data", str(tmp_path), "--output", str(output)]

    first = _bench("run", "--methods", "IsolationForest,HistGradientBoosting", *args)
    assert first.count(" ok") == 8  # 2 datasets x 2 fractions x 2 methods
    assert _bench("run", "--methods", "IsolationForest", *args) == ""

    report = _bench("report", *args)
    assert "## 1% of the training anomalies labelled" in report
    assert "| 1_tiny | 200 | 3 | 1 |" in report
    mean_row = next(line for line in report.splitlines() if "mean ROC-AUC" in line)
    assert float(mean_row.split("|")[5]) > 0.9  # IsolationForest finds the far cluster
    assert "Failures, NaN or constant scores: none." in report
