"""Quality benchmark: every detector on the ADBench classical datasets.

Two settings, ``--setting unsupervised`` (the default) and ``--setting clean``.

Unsupervised (ADBench's protocol): for every dataset (stratified subsample to at
most 5,000 rows, seed 0), standardise, fit each method with its defaults and
``random_state=0`` on all rows, and take the ROC-AUC of its anomaly scores
(``-score_samples`` for scikit-learn-shaped detectors, ``decision_scores_``
for PyOD's) against ``y`` (1 = anomaly). Methods: every skdeepad detector,
scikit-learn's IsolationForest and LocalOutlierFactor and, where PyOD is
installed (a benchmark-only dependency), PyOD's AutoEncoder, VAE, DeepSVDD and
DIF.

Clean-train (``--seeds 0,1,2``): for every dataset and seed, a stratified
subsample to at most 5,000 rows (that seed), a random half of the normal rows
trains, the other half and every anomaly is the test set, standardised on the
training rows; each method with its defaults and ``random_state=seed`` is fitted
on the training rows and scores the test rows. Baselines: IsolationForest,
LocalOutlierFactor(novelty=True), the distance to the 5th nearest training
neighbour (scikit-learn's ``NearestNeighbors``), OneClassSVM, and PyOD's
detectors where installed.

    python benchmarks/quality.py run [--setting clean --seeds 0,1,2] [--data DIR]
                                     [--methods A,B] [--datasets a,b]
    python benchmarks/quality.py report > benchmarks/results/quality.md
    python benchmarks/quality.py report --setting clean \
        > benchmarks/results/quality_clean.md

``run`` appends one CSV row per (dataset, method) to ``--output`` (default
``benchmarks/results/quality.csv``, or ``quality_clean.csv`` with one row per
(dataset, seed, method)) as soon as it is measured and skips pairs already
there, so an interrupted run resumes. ``report`` prints the Markdown
table: ROC-AUC per dataset, the mean, mean fit seconds, and the rows where a
method failed or returned NaN or constant scores.
"""

import argparse
import csv
import importlib
import importlib.util
import math
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.neighbors import LocalOutlierFactor
from sklearn.preprocessing import StandardScaler
from sklearn.svm import OneClassSVM

from skdeepad.benchmark import (
    _clean_split,
    _KNNDistance,
    _training_scores,
    available_methods,
)

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data" / "adbench"
DEFAULT_OUTPUT = HERE / "results" / "quality.csv"
CLEAN_OUTPUT = HERE / "results" / "quality_clean.csv"
FIELDS = ["dataset", "n", "d", "method", "roc_auc", "fit_seconds", "status"]
CLEAN_FIELDS = [
    "dataset",
    "seed",
    "n_train",
    "n_test",
    "d",
    "method",
    "roc_auc",
    "fit_seconds",
    "status",
]
BASELINES = (
    "IsolationForest",
    "LocalOutlierFactor",
    "kNN",
    "kNN mean",
    "OneClassSVM",
)
MAX_ROWS = 5000
PYOD_NAMES = {
    "pyod.AutoEncoder": "AutoEncoder",
    "pyod.VAE": "VariationalAutoEncoder",
    "pyod.DeepSVDD": "DeepSVDD",
    "pyod.DIF": "DeepIsolationForest",
}


def load(path, max_rows=MAX_ROWS, seed=0):
    """Load an ADBench ``.npz``, stratified-subsampled to ``max_rows`` rows."""
    with np.load(path) as data:
        X, y = data["X"].astype(np.float64), data["y"].astype(int)
    if len(X) > max_rows:
        X, _, y, _ = train_test_split(
            X, y, train_size=max_rows, stratify=y, random_state=seed
        )
    return StandardScaler().fit_transform(X), y


def load_raw(path, max_rows=MAX_ROWS, seed=0):
    """Load an ADBench ``.npz`` unscaled, stratified-subsampled to ``max_rows`` rows."""
    with np.load(path) as data:
        X, y = data["X"].astype(np.float64), data["y"].astype(int)
    if len(X) > max_rows:
        X, _, y, _ = train_test_split(
            X, y, train_size=max_rows, stratify=y, random_state=seed
        )
    return X, y


def clean_split(X, y, seed):
    """The clean-train split of ``X`` and ``y`` (1 = anomaly) at ``seed``.

    Half the normal rows train, the rest is the test set (``skdeepad
    benchmark``'s split). Returns ``X_train, X_test, y_test``, standardised on
    the training rows.
    """
    X_train, X_test, test = _clean_split(X, y == 0, seed)
    return X_train, X_test, y[test]


