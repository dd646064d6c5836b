"""Clean-train sweep of detector variants on the ADBench development sets.

Each argument is a Python expression of a detector (``DTE(epochs=80)``) or
``kNN`` (the distance to the 5th nearest training row); each is fitted with
``random_state=seed`` under ``quality.py``'s clean-train protocol (at most
5,000 rows, a random half of the normal rows trains, the rest and every anomaly
is the test set, standardised on the training rows) on the 15 development sets
of ``tune_defaults.DEV_SETS``, on all 43 with ``--all``, or on the sets named
by ``--sets=a,b``. Prints the mean ROC-AUC per seed, their mean and the
seconds taken (``--per-set`` also each set's mean over the seeds).

    cd benchmarks
    python clean_sweep.py "kNN" "DTE()" "DTE(epochs=160, n_bins=15)" \\
        [--seeds=0,1,2] [--all | --sets=24_mnist,26_optdigits] [--per-set]

Results: benchmarks/results/dte_tuning.md.
"""

import sys
import time
import warnings
from pathlib import Path

import numpy as np
from quality import DEFAULT_DATA, clean_split, load_raw
from sklearn.metrics import roc_auc_score
from tune_defaults import DEV_SETS

import skdeepad
from skdeepad.benchmark import _KNNDistance


def main():
    exprs = [a for a in sys.argv[1:] if not a.startswith("--")]
    seeds, names = [0, 1, 2], DEV_SETS
    for arg in sys.argv[1:]:
        if arg.startswith("--seeds="):
            seeds = [int(s) for s in arg.split("=", 1)[1].split(",")]
        elif arg == "--all":
            names = sorted(p.stem for p in Path(DEFAULT_DATA).glob("*.npz"))
        elif arg.startswith("--sets="):
            names = arg.split("=", 1)[1].split(",")
    warnings.simplefilter("ignore")
    namespace = vars(skdeepad)
    for expr in exprs:
        began, means, per_set = time.perf_counter(), [], {}
        for seed in seeds:
            aucs = []
            for name in names:
                X, y = load_raw(Path(DEFAULT_DATA) / f"{name}.npz", seed=seed)
                X_train, X_test, y_test = clean_split(X, y, seed)
                if expr == "kNN":
                    detector = _KNNDistance()
                else:
                    detector = eval(expr, dict(namespace))  # noqa: S307 - a benchmark's argument
                    detector.set_params(random_state=seed)
                scores = -detector.fit(X_train).score_samples(X_test)
                aucs.append(roc_auc_score(y_test, scores))
                per_set.setdefault(name, []).append(aucs[-1])
            means.append(np.mean(aucs))
        seconds = time.perf_counter() - began
        per_seed = " ".join(f"{m:.4f}" for m in means)
        print(
            f"{expr:50s} {per_seed}  mean {np.mean(means):.4f}  {seconds:.0f} s",
            flush=True,
        )
        if "--per-set" in sys.argv:
            for name, values in per_set.items():
                print(f"    {name:30s} {np.mean(values):.4f}", flush=True)


if __name__ == "__main__":
    main()
