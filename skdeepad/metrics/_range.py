"""Range-based precision and recall (Tatbul et al., 2018) and event-wise recall.

A range is a maximal run of anomaly labels, in ``y_true`` (a real range) or in
``y_pred`` (a predicted range). Labels in either convention: 0/1 with 1 =
anomaly, or +1/-1 with -1 = anomaly, as ``predict`` returns.
"""

import warnings
from numbers import Real

import numpy as np

from .._compat import Interval, StrOptions, validate_params
from ._validation import check_labels, fill_docstring, plain_kind, runs

__all__ = [
    "event_recall",
    "range_f1",
    "range_precision",
    "range_precision_recall_f1",
    "range_recall",
]

_OPTIONS = {
    "y_true": ["array-like"],
    "y_pred": ["array-like"],
    "alpha": [Interval(Real, 0, 1, closed="both")],
    "cardinality": [StrOptions({"one", "reciprocal"})],
    "bias": [StrOptions({"flat", "front", "back", "middle"})],
}

_DEFINITION = """
    A real range ``R_i`` is a maximal run of anomalies in ``y_true``, a
    predicted range ``P_j`` one in ``y_pred``. For a range ``A`` of length
    ``L`` scored against the ranges ``B_1, ..., B_m`` of the other set,

    - existence reward: 1 if ``A`` overlaps some ``B_j``, else 0;
    - overlap reward: ``gamma(A) * sum_j omega(A, A & B_j)``, where
      ``omega(A, O) = sum_{t in O} delta(t) / sum_{t=1..L} delta(t)``, the
      positions ``t = 1..L`` counted from the start of ``A``, weighted by the
      positional bias ``delta``: flat 1, front ``L - t + 1``, back ``t``,
      middle ``t`` up to ``L / 2`` and ``L - t + 1`` after; and the cardinality
      factor ``gamma(A)`` is 1 if ``A`` overlaps at most one ``B_j``, else 1
      (``cardinality="one"``) or ``1 / count`` (``"reciprocal"``).

    Range recall is the mean over real ranges of ``alpha * existence + (1 -
    alpha) * overlap``; range precision the mean over predicted ranges of the
    overlap reward (no existence reward, as the paper sets it), 0 when nothing
    is predicted. Range F1 is their harmonic mean (0 when both are 0). With
    ``alpha=0``, flat bias and one range each, they are the point-wise scores.
"""

_PARAMETERS = """y_true : array-like of shape (n_samples,)
        True labels, in time order: 0/1 with 1 = anomaly, or +1/-1 with -1 =
        anomaly. At least one anomaly.
    y_pred : array-like of shape (n_samples,)
        Predicted labels, as ``predict`` returns (+1/-1) or 0/1. Labels that
        are all 1 are read in the convention of ``y_true`` (with 0/1 labels,
        every step flagged; a ``UserWarning`` says so)."""

_OPTION_DOCS = """cardinality : {"one", "reciprocal"}, default="one"
        The factor on a range that overlaps several ranges of the other set.
    bias : {"flat", "front", "back", "middle"}, default="flat"
        Which positions of a range its overlap reward weighs most."""

_ALPHA_DOC = """alpha : float in [0, 1], default=0.0
        Weight of the existence reward in recall (0: overlap only)."""

_REFERENCE = """N. Tatbul, T. J. Lee, S. Zdonik, M. Alam and J. Gottschlich, "Precision
       and Recall for Time Series", NeurIPS 2018. Reference implementation:
       ``prts`` (``ts_precision``, ``ts_recall``), which this one matches."""


_substitute = fill_docstring(
    definition=_DEFINITION,
    parameters=_PARAMETERS,
    options=_OPTION_DOCS,
    alpha=_ALPHA_DOC,
    reference=_REFERENCE,
)


