"""DTE's anomaly score from its predicted diffusion-time distribution: which rule.

One default DTE is fitted per dataset and seed (``quality.py``'s clean-train
split, or the unsupervised one: all rows of the seed-0 subsample); from the
same predicted bin probabilities ``P`` of the test rows, several scores are
compared by ROC-AUC: the expected bin (DTE's score), the log-odds of "not bin
0", the expected squared bin, the expected square root of the bin, and the
most likely bin (ties broken by the expected bin).

    cd benchmarks
    python dte_scoring.py clean dev      # or: unsupervised, all

Results: benchmarks/results/dte_tuning.md.
"""

import sys
import warnings
from pathlib import Path

import numpy as np
from quality import DEFAULT_DATA, clean_split, load, load_raw
from scipy.special import softmax
from sklearn.metrics import roc_auc_score
from tune_defaults import DEV_SETS

from skdeepad import DTE
from skdeepad.core._training import forward


def rules(P):
    bins, eps = np.arange(P.shape[1]), 1e-12
    return {
        "expected bin (default)": P @ bins,
        "log-odds of not bin 0": np.log(1 - P[:, 0] + eps) - np.log(P[:, 0] + eps),
        "expected squared bin": P @ bins**2,
        "expected square root of the bin": P @ np.sqrt(bins),
        "most likely bin": P.argmax(1) + 1e-3 * (P @ bins),
    }


def main():
    setting, part = sys.argv[1], sys.argv[2]
    names = DEV_SETS
    if part == "all":
        names = sorted(p.stem for p in Path(DEFAULT_DATA).glob("*.npz"))
    warnings.simplefilter("ignore")
    results = {}
    for seed in (0, 1, 2):
        for name in names:
            path = Path(DEFAULT_DATA) / f"{name}.npz"
            if setting == "clean":
                X_train, X_test, y_test = clean_split(*load_raw(path, seed=seed), seed)
            else:
                X_train, y_test = load(path, seed=0)
                X_test = X_train
            detector = DTE(random_state=seed).fit(X_train)
            inputs = detector._as_network_input(X_test, detector.scaler_)
            logits = forward(detector.network_, inputs).astype(np.float64)
            for rule, scores in rules(softmax(logits, axis=1)).items():
                auc = roc_auc_score(y_test, scores)
                results.setdefault(rule, {}).setdefault(seed, []).append(auc)
    for rule, by_seed in results.items():
        means = [np.mean(by_seed[s]) for s in sorted(by_seed)]
        cells = " / ".join(f"{m:.4f}" for m in means)
        print(f"| {rule} | {cells} = {np.mean(means):.4f} |")


if __name__ == "__main__":
    main()
