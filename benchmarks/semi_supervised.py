"""Semi-supervised benchmark: a few labelled anomalies, on ADBench's classical sets.

ADBench's semi-supervised protocol: for every dataset (stratified subsample to
at most 5,000 rows, seed 0, standardised), a stratified 70/30 train/test split
(seed 0); in the training part the labels of a fraction (1%, 5%) of the
anomalies are kept (at least one), every other training sample is unlabelled;
ROC-AUC of the anomaly scores on the test part. Methods, with their defaults
and ``random_state=0``:

- ``DevNet`` and ``DeepSAD`` on the partial labels (-1 labelled anomaly, 0
  unlabelled);
- ``IsolationForest`` (unsupervised, the labels unused);
- ``HistGradientBoostingClassifier`` trained on the same labels (unlabelled as
  normal), scored by its predicted probability of an anomaly;
- PyOD's ``DevNet`` (labels 1 anomaly, 0 unlabelled), where PyOD is installed.

    python benchmarks/semi_supervised.py run [--data DIR] [--methods A,B]
        [--datasets a,b] [--fractions 0.01,0.05]
    python benchmarks/semi_supervised.py report > benchmarks/results/semi_supervised.md

``run`` appends one CSV row per (dataset, fraction, method) to ``--output``
(default ``benchmarks/results/semi_supervised.csv``) and skips those already
there, so an interrupted run resumes.
"""

import argparse
import contextlib
import csv
import importlib.util
import io
import math
import time
import warnings
from pathlib import Path

import numpy as np
from quality import DEFAULT_DATA, append_row, dataset_paths, done_rows, evaluate, load
from sklearn.ensemble import HistGradientBoostingClassifier, IsolationForest
from sklearn.model_selection import train_test_split

from skdeepad import DeepSAD, DevNet

HERE = Path(__file__).resolve().parent
DEFAULT_OUTPUT = HERE / "results" / "semi_supervised.csv"
FIELDS = [
    "dataset",
    "n",
    "d",
    "fraction",
    "labelled",
    "method",
    "roc_auc",
    "fit_seconds",
    "status",
]
FRACTIONS = (0.01, 0.05)


def _ours(cls):
    def scores(X_train, y_partial, X_test):
        det = cls(random_state=0).fit(X_train, y_partial)
        return -det.score_samples(X_test)

    return scores


def _isolation_forest(X_train, y_partial, X_test):
    return -IsolationForest(random_state=0).fit(X_train).score_samples(X_test)


def _gradient_boosting(X_train, y_partial, X_test):
    clf = HistGradientBoostingClassifier(random_state=0).fit(X_train, y_partial < 0)
    return clf.predict_proba(X_test)[:, 1]


def _pyod_devnet(X_train, y_partial, X_test):
    from pyod.models.devnet import DevNet as PyODDevNet

    with contextlib.redirect_stdout(io.StringIO()):  # it prints every epoch
        det = PyODDevNet(random_seed=0).fit(X_train, (y_partial < 0).astype(int))
    return det.decision_function(X_test)


def all_methods():
    methods = {
        "DevNet": _ours(DevNet),
        "DeepSAD": _ours(DeepSAD),
        "IsolationForest": _isolation_forest,
        "HistGradientBoosting": _gradient_boosting,
    }
    if importlib.util.find_spec("pyod") is not None:
        methods["pyod.DevNet"] = _pyod_devnet
    return methods


def split(X, y, fraction, seed=0):
    """The 70/30 split, and labels kept for ``fraction`` of the training anomalies."""
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=seed
    )
    anomalies = np.flatnonzero(y_train == 1)
    n_labelled = max(1, round(fraction * len(anomalies)))
    labelled = np.random.RandomState(seed).choice(anomalies, n_labelled, replace=False)
    y_partial = np.zeros(len(y_train), dtype=int)
    y_partial[labelled] = -1
    return X_train, X_test, y_partial, y_test


def measure(method, X_train, X_test, y_partial, y_test):
    start = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scores = np.asarray(method(X_train, y_partial, X_test), dtype=np.float64)
    except Exception as exc:  # recorded, so one failure does not end the run
        return {"roc_auc": "", "fit_seconds": "", "status": f"error: {exc!r}"[:200]}
    seconds = time.perf_counter() - start
    return evaluate(y_test, scores) | {"fit_seconds": f"{seconds:.2f}"}