def clean_methods(seed):
    """``{name: factory(n_features)}`` for the clean-train setting."""
    methods = {
        name: _ignoring_width(factory)
        for name, factory in available_methods(random_state=seed).items()
        if name not in BASELINES
    }
    baselines = {
        "IsolationForest": lambda d: IsolationForest(random_state=seed),
        "LocalOutlierFactor": lambda d: LocalOutlierFactor(novelty=True),
        "kNN": lambda d: _KNNDistance(),
        # the mean of the 5 distances: stronger than the 5th alone (lunar_tuning.md)
        "kNN mean": lambda d: _KNNDistance(aggregate="mean"),
        "OneClassSVM": lambda d: OneClassSVM(),
    }
    return methods | baselines | pyod_methods(random_state=seed)


def pyod_methods(random_state=0):
    """PyOD's deep detectors with their defaults, or {} without PyOD.

    Each factory imports PyOD (and torch) when first called.
    """
    if importlib.util.find_spec("pyod") is None:
        return {}

    def factory(module, cls, **params):
        def build(n_features):
            model = getattr(importlib.import_module(f"pyod.models.{module}"), cls)
            extra = {"n_features": n_features} if cls == "DeepSVDD" else {}
            return model(**params, **extra)

        return build

    seed = {"random_state": random_state}
    return {
        "pyod.AutoEncoder": factory("auto_encoder", "AutoEncoder", verbose=0, **seed),
        "pyod.VAE": factory("vae", "VAE", verbose=0, **seed),
        "pyod.DeepSVDD": factory("deep_svdd", "DeepSVDD", verbose=0, **seed),
        "pyod.DIF": factory("dif", "DIF", **seed),
    }


def all_methods():
    """``{name: factory(n_features)}`` for every method of the benchmark."""
    methods = {
        name: _ignoring_width(factory)
        for name, factory in available_methods(random_state=0).items()
    }
    return methods | pyod_methods()


def _ignoring_width(factory):
    return lambda n_features: factory()


def anomaly_scores(name, method, X):
    """Fit ``method`` on ``X``; its anomaly scores of ``X`` (higher = abnormal)."""
    method.fit(X)
    if name.startswith("pyod."):
        return np.asarray(method.decision_scores_, dtype=np.float64)
    return -_training_scores(method, X)


def measure(dataset, X, y, name, factory):
    row = {"dataset": dataset, "n": len(X), "d": X.shape[1], "method": name}
    start = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scores = anomaly_scores(name, factory(X.shape[1]), X)
    except Exception as exc:  # recorded, so one failure does not end the run
        return row | {
            "roc_auc": "",
            "fit_seconds": "",
            "status": f"error: {exc!r}"[:200],
        }
    seconds = time.perf_counter() - start
    return row | evaluate(y, scores) | {"fit_seconds": f"{seconds:.2f}"}


def measure_clean(dataset, seed, split, name, factory):
    """Fit ``factory``'s method on the clean training rows; ROC-AUC on the test rows."""
    X_train, X_test, y_test = split
    row = {
        "dataset": dataset,
        "seed": seed,
        "n_train": len(X_train),
        "n_test": len(X_test),
        "d": X_train.shape[1],
        "method": name,
    }
    start = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            method = factory(X_train.shape[1]).fit(X_train)
            if name.startswith("pyod."):
                scores = np.asarray(method.decision_function(X_test), np.float64)
            else:
                scores = -np.asarray(method.score_samples(X_test), np.float64)
    except Exception as exc:  # recorded, so one failure does not end the run
        return row | {
            "roc_auc": "",
            "fit_seconds": "",
            "status": f"error: {exc!r}"[:200],
        }
    seconds = time.perf_counter() - start
    return row | evaluate(y_test, scores) | {"fit_seconds": f"{seconds:.2f}"}


def evaluate(y, scores):
    """``{"roc_auc", "status"}`` of anomaly scores; NaN or constant ones get no AUC."""
    if not np.all(np.isfinite(scores)):
        return {"roc_auc": "", "status": "nan scores"}
    if np.ptp(scores) == 0:
        return {"roc_auc": "", "status": "constant scores"}
    return {"roc_auc": f"{roc_auc_score(y, scores):.4f}", "status": "ok"}


def dataset_paths(data, datasets=None):
    """The ADBench ``.npz`` files in ``data`` in ADBench's order, optionally filtered.

    ``datasets`` is a comma-separated list of stems (``4_breastw``) or names
    (``breastw``).
    """
    paths = sorted(Path(data).glob("*.npz"), key=lambda p: int(p.stem.split("_")[0]))
    if datasets:
        wanted = datasets.split(",")
        paths = [
            p for p in paths if p.stem in wanted or p.stem.split("_", 1)[1] in wanted
        ]
    if not paths:
        raise SystemExit(f"no ADBench .npz files (matching --datasets) in {data}")
    return paths


