"""Time-series benchmark: range-aware and per-step scores on the NAB series.

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
- baselines on the same flattened windows, mapped back to the steps the same
  way: scikit-learn's IsolationForest (``random_state=--seed``), Sub-PCA (minus
  the squared reconstruction error of a PCA of the windows keeping 90% of
  their variance) and kNN (minus the distance to the 5th nearest other
  window); see ``series_baselines.py``;
- a moving z-score: ``|x_t - mean| / std`` over the ``--window`` steps before t.

``--window-rule fixed`` (the default) uses ``--window`` steps for every
series; ``--window-rule period`` uses each series' dominant period from its
autocorrelation (TSB-AD's ``find_length_rank``, 125 when none is found).

Per series (``series_baselines.series_metrics``): VUS-PR and VUS-ROC with the
series' dominant period as the largest buffer (TSB-AD's protocol); the best
range F1 over 100 thresholds evenly spaced on the score range (TSB-AD's
R-based-F1: Tatbul et al. with recall alpha 0.2, reciprocal cardinality, flat
bias); the per-step ROC-AUC against the step labels; and the best point-wise
F1 over all thresholds without point adjustment.

    python benchmarks/nab.py run [--data DIR] [--methods A,B] [--series a,b] [--seed N]
    python benchmarks/nab.py report > benchmarks/results/nab_v2.md
    python benchmarks/nab.py compare --output A.csv --against B.csv

``run`` appends one CSV row per (series, method) to ``--output`` (default
``benchmarks/results/nab_v2.csv``) and skips pairs already there, so an
interrupted run resumes. ``report`` uses only rows with every metric
(``nab.csv``, written before the range-aware metrics, has ROC-AUC and best F1
only; its report is ``nab.md``).
"""

import argparse
import csv
import sys
import time
import warnings
from functools import partial
from pathlib import Path

import numpy as np
from sklearn.ensemble import IsolationForest

from skdeepad import (
    DTE,
    AutoEncoder,
    DeepIsolationForest,
    DetectorEnsemble,
    all_detectors,
)
from skdeepad.timeseries import WindowedDetector, load_nab

sys.path.insert(0, str(Path(__file__).resolve().parent))
from series_baselines import (  # noqa: E402
    METRIC_TITLES,
    METRICS,
    REPORTED,
    KNNDistance,
    MovingZScore,
    SubPCA,
    dominant_period,
    series_metrics,
)

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data" / "nab"
DEFAULT_OUTPUT = HERE / "results" / "nab_v2.csv"
# skdeepad's tabular detectors run on the flattened windows, beside the sequence ones.
OURS_ON_WINDOWS = {
    "DeepIsolationForest (windows)": DeepIsolationForest,
    "AutoEncoder (windows)": AutoEncoder,
    "DTE (windows)": DTE,
    "DetectorEnsemble (windows)": DetectorEnsemble,
}
# The same on windows of half, one and two window lengths, each length's step
# scores robust-z-scored and averaged (WindowedDetector with several windows).
OURS_MULTISCALE = {
    "AutoEncoder (multi-scale windows)": AutoEncoder,
    "DTE (multi-scale windows)": DTE,
}
BASELINES = [
    "Sub-PCA (windows)",
    "kNN (windows)",
    "IsolationForest (windows)",
    "moving z-score",
    "kNN (multi-scale windows)",
]
FIELDS = [
    "series",
    "n",
    "anomalous",
    "method",
    "window",
    "period",
    *METRICS,
    "fit_seconds",
    "status",
]


def all_methods(window, stride, epochs, aggregate="mean", seed=0):
    """Every method's factory, by name: skdeepad's first, then the baselines."""

    def windowed(detector):
        return partial(
            WindowedDetector,
            detector,
            window=window,
            stride=stride,
            aggregate=aggregate,
        )

    def multiscale(detector):
        return partial(
            WindowedDetector,
            detector,
            window=multiscale_windows(window),
            stride=stride,
            aggregate=aggregate,
        )

    methods = {
        name: windowed(cls(epochs=epochs, random_state=seed))
        for name, cls in all_detectors("sequence")
    }
    for name, cls in OURS_ON_WINDOWS.items():
        methods[name] = windowed(cls(random_state=seed))
    for name, cls in OURS_MULTISCALE.items():
        methods[name] = multiscale(cls(random_state=seed))
    methods["Sub-PCA (windows)"] = windowed(SubPCA())
    methods["kNN (windows)"] = windowed(KNNDistance())
    methods["IsolationForest (windows)"] = windowed(IsolationForest(random_state=seed))
    methods["moving z-score"] = partial(MovingZScore, window)
    methods["kNN (multi-scale windows)"] = multiscale(KNNDistance())
    return methods


