"""benchmarks/multivariate.py: the generator, and the script end to end on 2 series."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "multivariate.py"
BASELINES = [
    "Sub-PCA (windows)",
    "kNN (windows)",
    "IsolationForest (windows)",
    "moving z-score",
]


@pytest.fixture(scope="module")
def mv():
    spec = importlib.util.spec_from_file_location("multivariate", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return module


@pytest.mark.parametrize("kind", ["point", "contextual", "collective", "correlation"])
def test_make_series_labels_each_kind_after_a_clean_prefix(mv, kind):
    s = mv.make_series(3, n_channels=4, anomaly_types=(kind,), length=1500)
    again = mv.make_series(3, n_channels=4, anomaly_types=(kind,), length=1500)
    assert np.array_equal(s.X, again.X) and np.array_equal(s.y, again.y)
    assert s.X.shape == (1500, 4) and s.y.shape == (1500,)
    assert not s.y[: s.train_end].any()
    assert len(s.anomalies) == 4 and {a[2] for a in s.anomalies} == {kind}
    for start, end, _, channel in s.anomalies:
        assert s.y[start:end].all()
        assert 0 <= channel < 4
    other = "point" if kind != "point" else "contextual"
    clean = mv.make_series(3, n_channels=4, anomaly_types=(other,), length=1500)
    assert np.array_equal(s.X[: s.train_end], clean.X[: s.train_end])
    if kind == "point":
        assert not np.array_equal(s.X, clean.X)
    if kind in ("contextual", "collective"):  # values stay in the normal range
        spread = np.abs(s.X[: s.train_end]).max(axis=0)
        assert np.all(np.abs(s.X).max(axis=0) < 1.5 * spread)


def test_collection_is_fixed(mv):
    series = mv.collection()
    assert len(series) == 16
    assert all(2000 <= len(s.X) <= 5000 and 3 <= s.X.shape[1] <= 8 for s in series)
    assert [s.name for s in series] == [s.name for s in mv.collection()]


def test_run_and_report_on_two_series(tmp_path):
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    args = ["--output", str(tmp_path / "rows.csv")]
    run = [
        "run",
        "--methods",
        ",".join(BASELINES),
        "--series",
        "s00_point_3ch,s01_contextual_4ch",
    ]
    out = subprocess.run(
        [sys.executable, str(SCRIPT), *run, *args],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    assert out.count(" ok") == 8
    report = subprocess.run(
        [sys.executable, str(SCRIPT), "report", *args],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    lines = report.splitlines()
    header = lines.index("### Means over the series (2 series in all)")
    assert lines[header + 2].split("|")[3:8] == [
        " VUS-PR ",
        " VUS-ROC ",
        " Range F1 (best of 100 thresholds) ",
        " Per-step ROC-AUC ",
        " Best F1 (point-wise, no point adjustment) ",
    ]
    assert "### VUS-PR by anomaly kind" in report
    table = lines.index("### Per-step ROC-AUC")
    spike = next(line for line in lines[table:] if line.startswith("| s00_point_3ch"))
    zscore = float(spike.split("|")[3 + BASELINES.index("moving z-score")])
    assert zscore > 0.95  # the z-score finds the injected spikes
