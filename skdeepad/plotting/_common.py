"""What the displays share: the axes to draw on, names, colours."""

import numpy as np

_OUTLIER_COLOR, _INLIER_COLOR, _THRESHOLD_COLOR = "tab:red", "tab:blue", "black"


def _axes(ax):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots()
    return ax


def _name(estimator, name):
    return name if name is not None else type(estimator).__name__


def _runs(mask):
    """``(start, end)`` of each run of True in ``mask``, end exclusive."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(
        zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True)
    )