def done_rows(output, fields, key):
    """The ``key`` tuples in the CSV ``output``, created with a header if new."""
    output = Path(output)
    if output.exists():
        with output.open() as f:
            return {tuple(r[k] for k in key) for r in csv.DictReader(f)}
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", newline="") as f:
        csv.DictWriter(f, fields).writeheader()
    return set()


def append_row(output, fields, row):
    """Print ``row`` and append it to the CSV ``output`` at once (runs resume)."""
    print(" ".join(f"{row[k]}" for k in fields), flush=True)
    with Path(output).open("a", newline="") as f:
        csv.DictWriter(f, fields).writerow(row)


def run_clean(args):
    output = args.output or CLEAN_OUTPUT
    done = done_rows(output, CLEAN_FIELDS, ("dataset", "seed", "method"))
    for seed in (int(s) for s in args.seeds.split(",")):
        methods = clean_methods(seed)
        if args.methods:
            methods = {m: methods[m] for m in args.methods.split(",")}
        for path in dataset_paths(args.data, args.datasets):
            todo = [m for m in methods if (path.stem, str(seed), m) not in done]
            if not todo:
                continue
            split = clean_split(*load_raw(path, seed=seed), seed)
            for name in todo:
                row = measure_clean(path.stem, seed, split, name, methods[name])
                append_row(output, CLEAN_FIELDS, row)


def run(args):
    if args.setting == "clean":
        return run_clean(args)
    args.output = args.output or DEFAULT_OUTPUT
    methods = all_methods()
    if args.methods:
        methods = {m: methods[m] for m in args.methods.split(",")}
    done = done_rows(args.output, FIELDS, ("dataset", "method"))
    for path in dataset_paths(args.data, args.datasets):
        todo = [m for m in methods if (path.stem, m) not in done]
        if not todo:
            continue
        X, y = load(path)
        for name in todo:
            append_row(
                args.output, FIELDS, measure(path.stem, X, y, name, methods[name])
            )


def _is_baseline(method):
    return method.startswith("pyod.") or method in BASELINES


def report_clean(args):
    with open(args.output or CLEAN_OUTPUT) as f:
        rows = [r for r in csv.DictReader(f)]
    seeds = sorted({r["seed"] for r in rows}, key=int)
    datasets = list(dict.fromkeys(r["dataset"] for r in rows))
    methods = sorted(
        dict.fromkeys(r["method"] for r in rows), key=lambda m: (_is_baseline(m), m)
    )
    auc = {
        (r["dataset"], r["seed"], r["method"]): float(r["roc_auc"])
        for r in rows
        if r["roc_auc"]
    }
    seconds = {
        (r["dataset"], r["seed"], r["method"]): float(r["fit_seconds"])
        for r in rows
        if r["fit_seconds"]
    }
    # a method's mean counts only where it scored every (dataset, seed) pair
    complete = [
        m for m in methods if all((d, s, m) in auc for d in datasets for s in seeds)
    ]

    def mean(table, method, seed=None, dataset=None):
        values = [
            table[(d, s, method)]
            for d in ([dataset] if dataset else datasets)
            for s in ([seed] if seed else seeds)
            if (d, s, method) in table
        ]
        return np.mean(values) if values else math.nan

    shown = complete + [m for m in methods if m not in complete]
    print("| dataset | " + " | ".join(shown) + " |")
    print("|---|" + "---:|" * len(shown))
    for d in datasets:
        cells = " | ".join(f"{mean(auc, m, dataset=d):.3f}" for m in shown)
        print(f"| {d} | {cells} |")
    for s in seeds:
        cells = " | ".join(f"{mean(auc, m, seed=s):.4f}" for m in shown)
        print(f"| mean ROC-AUC, seed {s} | {cells} |")
    print(
        "| **mean ROC-AUC** | "
        + " | ".join(f"**{mean(auc, m):.4f}**" for m in shown)
        + " |"
    )
    print(
        "| mean fit seconds | "
        + " | ".join(f"{mean(seconds, m):.2f}" for m in shown)
        + " |"
    )
    counts = [sum((d, s, m) in auc for d in datasets for s in seeds) for m in shown]
    print("| (dataset, seed) pairs scored | " + " | ".join(map(str, counts)) + " |")

    ours = [m for m in complete if not _is_baseline(m)]
    print("\nTargets (means over every dataset and seed; complete methods only):\n")
    if ours:
        best = max(ours, key=lambda m: mean(auc, m))
        for baseline, margin in (
            ("kNN", 0.0),
            ("kNN mean", 0.0),
            ("IsolationForest", 0.04),
        ):
            if baseline in complete:
                a, b = mean(auc, best), mean(auc, baseline)
                verdict = "met" if a >= b + margin - 1e-12 else "MISSED"
                print(
                    f"- best skdeepad detector {best} {a:.4f} >= {baseline} {b:.4f}"
                    f" + {margin:.2f}: {verdict}"
                )
        print(
            "- per seed, best skdeepad detector vs kNN and IsolationForest: "
            + "; ".join(
                f"seed {s}: {max(mean(auc, m, seed=s) for m in ours):.4f} vs "
                f"{mean(auc, 'kNN', seed=s):.4f} / "
                f"{mean(auc, 'IsolationForest', seed=s):.4f}"
                for s in seeds
            )
        )
    bad = [r for r in rows if r["status"] != "ok"]
    print("\nFailures, NaN or constant scores: " + ("none." if not bad else ""))
    for r in bad:
        print(f"- {r['dataset']} / seed {r['seed']} / {r['method']}: {r['status']}")