def _true_and_predicted(y_true, y_pred, stacklevel):
    """Both labels as anomaly masks; ``stacklevel`` the warning's, at the caller's."""
    is_anomaly, convention = check_labels(y_true, "y_true")
    if not is_anomaly.any():
        raise ValueError(
            "y_true holds no anomaly, so range-based and event-wise scores are "
            "undefined; evaluate on a stretch of the series with anomalies."
        )
    flagged = check_labels(y_pred, "y_pred", convention)[0]
    values = np.asarray(y_pred)
    # all 1 (not True: a mask is never predict's), read as anomalies by 0/1
    if convention == "0/1" and plain_kind(values) != "b" and np.all(values == 1):
        warnings.warn(
            "y_pred holds only the label 1, read in y_true's 0/1 convention: "
            "every step flagged an anomaly. If it comes from predict (+1 = "
            "inlier), nothing was flagged: pass y_true as +1/-1 labels too.",
            UserWarning,
            stacklevel=stacklevel,
        )
    if len(flagged) != len(is_anomaly):
        raise ValueError(
            f"y_true and y_pred must have the same length; got {len(is_anomaly)} "
            f"and {len(flagged)}."
        )
    return is_anomaly, flagged


def _bias_cumsum(k, length, bias):
    """``sum_{t=1..k} delta(t)`` for a range of ``length``, element-wise."""
    k, length = k.astype(np.float64), length.astype(np.float64)
    if bias == "flat":
        return k
    if bias == "back":
        return k * (k + 1) / 2
    if bias == "front":
        return k * (length + 1) - k * (k + 1) / 2
    half = np.floor(length / 2)
    head = np.minimum(k, half)
    tail = (k - half) * (length + 1) - (k * (k + 1) - half * (half + 1)) / 2
    return head * (head + 1) / 2 + np.where(k > half, tail, 0.0)


def _reward(ranges, others, alpha, cardinality, bias):
    """Mean over ``ranges`` of ``alpha * existence + (1 - alpha) * overlap``."""
    (starts, ends), (other_starts, other_ends) = ranges, others
    first = np.searchsorted(other_ends, starts, side="left")
    count = np.searchsorted(other_starts, ends, side="right") - first
    owner = np.repeat(np.arange(len(starts)), count)
    other = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    other += np.repeat(first, count)
    length = (ends - starts + 1)[owner]
    low = np.maximum(starts[owner], other_starts[other]) - starts[owner]
    high = np.minimum(ends[owner], other_ends[other]) - starts[owner] + 1
    omega = _bias_cumsum(high, length, bias) - _bias_cumsum(low, length, bias)
    omega /= _bias_cumsum(length, length, bias)
    overlap = np.bincount(owner, weights=omega, minlength=len(starts))
    if cardinality == "reciprocal":
        overlap = overlap / np.maximum(count, 1)
    return float(np.mean(alpha * (count > 0) + (1 - alpha) * overlap))


def _precision_recall_f1(y_true, y_pred, alpha, cardinality, bias):
    # called by a public metric, under validate_params's wrapper
    is_anomaly, flagged = _true_and_predicted(y_true, y_pred, stacklevel=5)
    real, predicted = runs(is_anomaly), runs(flagged)
    recall = _reward(real, predicted, alpha, cardinality, bias)
    if not flagged.any():
        return 0.0, recall, 0.0
    precision = _reward(predicted, real, 0.0, cardinality, bias)
    total = precision + recall
    return precision, recall, 2 * precision * recall / total if total else 0.0


@validate_params(_OPTIONS, prefer_skip_nested_validation=True)
@_substitute
def range_precision_recall_f1(
    y_true, y_pred, *, alpha=0.0, cardinality="one", bias="flat"
):
    """Range-based precision, recall and F1 of predicted anomaly labels.

    %(definition)s

    Parameters
    ----------
    %(parameters)s
    %(alpha)s
    %(options)s

    Returns
    -------
    precision : float
        Range precision, in [0, 1].
    recall : float
        Range recall, in [0, 1].
    f1 : float
        Their harmonic mean.

    See Also
    --------
    range_precision, range_recall, range_f1 : One of the three.
    event_recall : Each anomaly window counts once, found or not.

    References
    ----------
    .. [1] %(reference)s

    Examples
    --------
    >>> from skdeepad.metrics import range_precision_recall_f1
    >>> y_true = [0, 1, 1, 1, 1, 0, 0, 0]
    >>> y_pred = [1, -1, -1, 1, 1, 1, -1, 1]  # as predict returns
    >>> range_precision_recall_f1(y_true, y_pred)
    (0.5, 0.5, 0.5)
    >>> range_precision_recall_f1(y_true, y_pred, alpha=1.0)[1]
    1.0
    """
    return _precision_recall_f1(y_true, y_pred, alpha, cardinality, bias)


