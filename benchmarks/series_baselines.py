"""Shared by the time-series benchmarks (``nab.py``, ``multivariate.py``).

- :func:`dominant_period` (:func:`skdeepad.timeseries.dominant_period`, here
  for the benchmarks' imports): a series' period from its autocorrelation, as
  TSB-AD's ``find_length_rank(data, rank=1)`` finds it.
- The baselines, each a window detector with ``fit`` / ``score_samples``
  (higher = more normal) that :class:`~skdeepad.timeseries.WindowedDetector`
  runs on the flattened windows: :class:`SubPCA` (reconstruction error of a
  PCA of the windows, TSB-AD's Sub-PCA idea) and :class:`KNNDistance`
  (distance to the k-th nearest window); IsolationForest comes from
  scikit-learn; :class:`MovingZScore` scores the steps directly.
- :func:`series_metrics`: per-step ROC-AUC, best point-wise F1, VUS-PR,
  VUS-ROC and best range F1 of one series' anomaly scores.
"""

import numpy as np
from sklearn.base import BaseEstimator, OutlierMixin
from sklearn.decomposition import PCA
from sklearn.metrics import precision_recall_curve, roc_auc_score
from sklearn.neighbors import NearestNeighbors

from skdeepad.metrics import range_f1, vus_pr, vus_roc
from skdeepad.timeseries import dominant_period  # noqa: F401  (the benchmarks' import)

METRICS = ["roc_auc", "best_f1", "vus_pr", "vus_roc", "range_f1"]  # the CSV order
REPORTED = ["vus_pr", "vus_roc", "range_f1", "roc_auc", "best_f1"]  # the tables'
METRIC_TITLES = {
    "vus_pr": "VUS-PR",
    "vus_roc": "VUS-ROC",
    "range_f1": "Range F1 (best of 100 thresholds)",
    "roc_auc": "Per-step ROC-AUC",
    "best_f1": "Best F1 (point-wise, no point adjustment)",
}


class MovingZScore:
    """``|x_t - mean| / std`` over the ``window`` steps before t, max over channels.

    ``score_samples`` returns minus that (higher = more normal); nothing is
    fitted.
    """

    def __init__(self, window):
        self.window = window

    def fit(self, X):
        return self

    def score_samples(self, X):
        x = np.asarray(X, dtype=np.float64)
        zero = np.zeros((1, x.shape[1]))
        sums = np.concatenate([zero, np.cumsum(x, axis=0)])
        squares = np.concatenate([zero, np.cumsum(x**2, axis=0)])
        end = np.arange(len(x))
        start = np.maximum(end - self.window, 0)
        count = np.maximum(end - start, 1)[:, np.newaxis]
        mean = (sums[end] - sums[start]) / count
        var = (squares[end] - squares[start]) / count - mean**2
        z = np.abs(x - mean) / np.maximum(np.sqrt(np.maximum(var, 0)), 1e-6)
        z[0] = 0.0
        return -z.max(axis=1)


class SubPCA(OutlierMixin, BaseEstimator):
    """Reconstruction error of the windows under a PCA fitted on them.

    ``n_components`` as for scikit-learn's PCA: the default 0.9 keeps the
    components that explain 90% of the windows' variance. The score of a
    window is minus its squared reconstruction error.
    """

    def __init__(self, n_components=0.9):
        self.n_components = n_components

    def fit(self, X, y=None):
        self.pca_ = PCA(self.n_components, svd_solver="full").fit(X)
        return self

    def score_samples(self, X):
        rebuilt = self.pca_.inverse_transform(self.pca_.transform(X))
        return -np.sum((X - rebuilt) ** 2, axis=1)


class KNNDistance(OutlierMixin, BaseEstimator):
    """Minus the distance of each window to its k-th nearest training window.

    A training window is not its own neighbour: scored again on exactly the
    windows it was fitted on (as ``WindowedDetector`` and the unsupervised
    protocol do), each window's distance leaves itself out, as PyOD's KNN
    does for its training scores.
    """

    def __init__(self, n_neighbors=5):
        self.n_neighbors = n_neighbors

    def fit(self, X, y=None):
        self.X_ = np.asarray(X, dtype=np.float64)
        k = min(self.n_neighbors, len(self.X_) - 1)
        self.nn_ = NearestNeighbors(n_neighbors=k).fit(self.X_)
        self.train_scores_ = -self.nn_.kneighbors()[0][:, -1]
        return self

    def score_samples(self, X):
        X = np.asarray(X, dtype=np.float64)
        if X.shape == self.X_.shape and np.array_equal(X, self.X_):
            return self.train_scores_
        return -self.nn_.kneighbors(X)[0][:, -1]


def best_f1(anomalous, anomaly_scores):
    """Best point-wise F1 over all thresholds (no point adjustment)."""
    precision, recall, _ = precision_recall_curve(anomalous, anomaly_scores)
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
    return float(f1.max())


def best_range_f1(anomalous, anomaly_scores, n_thresholds=100):
    """Best range F1 over thresholds evenly spaced on the score range.

    TSB-AD's "R-based-F1": flag ``score > threshold`` at 100 thresholds from
    the lowest score to the highest, and keep the best range F1 (Tatbul et
    al.) with recall ``alpha=0.2``, reciprocal cardinality and flat bias.
    """
    low, high = anomaly_scores.min(), anomaly_scores.max()
    best = 0.0
    for threshold in np.linspace(low, high, n_thresholds):
        flagged = (anomaly_scores > threshold).astype(int)
        if flagged.any():
            f1 = range_f1(anomalous, flagged, alpha=0.2, cardinality="reciprocal")
            best = max(best, f1)
    return best


def series_metrics(anomalous, anomaly_scores, sliding_window):
    """Every metric of :data:`METRICS` for one series (anomaly scores, higher = worse).

    ``sliding_window`` is VUS's largest buffer; the benchmarks pass the
    series' dominant period, as TSB-AD does.
    """
    anomalous = np.asarray(anomalous, dtype=int)
    normality = -anomaly_scores
    return {
        "roc_auc": roc_auc_score(anomalous, anomaly_scores),
        "best_f1": best_f1(anomalous, anomaly_scores),
        "vus_pr": vus_pr(anomalous, normality, sliding_window=sliding_window),
        "vus_roc": vus_roc(anomalous, normality, sliding_window=sliding_window),
        "range_f1": best_range_f1(anomalous, anomaly_scores),
    }
