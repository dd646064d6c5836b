"""Plots in scikit-learn's Display style (matplotlib, the ``plot`` extra).

Each display is built ``from_estimator`` (or ``from_predictions``) and drawn
with ``.plot(ax=...)``; it keeps what it drew (``ax_``, ``figure_`` and the
artists) for further styling, as scikit-learn's ``RocCurveDisplay`` does.
matplotlib is imported when a plot is drawn, not with this module.

- :class:`ScoreDistributionDisplay`: the distribution of ``score_samples``
  with the threshold ``offset_`` and, given labels, the two classes apart;
- :class:`TrainingHistoryDisplay`: the training (and validation) loss by epoch;
- :class:`FeatureScoresDisplay`: each feature's share of chosen samples'
  anomaly scores (``feature_scores``);
- :class:`SeriesScoresDisplay`: a time series above its scores, with the
  threshold and the labelled anomalous steps shaded.
"""

import numpy as np
from sklearn.utils.validation import check_is_fitted

__all__ = [
    "FeatureScoresDisplay",
    "ScoreDistributionDisplay",
    "SeriesScoresDisplay",
    "TrainingHistoryDisplay",
]

_OUTLIER_COLOR, _INLIER_COLOR, _THRESHOLD_COLOR = "tab:red", "tab:blue", "black"


def _axes(ax):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots()
    return ax


