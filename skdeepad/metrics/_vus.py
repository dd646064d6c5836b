"""Volume Under the Surface (Paparrizos et al., 2022), as TSB-AD computes it."""

from numbers import Integral

import numpy as np
from sklearn.metrics import make_scorer

from .._compat import Interval, validate_params
from ._validation import (
    SERIES_FIX,
    check_binary_target,
    check_scores,
    fill_docstring,
    runs,
)

__all__ = ["vus_pr", "vus_pr_scorer", "vus_roc", "vus_roc_scorer"]

_OPTIONS = {
    "y_true": ["array-like"],
    "y_score": ["array-like"],
    "sliding_window": [Interval(Integral, 0, None, closed="left")],
    "n_thresholds": [Interval(Integral, 1, None, closed="left")],
}

_DEFINITION = """
    For a buffer ``w`` each anomaly range ``[s, e]`` gets soft labels around
    it: ``sqrt(1 - d / w)`` at distance ``d = 1 .. w // 2`` before ``s`` and
    after ``e`` (summed where buffers meet, capped at 1). The anomaly score is
    ``-y_score``; a threshold flags the steps scoring at least it, with
    ``n_thresholds`` thresholds at evenly spaced ranks of the sorted scores.
    At each threshold, with ``P`` the anomalies, ``E`` the soft labels of the
    flagged normal steps and ``F`` the flagged steps,

    - ``TP = (flagged anomalies) + E``, ``P' = P + E / 2``;
    - ``TPR = min(TP / P', 1) * (buffered ranges flagged / buffered ranges)``,
      buffered ranges ``[s - w // 2, e + w // 2]`` merged where they overlap;
    - ``FPR = (F - TP) / (n - P')`` and ``precision = TP / F``.

    The ROC curve runs from (0, 0) through the thresholds to (1, 1) and its
    area is the trapezoidal sum; the PR area is ``sum_k (TPR_k - TPR_{k-1})
    precision_k`` from TPR 0. VUS-ROC and VUS-PR average these areas over
    ``w = 0, 1, ..., sliding_window``. These are the definitions of TSB-AD's
    ``RangeAUC_volume_opt`` (``get_metrics(..., version="opt", thre=250)``),
    which this function reproduces, quirks included: the buffer is ``w // 2``
    steps, so ``w = 2k`` and ``2k + 1`` cover the same steps with different
    weights; a flagged buffer step with soft label ``l`` counts ``l`` of a true
    positive and ``1 - l`` of a false positive; ``P'`` counts the flagged soft
    labels by half.
"""

_PARAMETERS = """y_true : array-like of shape (n_samples,)
        True labels, in time order: 0/1 with 1 = anomaly, or +1/-1 with -1 =
        anomaly. Both classes must be present.
    y_score : array-like of shape (n_samples,)
        Normality scores in time order, the higher the more normal, such as
        ``score_samples`` of a ``WindowedDetector`` (one per step).
    sliding_window : int, default=100
        The largest buffer, in steps. TSB-AD's ``get_metrics`` defaults to 100;
        its benchmark uses the series' dominant period (``find_length_rank``).
    n_thresholds : int, default=250
        How many thresholds trace each curve (TSB-AD's ``thre``)."""

_REFERENCE = """J. Paparrizos, P. Boniol, T. Palpanas, R. S. Tsay, A. Elmore and M. J.
       Franklin, "Volume Under the Surface: A New Accuracy Evaluation Measure
       for Time-Series Anomaly Detection", PVLDB 15(11), 2022.
    .. [2] Q. Liu and J. Paparrizos, "The Elephant in the Room: Towards A
       Reliable Time-Series Anomaly Detection Benchmark", NeurIPS 2024
       (TSB-AD 1.5, ``TSB_AD/evaluation/basic_metrics.py``)."""


_substitute = fill_docstring(
    definition=_DEFINITION, parameters=_PARAMETERS, reference=_REFERENCE
)


def _soft_labels(is_anomaly, starts, ends, window):
    """Labels 1 on anomalies, ``sqrt(1 - d / window)`` in the buffers, capped at 1."""
    half, n_samples = window // 2, len(is_anomaly)
    labels = is_anomaly.astype(np.float64)
    if half == 0:
        return labels
    after = np.minimum(half, n_samples - 1 - ends)
    before = np.minimum(half, starts)
    distance = np.concatenate([_steps(after), _steps(before)])
    where = np.concatenate(
        [
            np.repeat(ends, after) + _steps(after),
            np.repeat(starts, before) - _steps(before),
        ]
    )
    labels += np.bincount(
        where, weights=np.sqrt(1 - distance / window), minlength=n_samples
    )
    return np.minimum(labels, 1.0)


def _steps(counts):
    """``1 .. c`` for each count ``c``, concatenated."""
    total = counts.sum()
    return np.arange(1, total + 1) - np.repeat(np.cumsum(counts) - counts, counts)


def _buffered_ranges(starts, ends, half, n_samples):
    """The ranges widened by ``half`` on each side, merged where they overlap."""
    apart = ends[:-1] + half < starts[1:] - half
    new_starts = np.concatenate([[max(starts[0] - half, 0)], starts[1:][apart] - half])
    new_ends = np.concatenate(
        [ends[:-1][apart] + half, [min(ends[-1] + half, n_samples - 1)]]
    )
    return new_starts, new_ends