def multiscale_windows(window):
    """Half, one and two ``window`` lengths (at least 4 steps)."""
    return (max(window // 2, 4), window, 2 * window)


def measure(factory, train, series, anomalous, period, start=0):
    """Fit on ``train``, score ``series``; the row's metric and status fields.

    The metrics compare ``anomalous`` with the scores of ``series[start:]``.
    """
    began = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scores = -factory().fit(train).score_samples(series)[start:]
    except Exception as exc:  # recorded, so one failure does not end the run
        return {"status": f"error: {exc!r}"[:200]}
    seconds = time.perf_counter() - began
    if not np.all(np.isfinite(scores)):
        return {"fit_seconds": f"{seconds:.2f}", "status": "nan scores"}
    values = series_metrics(anomalous, scores, period)
    return {k: f"{v:.4f}" for k, v in values.items()} | {
        "fit_seconds": f"{seconds:.2f}",
        "status": "ok",
    }


def window_for(args, series):
    """The window of ``series`` under ``--window-rule``."""
    if args.window_rule == "period":
        return dominant_period(series[:, 0])
    return args.window


def open_output(path, fields):
    """The (series, method) pairs already in the CSV ``path``; creates it if new."""
    path = Path(path)
    if path.exists():
        with path.open() as f:
            return {(r["series"], r["method"]) for r in csv.DictReader(f)}
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as f:
        csv.DictWriter(f, fields).writeheader()
    return set()


def run(args):
    paths = sorted(p for p in Path(args.data).glob("*/*.csv"))
    if args.series:
        paths = [p for p in paths if p.stem in args.series.split(",")]
    done = open_output(args.output, FIELDS)
    for path in paths:
        data = load_nab(path)
        if data.y is None or not np.any(data.y == -1):
            print(f"skipped {data.name}: no labelled anomaly", flush=True)
            continue
        series = (data.X - data.X.mean()) / max(data.X.std(), 1e-12)
        window = window_for(args, series)
        methods = all_methods(
            window, args.stride, args.epochs, args.aggregate, seed=args.seed
        )
        if args.methods:
            methods = {m: methods[m] for m in args.methods.split(",")}
        anomalous = data.y == -1
        period = dominant_period(series[:, 0])
        for method, factory in methods.items():
            if (data.name, method) in done:
                continue
            row = {
                "series": data.name,
                "n": len(series),
                "anomalous": int(anomalous.sum()),
                "method": method,
                "window": window,
                "period": period,
            } | measure(factory, series, series, anomalous, period)
            print(" ".join(str(row.get(k, "")) for k in FIELDS), flush=True)
            with open(args.output, "a", newline="") as f:
                csv.DictWriter(f, FIELDS).writerow(row)


def complete_rows(path):
    """The rows of the CSV ``path`` that carry every metric."""
    with open(path) as f:
        rows = list(csv.DictReader(f))
    ok = [r for r in rows if r["status"] == "ok" and all(r.get(k) for k in METRICS)]
    return ok, [r for r in rows if r["status"] != "ok"]


def print_tables(rows, ours, baselines, target_metric="vus_pr", margin=0.02):
    """Markdown: the mean of every metric per method, then one table per metric."""
    series = list(dict.fromkeys(r["series"] for r in rows))
    methods = list(dict.fromkeys(r["method"] for r in rows))
    methods.sort(key=lambda m: m not in ours)  # skdeepad's first, stable otherwise
    table = {(r["series"], r["method"]): r for r in rows}

    def value(s, m, key):
        cell = table.get((s, m), {}).get(key, "")
        return float(cell) if cell else np.nan

    def mean(m, key, among=series):
        return np.nanmean([value(s, m, key) for s in among])

    counts = {m: sum((s, m) in table for s in series) for m in methods}
    print(f"\n### Means over the series ({len(series)} series in all)\n")
    print(
        "| method | series | " + " | ".join(METRIC_TITLES[k] for k in REPORTED) + " |"
    )
    print("|---|---:|" + "---:|" * len(REPORTED))
    for m in methods:
        cells = " | ".join(f"{mean(m, k):.3f}" for k in REPORTED)
        print(f"| {m} | {counts[m]} | {cells} |")
    seconds = [mean(m, "fit_seconds") for m in methods]
    print(
        "\nMean seconds per series (fit + score): "
        + ", ".join(f"{m} {v:.1f}" for m, v in zip(methods, seconds, strict=True))
    )
    for key in REPORTED:
        print(f"\n### {METRIC_TITLES[key]}\n")
        print("| series | n | " + " | ".join(methods) + " |")
        print("|---|---:|" + "---:|" * len(methods))
        for s in series:
            n = next(r["n"] for r in rows if r["series"] == s)
            cells = " | ".join(f"{value(s, m, key):.3f}" for m in methods)
            print(f"| {s} | {n} | {cells} |")
    ours = [m for m in methods if m in ours]
    baselines = [m for m in methods if m in baselines]
    if ours and baselines:
        common = [s for s in series if all((s, m) in table for m in ours + baselines)]
        scores = {m: mean(m, target_metric, common) for m in ours + baselines}
        best, rival = max(ours, key=scores.get), max(baselines, key=scores.get)
        verdict = "met" if scores[best] >= scores[rival] + margin else "MISSED"
        print(
            f"\nTarget ({METRIC_TITLES[target_metric]}, best skdeepad >= best "
            f"baseline + {margin}): {best} {scores[best]:.3f} vs {rival} "
            f"{scores[rival]:.3f} ({len(common)} series with both): {verdict}"
        )


def compare(args):
    """Markdown: mean VUS-PR and ROC-AUC per method, ``--output`` vs ``--against``."""
    a, b = (
        {(r["series"], r["method"]): r for r in complete_rows(path)[0]}
        for path in (args.output, args.against)
    )
    print(
        f"| method | metric | {Path(args.output).name} | {Path(args.against).name} |"
        " better / worse (by > 0.005) |"
    )
    print("|---|---|---:|---:|---:|")
    for method in dict.fromkeys(m for _, m in b):
        keys = [k for k in b if k[1] == method and k in a]
        for metric in ["vus_pr", "roc_auc"]:
            x = np.array([float(a[k][metric]) for k in keys])
            y = np.array([float(b[k][metric]) for k in keys])
            better, worse = np.sum(y > x + 0.005), np.sum(y < x - 0.005)
            print(
                f"| {method} | {METRIC_TITLES[metric]} | {x.mean():.3f} | "
                f"{y.mean():.3f} | {better} / {worse} of {len(keys)} |"
            )


def report(args):
    rows, bad = complete_rows(args.output)
    ours = dict(all_detectors("sequence")) | OURS_ON_WINDOWS | OURS_MULTISCALE
    print_tables(rows, ours, BASELINES)
    for r in bad:
        print(f"- {r['series']} / {r['method']}: {r['status']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["run", "report", "compare"])
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--output", default=str(DEFAULT_OUTPUT))
    parser.add_argument("--against", help="compare: the second CSV")
    parser.add_argument("--methods", default="")
    parser.add_argument("--series", default="")
    parser.add_argument("--window", type=int, default=32)
    parser.add_argument(
        "--window-rule",
        default="fixed",
        choices=["fixed", "period"],
        help="fixed: --window steps; period: each series' dominant period",
    )
    parser.add_argument("--stride", type=int, default=4)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument(
        "--seed", type=int, default=0, help="random_state of every method"
    )
    parser.add_argument(
        "--aggregate", default="mean", choices=["mean", "min", "max", "first"]
    )
    args = parser.parse_args()
    {"run": run, "report": report, "compare": compare}[args.command](args)


if __name__ == "__main__":
    main()
