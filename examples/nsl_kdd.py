"""Intrusion detection on NSL-KDD, trained on normal traffic
=========================================================

Intrusion detection on NSL-KDD from files you have: train on normal traffic.

Reads ``KDDTrain+.txt`` and ``KDDTest+.txt`` (the NSL-KDD layout) with
``skdeepad.datasets.load_nsl_kdd``; nothing is downloaded. Fits a DAGMM and an
AutoEncoder, each after a ``log1p`` of the (non-negative, heavy-tailed)
features, on the normal records of the training file, then reports the ROC-AUC
on the test file, overall and per attack family. Run with
``python examples/nsl_kdd.py path/to/KDDTrain+.txt path/to/KDDTest+.txt``.
"""

import argparse

import numpy as np
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from skdeepad import DAGMM, AutoEncoder
from skdeepad.datasets import load_nsl_kdd


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("train", help="the training file (KDDTrain+.txt layout)")
    parser.add_argument("test", help="the test file (KDDTest+.txt layout)")
    parser.add_argument("--epochs", type=int, default=50)
    args = parser.parse_args(argv)

    train = load_nsl_kdd(args.train)
    test = load_nsl_kdd(args.test, categories=train.categories)
    print(
        f"train: {len(train.y)} records ({np.mean(train.y == 1):.1%} normal); "
        f"test: {len(test.y)} records, {test.X.shape[1]} features"
    )
    normal = train.X[train.y == 1]
    results = {}
    for detector in (
        DAGMM(epochs=args.epochs, random_state=0),
        AutoEncoder(epochs=args.epochs, early_stopping=True, random_state=0),
    ):
        model = make_pipeline(FunctionTransformer(np.log1p), detector).fit(normal)
        scores = model.score_samples(test.X)
        name = type(detector).__name__
        results[name] = roc_auc_score(test.y, scores)
        line = [f"{name}: ROC-AUC {results[name]:.3f}"]
        for family in sorted(set(test.family) - {"normal"}):
            rows = (test.family == family) | (test.family == "normal")
            if np.any(test.family == family):
                auc = roc_auc_score(test.y[rows], scores[rows])
                line.append(f"{family} {auc:.3f}")
        print(", ".join(line))
    return results


if __name__ == "__main__":
    main()
