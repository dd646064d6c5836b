"""DetectorEnsemble: rank against robust z-score normalisation, clean-train setting.

Protocol (the clean-train setting of issue 22): each ADBench set of the
development subset, stratified to at most 2,000 rows (seed); a random half of
the normal rows trains, the other half plus every anomaly is the test set;
standardised on the training rows. For each (data set, seed) one
``DetectorEnsemble(random_state=seed)`` with members AutoEncoder,
IsolationForest and LocalOutlierFactor(novelty=True) is fitted once; every
variant is then scored from the same fitted members, by setting
``normalization`` and ``weights`` (a weight of 0 leaves a member out), so
the variants differ in the combination only. kNN distance (k=5) is the
baseline of the same split. The split is ``quality.py``'s clean-train split
(its ``load_raw`` and ``clean_split``) at 2,000 rows; the results file's figures
came from an earlier copy of it that kept the training rows in shuffled order
rather than sorted (the same rows).

    python benchmarks/ensemble_normalization.py [--seeds 0,1,2] [--data DIR] [DATA ...]

Results: benchmarks/results/ensemble_tuning.md.
"""

import argparse
import copy
import time
import warnings
from pathlib import Path

import numpy as np
from quality import DEFAULT_DATA, clean_split, load_raw
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score
from sklearn.neighbors import LocalOutlierFactor, NearestNeighbors
from tune_defaults import DEV_SETS

from skdeepad import AutoEncoder, DetectorEnsemble

MAX_ROWS = 2000
# variant name -> (normalization, weights of AutoEncoder, IsolationForest, LOF)
VARIANTS = {
    "AutoEncoder alone": ("rank", [1, 0, 0]),
    "IsolationForest alone": ("rank", [0, 1, 0]),
    "LOF(novelty) alone": ("rank", [0, 0, 1]),
    "rank AE+IF": ("rank", [1, 1, 0]),
    "zscore AE+IF": ("zscore", [1, 1, 0]),
    "rank AE+IF+LOF": ("rank", [1, 1, 1]),
    "zscore AE+IF+LOF": ("zscore", [1, 1, 1]),
}


def _combined_otherwise(ensemble, normalization, weights):
    """The fitted ``ensemble`` with its members' scores combined another way.

    A fitted DetectorEnsemble scores with the normalization and weights of
    its fit (set afterwards, they wait for the next fit); this copy takes the
    variant's at once, from the same fitted members, without refitting them.
    """
    variant = copy.copy(ensemble).set_params(
        normalization=normalization, weights=weights
    )
    variant.weights_ = variant._checked_weights(len(variant.estimators_))
    variant._normalization = normalization
    return variant


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("datasets", nargs="*", default=DEV_SETS)
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help="the ADBench folder"
    )
    args = parser.parse_args()
    results = {name: [] for name in [*VARIANTS, "kNN (k=5)"]}
    for name in args.datasets:
        for seed in map(int, args.seeds.split(",")):
            path = Path(args.data) / f"{name}.npz"
            X_train, X_test, y_test = clean_split(
                *load_raw(path, max_rows=MAX_ROWS, seed=seed), seed
            )
            ensemble = DetectorEnsemble(
                [
                    ("ae", AutoEncoder()),
                    ("iforest", IsolationForest()),
                    ("lof", LocalOutlierFactor(novelty=True)),
                ],
                random_state=seed,
            )
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ensemble.fit(X_train)
            seconds = time.perf_counter() - start
            line = []
            for variant, (normalization, weights) in VARIANTS.items():
                rescored = _combined_otherwise(ensemble, normalization, weights)
                auc = roc_auc_score(y_test, -rescored.score_samples(X_test))
                results[variant].append(auc)
                line.append(f"{auc:.3f}")
            knn = NearestNeighbors(n_neighbors=5).fit(X_train)
            auc = roc_auc_score(y_test, knn.kneighbors(X_test)[0][:, -1])
            results["kNN (k=5)"].append(auc)
            print(f"{name:16s} seed {seed} {' '.join(line)} knn {auc:.3f} "
                  f"fit {seconds:.1f}s", flush=True)
    print(f"\nmean ROC-AUC over {len(results['kNN (k=5)'])} (data set, seed) pairs")
    for variant, aucs in results.items():
        per_seed = np.mean(np.reshape(aucs, (-1, len(args.seeds.split(",")))), axis=0)
        print(f"{variant:24s} {np.mean(aucs):.4f}  per seed "
              + " / ".join(f"{v:.3f}" for v in per_seed))


if __name__ == "__main__":
    main()
