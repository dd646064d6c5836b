"""benchmarks/speed.py end to end at a tiny size."""

import importlib.util
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "speed.py"


def test_speed_benchmark_prints_ratios_and_seconds():
    out = subprocess.run(
        [sys.executable, str(SCRIPT), "--rows", "600", "--score-rows", "2000",
         "--sizes", "300,600", "--other-rows", "300", "--repeats", "1"],
        capture_output=True, text=True, check=True,
    ).stdout
    assert "| AutoEncoder fit throughput / plain keras.Model.fit |" in out
    assert "| score_samples rows/s |" in out
    assert "(TensorFlow loaded: False)" in out  # import skdeepad stays light
    assert "| tensorflow |" in out  # the fit on each installed Keras backend
    if importlib.util.find_spec("pyod"):  # a benchmark-only dependency
        assert "| AutoEncoder fit throughput / PyOD AutoEncoder |" in out
    for name in ("DeepSVDD", "DevNet", "DeepIsolationForest"):
        assert f"| {name} |" in out