def report(args):
    if args.setting == "clean":
        return report_clean(args)
    args.output = args.output or DEFAULT_OUTPUT
    with open(args.output) as f:
        rows = list(csv.DictReader(f))
    datasets = list(dict.fromkeys(r["dataset"] for r in rows))
    methods = sorted(
        dict.fromkeys(r["method"] for r in rows),
        key=lambda m: (
            m.startswith("pyod."),
            m in ("IsolationForest", "LocalOutlierFactor"),
            m,
        ),
    )
    table = {(r["dataset"], r["method"]): r for r in rows}

    def cell(dataset, method, key):
        value = table.get((dataset, method), {}).get(key, "")
        return float(value) if value else math.nan

    print("| dataset | n | d | " + " | ".join(methods) + " |")
    print("|---|---:|---:|" + "---:|" * len(methods))
    for dataset in datasets:
        first = next(r for r in rows if r["dataset"] == dataset)
        cells = " | ".join(f"{cell(dataset, m, 'roc_auc'):.3f}" for m in methods)
        print(f"| {dataset} | {first['n']} | {first['d']} | {cells} |")
    for label, key in [
        ("**mean ROC-AUC**", "roc_auc"),
        ("mean fit seconds", "fit_seconds"),
    ]:
        means = [np.nanmean([cell(d, m, key) for d in datasets]) for m in methods]
        print(f"| {label} | | | " + " | ".join(f"{v:.3f}" for v in means) + " |")
    counts = [
        sum(np.isfinite(cell(d, m, "roc_auc")) for d in datasets) for m in methods
    ]
    print("| datasets scored | | | " + " | ".join(str(c) for c in counts) + " |")

    def paired_means(a, b):
        pairs = [(cell(d, a, "roc_auc"), cell(d, b, "roc_auc")) for d in datasets]
        pairs = np.array([p for p in pairs if np.all(np.isfinite(p))]).reshape(-1, 2)
        return *pairs.mean(axis=0), len(pairs)

    print("\nTargets (mean ROC-AUC over the datasets both methods scored):\n")
    comparisons = [(ours, pyod) for pyod, ours in PYOD_NAMES.items()]
    ours = [m for m in methods if m in PYOD_NAMES.values() or m == "GANomaly"]
    if ours and "IsolationForest" in methods:
        mean = {m: np.nanmean([cell(d, m, "roc_auc") for d in datasets]) for m in ours}
        comparisons.append((max(ours, key=mean.get), "IsolationForest"))
    for a, b in comparisons:
        if a in methods and b in methods:
            mean_a, mean_b, n = paired_means(a, b)
            verdict = "met" if mean_a >= mean_b else "MISSED"
            print(f"- {a} {mean_a:.3f} vs {b} {mean_b:.3f} ({n} datasets): {verdict}")

    bad = [r for r in rows if r["status"] != "ok"]
    print("\nFailures, NaN or constant scores: " + ("none." if not bad else ""))
    for r in bad:
        print(f"- {r['dataset']} / {r['method']}: {r['status']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["run", "report"])
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--methods", help="comma-separated method names")
    parser.add_argument("--datasets", help="comma-separated dataset names")
    parser.add_argument(
        "--setting", choices=["unsupervised", "clean"], default="unsupervised"
    )
    parser.add_argument(
        "--seeds", default="0,1,2", help="clean setting: comma-separated seeds"
    )
    parser.add_argument("--output", help="the CSV (default: by setting, in results/)")
    args = parser.parse_args()
    run(args) if args.command == "run" else report(args)


if __name__ == "__main__":
    main()
