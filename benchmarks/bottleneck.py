"""How wide should AutoEncoder's default bottleneck be?

Compares candidate ``hidden_units`` rules (d = number of features) on the small
ADBench sets (n < 2,000) beside this checkout, standardised, fitted on all rows
with the other defaults and ``random_state=0``; ROC-AUC of ``-score_samples``.

    python benchmarks/bottleneck.py [path/to/adbench]

Results: benchmarks/results/bottleneck.md.
"""

import sys
from pathlib import Path

import numpy as np
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score

from skdeepad import AutoEncoder

RULES = {
    "(64, 32)": lambda d: (64, 32),
    "(64, d//2)": lambda d: (64, max(1, min(32, d // 2))),
    "(2d, d//4)": lambda d: (min(64, max(8, 2 * d)), min(32, max(1, d // 4))),
}
NAMES = [
    "4_breastw", "6_cardio", "14_glass", "15_Hepatitis", "18_Ionosphere", "20_letter",
    "21_Lymphography", "29_Pima", "40_vowels", "42_WBC", "45_wine", "46_WPBC",
    "39_vertebral", "37_Stamps", "47_yeast",
]


def main(root):
    results = {rule: [] for rule in RULES} | {"IsolationForest": []}
    print("| dataset | n | d | " + " | ".join(results) + " |")
    print("|---" * (3 + len(results)) + "|")
    for name in NAMES:
        with np.load(Path(root) / f"{name}.npz") as data:
            X, y = data["X"].astype(float), data["y"]
        X = (X - X.mean(0)) / (X.std(0) + 1e-12)
        iforest = IsolationForest(random_state=0).fit(X)
        results["IsolationForest"].append(roc_auc_score(y, -iforest.score_samples(X)))
        for rule, units in RULES.items():
            det = AutoEncoder(hidden_units=units(X.shape[1]), random_state=0).fit(X)
            results[rule].append(roc_auc_score(y, -det.score_samples(X)))
        row = " | ".join(f"{v[-1]:.3f}" for v in results.values())
        print(f"| {name} | {X.shape[0]} | {X.shape[1]} | {row} |", flush=True)
    means = " | ".join(f"**{np.mean(v):.3f}**" for v in results.values())
    print(f"| mean | | | {means} |")


if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    main(
        sys.argv[1] if len(sys.argv) > 1 else here.parent.parent / "shared/data/adbench"
    )
