"""benchmarks/nab.py end to end on a tiny NAB-format series."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "nab.py"


def _nab(*args):
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=True
    ).stdout


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
    methods = [
        "--methods",
        "DeepIsolationForest (windows),IsolationForest (windows),moving z-score",
    ]

    first = _nab("run", *methods, *args)
    assert first.count(" ok") == 3
    assert _nab("run", *methods, *args) == ""  # every pair already measured

    report = _nab("report", *args)
    lines = report.splitlines()
    row = next(line for line in lines if line.startswith("| realTest/s.csv"))
    # skdeepad's columns come first: DeepIsolationForest, then IsolationForest
    assert float(row.split("|")[3]) > 0.9  # both find the burst on the windows
    assert float(row.split("|")[4]) > 0.9
    assert "Best F1" in report
    assert "Target: best skdeepad detector DeepIsolationForest (windows)" in report


def test_seed_reaches_every_method():
    import importlib.util

    spec = importlib.util.spec_from_file_location("nab_benchmark", SCRIPT)
    nab = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(nab)
    methods = nab.all_methods(window=8, stride=2, epochs=1, seed=3)
    seeded = [f() for name, f in methods.items() if name != "moving z-score"]
    assert len(seeded) >= 2
    assert all(w.detector.random_state == 3 for w in seeded)