def _volumes(y_true, y_score, sliding_window, n_thresholds):
    """Return ``(VUS-ROC, VUS-PR)``."""
    is_anomaly = check_binary_target(y_true, "VUS", fix=SERIES_FIX)
    anomaly_score = -check_scores(y_score, len(is_anomaly))
    n_samples, n_anomalies = len(is_anomaly), int(is_anomaly.sum())
    starts, ends = runs(is_anomaly)

    order = np.argsort(-anomaly_score, kind="stable")
    ranks = np.linspace(0, n_samples - 1, n_thresholds).astype(int)
    thresholds = anomaly_score[order][ranks]
    ascending = np.sort(anomaly_score)
    n_flagged = n_samples - np.searchsorted(ascending, thresholds, side="left")
    flagged_anomalies = np.cumsum(is_anomaly[order])[n_flagged - 1]
    padded = np.append(anomaly_score, -np.inf)

    roc_areas, pr_areas = [], []
    for window in range(sliding_window + 1):
        soft = _soft_labels(is_anomaly, starts, ends, window)
        soft[is_anomaly] = 0.0
        soft_flagged = np.concatenate([[0.0], np.cumsum(soft[order])])[n_flagged]
        seg_starts, seg_ends = _buffered_ranges(starts, ends, window // 2, n_samples)
        bounds = np.column_stack([seg_starts, seg_ends + 1]).ravel()
        seg_max = np.sort(np.maximum.reduceat(padded, bounds)[::2])
        found = len(seg_max) - np.searchsorted(seg_max, thresholds, side="left")

        true_positives = flagged_anomalies + soft_flagged
        positives = n_anomalies + soft_flagged / 2
        recall = np.minimum(true_positives / positives, 1.0)
        tpr = np.concatenate([[0.0], recall * found / len(seg_max), [1.0]])
        fpr = (n_flagged - true_positives) / (n_samples - positives)
        fpr = np.concatenate([[0.0], fpr, [1.0]])
        precision = true_positives / n_flagged
        roc_areas.append(np.dot(np.diff(fpr), (tpr[1:] + tpr[:-1]) / 2))
        pr_areas.append(np.dot(np.diff(tpr[:-1]), precision))
    return float(np.mean(roc_areas)), float(np.mean(pr_areas))


@validate_params(_OPTIONS, prefer_skip_nested_validation=True)
@_substitute
def vus_pr(y_true, y_score, *, sliding_window=100, n_thresholds=250):
    """Volume under the range-based precision-recall surface (VUS-PR).

    The area under a range-aware precision-recall curve, averaged over buffers
    around the anomaly ranges from 0 to ``sliding_window`` steps: a detector
    that flags an anomaly slightly early or late still earns credit, and no
    single buffer size is chosen. TSB-AD ranks detectors by it.

    %(definition)s

    Parameters
    ----------
    %(parameters)s

    Returns
    -------
    vus_pr : float
        In [0, 1]; higher is better.

    See Also
    --------
    vus_roc : The same volume under the ROC surface.

    References
    ----------
    .. [1] %(reference)s

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepad.metrics import vus_pr
    >>> y_true = np.zeros(200, dtype=int)
    >>> y_true[90:100] = 1
    >>> y_score = np.abs(np.arange(200) - 85.0)  # lowest 5 steps early
    >>> round(vus_pr(y_true, y_score, sliding_window=20), 3)
    0.503
    >>> from skdeepad.metrics import anomaly_average_precision
    >>> round(anomaly_average_precision(y_true, y_score), 3)  # point-wise
    0.253
    """
    return _volumes(y_true, y_score, sliding_window, n_thresholds)[1]


@validate_params(_OPTIONS, prefer_skip_nested_validation=True)
@_substitute
def vus_roc(y_true, y_score, *, sliding_window=100, n_thresholds=250):
    """Volume under the range-based ROC surface (VUS-ROC).

    The area under a range-aware ROC curve, averaged over buffers around the
    anomaly ranges from 0 to ``sliding_window`` steps.

    %(definition)s

    Parameters
    ----------
    %(parameters)s

    Returns
    -------
    vus_roc : float
        In [0, 1]; higher is better.

    See Also
    --------
    vus_pr : The same volume under the precision-recall surface.

    References
    ----------
    .. [1] %(reference)s

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepad.metrics import vus_roc
    >>> y_true = np.zeros(200, dtype=int)
    >>> y_true[90:100] = 1
    >>> y_score = np.abs(np.arange(200) - 85.0)  # lowest 5 steps early
    >>> round(vus_roc(y_true, y_score, sliding_window=20), 3)
    0.961
    """
    return _volumes(y_true, y_score, sliding_window, n_thresholds)[0]


_RESPONSE = ("decision_function", "score_samples")
vus_pr_scorer = make_scorer(vus_pr, response_method=_RESPONSE)
vus_roc_scorer = make_scorer(vus_roc, response_method=_RESPONSE)
