"""The whole-series detector: one score per time step from a detector of windows.

:class:`WindowedDetector` cuts a series into sliding windows
(:func:`~skdeepad.timeseries.sliding_windows`), scores them with any detector
and maps the window scores back to the steps
(:func:`~skdeepad.timeseries.window_scores_to_points`).
"""

import contextlib
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, OutlierMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from .._compat import HasMethods, Interval, StrOptions, _fit_context
from .._config import DocLinkMixin
from .._utils import in_memory, inner_input_tags, seeded_clones, takes_sequences
from ..core import (
    CONTAMINATION_CONSTRAINT,
    BaseSequenceDetector,
    ThresholdMixin,
    atomic_fit,
    finite_scores,
    normalized_average,
    offset_from_scores,
    scores_of,
)
from ..persistence import SaveMixin
from ._windows import (
    AGGREGATES,
    check_stride,
    cut_windows,
    window_scores_to_points,
)

__all__ = ["WindowedDetector"]


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

    window : int, or tuple or list of int, default=32
        The number of steps per window. Several (e.g. ``(p // 2, p, 2 * p)``
        around the series' :func:`dominant_period` ``p``) make a multi-scale
        detector: a clone of ``detector`` is fitted on the windows of each
        length, each gives per-step scores, and those are put on one scale,
        each by the median and interquartile range of its training steps'
        scores (a robust z-score, as :class:`~skdeepad.DetectorEnsemble`
        does), and averaged. On NAB's series, the AutoEncoder on windows of
        half, one and two periods scores higher than on windows of one period
        (``benchmarks/results/nab_v2.md``).

    stride : int, default=1
        The number of steps between the starts of consecutive windows, at
        most the (shortest) window's length; a larger stride trains and
        scores faster on long series.

    aggregate : {"mean", "min", "max", "first"}, default="mean"
        How the normality scores of the windows containing a step become the
        step's score (see :func:`window_scores_to_points`): "min" takes the
        most abnormal window, "first" the window ending at the step.

    contamination : "auto" or float, default="auto"
        As for every skdeepad detector, applied to the per-step training
        scores: a float in (0, 0.5] flags that fraction of the training steps;
        'auto' uses Tukey's lower fence ``Q1 - 1.5 * (Q3 - Q1)``.

    random_state : int, RandomState instance or None, default=None
        Seeds the clone of ``detector`` fitted on each window length: with an
        int, each gets its own seed drawn from it (replacing the detector's
        own ``random_state``, or its steps' in a ``Pipeline``), so that the
        fit is reproducible whatever ``detector`` says. None leaves the
        detector's seed as it is (the default ConvAutoEncoder's is None).

    Attributes
    ----------
    detector_ : estimator
        The fitted clone of ``detector``; with several windows, the one of
        the first window.

    detectors_ : list of estimator
        The fitted clone of ``detector`` for each window, in the order of
        ``window``.

    windows_ : tuple of int
        The window lengths fitted: ``(window,)`` for an int ``window``.

    stride_ : int
        The stride fitted with. Scoring uses ``windows_``, ``stride_`` and
        ``aggregate_``: ``window``, ``stride`` and ``aggregate`` set after
        fit take effect at the next fit, as ``offset_`` is learnt from them.

    aggregate_ : str
        The aggregate fitted with.

    reference_scores_ : list of ndarray
        With several windows, each window's per-step scores of the training
        series, sorted: the reference of its robust z-score. Empty with one
        window, whose scores are returned as they are.

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
    steps (the longest window, with several).

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

    # Rows are time steps: a meta-detector must keep their order.
    _rows_are_steps = True

    _parameter_constraints: dict = {
        "detector": [HasMethods(["fit", "score_samples"]), None],
        "window": [Interval(Integral, 1, None, closed="left"), tuple, list],
        "stride": [Interval(Integral, 1, None, closed="left")],
        "aggregate": [StrOptions(AGGREGATES)],
        "contamination": CONTAMINATION_CONSTRAINT,
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        detector=None,
        *,
        window=32,
        stride=1,
        aggregate="mean",
        contamination="auto",
        random_state=None,
    ):
        self.detector = detector
        self.window = window
        self.stride = stride
        self.aggregate = aggregate
        self.contamination = contamination
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=False)
    @atomic_fit
    def fit(self, X, y=None):
        """Fit the detector on the sliding windows of the series ``X``.

        Parameters
        ----------
        X : array-like of shape (n_steps, n_channels) or pandas Series
            The training series, one row per time step, mostly normal. A
            pandas Series is a univariate series (one channel); a 1-D NumPy
            array is refused, as scikit-learn refuses it, because it could
            be one step of several channels.
        y : None
            Ignored; present for API consistency.

        Returns
        -------
        self : object
            The fitted detector.
        """
        lengths = self._lengths()
        check_stride(self.stride, min(lengths))
        X = validate_data(
            self,
            _as_channels(in_memory(X)),
            dtype=np.float64,
            ensure_all_finite=self._finite(),
        )
        self._check_length(X, lengths)
        # Scoring cuts and aggregates windows as the fit did, which offset_
        # was learnt from: a stride or aggregate set later waits for a refit.
        self.stride_, self.aggregate_ = int(self.stride), self.aggregate
        if self.detector is None:
            from ._conv import ConvAutoEncoder

            detector = ConvAutoEncoder()
        else:
            detector = self.detector
        _check_hidden_sequences(detector, X.shape[1])
        detectors = seeded_clones([detector] * len(lengths), self.random_state)
        training = []
        for detector, length in zip(detectors, lengths, strict=True):
            windows = self._windows(X, detector, length)
            with self._naming_steps(windows, length):
                detector.fit(windows, y=None)  # y=None: a FrozenEstimator's needs one
            training.append(self._step_scores(windows, len(X), detector, length))
        self.windows_, self.detectors_ = lengths, detectors
        self.reference_scores_ = (
            [np.sort(scores) for scores in training] if len(lengths) > 1 else []
        )
        scores = self._combined(training)
        self.offset_ = offset_from_scores(scores, self.contamination)
        return self

    @property
    def detector_(self):
        """The fitted clone of ``detector`` (of the first window, with several)."""
        if "detectors_" not in vars(self):
            raise AttributeError(
                f"This {type(self).__name__} has no detector_ until it is fitted."
            )
        return self.detectors_[0]

    def __setstate__(self, state):
        state = dict(state)
        if "detector_" in state:  # pickled or saved before detectors_ existed
            state["detectors_"] = [state.pop("detector_")]
            state["windows_"] = (int(state["window"]),)
            state["reference_scores_"] = []
        if "windows_" in state and "stride_" not in state:  # before they were kept
            state["stride_"], state["aggregate_"] = state["stride"], state["aggregate"]
        state.setdefault("random_state", None)  # before it was a parameter
        super().__setstate__(state)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = _takes_nan(self.detector)
        return tags

    def _finite(self, *, fitted=False):
        """``ensure_all_finite`` for the series: NaN where the detector takes it.

        ``fitted=True`` asks the fitted detectors, so that scoring follows the
        fit even if ``detector`` was set again since.
        """
        detector = self.detectors_[0] if fitted else self.detector
        return "allow-nan" if _takes_nan(detector) else True

    def _lengths(self):
        """``window`` as a tuple of window lengths, checked."""
        if isinstance(self.window, Integral) and not isinstance(self.window, bool):
            return (int(self.window),)
        lengths = () if isinstance(self.window, bool) else tuple(self.window)
        if not lengths or not all(
            isinstance(n, Integral) and not isinstance(n, bool) and n >= 1
            for n in lengths
        ):
            raise ValueError(
                "window must be a positive int or a non-empty tuple of positive "
                f"ints; got {self.window!r}."
            )
        return tuple(int(n) for n in lengths)

    @staticmethod
    def _check_length(X, lengths):
        if len(X) < max(lengths):
            raise ValueError(
                f"X has {len(X)} sample(s) (time steps), fewer than "
                f"window={max(lengths)}."
            )

    def _windows(self, X, detector, length):
        windows = cut_windows(X, length, self.stride_)  # of X checked in full
        if takes_sequences(detector):
            return windows
        return windows.reshape(len(windows), -1)

    def _step_scores(self, windows, n_steps, detector, length):
        """One window length's score of each of ``n_steps`` steps, from its windows."""
        # finite first: an inner detector (EllipticEnvelope, LOF) may score a
        # far window -inf, which is its most abnormal score, as the stream reads it
        with self._naming_steps(windows, length):
            scores = scores_of(detector, windows)
        points = window_scores_to_points(
            scores,
            n_steps,
            length,
            self.stride_,
            method=self.aggregate_,
        )
        return finite_scores(points)  # a mean of the lowest floats overflows

    @contextlib.contextmanager
    def _naming_steps(self, windows, length):
        """Name the steps of all-NaN windows the detector refuses (Donut), which
        its own message numbers as samples."""
        try:
            yield
        except ValueError as error:
            empty = np.flatnonzero(np.isnan(windows.reshape(len(windows), -1)).all(1))
            if not len(empty):
                raise
            step = self.stride_
            spans = [f"{i * step}-{i * step + length - 1}" for i in empty]
            raise ValueError(
                f"{type(self).__name__}: the window(s) of steps {spans[:5]} hold "
                f"no observed value (all NaN), which the detector refuses: {error}"
            ) from None

    def _combined(self, step_scores):
        """One window's step scores as they are; several's robust z-scores, averaged."""
        if len(step_scores) == 1:
            return step_scores[0]
        return normalized_average(step_scores, self.reference_scores_)

    def score_samples(self, X):
        """Return the normality score of each time step of the series ``X``.

        Parameters
        ----------
        X : array-like of shape (n_steps, n_channels) or pandas Series
            The series, one row per time step, with at least ``window`` steps
            (a pandas Series: one channel).

        Returns
        -------
        scores : ndarray of shape (n_steps,), dtype float64
            One score per step; the lower, the more abnormal.
        """
        check_is_fitted(self)
        X = validate_data(
            self,
            _as_channels(in_memory(X)),
            dtype=np.float64,
            reset=False,
            ensure_all_finite=self._finite(fitted=True),
        )
        lengths = self.windows_
        self._check_length(X, lengths)
        return self._combined(
            [
                self._step_scores(
                    self._windows(X, detector, length), len(X), detector, length
                )
                for detector, length in zip(self.detectors_, lengths, strict=True)
            ]
        )


def _check_hidden_sequences(detector, n_channels):
    """Refuse a series of several channels for a sequence detector that gets its
    windows flattened, inside a Pipeline or a meta-detector, channels interleaved."""
    if n_channels == 1 or detector is None or takes_sequences(detector):
        return
    params = detector.get_params(deep=True) if hasattr(detector, "get_params") else {}
    inner = [
        value
        for value in params.values()
        if isinstance(value, BaseSequenceDetector) and takes_sequences(value)
    ]
    if inner:
        raise ValueError(
            f"{type(inner[0]).__name__} inside {type(detector).__name__} would get "
            f"each window of the {n_channels} channels flattened into one row, "
            "its channels interleaved and read as one. Give the sequence detector "
            "to WindowedDetector itself (it gets windows of shape (window, "
            "channels)), or use a detector of rows inside the wrapper."
        )


def _takes_nan(detector):
    """Whether ``detector`` takes NaN (a missing value) in its windows: Donut."""
    if detector is None:  # the default ConvAutoEncoder
        return False
    return inner_input_tags([detector])[0]


def _as_channels(X):
    """A pandas Series as a one-column frame (its name the channel's); else ``X``."""
    if type(X).__module__.startswith("pandas") and getattr(X, "ndim", None) == 1:
        return X.to_frame()
    return X
