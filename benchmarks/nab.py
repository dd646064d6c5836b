"""Time-series benchmark: per-step ROC-AUC and best F1 on the NAB series.

Every series of ``../shared/data/nab/`` with labelled anomaly windows is loaded
with :func:`skdeepad.timeseries.load_nab` (a step is an anomaly when it lies in
a window), standardised, and scored step by step by each method, fitted on the
whole series (the unsupervised setting, anomalies included):

- each skdeepad sequence detector inside a
  :class:`~skdeepad.timeseries.WindowedDetector` (windows of ``--window``
  steps every ``--stride`` steps, window scores combined per step by
  ``--aggregate``, the mean by default), with its
  defaults except ``epochs=--epochs`` and ``random_state=--seed`` (0);
- skdeepad's DeepIsolationForest on the same windows (flattened, as a
  tabular detector gets them), with its defaults and ``random_state=--seed``;
- scikit-learn's IsolationForest on the same windows (flattened), with
  ``random_state=--seed``;
- a moving z-score: ``|x_t - mean| / std`` over the ``--window`` steps before t.

Per series: ROC-AUC of the anomaly scores against the step labels, and the
best F1 over all thresholds without point adjustment.

    python benchmarks/nab.py run [--data DIR] [--methods A,B] [--series a,b] [--seed N]
    python benchmarks/nab.py report > benchmarks/results/nab.md

``run`` appends one CSV row per (series, method) to ``--output`` (default
``benchmarks/results/nab.csv``) and skips pairs already there, so an
interrupted run resumes.
"""

import argparse
import csv
import time
import warnings
from functools import partial
from pathlib import Path

import numpy as np
from sklearn.ensemble import IsolationForest
from sklearn.metrics import precision_recall_curve, roc_auc_score

from skdeepad import DeepIsolationForest, all_detectors
from skdeepad.timeseries import WindowedDetector, load_nab

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data" / "nab"
DEFAULT_OUTPUT = HERE / "results" / "nab.csv"
# skdeepad's tabular detectors run on the flattened windows, beside the sequence ones.
OURS_ON_WINDOWS = {"DeepIsolationForest (windows)": DeepIsolationForest}
FIELDS = [
    "series",
    "n",
    "anomalous",
    "method",
    "roc_auc",
    "best_f1",
    "fit_seconds",
    "status",
]


def moving_zscore(series, window):
    """Normality scores: minus ``|x_t - mean| / std`` over the previous steps."""
    x = series[:, 0]
    sums = np.concatenate([[0.0], np.cumsum(x)])
    squares = np.concatenate([[0.0], np.cumsum(x**2)])
    end = np.arange(len(x))
    start = np.maximum(end - window, 0)
    count = np.maximum(end - start, 1)
    mean = (sums[end] - sums[start]) / count
    std = np.sqrt(np.maximum((squares[end] - squares[start]) / count - mean**2, 0))
    z = np.abs(x - mean) / np.maximum(std, 1e-6)
    z[0] = 0.0
    return -z


class MovingZScore:
    """The moving z-score baseline with ``fit`` / ``score_samples``."""

    def __init__(self, window):
        self.window = window

    def fit(self, X):
        return self

    def score_samples(self, X):
        return moving_zscore(X, self.window)


def all_methods(window, stride, epochs, aggregate="mean", seed=0):
    def windowed(detector):
        return partial(
            WindowedDetector,
            detector,
            window=window,
            stride=stride,
            aggregate=aggregate,
        )

    methods = {
        name: windowed(cls(epochs=epochs, random_state=seed))
        for name, cls in all_detectors("sequence")
    }
    for name, cls in OURS_ON_WINDOWS.items():
        methods[name] = windowed(cls(random_state=seed))
    methods["IsolationForest (windows)"] = windowed(IsolationForest(random_state=seed))
    methods["moving z-score"] = partial(MovingZScore, window)
    return methods


def best_f1(anomalous, scores):
    precision, recall, _ = precision_recall_curve(anomalous, scores)
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
    return float(f1.max())


def measure(name, series, factory, data):
    anomalous = data.y == -1
    row = {"series": name, "n": len(series), "anomalous": int(anomalous.sum())}
    start = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scores = -factory().fit(series).score_samples(series)
    except Exception as exc:  # recorded, so one failure does not end the run
        return row | {
            "roc_auc": "",
            "best_f1": "",
            "fit_seconds": "",
            "status": f"error: {exc!r}"[:200],
        }
    seconds = time.perf_counter() - start
    if not np.all(np.isfinite(scores)):
        return row | {
            "roc_auc": "",
            "best_f1": "",
            "fit_seconds": f"{seconds:.2f}",
            "status": "nan scores",
        }
    return row | {
        "roc_auc": f"{roc_auc_score(anomalous, scores):.4f}",
        "best_f1": f"{best_f1(anomalous, scores):.4f}",
        "fit_seconds": f"{seconds:.2f}",
        "status": "ok",
    }


