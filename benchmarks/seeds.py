"""Seed-to-seed spread of the quality benchmark's means (issue 3's close targets).

Runs the protocol of ``quality.py`` (same data, subsampling, standardisation,
defaults) with ``random_state`` set to each seed given, for the methods named,
and prints each method's mean ROC-AUC over the 43 datasets per seed.

    OMP_NUM_THREADS=1 python benchmarks/seeds.py --seeds 1,2 \\
        AutoEncoder pyod.AutoEncoder

Results: benchmarks/results/tuning.md ("Seed to seed").
"""

import argparse
import importlib
import warnings
from pathlib import Path

import numpy as np
from quality import DEFAULT_DATA, anomaly_scores, load
from sklearn.metrics import roc_auc_score

from skdeepad.benchmark import available_methods

PYOD = {
    "pyod.AutoEncoder": ("auto_encoder", "AutoEncoder"),
    "pyod.DIF": ("dif", "DIF"),
}


def method(name, seed, n_features):
    if name in PYOD:
        module, cls = PYOD[name]
        model = getattr(importlib.import_module(f"pyod.models.{module}"), cls)
        extra = {"verbose": 0} if cls == "AutoEncoder" else {}
        return model(random_state=seed, **extra)
    return available_methods(random_state=seed)[name]()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("methods", nargs="+")
    parser.add_argument("--seeds", default="1,2")
    args = parser.parse_args()
    paths = sorted(
        Path(DEFAULT_DATA).glob("*.npz"), key=lambda p: int(p.stem.split("_")[0])
    )
    for seed in map(int, args.seeds.split(",")):
        for name in args.methods:
            aucs = []
            for path in paths:
                X, y = load(path)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    scores = anomaly_scores(name, method(name, seed, X.shape[1]), X)
                aucs.append(roc_auc_score(y, scores))
            print(
                f"| {name} | {seed} | {np.mean(aucs):.3f} | {len(aucs)} |", flush=True
            )


if __name__ == "__main__":
    main()
