"""Compare detectors on outlier-detection tasks: ROC-AUC, average precision, time.

The engine behind ``skdeepad benchmark``, in two settings; the anomalies are the
positive class of both metrics:

- "unsupervised": every method is fitted on all rows of a task, standardised,
  and scored on the same rows;
- "clean": a random half of the normal rows trains (seeded), the other half
  and every anomaly are the test set, standardised on the training rows.
"""

import inspect
import time
from functools import partial

import numpy as np
from sklearn.ensemble import IsolationForest
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.neighbors import LocalOutlierFactor, NearestNeighbors
from sklearn.preprocessing import StandardScaler

from ._registry import all_detectors

__all__ = ["available_methods", "run_benchmark"]

SETTINGS = ("unsupervised", "clean")


class _KNNDistance:
    """The kNN baseline: the distance to the k-th nearest training row.

    ``score_samples`` is that distance negated (the lower, the more abnormal).
    A training row's own score, ``training_scores_``, leaves the row out of
    its neighbours. ``aggregate="mean"`` takes the mean distance to the ``k``
    nearest rows instead (PyOD's ``KNN(method="mean")``).
    """

    def __init__(self, n_neighbors=5, aggregate="kth"):
        self.n_neighbors = n_neighbors
        self.aggregate = aggregate

    def fit(self, X, y=None):
        self.neighbors_ = NearestNeighbors(n_neighbors=self.n_neighbors).fit(X)
        self.training_scores_ = self._scores(self.neighbors_.kneighbors()[0])
        return self

    def score_samples(self, X):
        return self._scores(self.neighbors_.kneighbors(X)[0])

    def _scores(self, distances):
        if self.aggregate == "mean":
            return -distances.mean(axis=1)
        return -distances[:, -1]


def available_methods(random_state=0, setting="unsupervised"):
    """Return ``{name: factory}`` for every tabular skdeepad detector and the baselines.

    Every tabular skdeepad detector, and every meta-detector that builds
    without arguments (:class:`~skdeepad.DetectorEnsemble`), then the
    baselines: scikit-learn's ``IsolationForest`` and ``LocalOutlierFactor``
    (with ``novelty=True`` in the "clean" setting, where it scores new rows),
    and "kNN", the distance to the 5th nearest training row. Each factory
    builds the method with its defaults and, where it takes one,
    ``random_state``.
    """
    _check_setting(setting)
    detectors = all_detectors("tabular") + [
        (name, cls) for name, cls in all_detectors("meta") if _builds_bare(cls)
    ]
    methods = {}
    for name, cls in detectors:
        if "random_state" in inspect.signature(cls).parameters:
            methods[name] = partial(cls, random_state=random_state)
        else:
            methods[name] = cls
    methods["IsolationForest"] = partial(IsolationForest, random_state=random_state)
    methods["LocalOutlierFactor"] = partial(
        LocalOutlierFactor, novelty=setting == "clean"
    )
    methods["kNN"] = _KNNDistance
    return methods


def _builds_bare(cls):
    return all(
        p.default is not inspect.Parameter.empty
        for p in inspect.signature(cls).parameters.values()
    )


def _check_setting(setting):
    if setting not in SETTINGS:
        raise ValueError(f"setting must be one of {SETTINGS}; got {setting!r}.")


def _uses_keras(method):
    """Whether ``method``, or a step, member or estimator inside it, is a deep detector.

    A meta-detector whose ``detector`` or ``estimators`` is None builds deep
    ones by default (WindowedDetector, RefinedDetector, DetectorEnsemble).
    """
    from .core import BaseDetector
    from .meta import DetectorEnsemble, RefinedDetector
    from .timeseries import WindowedDetector

    deep_by_default = (DetectorEnsemble, RefinedDetector, WindowedDetector)
    parts = [method]
    if hasattr(method, "get_params"):
        parts += method.get_params(deep=True).values()
    return any(
        isinstance(part, BaseDetector)
        or isinstance(part, deep_by_default)
        and any(getattr(part, name, 0) is None for name in ("detector", "estimators"))
        for part in parts
    )


def _start_backend():
    """Start Keras's backend, so that a first deep fit's time leaves its start out.

    Otherwise the first deep detector's ``fit_seconds`` would carry the
    backend's import and start (seconds with TensorFlow), which no other
    method pays.
    """
    import keras

    keras.ops.convert_to_tensor(0.0)  # the runtime starts with its first op


