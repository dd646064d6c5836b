"""Compare detectors on outlier-detection tasks: ROC-AUC, average precision, time.

The engine behind ``skdeepad benchmark``. Every method is fitted on all rows of a
task (the unsupervised setting) and scored on the same rows; the anomalies are
the positive class of both metrics.
"""

import inspect
import time
from functools import partial

import numpy as np
from sklearn.ensemble import IsolationForest
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.neighbors import LocalOutlierFactor
from sklearn.preprocessing import StandardScaler

from ._registry import all_detectors

__all__ = ["available_methods", "run_benchmark"]


def available_methods(random_state=0):
    """Return ``{name: factory}`` for every tabular skdeepad detector and the baselines.

    The baselines are scikit-learn's ``IsolationForest`` and
    ``LocalOutlierFactor``. Each factory builds the method with its defaults
    and, where it takes one, ``random_state``.
    """
    methods = {}
    for name, cls in all_detectors("tabular"):
        if "random_state" in inspect.signature(cls).parameters:
            methods[name] = partial(cls, random_state=random_state)
        else:
            methods[name] = cls
    methods["IsolationForest"] = partial(IsolationForest, random_state=random_state)
    methods["LocalOutlierFactor"] = LocalOutlierFactor
    return methods


def _training_scores(method, X):
    """Normality scores of the training rows (the lower, the more abnormal)."""
    if isinstance(method, LocalOutlierFactor):
        return method.negative_outlier_factor_
    return method.score_samples(X)


def run_benchmark(tasks, methods, *, progress=None):
    """Fit every method on every task and measure it.

    Parameters
    ----------
    tasks : dict of str to Bunch
        Each with ``X`` and ``y`` (+1 normal, -1 anomaly), e.g. from
        :func:`skdeepad.datasets.builtin_tasks`. ``X`` is standardised first.
    methods : dict of str to callable
        Factories returning unfitted outlier detectors, e.g. from
        :func:`available_methods`.
    progress : callable, default=None
        Called with each row (see Returns) as soon as it is measured.

    Returns
    -------
    rows : list of dict
        One per (task, method): ``dataset``, ``method``, ``roc_auc``,
        ``average_precision`` and ``fit_seconds``.
    """
    rows = []
    for task_name, task in tasks.items():
        X = StandardScaler().fit_transform(task.X)
        is_anomaly = np.asarray(task.y) == -1
        for method_name, factory in methods.items():
            method = factory()
            start = time.perf_counter()
            method.fit(X)
            seconds = time.perf_counter() - start
            anomaly_score = -_training_scores(method, X)
            rows.append(
                {
                    "dataset": task_name,
                    "method": method_name,
                    "roc_auc": roc_auc_score(is_anomaly, anomaly_score),
                    "average_precision": average_precision_score(
                        is_anomaly, anomaly_score
                    ),
                    "fit_seconds": seconds,
                }
            )
            if progress is not None:
                progress(rows[-1])
    return rows


def format_table(rows):
    """Render benchmark rows as an aligned plain-text table, with a mean row."""
    header = ["dataset", "method", "ROC-AUC", "AP", "fit s"]
    lines = [
        [r["dataset"], r["method"], f"{r['roc_auc']:.3f}",
         f"{r['average_precision']:.3f}", f"{r['fit_seconds']:.2f}"]
        for r in rows
    ]
    methods = list(dict.fromkeys(r["method"] for r in rows))
    if len({r["dataset"] for r in rows}) > 1:
        for method in methods:
            mine = [r for r in rows if r["method"] == method]
            lines.append(
                ["mean", method]
                + [f"{np.mean([r[k] for r in mine]):.{p}f}" for k, p in
                   (("roc_auc", 3), ("average_precision", 3), ("fit_seconds", 2))]
            )
    widths = [max(len(str(c)) for c in col) for col in zip(header, *lines, strict=True)]
    fmt = "  ".join(
        f"{{:<{w}}}" if i < 2 else f"{{:>{w}}}" for i, w in enumerate(widths)
    )
    out = [fmt.format(*header), fmt.format(*("-" * w for w in widths))]
    out += [fmt.format(*line) for line in lines]
    return "\n".join(out)
