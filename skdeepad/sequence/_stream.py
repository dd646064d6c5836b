"""Live scoring: a fitted :class:`WindowedDetector` scores a stream as it arrives."""

import copy

import numpy as np
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_array, check_is_fitted

from .._utils import takes_sequences
from ..core import BaseDetector, finite_scores, scores_of
from ._windowed import WindowedDetector
from ._windows import cut_windows

__all__ = ["StreamScorer"]


def _stream_setting(detector):
    """``(windows_, n_features_in_)`` of a detector a stream can be scored by.

    Refuses anything but a fitted :class:`WindowedDetector` of one window,
    ``stride=1`` and ``aggregate="first"``.
    """
    if not isinstance(detector, WindowedDetector):
        raise TypeError(
            "StreamScorer scores a stream with a fitted WindowedDetector; got "
            f"{type(detector).__name__}."
        )
    check_is_fitted(detector)
    if len(detector.windows_) > 1:
        raise ValueError(
            "StreamScorer scores each step by the window ending at it, of one "
            f"length: fit the WindowedDetector with one window; it was fitted "
            f"with windows {detector.windows_!r}."
        )
    if detector.stride_ != 1 or detector.aggregate_ != "first":
        raise ValueError(
            "StreamScorer scores each step by the window ending at it: fit "
            "the WindowedDetector with stride=1 and aggregate='first'; it was "
            f"fitted with stride={detector.stride_}, "
            f"aggregate={detector.aggregate_!r}."
        )
    return tuple(detector.windows_), detector.n_features_in_