def run(args):
    methods = all_methods(
        args.window, args.stride, args.epochs, args.aggregate, seed=args.seed
    )
    if args.methods:
        methods = {m: methods[m] for m in args.methods.split(",")}
    paths = sorted(p for p in Path(args.data).glob("*/*.csv"))
    if args.series:
        paths = [p for p in paths if p.stem in args.series.split(",")]
    output = Path(args.output)
    done = set()
    if output.exists():
        with output.open() as f:
            done = {(r["series"], r["method"]) for r in csv.DictReader(f)}
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        with output.open("w", newline="") as f:
            csv.DictWriter(f, FIELDS).writeheader()
    for path in paths:
        data = load_nab(path)
        if data.y is None or not np.any(data.y == -1):
            print(f"skipped {data.name}: no labelled anomaly", flush=True)
            continue
        series = (data.X - data.X.mean()) / max(data.X.std(), 1e-12)
        for method in methods:
            if (data.name, method) in done:
                continue
            row = measure(data.name, series, methods[method], data) | {"method": method}
            print(" ".join(str(row[k]) for k in FIELDS), flush=True)
            with output.open("a", newline="") as f:
                csv.DictWriter(f, FIELDS).writerow(row)


def report(args):
    with open(args.output) as f:
        rows = list(csv.DictReader(f))
    series = list(dict.fromkeys(r["series"] for r in rows))
    methods = list(dict.fromkeys(r["method"] for r in rows))
    ours = dict(all_detectors("sequence")) | OURS_ON_WINDOWS
    methods.sort(key=lambda m: m not in ours)  # skdeepad's first, stable otherwise
    table = {(r["series"], r["method"]): r for r in rows}

    def value(s, m, key):
        cell = table.get((s, m), {}).get(key, "")
        return float(cell) if cell else np.nan

    for key, title in [
        ("roc_auc", "Per-step ROC-AUC"),
        ("best_f1", "Best F1 (no point adjustment)"),
    ]:
        print(f"\n### {title}\n")
        print("| series | n | " + " | ".join(methods) + " |")
        print("|---|---:|" + "---:|" * len(methods))
        for s in series:
            n = next(r["n"] for r in rows if r["series"] == s)
            print(
                f"| {s} | {n} | "
                + " | ".join(f"{value(s, m, key):.3f}" for m in methods)
                + " |"
            )
        means = [np.nanmean([value(s, m, key) for s in series]) for m in methods]
        print("| **mean** | | " + " | ".join(f"{v:.3f}" for v in means) + " |")
    seconds = [
        np.nanmean([value(s, m, "fit_seconds") for s in series]) for m in methods
    ]
    print(
        "\nMean seconds per series (fit + score): "
        + ", ".join(f"{m} {v:.1f}" for m, v in zip(methods, seconds, strict=True))
    )
    ours = [m for m in methods if m in ours]
    baseline = "IsolationForest (windows)"
    if ours and baseline in methods:
        mean = {
            m: np.nanmean([value(s, m, "roc_auc") for s in series])
            for m in ours + [baseline]
        }
        best = max(ours, key=mean.get)
        verdict = "met" if mean[best] > mean[baseline] else "MISSED"
        print(
            f"\nTarget: best skdeepad detector {best} {mean[best]:.3f} vs "
            f"{baseline} {mean[baseline]:.3f} ({len(series)} series): {verdict}"
        )
    bad = [r for r in rows if r["status"] != "ok"]
    for r in bad:
        print(f"- {r['series']} / {r['method']}: {r['status']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["run", "report"])
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--output", default=str(DEFAULT_OUTPUT))
    parser.add_argument("--methods", default="")
    parser.add_argument("--series", default="")
    parser.add_argument("--window", type=int, default=32)
    parser.add_argument("--stride", type=int, default=4)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument(
        "--seed", type=int, default=0, help="random_state of every method"
    )
    parser.add_argument(
        "--aggregate", default="mean", choices=["mean", "min", "max", "first"]
    )
    args = parser.parse_args()
    run(args) if args.command == "run" else report(args)


if __name__ == "__main__":
    main()
