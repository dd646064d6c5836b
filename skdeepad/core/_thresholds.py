"""Thresholds: the score chain shared by every detector, deep or meta.

:class:`ThresholdMixin` gives ``decision_function`` and ``predict`` from
``score_samples`` and ``offset_``; :func:`offset_from_scores` sets ``offset_``
from the training scores and ``contamination``; :func:`finite_scores` keeps
overflowed scores finite; :func:`normalized_average` puts several sets of
scores on one scale, each by its reference scores (:func:`robust_zscore` by
default), and averages them (a meta-detector's members, a multi-scale
detector's windows).
"""

from numbers import Real

import numpy as np

from .._compat import Interval, StrOptions
from .._utils import in_memory

__all__ = [
    "CONTAMINATION_CONSTRAINT",
    "ThresholdMixin",
    "finite_scores",
    "offset_from_scores",
    "normalized_average",
    "robust_scale",
    "robust_zscore",
    "scores_of",
]

# The constraint on every detector's ``contamination`` parameter.
CONTAMINATION_CONSTRAINT = [
    StrOptions({"auto"}),
    Interval(Real, 0, 0.5, closed="right"),
]


class ThresholdMixin:
    """``decision_function`` and ``predict`` from ``score_samples`` and ``offset_``.

    Every skdeepad detector thresholds the same way: ``decision_function =
    score_samples - offset_`` is negative for outliers, and ``predict`` labels
    those -1, the others +1. Put it left of ``OutlierMixin``.
    """

    def decision_function(self, X):
        """Return ``score_samples(X) - offset_``: negative for outliers.

        Parameters
        ----------
        X : array-like
            The samples, in any layout :meth:`score_samples` takes.

        Returns
        -------
        decision : ndarray of shape (n_samples,), dtype float64
            Shifted normality scores; the lower, the more abnormal, and
            negative values are outliers.
        """
        return self.score_samples(X) - self.offset_

    def predict(self, X):
        """Predict whether each sample is an inlier (+1) or an outlier (-1).

        Parameters
        ----------
        X : array-like
            The samples, in any layout :meth:`score_samples` takes.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            +1 for inliers, -1 for outliers.
        """
        return np.where(self.decision_function(X) < 0, -1, 1)

    def fit_predict(self, X, y=None, **kwargs):
        """Fit on ``X`` (and ``y``, for detectors that learn from labels), predict.

        scikit-learn's ``OutlierMixin.fit_predict`` leaves ``y`` out of the
        fit; this passes it on, so ``fit_predict(X, y)`` equals
        ``fit(X, y).predict(X)`` for the detectors that learn from labels too
        (and so does a ``Pipeline``'s, which ends in this).

        Parameters
        ----------
        X : array-like
            The training samples, in any layout :meth:`fit` takes.
        y : None or array-like of shape (n_samples,), default=None
            What :meth:`fit` takes as ``y``: ignored by unsupervised detectors.
        **kwargs : dict
            Further arguments of :meth:`fit`.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            +1 for inliers, -1 for outliers.
        """
        return self.fit(X, y, **kwargs).predict(X)


def offset_from_scores(scores, contamination):
    """The threshold on training ``score_samples`` that ``contamination`` asks for.

    A float: that percentile of the scores. "auto": the lower fence of
    Tukey's boxplot rule, ``Q1 - 1.5 * (Q3 - Q1)``.

    Examples
    --------
    >>> from skdeepad.base import offset_from_scores
    >>> offset_from_scores([0.0, 1.0, 2.0, 3.0, 4.0], 0.25)
    1.0
    >>> offset_from_scores([0.0, 1.0, 2.0, 3.0, 4.0], "auto")
    -2.0
    """
    largest = np.finfo(np.float64).max
    # overflowed scores sit at -largest (finite_scores): keep the offset finite
    scores = np.asarray(scores)
    if scores.dtype.kind == "f" and not np.isfinite(scores).all():
        scores = finite_scores(scores.astype(np.float64))  # a copy, mapped in place
    with np.errstate(over="ignore", invalid="ignore"):
        if contamination == "auto":
            q1, q3 = np.percentile(scores, [25, 75])
            offset = q1 - 1.5 * (q3 - q1)
        else:
            offset = np.percentile(scores, 100.0 * contamination)
    # just above -largest, so that overflowed samples are below it: flagged
    lowest = np.nextafter(-largest, 0.0)
    return float(np.clip(np.nan_to_num(offset, nan=0.0), lowest, largest))


def finite_scores(scores):
    """Map overflowed normality scores (NaN, -inf) to the lowest float64, in place.

    A sample far outside the training data can overflow the network's float32
    arithmetic: it is then the most abnormal sample, never NaN.
    """
    largest = np.finfo(np.float64).max
    return np.nan_to_num(
        scores, copy=False, nan=-largest, posinf=largest, neginf=-largest
    )


def scores_of(detector, X):
    """``detector.score_samples(X)`` as a new float64 array, kept finite.

    NaN and -inf become the lowest float64 (the most abnormal score, as
    skdeepad's own detectors score an overflow: :func:`finite_scores`), so
    that a detector's few NaN scores do not turn a median, a spread or a
    threshold computed from them into NaN. A Dask DataFrame is scored in
    memory, as a pandas one (a scikit-learn detector would check no names).
    """
    scores = detector.score_samples(in_memory(X))
    return finite_scores(np.array(scores, dtype=np.float64))


def robust_scale(reference):
    """A robust spread of the reference scores, never 0.

    The interquartile range / 1.349 (the standard deviation, for normal
    scores); where it is 0, the median absolute deviation x 1.4826, then the
    standard deviation, then 1.
    """
    q1, q3 = np.percentile(reference, [25, 75])
    for scale in (
        (q3 - q1) / 1.349,
        1.4826 * np.median(np.abs(reference - np.median(reference))),
        np.std(reference),
    ):
        if np.isfinite(scale) and scale > 0:
            return scale
    return 1.0


def robust_zscore(scores, reference):
    """``(scores - median(reference)) / robust_scale(reference)``."""
    return (scores - np.median(reference)) / robust_scale(reference)


def normalized_average(
    score_sets, references, *, normalize=robust_zscore, weights=None
):
    """Put each set of scores on the scale of its reference; average them.

    ``normalize(scores, reference)`` maps one set (by default
    :func:`robust_zscore`); the results are averaged with ``weights`` (None:
    equal) and kept finite (:func:`finite_scores`). A set of weight 0 is left
    out, not multiplied by 0 (which would turn its infinite scores into NaN).
    """
    pairs = list(zip(score_sets, references, strict=True))
    if weights is not None:
        kept = np.asarray(weights) > 0
        pairs = [pair for pair, keep in zip(pairs, kept, strict=True) if keep]
        weights = np.asarray(weights)[kept]
    with np.errstate(over="ignore", invalid="ignore"):
        normalized = [
            normalize(np.asarray(scores, dtype=np.float64), reference)
            for scores, reference in pairs
        ]
        combined = np.average(normalized, axis=0, weights=weights)
    return finite_scores(np.asarray(combined, dtype=np.float64))