def _name(estimator, name):
    return name if name is not None else type(estimator).__name__


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
        self.threshold = threshold
        self.y = None if y is None else np.asarray(y)
        self.estimator_name = estimator_name

    @classmethod
    def from_estimator(cls, estimator, X, y=None, *, name=None, ax=None, bins=50):
        """Score ``X`` with a fitted detector and plot; ``offset_`` is the threshold.

        Parameters
        ----------
        estimator : fitted skdeepad detector
            Any detector with ``score_samples`` and ``offset_``.
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
        display = cls(
            estimator.score_samples(X), estimator.offset_, y, _name(estimator, name)
        )
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


class TrainingHistoryDisplay:
    """The loss by epoch of a fitted detector's training.

    Parameters
    ----------
    history : dict of lists
        Keras's history: ``loss`` and, with early stopping, ``val_loss``.
    estimator_name : str or None
        Shown in the title.

    Attributes
    ----------
    ax_, figure_ : matplotlib Axes and Figure
    lines_ : dict of matplotlib Line2D
        One line per history entry drawn (``"loss"``, ``"val_loss"``).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skdeepad.plotting import TrainingHistoryDisplay
    >>> history = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.6]}
    >>> display = TrainingHistoryDisplay(history).plot()
    >>> sorted(display.lines_)
    ['loss', 'val_loss']
    """

    def __init__(self, history, estimator_name=None):
        self.history = {k: list(v) for k, v in history.items()}
        self.estimator_name = estimator_name

    @classmethod
    def from_estimator(cls, estimator, *, name=None, ax=None):
        """Plot a fitted detector's ``history_``.

        Parameters
        ----------
        estimator : fitted skdeepad detector
            A detector that trains a network (it has ``history_``).
        name : str, default=None
            The title; the detector's class name by default.
        ax : matplotlib Axes, default=None
            Where to draw; a new figure's axes by default.

        Returns
        -------
        display : TrainingHistoryDisplay
        """
        check_is_fitted(estimator)
        if not hasattr(estimator, "history_"):
            raise ValueError(
                f"{type(estimator).__name__} has no training history (history_): "
                "it does not train a network."
            )
        return cls(estimator.history_, _name(estimator, name)).plot(ax=ax)

    def plot(self, ax=None):
        """Draw the loss curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure's axes by default.

        Returns
        -------
        display : TrainingHistoryDisplay
            ``self``, with ``ax_``, ``figure_`` and ``lines_``.
        """
        ax = _axes(ax)
        self.lines_ = {}
        for key, label in (("loss", "training loss"), ("val_loss", "validation loss")):
            if key in self.history:
                values = self.history[key]
                epochs = np.arange(1, len(values) + 1)
                (self.lines_[key],) = ax.plot(epochs, values, marker=".", label=label)
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss")
        if self.estimator_name:
            ax.set_title(self.estimator_name)
        ax.legend()
        self.ax_, self.figure_ = ax, ax.figure
        return self


class FeatureScoresDisplay:
    """Each feature's share of chosen samples' anomaly scores.

    Parameters
    ----------
    feature_scores : ndarray of shape (n_chosen, n_features)
        Shares from ``feature_scores``, one row per sample shown.
    feature_names : list of str
        The features' names.
    sample_names : list of str
        The samples' names (legend).

    Attributes
    ----------
    ax_, figure_ : matplotlib Axes and Figure
    bars_ : list of matplotlib BarContainer
        One group of bars per sample.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from skdeepad.plotting import FeatureScoresDisplay
    >>> display = FeatureScoresDisplay(np.eye(2), ["a", "b"], ["row 0", "row 1"]).plot()
    >>> len(display.bars_)
    2
    """

    def __init__(self, feature_scores, feature_names, sample_names):
        self.feature_scores = np.asarray(feature_scores, dtype=np.float64)
        self.feature_names = list(feature_names)
        self.sample_names = list(sample_names)

    @classmethod
    def from_estimator(cls, estimator, X, *, samples=3, ax=None):
        """Plot the feature scores of samples of ``X``.

        Parameters
        ----------
        estimator : fitted skdeepad detector
            A reconstruction detector (it has ``feature_scores``); sequences
            and images are flattened (time steps x channels, pixels).
        X : array-like or pandas DataFrame
            The samples; a DataFrame's columns name the features.
        samples : int or list of int, default=3
            How many of the most abnormal samples to show, or which rows.
        ax : matplotlib Axes, default=None
            Where to draw; a new figure's axes by default.

        Returns
        -------
        display : FeatureScoresDisplay
        """
        if not hasattr(estimator, "feature_scores"):
            raise ValueError(
                f"{type(estimator).__name__} has no feature_scores: it is not a "
                "reconstruction detector."
            )
        shares = np.asarray(estimator.feature_scores(X), dtype=np.float64)
        shares = shares.reshape(len(shares), -1)
        if isinstance(samples, (int, np.integer)):
            rows = np.argsort(shares.sum(axis=1))[::-1][:samples]
        else:
            rows = np.asarray(samples, dtype=int)
        names = getattr(X, "columns", None)
        names = (
            [str(c) for c in names]
            if names is not None
            else [f"x{j}" for j in range(shares.shape[1])]
        )
        index = getattr(X, "index", None)
        labels = [f"row {index[r] if index is not None else r}" for r in rows]
        return cls(shares[rows], names, labels).plot(ax=ax)

    def plot(self, ax=None):
        """Draw one group of bars per sample.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure's axes by default.

        Returns
        -------
        display : FeatureScoresDisplay
            ``self``, with ``ax_``, ``figure_`` and ``bars_``.
        """
        ax = _axes(ax)
        n_samples, n_features = self.feature_scores.shape
        width = 0.8 / max(n_samples, 1)
        positions = np.arange(n_features)
        self.bars_ = [
            ax.bar(positions + i * width, shares, width, label=name)
            for i, (shares, name) in enumerate(
                zip(self.feature_scores, self.sample_names, strict=True)
            )
        ]
        ax.set_xticks(positions + 0.4 - width / 2)
        crowded = sum(len(name) + 2 for name in self.feature_names) > 50
        ax.set_xticklabels(
            self.feature_names,
            rotation=45 if crowded else 0,
            ha="right" if crowded else "center",
        )
        ax.set_ylabel("share of the anomaly score")
        ax.legend()
        self.ax_, self.figure_ = ax, ax.figure
        return self


class SeriesScoresDisplay:
    """A time series above its per-step scores, threshold and labelled steps.

    Parameters
    ----------
    series : ndarray of shape (n_steps,) or (n_steps, n_channels)
        The values.
    scores : ndarray of shape (n_steps,)
        Per-step normality scores (``WindowedDetector.score_samples``).
    threshold : float or None
        The score below which a step is an outlier.
    y : ndarray of shape (n_steps,) or None
        +1 normal / -1 anomalous steps; anomalous runs are shaded.
    time : ndarray of shape (n_steps,) or None
        The x axis (timestamps); step numbers by default.

    Attributes
    ----------
    axes_ : ndarray of two matplotlib Axes
        The series above, the scores below (sharing the x axis).
    figure_ : matplotlib Figure
    lines_ : dict of matplotlib Line2D
        ``"series"`` (the first channel's), ``"scores"`` and ``"threshold"``.
    spans_ : list of matplotlib Polygon
        The shaded anomalous runs, on both axes.
    """

    def __init__(self, series, scores, threshold=None, y=None, time=None):
        self.series = np.asarray(series, dtype=np.float64)
        self.scores = np.asarray(scores, dtype=np.float64)
        self.threshold = threshold
        self.y = None if y is None else np.asarray(y)
        self.time = np.arange(len(self.scores)) if time is None else np.asarray(time)

    @classmethod
    def from_estimator(cls, estimator, X, y=None, *, time=None, axes=None):
        """Score the series ``X`` with a fitted ``WindowedDetector`` and plot.

        Parameters
        ----------
        estimator : fitted WindowedDetector
            Or any detector scoring the rows of ``X`` as time steps.
        X : array-like of shape (n_steps, n_channels)
            The series.
        y : array-like of shape (n_steps,), default=None
            +1 normal / -1 anomalous steps, shaded.
        time : array-like of shape (n_steps,), default=None
            The x axis (timestamps); step numbers by default.
        axes : pair of matplotlib Axes, default=None
            Where to draw; a new figure's by default.

        Returns
        -------
        display : SeriesScoresDisplay
        """
        check_is_fitted(estimator)
        return cls(X, estimator.score_samples(X), estimator.offset_, y, time).plot(
            axes=axes
        )

    def plot(self, axes=None):
        """Draw the series above its scores.

        Parameters
        ----------
        axes : pair of matplotlib Axes, default=None
            Where to draw; a new figure's two axes (shared x) by default.

        Returns
        -------
        display : SeriesScoresDisplay
            ``self``, with ``axes_``, ``figure_``, ``lines_`` and ``spans_``.
        """
        import matplotlib.pyplot as plt

        if axes is None:
            _, axes = plt.subplots(2, 1, sharex=True, figsize=(8, 4.5))
        top, bottom = axes
        series = self.series.reshape(len(self.series), -1)
        self.lines_ = {}
        (self.lines_["series"],) = top.plot(self.time, series[:, 0], lw=0.8)
        for channel in range(1, series.shape[1]):
            top.plot(self.time, series[:, channel], lw=0.8)
        (self.lines_["scores"],) = bottom.plot(
            self.time, self.scores, lw=0.8, color=_INLIER_COLOR
        )
        if self.threshold is not None:
            self.lines_["threshold"] = bottom.axhline(
                self.threshold,
                color=_THRESHOLD_COLOR,
                linestyle="--",
                label="threshold",
            )
            bottom.legend(loc="lower left")
        self.spans_ = []
        if self.y is not None:
            for start, end in _runs(self.y == -1):
                for ax in (top, bottom):
                    self.spans_.append(
                        ax.axvspan(
                            self.time[start],
                            self.time[end - 1],
                            color=_OUTLIER_COLOR,
                            alpha=0.2,
                        )
                    )
        top.set_ylabel("value")
        bottom.set_ylabel("score_samples")
        bottom.set_xlabel("time")
        self.axes_, self.figure_ = np.asarray(axes), top.figure
        return self


def _runs(mask):
    """``(start, end)`` of each run of True in ``mask``, end exclusive."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(
        zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True)
    )
