"""The example scripts of examples/, run with tiny epochs.

Each script's ``main(argv)`` runs in this process; the KDD Cup 99 one reads a
small stand-in of the ``http`` subset instead of downloading.
"""

import importlib.util
import re
from pathlib import Path

import numpy as np
import pytest
from sklearn.utils import Bunch

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _example(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_digits_cnn():
    auc = _example("digits_cnn").main(["--epochs", "3"])
    assert 0.5 < auc <= 1.0


def test_ecommerce_pipeline(tmp_path, capsys):
    example = _example("ecommerce_pipeline")
    path = example.write_orders(tmp_path / "orders.csv", n_orders=600)
    auc = example.main(["--csv", str(path), "--epochs", "5"])
    assert auc > 0.8  # the planted frauds are far from the rest
    assert "minutes_on_site" in capsys.readouterr().out


def _fake_http(**kwargs):
    """KDD Cup 99 http's layout: log duration, src and dst bytes; labels."""
    assert kwargs["subset"] == "http"
    rng = np.random.default_rng(0)
    normal = rng.normal([-2.3, 5.5, 8.0], 0.5, size=(400, 3))
    attacks = rng.normal([-2.3, 10.0, 4.0], 0.5, size=(8, 3))
    target = np.array([b"normal."] * 400 + [b"back."] * 8, dtype=object)
    return Bunch(
        data=np.vstack([normal, attacks]).astype(object),
        target=target,
        feature_names=["duration", "src_bytes", "dst_bytes"],
    )


def test_kddcup_http(monkeypatch):
    monkeypatch.setattr("sklearn.datasets.fetch_kddcup99", _fake_http)
    results = _example("kddcup_http").main(["--epochs", "3", "--train-rows", "300"])
    assert set(results) == {"DeepIsolationForest", "AutoEncoder"}
    assert results["DeepIsolationForest"] > 0.9


def test_nsl_kdd(tmp_path, capsys):
    from .test_intrusion import _kdd_line

    rng = np.random.default_rng(0)

    def lines(n_normal, n_attacks):
        normal = [
            _kdd_line("tcp", "http", "SF", "normal", 21, duration=rng.integers(0, 3))
            for _ in range(n_normal)
        ]
        attacks = [
            _kdd_line("icmp", "ecr_i", "REJ", "smurf", 18, duration=int(9e4))
            for _ in range(n_attacks)
        ]
        return "\n".join(normal + attacks) + "\n"

    (tmp_path / "train.txt").write_text(lines(200, 20))
    (tmp_path / "test.txt").write_text(lines(60, 10))
    results = _example("nsl_kdd").main(
        [str(tmp_path / "train.txt"), str(tmp_path / "test.txt"), "--epochs", "3"]
    )
    assert set(results) == {"DAGMM", "AutoEncoder"}
    assert results["AutoEncoder"] > 0.9  # the attacks differ in every way
    out = capsys.readouterr().out
    assert "train: 220 records" in out and "dos" in out


def test_threshold_and_search(capsys):
    _example("threshold_and_search").main(["--epochs", "2"])
    out = capsys.readouterr().out
    assert "tuned threshold: F1" in out
    # The searched model detects on held-out data (0.946 at 2 epochs).
    test_auc = float(re.search(r"test ROC-AUC (\d\.\d+)", out).group(1))
    assert test_auc > 0.9


@pytest.mark.parametrize(
    "name",
    [
        "digits_cnn",
        "ecommerce_pipeline",
        "kddcup_http",
        "nsl_kdd",
        "threshold_and_search",
        "plots",
        "quickstart",
    ],
)
def test_examples_have_a_docstring_that_says_how_to_run_them(name):
    text = (EXAMPLES / f"{name}.py").read_text()
    assert text.startswith('"""') and f"python examples/{name}.py" in text


def _readme_quickstart():
    text = (EXAMPLES.parent / "README.md").read_text()
    start = text.index("```python\n") + len("```python\n")
    return text[start : text.index("```", start)]


def test_readme_quickstart_runs_verbatim(capsys):
    namespace = {"__name__": "readme_quickstart"}
    exec(compile(_readme_quickstart(), "README.md", "exec"), namespace)
    assert namespace["scores"].dtype == np.float64
    assert set(np.unique(namespace["labels"])) <= {-1, 1}
    assert namespace["search"].best_score_ > 0.9  # the outliers are far from the blobs
    out = capsys.readouterr().out
    assert "ROC-AUC" in out and "hidden_units" in out


def test_quickstart_example_runs(capsys):
    import runpy

    namespace = runpy.run_path(str(EXAMPLES / "quickstart.py"))
    assert set(np.unique(namespace["labels"])) <= {-1, 1}
    assert namespace["search"].best_score_ > 0.8  # malignant tumours stand out
    out = capsys.readouterr().out
    assert "ROC-AUC" in out and "best: {'hidden_units'" in out
