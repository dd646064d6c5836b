"""The ``skdeepad`` command line, run as a user would."""

import csv
import subprocess
import sys

import numpy as np
import pytest

from skdeepad.cli import main


def _skdeepad(*args):
    return subprocess.run(
        [sys.executable, "-m", "skdeepad", *args], capture_output=True, text=True
    )


def test_benchmark_on_builtin_tasks_prints_the_table():
    result = _skdeepad(
        "benchmark", "--detectors", "IsolationForest,LocalOutlierFactor", "--no-progress"
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["dataset", "method", "ROC-AUC", "AP", "fit", "s"]
    for task in ("breast_cancer", "wine", "digits", "iris", "blobs", "mean"):
        assert sum(line.startswith(task) for line in lines) == 2
    auc = {
        line.split()[1]: float(line.split()[2])
        for line in lines
        if line.startswith("blobs")
    }
    assert auc["IsolationForest"] > 0.9


def test_benchmark_runs_a_deep_detector_on_an_npz_file(tmp_path, capsys):
    rng = np.random.RandomState(0)
    X = np.vstack([rng.normal(size=(95, 4)), rng.normal(6, 1, size=(5, 4))])
    y = np.r_[np.zeros(95), np.ones(5)]  # ADBench: 1 = anomaly
    np.savez(tmp_path / "toy.npz", X=X, y=y)
    out_csv = tmp_path / "rows.csv"
    status = main(
        ["benchmark", "--data", str(tmp_path / "toy.npz"), "--detectors",
         "AutoEncoder", "IsolationForest", "--output", str(out_csv), "--no-progress"]
    )
    assert status == 0
    assert "toy" in capsys.readouterr().out
    with open(out_csv) as fh:
        rows = list(csv.DictReader(fh))
    assert [r["method"] for r in rows] == ["AutoEncoder", "IsolationForest"]
    assert all(float(r["roc_auc"]) > 0.9 for r in rows)


def test_benchmark_reads_csv_with_a_label_column(tmp_path):
    rng = np.random.RandomState(1)
    X = np.vstack([rng.normal(size=(60, 2)), rng.normal(8, 1, size=(4, 2))])
    labels = np.r_[np.ones(60), -np.ones(4)]  # skdeepad: -1 = anomaly
    path = tmp_path / "toy.csv"
    np.savetxt(path, np.column_stack([X, labels]), delimiter=",",
               header="a,b,is_normal", comments="")
    result = _skdeepad("benchmark", "--data", str(path), "--label", "is_normal",
                       "--detectors", "IsolationForest", "--no-progress")
    assert result.returncode == 0, result.stderr
    assert "1.000" in result.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["benchmark", "--detectors", "NoSuchDetector"], "unknown detector"),
        (["benchmark", "--data", "missing.npz"], "missing.npz"),
        (["benchmark", "--data", "data.csv", "--detectors", "IsolationForest"],
         "label column"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(args, message):
    result = _skdeepad(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
