"""Partial labels for detectors that learn from a few labelled samples.

The convention, in the sign convention of ``predict``: -1 a known anomaly, +1 a
known normal sample, 0 unlabelled. It is documented once, in the ``labels``
section of :mod:`skdeepad._docstrings`, and checked once, here.
"""

import numpy as np
from sklearn.utils import check_consistent_length, column_or_1d

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
    y = column_or_1d(y, warn=True)
    check_consistent_length(np.empty(n_samples), y)
    if y.dtype.kind == "b":
        raise ValueError(
            f"y is boolean, which is ambiguous for labels ({_CONVENTION}); "
            "pass integers, e.g. np.where(is_anomaly, -1, 0)."
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
    return np.sign(values).astype(np.int8)
