"""Checks shared by the metrics: the two label conventions, scores, runs.

Labels are 0/1 with 1 = anomaly (PyOD's and ADBench's convention) or +1/-1 with
-1 = anomaly (``predict``'s); which one is read from the values. Scores are
normality scores, the higher the more normal, as ``score_samples`` returns.
"""

from numbers import Real

import numpy as np

CONVENTIONS = "0/1 labels with 1 = anomaly, or +1/-1 labels with -1 = anomaly"
STRATIFIED_FIX = (
    "In cross-validation, use a stratified, shuffled split such as "
    "StratifiedKFold(shuffle=True), so that every test fold holds both."
)
SERIES_FIX = "Evaluate on a stretch of the series that holds both."


def _one_dimensional(values, name):
    if np.ma.is_masked(values):  # asarray would drop the mask
        raise ValueError(
            f"{name} is a masked array with masked values; drop or fill them "
            "before scoring."
        )
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(
            f"{name} must be 1-D, one value per sample; got an array of shape "
            f"{array.shape}."
        )
    if array.shape[0] == 0:
        raise ValueError(f"{name} is empty.")
    return array


def plain_kind(array):
    """The array's kind: "b" (booleans), "f" (real numbers) or None (neither).

    Strings (numeric or not), bytes, dates, durations and complex values are
    neither; an object array must hold Python or NumPy booleans only (read as
    booleans) or real numbers only.
    """
    kind = array.dtype.kind
    if kind in "biuf":
        return "b" if kind == "b" else "f"
    if kind == "O":
        values = array.tolist()
        if all(isinstance(value, bool | np.bool_) for value in values):
            return "b"
        if all(
            isinstance(value, Real) and not isinstance(value, bool | np.bool_)
            for value in values
        ):
            return "f"
    return None


def check_labels(y, name="y_true", convention=None):
    """Return ``(is_anomaly, convention)`` for labels in either convention.

    ``convention`` ("0/1" or "+1/-1") settles labels that are all 1, which
    either convention could mean; without it they raise ValueError. Booleans
    are a mask, True = anomaly, in either convention (all True included); the
    convention returned for them is ``convention``, or "0/1" without one.
    """
    y = _one_dimensional(y, name)
    kind = plain_kind(y)
    if kind == "b":
        return y.astype(bool), convention or "0/1"
    # numbers only: "0", b"1" and other strings are not read as numbers
    values = set(np.unique(y).astype(np.float64).tolist()) if kind else None
    if values is None or not (values <= {0.0, 1.0} or values <= {-1.0, 1.0}):
        shown = sorted(set(y.tolist()), key=str)
        raise ValueError(
            f"{name} must hold {CONVENTIONS} (numbers or booleans); got the "
            f"labels {shown[:10]}{' ...' if len(shown) > 10 else ''}"
            f"{'' if kind else f' of dtype {y.dtype}'}."
        )
    if 0.0 in values:
        convention = "0/1"
    elif -1.0 in values:
        convention = "+1/-1"
    elif convention is None:
        raise ValueError(
            f"{name} holds only the label 1, which is ambiguous: all anomalies "
            f"with 0/1 labels, no anomaly with +1/-1 labels. Pass {CONVENTIONS} "
            "with both classes."
        )
    anomaly = 1.0 if convention == "0/1" else -1.0
    return y.astype(np.float64) == anomaly, convention


def check_binary_target(y_true, metric, fix=STRATIFIED_FIX):
    """Return ``y_true`` as a boolean anomaly mask; both classes required."""
    y_true = _one_dimensional(y_true, "y_true")
    # all 1 is one class in either convention: read as 0/1 to say so below
    is_anomaly = check_labels(y_true, "y_true", convention="0/1")[0]
    if is_anomaly.all() or not is_anomaly.any():
        raise ValueError(
            f"y_true holds one class only (the label {y_true.tolist()[0]!r}); {metric} "
            f"needs anomalies and normal samples. {fix}"
        )
    return is_anomaly


def check_scores(y_score, n_samples):
    """Return ``y_score`` as finite float64 normality scores, one per label."""
    y_score = _one_dimensional(y_score, "y_score")
    if plain_kind(y_score) is None:
        raise ValueError(
            "y_score must hold real numbers (normality scores, the higher the "
            f"more normal); got values of dtype {y_score.dtype}."
        )
    y_score = y_score.astype(np.float64)
    if len(y_score) != n_samples:
        raise ValueError(
            f"y_true and y_score must have the same length; got {n_samples} and "
            f"{len(y_score)}."
        )
    bad = ~np.isfinite(y_score)
    if bad.any():
        raise ValueError(
            f"y_score must be finite; got {int(bad.sum())} NaN or infinite "
            f"values, the first at index {int(np.flatnonzero(bad)[0])}."
        )
    return y_score


def fill_docstring(**parts):
    """Decorator: replace each ``%(name)s`` in the docstring with ``parts[name]``."""

    def decorate(function):
        doc = function.__doc__
        for name, text in parts.items():
            doc = doc.replace(f"%({name})s", text.strip())
        function.__doc__ = doc
        return function

    return decorate


def runs(mask):
    """Return ``(starts, ends)``, the first and last index of each run of True."""
    edges = np.diff(mask.astype(np.int8), prepend=0, append=0)
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
