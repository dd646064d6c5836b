"""Default fit seconds with and without one execution per epoch, on the built-in tasks.

A fit whose epochs split into equal executions (``_training._epoch_execution``:
at most 16 batches an epoch, or a divisor of at least 8 of a longer one) reads
its batches from one iterator and runs an epoch in one or two calls of the
compiled train function. "old" emulates the rule before it (one iterator only
up to 16 batches an epoch, and then one step per call). Each detector with its
defaults and ``random_state=0`` is fitted on each task of
:func:`skdeepad.datasets.builtin_tasks`, three times each way, alternating,
after one warm-up fit; the minimum of the three is printed, and "DIFF" where
the two ways' scores are not identical.

    python benchmarks/fit_times_ab.py DTE AutoEncoder ICL

Results: benchmarks/results/fit_times.md.
"""

import sys
import time
import warnings

import numpy as np

import skdeepad
from skdeepad import AutoEncoder
from skdeepad.core import _training
from skdeepad.datasets import builtin_tasks

NEW_FEW_BATCHES = _training._few_batches
NEW_EPOCH_EXECUTION = _training._epoch_execution


def set_mode(mode):
    if mode == "old":
        limit = _training._STEPS_PER_EXECUTION
        _training._few_batches = lambda b, e: NEW_FEW_BATCHES(b, e) and len(b) <= limit
        _training._epoch_execution = lambda n: 1
    else:
        _training._few_batches = NEW_FEW_BATCHES
        _training._epoch_execution = NEW_EPOCH_EXECUTION


def main(names):
    warnings.simplefilter("ignore")
    tasks = builtin_tasks(random_state=0)
    AutoEncoder(epochs=1, random_state=0).fit(tasks["iris"].X)  # the warm-up fit
    for name in names:
        cls = getattr(skdeepad, name)
        total = {"old": 0.0, "new": 0.0}
        cells = []
        for task, data in tasks.items():
            best = {"old": np.inf, "new": np.inf}
            scores = {}
            for rep in range(3):
                for mode in ("old", "new") if rep % 2 == 0 else ("new", "old"):
                    set_mode(mode)
                    start = time.perf_counter()
                    detector = cls(random_state=0).fit(data.X)
                    best[mode] = min(best[mode], time.perf_counter() - start)
                    scores[mode] = detector.score_samples(data.X)
            same = np.array_equal(scores["old"], scores["new"])
            total = {mode: total[mode] + best[mode] for mode in total}
            cells.append(
                f"{task} {best['old']:.2f} -> {best['new']:.2f}"
                + ("" if same else " DIFF")
            )
        print(
            name,
            " | ".join(cells),
            f"| sum {total['old']:.2f} -> {total['new']:.2f}",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
