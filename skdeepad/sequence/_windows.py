"""Sliding windows over a series and window scores mapped back to its steps.

:func:`sliding_windows` cuts a series into windows; :func:`window_scores_to_points`
maps one score per window back to one score per time step. Public through
:mod:`skdeepad.timeseries`.
"""

from numbers import Integral

import numpy as np
from sklearn.utils.validation import check_array

from .._compat import Interval, StrOptions, validate_params

__all__ = [
    "AGGREGATES",
    "dominant_period",
    "sliding_windows",
    "window_scores_to_points",
]

# How window_scores_to_points combines the scores of the windows holding a step.
AGGREGATES = {"mean", "min", "max", "first"}


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
    With ``stride > window`` the steps between two windows are in none either;
    :func:`window_scores_to_points` refuses such a stride.

    Parameters
    ----------
    series : array-like of shape (n_steps,) or (n_steps, n_channels)
        The series, one row per time step. NaN, a missing value, passes
        through (:class:`~skdeepad.Donut` takes it); infinities are refused.
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
    # NaN passes (a missing value, for a detector that takes them: Donut)
    series = check_array(
        series,
        ensure_2d=False,
        dtype=np.float64,
        ensure_all_finite="allow-nan",
        input_name="series",
    )
    if series.ndim == 1:
        series = series[:, np.newaxis]
    if len(series) < window:
        raise ValueError(
            f"The series has {len(series)} step(s), fewer than window={window}."
        )
    return cut_windows(series, window, stride)


def cut_windows(series, window, stride=1):
    """:func:`sliding_windows` of a checked 2-D float series, without the checks."""
    windows = np.lib.stride_tricks.sliding_window_view(series, window, axis=0)
    return windows[::stride].transpose(0, 2, 1)


def check_stride(stride, window):
    """Refuse a ``stride`` that leaves steps between two windows in none."""
    if stride > window:
        raise ValueError(
            f"stride={stride} is larger than window={window}: the steps between "
            "two windows would be in no window and get no score. Use a stride "
            "of at most the window's length."
        )


@validate_params(
    {
        "scores": ["array-like"],
        "n_steps": [Interval(Integral, 1, None, closed="left")],
        "window": [Interval(Integral, 1, None, closed="left")],
        "stride": [Interval(Integral, 1, None, closed="left")],
        "method": [StrOptions(AGGREGATES)],
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
    steps after the last window (``stride > 1``) take its score. A
    ``stride`` larger than ``window`` is refused: the steps between two
    windows would be in none.

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
    check_stride(stride, window)
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
        # The windows holding step t are lo[t] to hi[t]: one pass per window a
        # step can be in, each over the steps (memory of a few series, not of
        # series x window), adding in the windows' order.
        t = np.arange(last_covered)
        lo = np.maximum(t - window + stride, 0) // stride
        hi = np.minimum(t // stride, n_windows - 1)
        points = scores[lo]
        combine = {"mean": np.add, "min": np.minimum, "max": np.maximum}[method]
        for offset in range(1, -(-window // stride)):
            index = lo + offset
            # past a step's last window: that window again, the same min or
            # max, and + 0.0 to a mean
            values = scores[np.minimum(index, hi)]
            if method == "mean":
                values[index > hi] = 0.0
            combine(points, values, out=points)
        if method == "mean":
            points /= hi - lo + 1
    return np.concatenate([points, np.full(n_steps - last_covered, scores[-1])])


@validate_params(
    {
        "series": ["array-like"],
        "max_lag": [Interval(Integral, 104, None, closed="left")],
        "default": [Interval(Integral, 1, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def dominant_period(series, *, max_lag=400, default=125):
    """The series' dominant period, from its autocorrelation: a window length.

    The lag of the highest local maximum of the autocorrelation past lag 3
    (of the first 20,000 steps, lags up to ``max_lag``), the rule by which
    TSB-AD (Liu and Paparrizos, NeurIPS 2024) sizes the windows of its
    detectors and the buffer of VUS (``find_length_rank``); ``default`` when
    the autocorrelation has no such peak or it lies outside 6 to
    ``max_lag - 97`` steps. Use it as a :class:`WindowedDetector`'s
    ``window``, or its multiples as the windows of a multi-scale one.

    Parameters
    ----------
    series : array-like of shape (n_steps,) or (n_steps, 1), or pandas Series
        A univariate series; for several channels, pass one of them.
    max_lag : int, default=400
        The largest lag of the autocorrelation looked at (at most the series'
        length - 1), at least 104: peaks in the last 97 lags are not taken.
    default : int, default=125
        The period returned when none is found.

    Returns
    -------
    period : int
        The dominant period, in steps.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepad.timeseries import dominant_period
    >>> t = np.arange(3000)
    >>> dominant_period(np.sin(2 * np.pi * t / 48))
    48
    """
    x = check_array(series, ensure_2d=False, dtype=np.float64, input_name="series")
    if x.ndim == 2:
        if x.shape[1] != 1:
            raise ValueError(
                f"series must be univariate; got {x.shape[1]} channels. Pass one "
                "of them, e.g. series[:, 0]."
            )
        x = x[:, 0]
    x = x[:20000]
    # scaled first: the autocorrelation of values near 1e160 overflows, of
    # values near 1e-160 underflows (a constant series, as read below)
    largest = np.max(np.abs(x))
    x = x / largest if largest > 0 else x
    x = x - x.mean()
    spectrum = np.fft.rfft(x, 2 * len(x))
    # lags 0 .. min(max_lag, n - 1): the transform's lags from n on wrap around
    autocorrelation = np.fft.irfft(spectrum * np.conj(spectrum))
    autocorrelation = autocorrelation[: min(max_lag + 1, len(x))]
    if autocorrelation[0] <= 0:  # a constant series
        return int(default)
    base = 3
    tail = autocorrelation[base:] / autocorrelation[0]
    peaks = np.flatnonzero((tail[1:-1] > tail[:-2]) & (tail[1:-1] > tail[2:])) + 1
    if not len(peaks):
        return int(default)
    best = int(peaks[np.argmax(tail[peaks])])
    if best < 3 or best > max_lag - 100:
        return int(default)
    return best + base
