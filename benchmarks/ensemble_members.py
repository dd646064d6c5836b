"""Which members for DetectorEnsemble's default: every pair, triple and quadruple.

Protocols of ``quality.py`` at one seed: clean-train (``--setting clean``, the
default) or unsupervised (``--setting unsupervised``: fitted and scored on all
rows, standardised). Each candidate member (by default DTE, AutoEncoder,
LocalOutlierFactor(novelty=True), IsolationForest, and the kNN baseline for
reference; ``--members`` picks among those and DeepIsolationForest "dif") is
fitted once per dataset; every combination is then scored from those fits,
each member's scores robust-z-scored ("zscore", DetectorEnsemble's default) or
ranked ("rank") against its training scores and averaged. Prints the mean
ROC-AUC on the development datasets (``tune_defaults.DEV_SETS``, where the
default is chosen) and on every dataset fitted (``--dev-only``: those alone).

    python benchmarks/ensemble_members.py --seed 0 [--cache scores.json]
    python benchmarks/ensemble_members.py --setting unsupervised \
        --members dte,ae,dif,if --dev-only --seed 1 --cache unsup1.json

``--extend OLD.json`` reads the fits of an earlier cache of the same run and
fits only the ``--members`` it lacks, on the same splits (then written to
``--cache``).
"""

import argparse
import itertools
import json
import warnings
from pathlib import Path

import numpy as np
from quality import DEFAULT_DATA, clean_split, dataset_paths, load, load_raw
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score
from sklearn.neighbors import LocalOutlierFactor
from tune_defaults import DEV_SETS

from skdeepad import DTE, ICL, LUNAR, AutoEncoder, DeepIsolationForest
from skdeepad.benchmark import _KNNDistance, _training_scores
from skdeepad.core import robust_zscore


def members(seed):
    return {
        "dte": DTE(random_state=seed),
        "ae": AutoEncoder(random_state=seed),
        "lof": LocalOutlierFactor(novelty=True),
        "if": IsolationForest(random_state=seed),
        "dif": DeepIsolationForest(random_state=seed),
        "icl": ICL(random_state=seed),
        "lunar": LUNAR(random_state=seed),
        "knn": _KNNDistance(),
    }


def split(path, seed, setting):
    """``(X_train, X_test, y_test)`` of one dataset; unsupervised: ``X_test`` None."""
    if setting == "clean":
        return clean_split(*load_raw(path, seed=seed), seed)
    X, y = load(path, seed=seed)
    return X, None, y


def anomaly_scores(method, X_train, X_test):
    """``(training, test)`` anomaly scores; LOF and kNN leave a row out of its own.

    With ``X_test`` None (unsupervised: the training rows are scored) the test
    scores are the training scores, as ``quality.py`` scores them.
    """
    method.fit(X_train)
    train = -_training_scores(method, X_train)
    return train, train if X_test is None else -method.score_samples(X_test)


def zscore(train, test):
    """``test`` robust-z-scored against ``train``, as DetectorEnsemble does."""
    return robust_zscore(test, train)


def rank(train, test):
    return np.searchsorted(np.sort(train), test, side="right") / len(train)


def fit_all(data, seed, setting="clean", names=None, datasets=None):
    out = {}
    for path in dataset_paths(data, datasets):
        X_train, X_test, y = split(path, seed, setting)
        scores = {}
        for name, method in members(seed).items():
            if names is not None and name not in names:
                continue
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
    parser.add_argument("--setting", choices=("clean", "unsupervised"), default="clean")
    parser.add_argument(
        "--members", default="dte,ae,lof,if,knn", help="comma-separated candidates"
    )
    parser.add_argument("--dev-only", action="store_true", help="development sets only")
    parser.add_argument("--extend", help="a cache whose fits are kept; others added")
    args = parser.parse_args()
    names = args.members.split(",")
    unknown = set(names) - set(members(0))
    if unknown:
        known = sorted(members(0))
        parser.error(f"unknown --members {sorted(unknown)}; known: {known}")
    run = {"seed": args.seed, "setting": args.setting, "dev_only": args.dev_only}
    if args.cache and Path(args.cache).exists():
        cached = json.loads(Path(args.cache).read_text())
        if cached.get("run") != run:
            parser.error(f"--cache {args.cache} holds another run: {cached.get('run')}")
        fits = cached["fits"]
    else:
        datasets = ",".join(DEV_SETS) if args.dev_only else None
        old = {}
        if args.extend:
            old = json.loads(Path(args.extend).read_text())
            if old.get("run") != run:
                parser.error(f"--extend {args.extend} holds another run: {old['run']}")
            old = old["fits"]
            have = set.intersection(*(set(f["scores"]) for f in old.values()))
            names = [n for n in names if n not in have]
        fits = fit_all(args.data, args.seed, args.setting, names, datasets)
        for dataset, fit in old.items():
            fit["scores"].update(fits[dataset]["scores"])
            fits[dataset] = fit
        if args.cache:
            Path(args.cache).write_text(json.dumps({"run": run, "fits": fits}))
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
