"""Partial labels for detectors that learn from a few labelled samples.

The convention, in the sign convention of ``predict``: -1 a known anomaly, +1 a
known normal sample, 0 unlabelled. It is documented once, in the ``labels``
section of :mod:`skdeepad._docstrings`, and checked once, here.
"""

import numpy as np
from sklearn.utils import check_consistent_length, column_or_1d

from ._warnings import warn_at_caller

__all__ = ["check_partial_labels"]

_CONVENTION = "-1 a known anomaly, +1 a known normal sample, 0 unlabelled"


def check_partial_labels(y, n_samples):
    """Return ``y`` as an int8 array of -1, 0 and +1, one per sample.

    None means all unlabelled. Any negative (positive) integer counts as -1
    (+1). Raises ValueError for labels that are not integers (strings,
    fractions, NaN) or not one per sample, naming the convention.
    """
    if y is None:
        return np.zeros(n_samples, dtype=np.int8)
    # a pandas nullable "boolean" column is bool by its dtype's kind only:
    # column_or_1d makes floats of it
    of_bools = getattr(getattr(y, "dtype", None), "kind", None) == "b"
    y = column_or_1d(y, warn=True)
    check_consistent_length(np.empty(n_samples), y)
    if of_bools or _is_boolean(y):
        raise ValueError(
            f"y is boolean, which is ambiguous for labels ({_CONVENTION}); "
            "pass integers, e.g. np.where(is_anomaly, -1, 0)."
        )
    text = y.dtype.kind in "SU" or (
        y.dtype.kind == "O" and any(isinstance(v, str | bytes) for v in y)
    )
    if text:  # NumPy would read "-1" as a number
        example = next(v for v in y if isinstance(v, str | bytes))
        example = example.item() if isinstance(example, np.generic) else example
        raise ValueError(
            f"y must hold integer labels ({_CONVENTION}); got text, e.g. "
            f"{example!r}."
        )
    if y.dtype.kind in "mM":  # NumPy would read times as integers
        raise ValueError(
            f"y must hold integer labels ({_CONVENTION}); got values of "
            f"dtype {y.dtype}."
        )
    try:
        values = y.astype(np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"y must hold integer labels ({_CONVENTION}); got values of "
            f"dtype {y.dtype}, e.g. {y[0]!r}."
        ) from None
    if not np.all(np.isfinite(values)) or np.any(values != np.round(values)):
        bad = values[~np.isfinite(values) | (values != np.round(values))][0]
        raise ValueError(f"y must hold integer labels ({_CONVENTION}); got {bad!r}.")
    labels = np.sign(values).astype(np.int8)
    _warn_if_zero_one(labels)
    return labels


def _is_boolean(y):
    """Whether ``y`` holds booleans: of a bool dtype, or objects all bools.

    NumPy would read an object array of bools' True as 1, a known normal
    sample.
    """
    if y.dtype.kind == "b":
        return True
    return (
        y.dtype.kind == "O"
        and len(y) > 0
        and all(isinstance(value, bool | np.bool_) for value in y)
    )


def _warn_if_zero_one(labels):
    """Warn when ``labels`` look like ADBench's and PyOD's 0/1 (1 = anomaly).

    Only 0 and 1, with the 1s a minority: read in this convention, that is a
    few known normal samples among unlabelled ones, but it is far more often a
    few anomalies marked 1, which would train the detector the wrong way round.
    """
    n_ones = int(np.count_nonzero(labels > 0))
    if np.any(labels < 0) or n_ones == 0 or 2 * n_ones >= len(labels):
        return
    warn_at_caller(
        f"y holds only 0 and 1, with {n_ones} of {len(labels)} samples 1. "
        f"skdeepad reads labels as {_CONVENTION}, so these 1s count as known "
        "normal samples. If they are anomalies (ADBench and PyOD mark "
        "anomalies 1), pass np.where(y == 1, -1, 0) instead."
    )
