"""A time series above its per-step scores."""

import datetime
import numbers

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._common import (
    _INLIER_COLOR,
    _OUTLIER_COLOR,
    _THRESHOLD_COLOR,
    _checked_labels,
    _pyplot,
    _runs,
    _scores_and_threshold,
)


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
        if self.scores.ndim == 2 and self.scores.shape[1] == 1:  # a column
            self.scores = self.scores[:, 0]
        n_steps = len(self.series)
        if n_steps == 0 or self.scores.shape != (n_steps,):
            raise ValueError(
                "scores must hold one score per step of a non-empty series; got "
                f"{n_steps} step(s) and scores of shape {self.scores.shape}."
            )
        self.threshold = threshold
        self.y = _checked_labels(y, n_steps, what="steps")
        self.time = np.arange(n_steps) if time is None else np.asarray(time)
        if self.time.shape != (n_steps,):
            raise ValueError(
                f"time must hold one value per step ({n_steps}); got shape "
                f"{self.time.shape}."
            )
        self.time = _time_axis(self.time)

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
        scores, threshold = _scores_and_threshold(estimator, X)
        return cls(X, scores, threshold, y, time).plot(axes=axes)

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
        if axes is None:
            _, axes = _pyplot().subplots(2, 1, sharex=True, figsize=(8, 4.5))
        if len(np.ravel(axes)) != 2:
            raise ValueError(
                "axes must be two Axes, the series' above the scores'; got "
                f"{axes!r}."
            )
        top, bottom = np.ravel(axes)
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
                            self._run_end(end),
                            color=_OUTLIER_COLOR,
                            alpha=0.2,
                        )
                    )
        top.set_ylabel("value")
        bottom.set_ylabel("score_samples")
        bottom.set_xlabel("time")
        self.axes_, self.figure_ = np.asarray(axes), top.figure
        return self

    def _run_end(self, end):
        """Where a shaded run ending before step ``end`` stops: the next step.

        After the last step, one step's spacing past it, so that a run of
        one step is as wide as a step.
        """
        if end < len(self.time):
            return self.time[end]
        if len(self.time) > 1:
            return self.time[-1] + (self.time[-1] - self.time[-2])
        return self.time[-1]


def _time_axis(time):
    """``time`` as matplotlib plots it: numbers, datetime64 or datetime objects.

    Date strings become datetime64; numbers held as objects become floats;
    datetime objects (timezone-aware ones too) stay as they are. Other text
    is a TypeError.
    """
    if time.dtype.kind in "iufmM":
        return time
    values = time.tolist()
    if all(isinstance(v, numbers.Real) for v in values):
        return time.astype(np.float64)
    if all(isinstance(v, (datetime.date, np.datetime64)) for v in values):
        return time
    if all(isinstance(v, str) for v in values):
        try:
            return time.astype("datetime64[ns]")
        except ValueError:
            pass
    raise TypeError(
        f"time must hold numbers or timestamps; got values such as {values[0]!r}."
    )
