"""Helpers the meta-detectors share: passing X on, and training scores."""

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import check_array, validate_data

from ..core import finite_scores, scores_of

__all__ = [
    "last_step",
    "own_threshold",
    "row_indexable",
    "training_scores",
    "validate_passed_through",
]


def validate_passed_through(estimator, X, *, min_samples):
    """Check ``X``'s own problems for a meta-detector that passes it on as given.

    An empty ``X``, or one with fewer than ``min_samples`` rows, is refused;
    the inner detectors validate the rest and get ``X`` as it is (a
    DataFrame keeps its column names). Records ``n_features_in_`` and
    ``feature_names_in_`` on ``estimator``.
    """
    check_array(
        X,
        accept_sparse=True,
        ensure_all_finite=False,
        dtype=None,
        allow_nd=True,  # a sequence detector's (windows, steps, channels)
        ensure_min_samples=min_samples,
    )
    validate_data(estimator, X, skip_check_array=True)


def row_indexable(X):
    """``X`` in a form whose rows can be taken, otherwise as given.

    A sparse matrix becomes CSR (COO and DIA take no row index), and an
    array-like by ``__array__`` alone becomes an array; a DataFrame or a
    list is returned as it is, so that the inner detectors see its columns.
    """
    if sp.issparse(X):
        return X.tocsr()
    if not hasattr(X, "__getitem__"):
        return np.asarray(X)
    return X


def training_scores(detector, X):
    """A fitted detector's scores of its training rows, the lower the more abnormal.

    ``negative_outlier_factor_`` where the detector keeps it
    (``LocalOutlierFactor``, also as a Pipeline's last step: each training
    row left out of its own neighbours), else ``score_samples(X)``; as a new
    float64 array, kept finite (:func:`scores_of`).
    """
    scores = getattr(last_step(detector), "negative_outlier_factor_", None)
    if scores is None:
        return scores_of(detector, X)
    return finite_scores(np.array(scores, dtype=np.float64))


def last_step(estimator):
    """A Pipeline's last step, or the estimator itself."""
    steps = getattr(estimator, "steps", None)
    return steps[-1][1] if steps else estimator


def own_threshold(detector, X, scores):
    """The fitted ``detector``'s threshold on its ``score_samples``, or None.

    Its ``offset_`` (or its last step's, for a ``Pipeline``, whose scores are
    that step's); else the median shift ``score_samples - decision_function``
    over the training ``scores``, which is ``offset_`` for a detector that
    follows scikit-learn's convention.
    """
    for candidate in (detector, last_step(detector)):
        offset = getattr(candidate, "offset_", None)
        if offset is not None:  # OneClassSVM keeps it as an array of one value
            return float(np.squeeze(offset))
    if hasattr(detector, "decision_function"):
        shift = scores - np.asarray(detector.decision_function(X), dtype=np.float64)
        return float(np.median(shift))
    return None