class StreamScorer:
    """Score a live series step by step with a fitted :class:`WindowedDetector`.

    Each call of :meth:`update` takes the steps that arrived since the last
    call (one step or many) and returns the scores of those that can now be
    scored: a step's score is that of the window ending at it, computed from
    the last ``window`` steps held here, so each step costs the same however
    long the stream has run. Concatenated, the scores returned equal
    ``detector.score_samples`` of the whole series (up to float32 rounding,
    see Notes): the first ``window - 1`` steps wait for the first full window
    and come out with it, with its score, as batch scoring gives them.

    Parameters
    ----------
    detector : WindowedDetector
        Fitted, with ``stride=1`` and ``aggregate="first"``: a step scored
        by the window ending at it (other aggregates give a step the scores
        of windows that end after it, not known when it arrives).

    Attributes
    ----------
    n_steps_seen_ : int
        The steps given to :meth:`update` so far.

    Notes
    -----
    Batch scoring pads every forward pass of a network detector (a sequence
    detector's to one number of windows set by its fitted network, 1,024 at
    most; a tabular one's to a multiple of 64 rows),
    so that a window's score never depends on the windows scored with it.
    Live, the network scores only the new windows, unpadded, and where the
    detector scores through the network's own call (the autoencoders, DTE,
    DeepSVDD, DeepIsolationForest, the forecaster) on TensorFlow, that call
    is a graph traced once, and a call on one window (one step per
    :meth:`update`) goes through TensorFlow Lite where the network converts
    to it. Each step is checked once, as it arrives, and the windows are
    not checked again. One step then costs tens of microseconds instead of a
    padded pass's tens of milliseconds; the first update that scores pays
    the tracing, and the first one-step update the conversion (about half a
    second), again after each refit or ``partial_fit`` of the detector. Install
    ``ai-edge-litert`` (the ``live`` extra) for LiteRT's interpreter;
    without it TensorFlow's own serves. The network's float32 outputs then
    differ from the batch pass's in their last digits, and so do the scores,
    by a relative 1e-6 or less for the dense, convolutional and recurrent
    autoencoders, a few 1e-6 for the Transformer's (its attention), and more
    where a score amplifies them (DAGMM's energy: up to 3e-4). A detector
    that is not a network detector (a scikit-learn one, a meta-detector)
    scores exactly as in batch. The detector given is not changed: the
    scorer keeps a shallow copy of its fitted network detector, rebuilt if
    the detector is refitted or partially fitted. Weights changed in place
    any other way (the network's ``set_weights``, say) are not seen by
    one-step updates: make a new scorer after such a change.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.ensemble import IsolationForest
    >>> from skdeepad.timeseries import StreamScorer, WindowedDetector
    >>> series = np.sin(np.arange(400) / 5.0)[:, np.newaxis]
    >>> det = WindowedDetector(
    ...     IsolationForest(random_state=0), window=8, aggregate="first"
    ... ).fit(series)
    >>> scorer = StreamScorer(det)
    >>> live = [scorer.update(step) for step in series[:20]]
    >>> bool(np.allclose(np.concatenate(live), det.score_samples(series[:20])))
    True
    """

    def __init__(self, detector):
        self._fitted_as = _stream_setting(detector)
        self.detector = detector
        self.n_steps_seen_ = 0
        self._recent = np.empty((0, detector.n_features_in_))
        self._live = self._live_source = None  # built at the first update

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_live"] = state["_live_source"] = None  # compiled: rebuilt when used
        return state

    def __setstate__(self, state):
        if "_fitted_as" not in state:  # pickled before the setting was kept
            try:
                windows, _ = _stream_setting(state["detector"])
            except (TypeError, ValueError):  # refused at update, with why
                state["_fitted_as"] = None
            else:  # the channels the stream holds, whatever the detector's now
                state["_fitted_as"] = (windows, state["_recent"].shape[1])
        self.__dict__.update(state)

    def _live_scorer(self):
        """The inner detector's live copy, rebuilt if it was refitted since.

        A refit replaces ``detector_``; a ``partial_fit`` of the inner
        detector replaces its ``history_`` and scaler (its weights change in
        place, and the copy's one-window interpreter holds them frozen).
        """
        inner = self.detector.detector_
        source = [inner] + [getattr(inner, a, None) for a in _REFIT_ATTRIBUTES]
        if self._live is None or any(
            a is not b for a, b in zip(source, self._live_source, strict=True)
        ):
            self._live, self._live_source = _live_detector(inner), source
            # windows as the inner detector takes them: 3-D, or flattened rows
            self._flat = not takes_sequences(inner)
        return self._live

    def update(self, X):
        """Add the steps ``X`` to the stream; return the scores now known.

        Parameters
        ----------
        X : float, array-like of shape (n_channels,) or (n_steps, n_channels)
            One step (a number, for a univariate series, or one value per
            channel) or several steps, one row each; none (an empty array,
            a poll with nothing new) returns no score.

        Returns
        -------
        scores : ndarray of shape (n_scored,), dtype float64
            The normality scores of the steps scored by this call, in order:
            none while the first window fills, then ``window`` steps at once,
            then one per new step.
        """
        setting = _stream_setting(self.detector)
        if setting != self._fitted_as:
            raise ValueError(
                "The detector was refitted with another window or number of "
                f"channels (windows_, n_features_in_: {setting!r}) than this "
                f"scorer's stream holds ({self._fitted_as!r}): make a new "
                "StreamScorer."
            )
        steps = self._steps(X)
        if not len(steps):  # a poll with no new step
            return np.empty(0)
        (window,) = self.detector.windows_
        recent = np.concatenate([self._recent, steps])
        windows = cut_windows(recent, window) if len(recent) >= window else None
        if windows is not None and np.isnan(steps).any():
            self._check_observed(windows, len(self._recent))
        started = self.n_steps_seen_ >= window
        if windows is None:
            self._keep(steps, recent, window)
            return np.empty(0)
        live = self._live_scorer()
        if self._flat:
            windows = windows.reshape(len(windows), -1)
        if live is not self.detector.detector_:  # a live copy: no second check
            scores = live._anomaly_scores(windows, live.scaler_)
            scores = finite_scores(np.negative(scores, out=scores))
        else:
            scores = scores_of(live, windows)
        if not started:  # the first window's steps take its score
            scores = np.concatenate([np.repeat(scores[0], window - 1), scores])
        self._keep(steps, recent, window)  # scored: a failed call adds nothing
        return scores

    def _keep(self, steps, recent, window):
        """Count ``steps`` as seen; keep the last ``window - 1`` for the next call."""
        self.n_steps_seen_ += len(steps)
        # a copy: a view would hold the whole of this call's steps in memory
        self._recent = (recent[-(window - 1) :] if window > 1 else recent[:0]).copy()

    def _check_names(self, X, n_channels):
        """Refuse channels named otherwise, or in another order, than fitted.

        As batch scoring does (scikit-learn's feature-name check): a stream
        would otherwise score the values under the wrong channels.
        """
        fitted = getattr(self.detector, "feature_names_in_", None)
        names = _names_of(X, n_channels)
        if fitted is None or names is None or names == list(fitted):
            return
        raise ValueError(
            f"The channel names of X ({names}) are not those the detector was "
            f"fitted on, in that order ({list(fitted)}); select them so, e.g. "
            f"X[{list(fitted)}]."
        )

    def _check_observed(self, windows, n_kept):
        """Refuse a window with no observed value where batch scoring does.

        That is where the fitted detector's own check (Donut's) refuses it;
        a detector scored through its ``score_samples`` checks them itself.
        ``n_kept``: the steps seen before, held in front of the new ones.
        """
        empty = np.flatnonzero(np.isnan(windows).all(axis=(1, 2)))
        inner = self.detector.detectors_[0]
        validate = getattr(inner, "_validate_input", None)
        if not len(empty) or validate is None:
            return
        sample = windows[empty]
        if not takes_sequences(inner):
            sample = sample.reshape(len(sample), -1)
        try:
            validate(sample, reset=False)
        except ValueError:
            # the step each window ends at, counted from the stream's start
            start = self.n_steps_seen_ - n_kept  # of the first window
            ends = (start + empty + windows.shape[1] - 1).tolist()
            raise ValueError(
                f"{type(self).__name__}: the window(s) ending at step(s) "
                f"{ends[:5]} are all NaN; the detector needs an observed value "
                "in every window. The steps were not added to the stream."
            ) from None

    def _steps(self, X):
        n_channels = self.detector.n_features_in_
        self._check_names(X, n_channels)
        if np.ndim(X) == 0:  # one step of a univariate series
            X = np.reshape(X, (1, 1))
        elif np.ndim(X) == 1:  # one step, or the steps of a univariate series
            X = np.asarray(X)
            if not len(X):  # no step at all
                X = X.reshape(0, n_channels)
            elif n_channels > 1:
                X = X[np.newaxis, :]
            else:
                X = X[:, np.newaxis]
        if isinstance(X, list | tuple):
            X = np.asarray(X)
        if isinstance(X, np.ndarray) and X.dtype == object:  # pd.NA: missing
            X = np.vectorize(_missing_as_nan, otypes=[object])(X)
        if (  # a number or a numeric array: as check_array, without its overhead
            type(X) is np.ndarray  # not a masked array or a matrix
            and X.dtype.kind in "fiu"
            and X.ndim == 2
            and len(X)
            and np.isfinite(X).all()
        ):
            X = X.astype(np.float64, copy=False)
        else:  # anything else gets check_array's conversion and errors
            X = check_array(
                X,
                dtype=np.float64,
                ensure_min_samples=0,  # no step: a poll with nothing new
                ensure_all_finite=self.detector._finite(fitted=True),
                input_name="X",
            )
        if X.shape[1] != n_channels:
            raise ValueError(
                f"X has {X.shape[1]} channel(s) per step; the detector was "
                f"fitted on {n_channels}."
            )
        return X


