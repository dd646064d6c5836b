"""The distribution of normality scores, with the threshold."""

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._common import (
    _INLIER_COLOR,
    _OUTLIER_COLOR,
    _THRESHOLD_COLOR,
    _axes,
    _checked_labels,
    _name,
    _scores_and_threshold,
)


class ScoreDistributionDisplay:
    """The distribution of normality scores, with the threshold.

    Parameters
    ----------
    scores : ndarray of shape (n_samples,)
        Normality scores (``score_samples``: the lower, the more abnormal).
    threshold : float or None
        The score below which a sample is an outlier (``offset_``).
    y : ndarray of shape (n_samples,) or None
        +1 inlier / -1 outlier labels; given, each class has its histogram.
    estimator_name : str or None
        Shown in the title.

    Attributes
    ----------
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure
    hists_ : list of matplotlib BarContainer
        One histogram per class drawn (one without ``y``).
    line_ : matplotlib Line2D or None
        The threshold.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from skdeepad.plotting import ScoreDistributionDisplay
    >>> scores = np.random.default_rng(0).normal(size=100)
    >>> display = ScoreDistributionDisplay.from_predictions(scores, threshold=-1.5)
    >>> len(display.hists_), display.line_.get_xdata()[0]
    (1, -1.5)
    """

    def __init__(self, scores, threshold=None, y=None, estimator_name=None):
        self.scores = np.asarray(scores, dtype=np.float64)
        if self.scores.ndim != 1:
            raise ValueError(
                "scores must be 1-D, one score per sample; got an array of shape "
                f"{self.scores.shape}."
            )
        if not np.isfinite(self.scores).all():
            raise ValueError("scores must be finite numbers; they hold NaN or inf.")
        if threshold is not None:
            try:  # OneClassSVM keeps its offset_ as an array of one value
                threshold = float(np.squeeze(np.asarray(threshold, dtype=np.float64)))
            except (TypeError, ValueError):
                raise ValueError(
                    f"threshold must be a number (or None); got {threshold!r}."
                ) from None
        self.threshold = threshold
        self.y = _checked_labels(y, len(self.scores))
        self.estimator_name = estimator_name

    @classmethod
    def from_estimator(cls, estimator, X, y=None, *, name=None, ax=None, bins=50):
        """Score ``X`` with a fitted detector and plot; ``offset_`` is the threshold.

        Parameters
        ----------
        estimator : fitted skdeepad detector
            Any detector with ``score_samples`` and ``offset_``, or a Pipeline
            ending with one.
        X : array-like
            The samples to score.
        y : array-like of shape (n_samples,), default=None
            +1 inlier / -1 outlier labels: each class gets its histogram.
        name : str, default=None
            The title; the detector's class name by default.
        ax : matplotlib Axes, default=None
            Where to draw; a new figure's axes by default.
        bins : int, default=50
            Histogram bins, shared by the classes.

        Returns
        -------
        display : ScoreDistributionDisplay
        """
        check_is_fitted(estimator)
        scores, threshold = _scores_and_threshold(estimator, X)
        display = cls(scores, threshold, y, _name(estimator, name))
        return display.plot(ax=ax, bins=bins)

    @classmethod
    def from_predictions(
        cls, scores, y=None, *, threshold=None, name=None, ax=None, bins=50
    ):
        """Plot given normality scores (and labels, and a threshold).

        Parameters
        ----------
        scores : array-like of shape (n_samples,)
            Normality scores, the lower the more abnormal.
        y : array-like of shape (n_samples,), default=None
            +1 inlier / -1 outlier labels: each class gets its histogram.
        threshold : float, default=None
            Drawn as a dashed vertical line.
        name : str, default=None
            The title.
        ax : matplotlib Axes, default=None
            Where to draw; a new figure's axes by default.
        bins : int, default=50
            Histogram bins, shared by the classes.

        Returns
        -------
        display : ScoreDistributionDisplay
        """
        return cls(scores, threshold, y, name).plot(ax=ax, bins=bins)

    def plot(self, ax=None, *, bins=50):
        """Draw the histograms and the threshold.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure's axes by default.
        bins : int, default=50
            Histogram bins, shared by the classes.

        Returns
        -------
        display : ScoreDistributionDisplay
            ``self``, with ``ax_``, ``figure_``, ``hists_`` and ``line_``.
        """
        ax = _axes(ax)
        edges = np.histogram_bin_edges(self.scores, bins=bins)
        if self.y is None:
            groups = [(self.scores, "samples", _INLIER_COLOR)]
        else:
            groups = [
                (self.scores[self.y == 1], "inliers (y = +1)", _INLIER_COLOR),
                (self.scores[self.y == -1], "outliers (y = -1)", _OUTLIER_COLOR),
            ]
        self.hists_ = [
            ax.hist(values, bins=edges, alpha=0.6, label=label, color=color)[2]
            for values, label, color in groups
            if len(values)
        ]
        self.line_ = None
        if self.threshold is not None:
            self.line_ = ax.axvline(
                self.threshold,
                color=_THRESHOLD_COLOR,
                linestyle="--",
                label=f"threshold {self.threshold:.3g}",
            )
        ax.set_xlabel("score_samples (lower = more abnormal)")
        ax.set_ylabel("samples")
        if self.estimator_name:
            ax.set_title(self.estimator_name)
        ax.legend()
        self.ax_, self.figure_ = ax, ax.figure
        return self