@validate_params(
    {k: v for k, v in _OPTIONS.items() if k != "alpha"},
    prefer_skip_nested_validation=True,
)
@_substitute
def range_precision(y_true, y_pred, *, cardinality="one", bias="flat"):
    """Range-based precision: how much of each predicted range is anomalous.

    %(definition)s

    Parameters
    ----------
    %(parameters)s
    %(options)s

    Returns
    -------
    precision : float
        Range precision, in [0, 1]; 0 when nothing is predicted.

    See Also
    --------
    range_precision_recall_f1 : The three scores at once.

    References
    ----------
    .. [1] %(reference)s

    Examples
    --------
    >>> from skdeepad.metrics import range_precision
    >>> range_precision([0, 1, 1, 1, 1, 0], [0, 0, 0, 1, 1, 1])
    0.6666666666666666
    """
    return _precision_recall_f1(y_true, y_pred, 0.0, cardinality, bias)[0]


@validate_params(_OPTIONS, prefer_skip_nested_validation=True)
@_substitute
def range_recall(y_true, y_pred, *, alpha=0.0, cardinality="one", bias="flat"):
    """Range-based recall: how much of each real anomaly range is found.

    %(definition)s

    Parameters
    ----------
    %(parameters)s
    %(alpha)s
    %(options)s

    Returns
    -------
    recall : float
        Range recall, in [0, 1].

    See Also
    --------
    range_precision_recall_f1 : The three scores at once.
    event_recall : Each anomaly window counts once, found or not.

    References
    ----------
    .. [1] %(reference)s

    Examples
    --------
    >>> from skdeepad.metrics import range_recall
    >>> range_recall([0, 1, 1, 1, 1, 0], [0, 0, 0, 1, 1, 1], bias="front")
    0.3
    """
    return _precision_recall_f1(y_true, y_pred, alpha, cardinality, bias)[1]


@validate_params(_OPTIONS, prefer_skip_nested_validation=True)
@_substitute
def range_f1(y_true, y_pred, *, alpha=0.0, cardinality="one", bias="flat"):
    """Range-based F1: the harmonic mean of range precision and range recall.

    %(definition)s

    Parameters
    ----------
    %(parameters)s
    %(alpha)s
    %(options)s

    Returns
    -------
    f1 : float
        Range F1, in [0, 1].

    See Also
    --------
    range_precision_recall_f1 : The three scores at once.

    References
    ----------
    .. [1] %(reference)s

    Examples
    --------
    >>> from skdeepad.metrics import range_f1
    >>> round(range_f1([0, 1, 1, 1, 1, 0], [0, 0, 0, 1, 1, 1]), 4)
    0.5714
    """
    return _precision_recall_f1(y_true, y_pred, alpha, cardinality, bias)[2]


@validate_params(
    {"y_true": ["array-like"], "y_pred": ["array-like"]},
    prefer_skip_nested_validation=True,
)
def event_recall(y_true, y_pred):
    """Event-wise recall: the fraction of anomaly windows with a flagged point.

    An anomaly window (event) is a maximal run of anomaly labels in ``y_true``;
    it counts once, found if ``y_pred`` flags at least one of its points, so a
    long window weighs no more than a short one and points flagged outside the
    windows are ignored (pair it with a precision).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels, in time order: 0/1 with 1 = anomaly, or +1/-1 with -1 =
        anomaly. At least one anomaly.
    y_pred : array-like of shape (n_samples,)
        Predicted labels, as ``predict`` returns (+1/-1) or 0/1. Labels that
        are all 1 are read in the convention of ``y_true``.

    Returns
    -------
    recall : float
        Found windows over all windows, in [0, 1].

    See Also
    --------
    range_recall : Weighs how much of each window is found.

    Examples
    --------
    >>> from skdeepad.metrics import event_recall
    >>> y_true = [0, 1, 1, 0, 0, 1, 1, 1, 0, 1]
    >>> y_pred = [0, 0, 1, 0, 0, 0, 0, 0, 0, 1]
    >>> round(event_recall(y_true, y_pred), 3)  # windows 1 and 3 of 3
    0.667
    """
    is_anomaly, flagged = _true_and_predicted(y_true, y_pred, stacklevel=4)
    starts, ends = runs(is_anomaly)
    flagged_before = np.concatenate([[0], np.cumsum(flagged)])
    return float(np.mean(flagged_before[ends + 1] > flagged_before[starts]))