def _missing_as_nan(value):
    """A pandas missing value (``pd.NA``, ``pd.NaT``) as NaN; else ``value``.

    A value of a nullable pandas column is ``pd.NA``, which NumPy cannot
    make a float of, alone or in a list (a row of ``itertuples``); a Series
    or DataFrame holding it is read by scikit-learn's own conversion.
    """
    if type(value).__module__.startswith("pandas"):
        import pandas as pd

        if pd.isna(value):
            return np.nan
    return value


def _names_of(X, n_channels):
    """The channel names ``X`` carries: a DataFrame's columns, or the index
    of a Series that is one step of several channels; else None."""
    if hasattr(X, "columns"):
        return [str(name) for name in X.columns]
    index = getattr(X, "index", None)  # a list's index is a method: no names
    if hasattr(index, "__len__") and np.ndim(X) == 1 and n_channels > 1:
        return [str(name) for name in index]
    return None


def _own_checks(cls):
    """Whether ``cls`` checks and lays out its input as skdeepad's detectors do.

    Live windows skip ``_validate_input`` (and a sequence detector's
    ``_layout``): only where those are skdeepad's own, which take the
    windows as they are, not a subclass's that may reshape them.
    """
    return all(
        getattr(cls, hook).__module__.startswith("skdeepad.")
        for hook in ("_validate_input", "_layout")
        if hasattr(cls, hook)
    )


# Replaced by a refit (all three) or a partial_fit (history_ and scaler_).
_REFIT_ATTRIBUTES = ("scaler_", "network_", "history_")


def _live_detector(detector):
    """``detector``, or for a network detector a copy that scores a few rows fast.

    The copy shares the fitted weights; it scores each call's rows unpadded,
    through the network compiled once, standardised by the fitted scaler's
    arithmetic without its input check (the scorer checks each step once).
    Scores equal ``score_samples``'s up to the network's float32 rounding
    (see :class:`StreamScorer`'s Notes).
    """
    if (
        not isinstance(detector, BaseDetector)
        or not hasattr(detector, "network_")
        or type(detector).score_samples is not BaseDetector.score_samples
        or not _own_checks(type(detector))
        # a ConvAutoEncoder reading windows as images lays them out anew
        or getattr(detector, "image_shape", None) is not None
    ):
        return detector
    from ..core._training import CompiledNetwork

    live = copy.copy(detector)
    live._pad_predict_batches = False
    live._predict_row_multiple = 1
    live.network_ = CompiledNetwork(detector.network_)
    live.scaler_ = _Standardiser.of(detector.scaler_)
    return live


class _Standardiser:
    """A fitted ``StandardScaler``'s ``transform`` without its input check.

    The same float64 arithmetic, so the same values bit for bit; any other
    scaler (or None) is used as it is.
    """

    def __init__(self, scaler):
        self._scaler = scaler

    @classmethod
    def of(cls, scaler):
        return cls(scaler) if type(scaler) is StandardScaler else scaler

    def transform(self, X):
        scaler = self._scaler
        X = np.array(X, dtype=np.float64)
        if scaler.with_mean:
            X -= scaler.mean_
        if scaler.with_std:
            X /= scaler.scale_
        return X

    def __getattr__(self, name):
        if name.startswith("__") or name == "_scaler":
            raise AttributeError(name)
        return getattr(self._scaler, name)
