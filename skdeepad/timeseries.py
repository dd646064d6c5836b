"""Time series: sliding windows, per-step scores, a whole-series detector, NAB files.

A detector of sequences scores windows; users of a long series (a sensor, a
server metric) want one score per time step. :func:`sliding_windows` cuts a
series into windows, :func:`window_scores_to_points` maps window scores back
to steps, and :class:`WindowedDetector` does both around any detector, so a
whole series goes in and one score per step comes out. :func:`load_nab`
reads series in the format of the Numenta Anomaly Benchmark.
"""

import csv
import json
from numbers import Integral
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, OutlierMixin, clone
from sklearn.utils import Bunch
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

from ._compat import HasMethods, Interval, StrOptions, _fit_context, validate_params
from ._config import DocLinkMixin
from .base import (
    BaseDeepDetector,
    ThresholdMixin,
    atomic_fit,
    finite_scores,
    offset_from_scores,
)
from .persistence import SaveMixin

__all__ = [
    "WindowedDetector",
    "load_nab",
    "sliding_windows",
    "window_scores_to_points",
]

_AGGREGATES = {"mean", "min", "max", "first"}


@validate_params(
    {
        "series": ["array-like"],
        "window": [Interval(Integral, 1, None, closed="left")],
        "stride": [Interval(Integral, 1, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def sliding_windows(series, window, stride=1):
    """Cut a series into windows of ``window`` consecutive steps.

    Window ``i`` holds steps ``i * stride`` to ``i * stride + window - 1``.
    With ``stride > 1`` the last ``(n_steps - window) % stride`` steps may be
    in no window; :func:`window_scores_to_points` still gives them a score.

    Parameters
    ----------
    series : array-like of shape (n_steps,) or (n_steps, n_channels)
        The series, one row per time step.
    window : int
        The number of steps per window.
    stride : int, default=1
        The number of steps between the starts of consecutive windows.

    Returns
    -------
    windows : ndarray of shape (n_windows, window, n_channels)
        A read-only view of the series, ``n_windows = (n_steps - window) //
        stride + 1``.

    Raises
    ------
    ValueError
        If the series has fewer steps than ``window``.

    Examples
    --------
    >>> from skdeepad.timeseries import sliding_windows
    >>> sliding_windows([0, 1, 2, 3, 4], window=3, stride=2)[..., 0]
    array([[0., 1., 2.],
           [2., 3., 4.]])
    """
    series = check_array(series, ensure_2d=False, dtype=np.float64, input_name="series")
    if series.ndim == 1:
        series = series[:, np.newaxis]
    if len(series) < window:
        raise ValueError(
            f"The series has {len(series)} step(s), fewer than window={window}."
        )
    windows = np.lib.stride_tricks.sliding_window_view(series, window, axis=0)
    return windows[::stride].transpose(0, 2, 1)


@validate_params(
    {
        "scores": ["array-like"],
        "n_steps": [Interval(Integral, 1, None, closed="left")],
        "window": [Interval(Integral, 1, None, closed="left")],
        "stride": [Interval(Integral, 1, None, closed="left")],
        "method": [StrOptions(_AGGREGATES)],
    },
    prefer_skip_nested_validation=True,
)
def window_scores_to_points(scores, n_steps, window, stride=1, method="mean"):
    """Map one score per window back to one score per time step.

    The windows are those of :func:`sliding_windows` with the same
    ``window`` and ``stride``. A step's score combines the scores of the
    windows that contain it:

    - "mean": their mean;
    - "min" or "max": the lowest or highest of them (with normality scores,
      "min" gives each step its most abnormal window);
    - "first": the score of the earliest window containing it; with
      ``stride=1`` that is the window ending at the step, so a step is
      scored as soon as it is seen, as in streaming use (the first
      ``window - 1`` steps take the first window's score).

    Every step gets a score: the first steps are in the first window, and
    steps after the last window (``stride > 1``) take its score.

    Parameters
    ----------
    scores : array-like of shape (n_windows,)
        One score per window.
    n_steps : int
        The length of the series the windows were cut from.
    window : int
        The number of steps per window.
    stride : int, default=1
        The number of steps between the starts of consecutive windows.
    method : {"mean", "min", "max", "first"}, default="mean"
        How the scores of the windows containing a step are combined.

    Returns
    -------
    point_scores : ndarray of shape (n_steps,)
        One score per time step, float64.

    Examples
    --------
    >>> from skdeepad.timeseries import window_scores_to_points
    >>> window_scores_to_points([1.0, 3.0], n_steps=4, window=3)
    array([1., 2., 2., 3.])
    >>> window_scores_to_points([1.0, 3.0], n_steps=4, window=3, method="first")
    array([1., 1., 1., 3.])
    """
    scores = check_array(scores, ensure_2d=False, dtype=np.float64, input_name="scores")
    n_windows = (n_steps - window) // stride + 1 if n_steps >= window else 0
    if scores.ndim != 1 or len(scores) != n_windows:
        raise ValueError(
            f"A series of {n_steps} step(s) has {n_windows} window(s) of {window} "
            f"step(s) with stride={stride}; got scores of shape {scores.shape}."
        )
    starts = np.arange(n_windows) * stride
    last_covered = starts[-1] + window
    if method == "first":
        first_window = (
            np.maximum(np.arange(last_covered) - window + stride, 0) // stride
        )
        points = scores[first_window]
    else:
        steps = (starts[:, np.newaxis] + np.arange(window)).ravel()
        values = np.repeat(scores, window)
        if method == "mean":
            points = np.bincount(steps, values) / np.bincount(steps)
        else:
            points = np.full(last_covered, np.inf if method == "min" else -np.inf)
            (np.minimum if method == "min" else np.maximum).at(points, steps, values)
    return np.concatenate([points, np.full(n_steps - last_covered, scores[-1])])


class WindowedDetector(
    DocLinkMixin, ThresholdMixin, SaveMixin, OutlierMixin, BaseEstimator
):
    """Score every time step of a series with a detector of windows.

    :meth:`fit` cuts the training series into sliding windows and fits
    ``detector`` on them; :meth:`score_samples` cuts the series it is given
    the same way, scores each window and maps the window scores back to
    one score per time step (:func:`window_scores_to_points`). Rows of ``X``
    are time steps and columns channels, so the detector takes a whole
    series and fits in a :class:`~sklearn.pipeline.Pipeline` after a scaler.

    Parameters
    ----------
    detector : estimator or None, default=None
        The outlier detector fitted on the windows (cloned first): any
        skdeepad sequence detector, which gets windows of shape
        ``(n_windows, window, n_channels)``, or any other detector with
        ``score_samples``, which gets them flattened to ``(n_windows, window *
        n_channels)`` (e.g. scikit-learn's IsolationForest). None uses
        :class:`~skdeepad.ConvAutoEncoder` with its defaults.

    window : int, default=32
        The number of steps per window.

    stride : int, default=1
        The number of steps between the starts of consecutive windows; a
        larger stride trains and scores faster on long series.

    aggregate : {"mean", "min", "max", "first"}, default="mean"
        How the normality scores of the windows containing a step become the
        step's score (see :func:`window_scores_to_points`): "min" takes the
        most abnormal window, "first" the window ending at the step.

    contamination : "auto" or float, default="auto"
        As for every skdeepad detector, applied to the per-step training
        scores: a float in (0, 0.5] flags that fraction of the training steps;
        'auto' uses Tukey's lower fence ``Q1 - 1.5 * (Q3 - Q1)``.

    Attributes
    ----------
    detector_ : estimator
        The fitted clone of ``detector``.

    offset_ : float
        The threshold on :meth:`score_samples`: ``decision_function =
        score_samples - offset_``.

    n_features_in_ : int
        The number of channels seen in :meth:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        The channel names seen in :meth:`fit`, defined only when ``X`` had
        string column names.

    See Also
    --------
    sliding_windows : Cut a series into windows.
    window_scores_to_points : Map window scores back to time steps.

    Notes
    -----
    The rows of a series are not independent samples: a step's score
    depends on its neighbours, so scoring a subset or a reordering of the
    rows gives other scores. Every series must have at least ``window``
    steps.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepad import ConvAutoEncoder
    >>> from skdeepad.timeseries import WindowedDetector
    >>> t = np.arange(2000)
    >>> series = np.sin(2 * np.pi * t / 50)[:, np.newaxis]
    >>> series[1500:1510] += 2.0
    >>> det = WindowedDetector(ConvAutoEncoder(epochs=20, random_state=0), window=50)
    >>> scores = det.fit(series[:1000]).score_samples(series)
    >>> bool(scores[1500:1510].mean() < scores[:1000].min())
    True
    """

    _parameter_constraints: dict = {
        "detector": [HasMethods(["fit", "score_samples"]), None],
        "window": [Interval(Integral, 1, None, closed="left")],
        "stride": [Interval(Integral, 1, None, closed="left")],
        "aggregate": [StrOptions(_AGGREGATES)],
        "contamination": BaseDeepDetector._parameter_constraints["contamination"],
    }

    def __init__(
        self,
        detector=None,
        *,
        window=32,
        stride=1,
        aggregate="mean",
        contamination="auto",
    ):
        self.detector = detector
        self.window = window
        self.stride = stride
        self.aggregate = aggregate
        self.contamination = contamination

    @_fit_context(prefer_skip_nested_validation=False)
    @atomic_fit
    def fit(self, X, y=None):
        """Fit the detector on the sliding windows of the series ``X``.

        Parameters
        ----------
        X : array-like of shape (n_steps, n_channels)
            The training series, one row per time step, mostly normal.
        y : None
            Ignored; present for API consistency.

        Returns
        -------
        self : object
            The fitted detector.
        """
        X = validate_data(self, X, dtype=np.float64)
        if self.detector is None:
            from .conv import ConvAutoEncoder

            detector = ConvAutoEncoder()
        else:
            detector = clone(self.detector)
        windows = self._windows(X, detector)
        self.detector_ = detector.fit(windows)
        scores = self._point_scores(windows, len(X))
        self.offset_ = offset_from_scores(scores, self.contamination)
        return self

    def _windows(self, X, detector):
        if len(X) < self.window:
            raise ValueError(
                f"X has {len(X)} sample(s) (time steps), fewer than "
                f"window={self.window}."
            )
        windows = sliding_windows(X, self.window, self.stride)
        if detector.__sklearn_tags__().input_tags.three_d_array:
            return windows
        return windows.reshape(len(windows), -1)

    def _point_scores(self, windows, n_steps):
        points = window_scores_to_points(
            self.detector_.score_samples(windows),
            n_steps,
            self.window,
            self.stride,
            method=self.aggregate,
        )
        return finite_scores(points)  # a mean of the lowest floats overflows

    def score_samples(self, X):
        """Return the normality score of each time step of the series ``X``.

        Parameters
        ----------
        X : array-like of shape (n_steps, n_channels)
            The series, one row per time step, with at least ``window`` steps.

        Returns
        -------
        scores : ndarray of shape (n_steps,), dtype float64
            One score per step; the lower, the more abnormal.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return self._point_scores(self._windows(X, self.detector_), len(X))


def load_nab(path, windows=None):
    """Load one series in the Numenta Anomaly Benchmark (NAB) format.

    A NAB series is a CSV file with the header ``timestamp,value``; its
    labelled anomaly windows are in a JSON file mapping
    ``"<folder>/<file>.csv"`` to a list of ``[start, end]`` timestamp pairs
    (NAB's ``labels/combined_windows.json``). A time step is an anomaly when
    its timestamp falls in a window, ends included.

    Parameters
    ----------
    path : str or path-like
        The CSV file.
    windows : str, path-like or None, default=None
        The windows JSON file. None looks for ``labels/combined_windows.json``
        two levels above the CSV (NAB's layout) and loads no labels when there
        is none.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        - ``timestamp``: ndarray of datetime64, shape (n_steps,);
        - ``X``: ndarray of shape (n_steps, 1), the values, float64;
        - ``y``: ndarray of shape (n_steps,), +1 normal and -1 anomalous steps,
          or None without labels;
        - ``windows``: list of ``(start, end)`` datetime64 pairs, or None;
        - ``name``: the key ``"<folder>/<file>.csv"``.

    Raises
    ------
    ValueError
        If the CSV does not have NAB's layout, a value is not a number, or the
        windows file has no entry for the series.
    """
    path = Path(path)
    name = f"{path.parent.name}/{path.name}"
    with open(path, newline="") as file:
        rows = list(csv.reader(file))
    if not rows or [cell.strip() for cell in rows[0]] != ["timestamp", "value"]:
        header = rows[0] if rows else "nothing"
        raise ValueError(
            f"{path} is not a NAB series: the header must be 'timestamp,value'; "
            f"got {header!r}."
        )
    try:
        timestamp = np.array([row[0] for row in rows[1:]], dtype="datetime64[ns]")
        values = np.array([row[1] for row in rows[1:]], dtype=np.float64)
    except (ValueError, IndexError) as error:
        raise ValueError(f"{path}: a row is not 'timestamp,value' ({error}).") from None

    data = Bunch(
        timestamp=timestamp, X=values[:, np.newaxis], y=None, windows=None, name=name
    )
    if windows is None:
        windows = path.parent.parent / "labels" / "combined_windows.json"
        if not windows.exists():
            return data
    with open(windows) as file:
        all_windows = json.load(file)
    if name not in all_windows:
        raise ValueError(f"{windows} has no anomaly windows for {name!r}.")
    data.windows = [
        (np.datetime64(start, "ns"), np.datetime64(end, "ns"))
        for start, end in all_windows[name]
    ]
    anomalous = np.zeros(len(timestamp), dtype=bool)
    for start, end in data.windows:
        anomalous |= (timestamp >= start) & (timestamp <= end)
    data.y = np.where(anomalous, -1, 1)
    return data
