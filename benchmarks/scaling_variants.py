"""Input scaling and weight averaging of a detector, in both settings, development sets.

Each detector expression (``AutoEncoder()``) is fitted on the 15 development sets
of ``tune_defaults.DEV_SETS`` at seeds 0-2, unsupervised (all rows, at most
5,000, as ``quality.py``) and clean-train (``quality.py``'s split), with its own
standardisation off and one of these scalers fitted on its training rows in
front:

- ``standard``: mean and standard deviation (what ``standardize=True`` does);
- ``robust``: scikit-learn's ``RobustScaler`` (median and interquartile range,
  a zero range left unscaled);
- ``hybrid``: median and IQR / 1.349 where the range is positive, else mean and
  standard deviation (sparse and binary columns keep their standard scale).

``--ema`` adds the ``standard`` scaler with Keras's weight averaging
(``Adam(use_ema=True, ema_momentum=0.99)``: the fitted network holds the moving
average of its weights). Prints the mean ROC-AUC per seed and setting, and the
mean over the sets of each set's standard deviation over the seeds.

    python benchmarks/scaling_variants.py "AutoEncoder()" [--scalers standard,hybrid] \\
        [--ema] [--all] [--settings unsupervised]

``--all`` fits on all 43 sets instead of the development ones; ``--settings``
keeps one setting.

Results: benchmarks/results/tuning.md ("Robust scaling and weight averaging").
"""

import argparse
import time
import warnings
from pathlib import Path

import keras
import numpy as np
from quality import DEFAULT_DATA, clean_split, load_raw
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import RobustScaler, StandardScaler
from tune_defaults import DEV_SETS

import skdeepad


class HybridScaler:
    """Median and IQR / 1.349 where the IQR is positive, else mean and std."""

    def fit(self, X):
        q1, median, q3 = np.percentile(X, [25, 50, 75], axis=0)
        spread = (q3 - q1) / 1.349
        self.center_ = np.where(spread > 0, median, X.mean(axis=0))
        scale = np.where(spread > 0, spread, X.std(axis=0))
        self.scale_ = np.where(scale > 0, scale, 1.0)
        return self

    def transform(self, X):
        return (X - self.center_) / self.scale_


SCALERS = {"standard": StandardScaler, "robust": RobustScaler, "hybrid": HybridScaler}


_ADAM = keras.optimizers.Adam


def averaging_adam(**kwargs):
    return _ADAM(**kwargs, use_ema=True, ema_momentum=0.99)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("detector", help="a Python expression of a skdeepad detector")
    parser.add_argument("--scalers", default="standard,robust,hybrid")
    parser.add_argument("--ema", action="store_true")
    parser.add_argument("--all", action="store_true", help="all 43 sets")
    parser.add_argument("--settings", default="unsupervised,clean")
    args = parser.parse_args()
    names = DEV_SETS
    if args.all:
        names = sorted(p.stem for p in Path(DEFAULT_DATA).glob("*.npz"))
    settings = args.settings.split(",")
    variants = [(name, name, False) for name in args.scalers.split(",")]
    if args.ema:
        variants.append(("standard, weights averaged", "standard", True))
    warnings.simplefilter("ignore")
    seeds, results, began = (0, 1, 2), {}, time.perf_counter()
    for seed in seeds:
        for name in names:
            path = Path(DEFAULT_DATA) / f"{name}.npz"
            # as quality.py: the unsupervised rows drawn at seed 0, the clean-train
            # ones at each seed (the same rows where a set has at most 5,000)
            X, y = load_raw(path)
            X_train, X_test, y_test = clean_split(*load_raw(path, seed=seed), seed)
            for label, scaler, ema in variants:
                keras.optimizers.Adam = averaging_adam if ema else _ADAM
                for setting, (fit_on, score_on, truth) in {
                    "unsupervised": (X, X, y),
                    "clean": (X_train, X_test, y_test),
                }.items():
                    if setting not in settings:
                        continue
                    detector = eval(args.detector, dict(vars(skdeepad)))  # noqa: S307
                    detector.set_params(random_state=seed, standardize=False)
                    model = make_pipeline(SCALERS[scaler](), detector).fit(fit_on)
                    auc = roc_auc_score(truth, -model.score_samples(score_on))
                    results.setdefault((label, setting), {}).setdefault(name, [])
                    results[(label, setting)][name].append(auc)
    keras.optimizers.Adam = _ADAM
    print(f"| {args.detector} | setting | seeds 0 / 1 / 2 = mean | seed-to-seed sd |")
    print("|---|---|---|---:|")
    for (label, setting), by_set in results.items():
        per_seed = np.mean(list(by_set.values()), axis=0)
        spread = np.mean([np.std(v) for v in by_set.values()])
        cells = " / ".join(f"{v:.4f}" for v in per_seed)
        print(
            f"| {label} | {setting} | {cells} = {per_seed.mean():.4f} | {spread:.3f} |"
        )
    print(f"({time.perf_counter() - began:.0f} s)")


if __name__ == "__main__":
    main()
