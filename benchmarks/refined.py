"""Refining the training rows: a detector fitted on the rows a refiner keeps.

The unsupervised protocol of ``quality.py`` (each ADBench set fitted on all
its rows, anomalies included, and scored on them; ROC-AUC with y = 1 the
anomaly), on the 15 development sets of ``tune_defaults.py`` or on all 43.
A variant is ``BASE`` (the detector alone) or ``BASE:REFINER:FRACTION``:
``RefinedDetector(BASE, refiner=REFINER, drop_fraction=FRACTION)``, every
estimator seeded with the seed. BASE and REFINER are among ``METHODS``;
"knn" is the mean distance to the 5 nearest rows, a training row left out of
its own neighbours (so its refined form is computed here, not by
RefinedDetector, which would score a kept row against itself).

    python benchmarks/refined.py [--all] [--seeds 0,1,2] VARIANT [VARIANT ...]

Prints one line per variant: the mean ROC-AUC at each seed, and their mean.
Results: benchmarks/results/refined.md.
"""

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np
from quality import DEFAULT_DATA, load
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score
from sklearn.neighbors import NearestNeighbors
from tune_defaults import DEV_SETS

from skdeepad import (
    DTE,
    LUNAR,
    AutoEncoder,
    DeepIsolationForest,
    DetectorEnsemble,
    RefinedDetector,
)

METHODS = {
    "ae": AutoEncoder,
    "dte": DTE,
    "dif": DeepIsolationForest,
    "lunar": LUNAR,
    "ens": DetectorEnsemble,
    "if": IsolationForest,
    "refined": RefinedDetector,  # refined twice: "ae:refined:0.3"
    "if+ae": lambda random_state: DetectorEnsemble(
        [("if", IsolationForest()), ("ae", AutoEncoder())], random_state=random_state
    ),
}


def knn_scores(X, kept, k=5):
    """Minus the mean distance to the 5 nearest kept rows (not the row itself)."""
    neighbors = NearestNeighbors(n_neighbors=k).fit(X[kept])
    scores = np.empty(len(X))
    scores[kept] = -neighbors.kneighbors(X[kept], k + 1)[0][:, 1:].mean(axis=1)
    if (~kept).any():
        scores[~kept] = -neighbors.kneighbors(X[~kept], k)[0].mean(axis=1)
    return scores


def scores_of(variant, X, seed):
    """Normality scores of ``X``'s rows by ``variant`` fitted on ``X``."""
    base, *refined = variant.split(":")
    if base == "knn":
        kept = np.ones(len(X), dtype=bool)
        if refined:
            refiner, fraction = refined
            ranking = scores_of(refiner, X, seed)
            n_dropped = int(float(fraction) * len(X))
            kept[np.argsort(ranking, kind="stable")[:n_dropped]] = False
        return knn_scores(X, kept)
    detector = METHODS[base](random_state=seed)
    if refined:
        refiner, fraction = refined
        detector = RefinedDetector(
            detector,
            refiner=METHODS[refiner](random_state=seed),
            drop_fraction=float(fraction),
        )
    return detector.fit(X).score_samples(X)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("variants", nargs="+")
    parser.add_argument("--all", action="store_true", help="all 43 sets")
    parser.add_argument("--seeds", default="0,1,2")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    names = DEV_SETS
    if args.all:
        names = sorted(p.stem for p in Path(DEFAULT_DATA).glob("*.npz"))
    data = {name: load(Path(DEFAULT_DATA) / f"{name}.npz") for name in names}
    for variant in args.variants:
        means = []
        for seed in seeds:
            aucs = []
            for name, (X, y) in data.items():
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    scores = scores_of(variant, X, seed)
                aucs.append(roc_auc_score(y, -scores))
                print(f"{variant} {seed} {name} {aucs[-1]:.4f}", file=sys.stderr)
            means.append(np.mean(aucs))
        print(
            f"| {variant} | "
            + " / ".join(f"{m:.4f}" for m in means)
            + f" = {np.mean(means):.4f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
