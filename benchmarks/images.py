"""Image benchmark: one digit as normal, a few other digits as anomalies.

For each of the ten classes of scikit-learn's 8x8 digits: the normal data are
all images of that class, the anomalies 10% as many images drawn at random
(seed 0) from the nine other classes. Each method is fitted on the mixed set
(the unsupervised setting) with its defaults and ``random_state=0``, and
scored on the same images; ROC-AUC of the anomaly scores.

Methods: :class:`skdeepad.ConvAutoEncoder` on the images
(``image_shape=(8, 8)``), :class:`skdeepad.AutoEncoder` and scikit-learn's
IsolationForest on the 64 pixels.

    python benchmarks/images.py > benchmarks/results/images.md
"""

import time
from functools import partial

import numpy as np
from sklearn.datasets import load_digits
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score

from skdeepad import AutoEncoder, ConvAutoEncoder

METHODS = {
    "ConvAutoEncoder": partial(ConvAutoEncoder, image_shape=(8, 8), random_state=0),
    "AutoEncoder": partial(AutoEncoder, random_state=0),
    "IsolationForest": partial(IsolationForest, random_state=0),
}


def task(X, y, normal, rng, fraction=0.1):
    inliers = np.flatnonzero(y == normal)
    others = np.flatnonzero(y != normal)
    outliers = rng.choice(others, size=int(fraction * len(inliers)), replace=False)
    rows = np.concatenate([inliers, outliers])
    return X[rows], np.r_[np.zeros(len(inliers)), np.ones(len(outliers))]


def main():
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    rng = np.random.RandomState(0)
    auc = {m: [] for m in METHODS}
    seconds = {m: [] for m in METHODS}
    print("| normal digit | " + " | ".join(METHODS) + " |")
    print("|---:|" + "---:|" * len(METHODS))
    for normal in range(10):
        Xt, yt = task(X, y, normal, rng)
        for name, factory in METHODS.items():
            start = time.perf_counter()
            scores = -factory().fit(Xt).score_samples(Xt)
            seconds[name].append(time.perf_counter() - start)
            auc[name].append(roc_auc_score(yt, scores))
        print(
            f"| {normal} | " + " | ".join(f"{auc[m][-1]:.3f}" for m in METHODS) + " |",
            flush=True,
        )
    print(
        "| **mean** | " + " | ".join(f"{np.mean(auc[m]):.3f}" for m in METHODS) + " |"
    )
    print(
        "| mean seconds | "
        + " | ".join(f"{np.mean(seconds[m]):.1f}" for m in METHODS)
        + " |"
    )
    best = max(METHODS, key=lambda m: np.mean(auc[m]))
    print(
        f"\nTarget: ConvAutoEncoder has the best mean ROC-AUC: "
        f"{'met' if best == 'ConvAutoEncoder' else 'MISSED (best: ' + best + ')'}"
    )


if __name__ == "__main__":
    main()
