"""What the displays share: the axes to draw on, names, colours."""

import numpy as np

_OUTLIER_COLOR, _INLIER_COLOR, _THRESHOLD_COLOR = "tab:red", "tab:blue", "black"


def _pyplot():
    """``matplotlib.pyplot``, or an ImportError that says how to install it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise ImportError(
            "skdeepad.plotting draws with matplotlib, which is not installed: "
            'pip install "skdeepad[plot]" (or matplotlib).'
        ) from error
    return plt


def _axes(ax):
    if ax is None:
        _, ax = _pyplot().subplots()
    return ax


def _name(estimator, name):
    return name if name is not None else type(estimator).__name__


def _runs(mask):
    """``(start, end)`` of each run of True in ``mask``, end exclusive."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(
        zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True)
    )


def _scores_and_threshold(estimator, X):
    """``score_samples(X)`` and the threshold on them (``own_threshold``)."""
    from ..meta._utils import own_threshold

    scores = np.asarray(estimator.score_samples(X), dtype=np.float64)
    return scores, own_threshold(estimator, X, scores)


def _checked_labels(y, n_samples, what="samples"):
    """``y`` as +1/-1 labels, one per sample, or None; ValueError otherwise."""
    if y is None:
        return None
    y = np.asarray(y)
    if y.ndim != 1 or len(y) != n_samples:
        raise ValueError(
            f"y must hold one label per {what[:-1]} ({n_samples}); got shape {y.shape}."
        )
    values = set(np.unique(y).tolist())
    if y.dtype.kind == "b" or not values <= {-1, 1}:  # a mask: True = anomaly?
        raise ValueError(
            f"y must hold +1 (inlier) / -1 (outlier) labels; got {sorted(values)[:5]}."
            " For 0/1 labels with 1 = anomaly, pass 1 - 2 * y."
        )
    return y
