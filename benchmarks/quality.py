"""Quality benchmark: every detector on the ADBench classical datasets.

ADBench's unsupervised protocol: for every dataset (stratified subsample to at
most 5,000 rows, seed 0), standardise, fit each method with its defaults and
``random_state=0`` on all rows, and take the ROC-AUC of its anomaly scores
(``-score_samples`` for scikit-learn-shaped detectors, ``decision_scores_``
for PyOD's) against ``y`` (1 = anomaly). Methods: every skdeepad detector,
scikit-learn's IsolationForest and LocalOutlierFactor and, where PyOD is
installed (a benchmark-only dependency), PyOD's AutoEncoder, VAE, DeepSVDD and
DIF.

    python benchmarks/quality.py run [--data DIR] [--methods A,B] [--datasets a,b]
    python benchmarks/quality.py report > benchmarks/results/quality.md

``run`` appends one CSV row per (dataset, method) to ``--output`` (default
``benchmarks/results/quality.csv``) as soon as it is measured and skips pairs
already there, so an interrupted run resumes. ``report`` prints the Markdown
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
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skdeepad.benchmark import _training_scores, available_methods

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data" / "adbench"
DEFAULT_OUTPUT = HERE / "results" / "quality.csv"
FIELDS = ["dataset", "n", "d", "method", "roc_auc", "fit_seconds", "status"]
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


def pyod_methods():
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

    return {
        "pyod.AutoEncoder": factory(
            "auto_encoder", "AutoEncoder", random_state=0, verbose=0
        ),
        "pyod.VAE": factory("vae", "VAE", random_state=0, verbose=0),
        "pyod.DeepSVDD": factory("deep_svdd", "DeepSVDD", random_state=0, verbose=0),
        "pyod.DIF": factory("dif", "DIF", random_state=0),
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
    """Fit ``method`` on ``X``; return its anomaly scores of ``X`` (high: abnormal)."""
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
    """The ``key`` tuples already in the CSV ``output``.

    A new ``output`` is created with its header.
    """
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


def run(args):
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


def report(args):
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
    parser.add_argument("--output", default=str(DEFAULT_OUTPUT))
    args = parser.parse_args()
    run(args) if args.command == "run" else report(args)


if __name__ == "__main__":
    main()