def run(args):
    methods = all_methods()
    if args.methods:
        methods = {m: methods[m] for m in args.methods.split(",")}
    done = done_rows(args.output, FIELDS, ("dataset", "fraction", "method"))
    for path in dataset_paths(args.data, args.datasets):
        X, y = None, None
        for fraction in args.fractions:
            todo = [m for m in methods if (path.stem, str(fraction), m) not in done]
            if not todo:
                continue
            if X is None:
                X, y = load(path)
            X_train, X_test, y_partial, y_test = split(X, y, fraction)
            base = {
                "dataset": path.stem,
                "n": len(X),
                "d": X.shape[1],
                "fraction": fraction,
                "labelled": int(np.sum(y_partial < 0)),
            }
            for name in todo:
                result = measure(methods[name], X_train, X_test, y_partial, y_test)
                append_row(args.output, FIELDS, base | {"method": name} | result)


def report(args):
    with open(args.output) as f:
        rows = list(csv.DictReader(f))
    datasets = list(dict.fromkeys(r["dataset"] for r in rows))
    methods = sorted(
        dict.fromkeys(r["method"] for r in rows),
        key=lambda m: list(all_methods()).index(m) if m in all_methods() else 99,
    )
    table = {(r["dataset"], r["fraction"], r["method"]): r for r in rows}

    def cell(dataset, fraction, method, key="roc_auc"):
        value = table.get((dataset, fraction, method), {}).get(key, "")
        return float(value) if value else math.nan

    for fraction in dict.fromkeys(r["fraction"] for r in rows):
        percent = f"{100 * float(fraction):g}%"
        print(f"## {percent} of the training anomalies labelled\n")
        print("| dataset | n | d | labelled | " + " | ".join(methods) + " |")
        print("|---|---:|---:|---:|" + "---:|" * len(methods))
        for dataset in datasets:
            first = table.get((dataset, fraction, methods[0]))
            if first is None:
                continue
            cells = " | ".join(f"{cell(dataset, fraction, m):.3f}" for m in methods)
            print(
                f"| {dataset} | {first['n']} | {first['d']} | {first['labelled']} "
                f"| {cells} |"
            )
        for label, key in [
            ("**mean ROC-AUC**", "roc_auc"),
            ("mean seconds", "fit_seconds"),
        ]:
            means = [
                np.nanmean([cell(d, fraction, m, key) for d in datasets])
                for m in methods
            ]
            print(f"| {label} | | | | " + " | ".join(f"{v:.3f}" for v in means) + " |")
        counts = [
            sum(np.isfinite(cell(d, fraction, m)) for d in datasets) for m in methods
        ]
        print("| datasets scored | | | | " + " | ".join(str(c) for c in counts) + " |")

        def paired(a, b, fraction=fraction):
            pairs = [(cell(d, fraction, a), cell(d, fraction, b)) for d in datasets]
            pairs = np.array([p for p in pairs if np.all(np.isfinite(p))]).reshape(
                -1, 2
            )
            return *pairs.mean(axis=0), len(pairs)

        mean = {
            m: np.nanmean([cell(d, fraction, m) for d in datasets]) for m in methods
        }
        ours = [m for m in ("DevNet", "DeepSAD") if m in methods]
        if ours:
            best = max(ours, key=mean.get)
            print(
                f"\nTargets at {percent} (mean ROC-AUC, datasets both scored):\n"
            )
            for other, margin in [("IsolationForest", 0.03), ("pyod.DevNet", 0.0)]:
                if other in methods:
                    a, b, n = paired(best, other)
                    verdict = "met" if a >= b + margin else "MISSED"
                    need = f" + {margin:.2f}" if margin else ""
                    print(
                        f"- {best} {a:.3f} vs {other} {b:.3f}{need} ({n} datasets): "
                        f"{verdict}"
                    )
        print()

    bad = [r for r in rows if r["status"] != "ok"]
    print("Failures, NaN or constant scores: " + ("none." if not bad else ""))
    for r in bad:
        print(f"- {r['dataset']} ({r['fraction']}) / {r['method']}: {r['status']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["run", "report"])
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--methods", help="comma-separated method names")
    parser.add_argument("--datasets", help="comma-separated dataset names")
    parser.add_argument("--output", default=str(DEFAULT_OUTPUT))
    parser.add_argument(
        "--fractions",
        type=lambda s: [float(f) for f in s.split(",")],
        default=list(FRACTIONS),
        help="labelled fractions, default 0.01,0.05",
    )
    args = parser.parse_args()
    run(args) if args.command == "run" else report(args)


if __name__ == "__main__":
    main()
