"""Which members for DetectorEnsemble's default: every pair, triple and quadruple.

Clean-train protocol of ``quality.py --setting clean`` at one seed. Each
candidate member (DTE, AutoEncoder, LocalOutlierFactor(novelty=True),
IsolationForest, and the kNN baseline for reference) is fitted once per
dataset; every combination is then scored from those fits, each member's
scores robust-z-scored ("zscore", DetectorEnsemble's default) or ranked
("rank") against its training scores and averaged. Prints the mean ROC-AUC on
the development datasets (``tune_defaults.DEV_SETS``, where the default is
chosen) and on all 43.

    python benchmarks/ensemble_members.py --seed 0 [--cache scores.json]
"""

import argparse
import itertools
import json
import warnings
from pathlib import Path

import numpy as np
from quality import DEFAULT_DATA, clean_split, dataset_paths, load_raw
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score
from sklearn.neighbors import LocalOutlierFactor
from tune_defaults import DEV_SETS

from skdeepad import DTE, AutoEncoder
from skdeepad.benchmark import _KNNDistance, _training_scores


def members(seed):
    return {
        "dte": DTE(random_state=seed),
        "ae": AutoEncoder(random_state=seed),
        "lof": LocalOutlierFactor(novelty=True),
        "if": IsolationForest(random_state=seed),
        "knn": _KNNDistance(),
    }


def anomaly_scores(method, X_train, X_test):
    """``(training, test)`` anomaly scores; LOF and kNN leave a row out of its own."""
    method.fit(X_train)
    return -_training_scores(method, X_train), -method.score_samples(X_test)


def zscore(train, test):
    median = np.median(train)
    q75, q25 = np.percentile(train, [75, 25])
    scale = (q75 - q25) / 1.349 or 1.4826 * np.median(np.abs(train - median))
    return (test - median) / (scale or np.std(train) or 1.0)


def rank(train, test):
    return np.searchsorted(np.sort(train), test, side="right") / len(train)


def fit_all(data, seed):
    out = {}
    for path in dataset_paths(data):
        X_train, X_test, y = clean_split(*load_raw(path, seed=seed), seed)
        scores = {}
        for name, method in members(seed).items():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                train, test = anomaly_scores(method, X_train, X_test)
            scores[name] = (train.tolist(), test.tolist())
        out[path.stem] = {"y": y.tolist(), "scores": scores}
        print(path.stem, flush=True)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--cache", help="JSON of the members' scores (reused if there)")
    args = parser.parse_args()
    if args.cache and Path(args.cache).exists():
        fits = json.loads(Path(args.cache).read_text())
    else:
        fits = fit_all(args.data, args.seed)
        if args.cache:
            Path(args.cache).write_text(json.dumps(fits))
    results = {}
    for dataset, fit in fits.items():
        y = np.asarray(fit["y"])
        scores = {n: tuple(map(np.asarray, s)) for n, s in fit["scores"].items()}
        for name, (_, test) in scores.items():
            results.setdefault(name, {})[dataset] = roc_auc_score(y, test)
        for size in (2, 3, 4):
            for combo in itertools.combinations(scores, size):
                for how, normalise in (("zscore", zscore), ("rank", rank)):
                    combined = np.mean([normalise(*scores[c]) for c in combo], axis=0)
                    key = "+".join(combo) + " " + how
                    results.setdefault(key, {})[dataset] = roc_auc_score(y, combined)
    print(f"| members (seed {args.seed}) | development sets | all datasets |")
    print("|---|---:|---:|")
    rows = [
        (key, np.mean([r[d] for d in r if d in DEV_SETS]), np.mean(list(r.values())))
        for key, r in results.items()
    ]
    for key, dev, every in sorted(rows, key=lambda row: -row[1]):
        print(f"| {key} | {dev:.4f} | {every:.4f} |")


if __name__ == "__main__":
    main()
