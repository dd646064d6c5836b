"""Seconds of each detector's default fit on each built-in task.

Every tabular and labelled skdeepad detector, DetectorEnsemble and
RefinedDetector, with their defaults and ``random_state=0``, fitted on each
task of :func:`skdeepad.datasets.builtin_tasks` (unsupervised: all rows, no
labels) after one warm-up fit of the process, so the first fit's one-off costs
(importing and initialising TensorFlow) are not counted; a detector's own
tracing is. IsolationForest for reference.

    python benchmarks/fit_times.py --label after > fit_times_after.csv
    python benchmarks/fit_times.py --detectors AutoEncoder RefinedDetector

Results: benchmarks/results/fit_times.md.
"""

import argparse
import time
import warnings

import numpy as np
from sklearn.ensemble import IsolationForest

from skdeepad import AutoEncoder, all_detectors
from skdeepad.datasets import builtin_tasks


def detectors():
    named = all_detectors("tabular") + all_detectors("semi-supervised")
    named += [
        (n, c)
        for n, c in all_detectors("meta")
        if n in ("DetectorEnsemble", "RefinedDetector")
    ]
    named.append(("IsolationForest", IsolationForest))
    return named


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", default="", help="a column naming the code run")
    parser.add_argument("--detectors", nargs="+", help="only these (default: all)")
    args = parser.parse_args()
    tasks = builtin_tasks(random_state=0)
    warnings.simplefilter("ignore")  # DevNet without labels
    AutoEncoder(epochs=1, random_state=0).fit(tasks["iris"].X)  # the warm-up fit
    print("label,detector,task,n_rows,fit_seconds,n_iter")
    for name, cls in detectors():
        if args.detectors and name not in args.detectors:
            continue
        for task, data in tasks.items():
            detector = cls(random_state=0)
            start = time.perf_counter()
            detector.fit(data.X)
            seconds = time.perf_counter() - start
            n_iter = getattr(detector, "n_iter_", None)
            n_iter = "" if n_iter is None else np.max(n_iter)
            print(
                f"{args.label},{name},{task},{len(data.X)},{seconds:.2f},{n_iter}",
                flush=True,
            )


if __name__ == "__main__":
    main()
