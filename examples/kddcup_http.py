"""Intrusion detection on KDD Cup 99 http
======================================

Intrusion detection on KDD Cup 99's ``http`` subset, as ADBench uses it.

Loads the data with ``skdeepad.datasets.load_kddcup99`` (scikit-learn downloads
it into its cache the first time: about 2 MB), fits a DeepIsolationForest and an
AutoEncoder on a sample of the connections and scores all of them. Run with
``python examples/kddcup_http.py``.
"""

import argparse

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score

from skdeepad import AutoEncoder, DeepIsolationForest
from skdeepad.datasets import load_kddcup99


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--train-rows", type=int, default=20000)
    parser.add_argument("--data-home", help="scikit-learn's data cache")
    args = parser.parse_args(argv)

    data = load_kddcup99("http", data_home=args.data_home)
    print(f"{len(data.y)} connections, {np.mean(data.y == -1):.2%} attacks")
    rng = np.random.default_rng(0)
    train = rng.choice(len(data.X), min(args.train_rows, len(data.X)), replace=False)
    results = {}
    for detector in (
        DeepIsolationForest(random_state=0),
        AutoEncoder(
            hidden_units=(8, 2), epochs=args.epochs, early_stopping=True, random_state=0
        ),
    ):
        detector.fit(data.X[train])
        scores = detector.score_samples(data.X)
        name = type(detector).__name__
        results[name] = roc_auc_score(data.y, scores)
        ap = average_precision_score(data.y == -1, -scores)
        print(f"{name}: ROC-AUC {results[name]:.3f}, average precision {ap:.3f}")
    return results


if __name__ == "__main__":
    main()
