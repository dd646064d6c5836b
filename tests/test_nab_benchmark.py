"""benchmarks/nab.py end to end on a tiny NAB-format series."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "nab.py"
# the scripts import this checkout's skdeepad, whichever one is installed
ENV = os.environ | {"PYTHONPATH": str(ROOT)}


def _nab(*args):
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        check=True,
        env=ENV,
    ).stdout


def _load(name):
    spec = importlib.util.spec_from_file_location(
        name, ROOT / "benchmarks" / f"{name}.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return module


def test_run_resumes_and_report_tabulates(tmp_path):
    rng = np.random.RandomState(0)
    values = np.sin(np.arange(600) * 2 * np.pi / 30) + rng.normal(0, 0.05, 600)
    values[400:405] += 4
    stamps = np.datetime64("2020-01-01T00:00") + np.arange(600) * np.timedelta64(5, "m")
    (tmp_path / "realTest").mkdir()
    (tmp_path / "realTest" / "s.csv").write_text(
        "timestamp,value\n"
        + "".join(
            f"{str(t).replace('T', ' ')}:00,{v}\n"
            for t, v in zip(stamps, values, strict=True)
        )
    )
    (tmp_path / "labels").mkdir()
    window = [str(stamps[395]).replace("T", " "), str(stamps[410]).replace("T", " ")]
    (tmp_path / "labels" / "combined_windows.json").write_text(
        json.dumps({"realTest/s.csv": [window]})
    )
    args = ["--data", str(tmp_path), "--output", str(tmp_path / "rows.csv")]
    names = [
        "DeepIsolationForest (windows)",
        "Sub-PCA (windows)",
        "kNN (windows)",
        "IsolationForest (windows)",
        "moving z-score",
    ]
    methods = ["--methods", ",".join(names)]

    first = _nab("run", *methods, *args)
    assert first.count(" ok") == 5
    assert _nab("run", *methods, *args) == ""  # every pair already measured

    report = _nab("report", *args)
    lines = report.splitlines()
    header = lines.index("### Means over the series (1 series in all)")
    means = {
        line.split("|")[1].strip(): [float(c) for c in line.split("|")[3:8]]
        for line in lines[header + 4 : header + 4 + len(names)]
    }
    assert list(means) == names  # skdeepad's first, then the baselines
    for name in names[:4]:  # VUS-ROC and ROC-AUC: the windows find it
        assert means[name][1] > 0.9 and means[name][3] > 0.9, name
    assert all(0 <= v <= 1 for row in means.values() for v in row)
    assert "### Range F1 (best of 100 thresholds)" in report
    assert "Target (VUS-PR, best skdeepad >= best baseline + 0.02)" in report

    same = _nab("compare", *args, "--against", str(tmp_path / "rows.csv"))
    assert same.count("| 0 / 0 of 1 |") == 2 * len(names)

    # rows lacking a metric (as in the old nab.csv) are left out of the report
    old = tmp_path / "old.csv"
    old.write_text(
        "series,n,anomalous,method,roc_auc,best_f1,fit_seconds,status\n"
        "realTest/s.csv,600,16,IsolationForest (windows),0.9,0.5,0.1,ok\n"
    )
    assert "IsolationForest" not in _nab("report", "--output", str(old))


def test_window_rule_period(tmp_path):
    nab = _load("nab")
    t = np.arange(3000)
    series = np.sin(2 * np.pi * t / 50)[:, np.newaxis]
    args = nab.argparse.Namespace(window_rule="period", window=32)
    assert nab.window_for(args, series) == 50
    args.window_rule = "fixed"
    assert nab.window_for(args, series) == 32
    noise = np.random.RandomState(0).normal(size=(3000, 1))
    assert nab.dominant_period(noise[:, 0]) in range(6, 304)


def test_baselines_score_an_injected_anomaly():
    baselines = _load("series_baselines")
    rng = np.random.RandomState(0)
    windows = rng.normal(size=(300, 8))
    windows[:, 1] = windows[:, 0]  # a correlation PCA learns
    odd = windows[:5].copy()
    odd[:, :2] = [2.0, -2.0]  # far off the line the first two values keep
    for detector in [baselines.SubPCA(), baselines.KNNDistance()]:
        detector.fit(windows)
        assert detector.score_samples(odd).max() < np.median(
            detector.score_samples(windows)
        )
    knn = baselines.KNNDistance(n_neighbors=1).fit(windows)
    assert np.all(knn.score_samples(windows) < 0)  # a window is not its own neighbour


def test_seed_reaches_every_method():
    nab = _load("nab")
    methods = nab.all_methods(window=8, stride=2, epochs=1, seed=3)
    seeded = [f() for name, f in methods.items() if name != "moving z-score"]
    seeded = [w for w in seeded if "random_state" in w.detector.get_params()]
    assert (
        len(seeded) >= 3
    )  # the sequence detectors, DeepIsolationForest, IsolationForest
    assert all(w.detector.random_state == 3 for w in seeded)
    assert {"Sub-PCA (windows)", "kNN (windows)"} <= set(methods)


def test_multiscale_methods_take_half_one_and_two_windows():
    nab = _load("nab")
    methods = nab.all_methods(window=10, stride=2, epochs=1, seed=0)
    for name in ["AutoEncoder (multi-scale windows)", "kNN (multi-scale windows)"]:
        assert methods[name]().window == (5, 10, 20)
    assert nab.multiscale_windows(6) == (4, 6, 12)  # never under 4 steps
    assert "kNN (multi-scale windows)" in nab.BASELINES  # the target counts it