def _training_scores(method, X):
    """Normality scores of the training rows (the lower, the more abnormal)."""
    if isinstance(method, LocalOutlierFactor):
        return method.negative_outlier_factor_
    if isinstance(method, _KNNDistance):
        return method.training_scores_
    return method.score_samples(X)


def _check_task(name, y, setting):
    """Refuse labels other than +1/-1 with both classes: ROC-AUC would be NaN."""
    values = set(y.tolist()) if y.ndim == 1 else {f"an array of shape {y.shape}"}
    if not values <= {-1, 1}:
        raise ValueError(
            f"task {name!r}: y must hold +1 (normal) and -1 (anomaly); got the "
            f"values {sorted(values, key=str)[:10]} (for 0/1 labels with 1 = "
            "anomaly, pass np.where(y == 1, -1, 1), as load_npz and load_csv do)."
        )
    n_normal, n_anomalies = int(np.sum(y == 1)), int(np.sum(y == -1))
    if not n_anomalies or not n_normal:
        raise ValueError(
            f"task {name!r}: y holds {n_normal} normal row(s) and {n_anomalies} "
            "anomalies; a benchmark needs both."
        )
    if setting == "clean" and n_normal < 2:
        raise ValueError(
            f"task {name!r}: the clean setting trains on half of the normal rows "
            f"and tests on the other half; y holds {n_normal} normal row."
        )


def _clean_split(X, is_normal, seed):
    """Train on a random half of the normal rows; test on the rest, standardised.

    Returns ``X_train, X_test, test``: the standardised rows and the indices of
    the test rows (every row not trained on), in order.
    """
    normal = np.flatnonzero(is_normal)
    np.random.default_rng(seed).shuffle(normal)
    train = np.sort(normal[: len(normal) // 2])
    test = np.setdiff1d(np.arange(len(X)), train)
    scaler = StandardScaler().fit(X[train])
    return scaler.transform(X[train]), scaler.transform(X[test]), test


def run_benchmark(tasks, methods, *, setting="unsupervised", seed=0, progress=None):
    """Fit every method on every task and measure it.

    Parameters
    ----------
    tasks : dict of str to Bunch
        Each with ``X`` and ``y`` (+1 normal, -1 anomaly), e.g. from
        :func:`skdeepad.datasets.builtin_tasks`.
    methods : dict of str to callable
        Factories returning unfitted outlier detectors, e.g. from
        :func:`available_methods` (with the same ``setting``).
    setting : {"unsupervised", "clean"}, default="unsupervised"
        "unsupervised": fit on all rows, standardised, and score them.
        "clean": fit on a random half of the normal rows, score the other
        half and every anomaly, all standardised on the training rows.
    seed : int, default=0
        Seeds the split of the "clean" setting.
    progress : callable, default=None
        Called with each row (see Returns) as soon as it is measured.

    Returns
    -------
    rows : list of dict
        One per (task, method): ``setting``, ``dataset``, ``method``,
        ``roc_auc``, ``average_precision`` and ``fit_seconds``.

    Raises
    ------
    ValueError or TypeError
        A method's own, its message led by the method, task and setting; or
        a task whose ``y`` is not +1/-1 with both classes (in the "clean"
        setting, at least two normal rows).
    """
    _check_setting(setting)
    rows = []
    for task_name, task in tasks.items():
        X, y = np.asarray(task.X, dtype=np.float64), np.asarray(task.y)
        _check_task(task_name, y, setting)
        if setting == "clean":
            X_train, X_test, test = _clean_split(X, y == 1, seed)
            y_test = y[test]
        else:
            X_train = X_test = StandardScaler().fit_transform(X)
            y_test = y
        is_anomaly = y_test == -1
        for method_name, factory in methods.items():
            method = factory()
            if _uses_keras(method):
                _start_backend()
            try:
                start = time.perf_counter()
                method.fit(X_train)
                seconds = time.perf_counter() - start
                if setting == "clean":
                    anomaly_score = -method.score_samples(X_test)
                else:
                    anomaly_score = -_training_scores(method, X_train)
            except (ValueError, TypeError) as error:  # the traceback chained
                kind = TypeError if isinstance(error, TypeError) else ValueError
                raise kind(
                    f"{method_name} on {task_name} ({setting} setting): {error}"
                ) from error
            rows.append(
                {
                    "setting": setting,
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
