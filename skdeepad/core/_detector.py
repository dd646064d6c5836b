"""The skeleton of every detector built around a Keras network.

:class:`BaseDetector` owns what a detector does whether or not it trains its
network: parameter and input validation, standardisation, scoped seeding,
scoring in chunks, the threshold (``offset_``) and persistence. ``fit``
validates ``X`` (and labels), fits the scaler, builds the network and hands
it to hooks:

- ``_build_network(input_shape, seed)``: return an uncompiled ``keras.Model``;
- ``_fit_network(network, X, y, rng)``: fit it on the network-ready ``X`` and
  return the other fitted attributes (a dict); :class:`BaseDeepDetector`
  runs the shared training loop here, a detector that does not train (Deep
  Isolation Forest) fits what it needs on the network's outputs;
- ``_score_batch(X)``: anomaly scores of a batch, higher = more abnormal (the
  skeleton flips the sign);
- optionally ``_validate_input(X, reset)``, which validates ``X`` and returns
  it in the network's layout (default: 2-D tabular rows);
  :class:`BaseSequenceDetector` overrides it for sequences and images;
- optionally ``_can_stream()`` and ``_fit_streamed(X)``: ``fit`` of a Dask
  array calls the latter where the former says so
  (:class:`BaseDeepDetector` streams the detectors trained on ``(X, X)``).

:func:`atomic_fit` makes a fit all or nothing.
"""

import functools
import math
from abc import ABCMeta, abstractmethod

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, OutlierMixin
from sklearn.preprocessing import StandardScaler
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from .._compat import _fit_context
from .._config import DocLinkMixin
from .._docstrings import fill_doc
from .._utils import (
    FLOAT_DTYPES,
    by_channel,
    checked_scaler,
    draw_seed,
    in_memory,
    is_dask_array,
    is_dask_frame,
    scaler_from_chunks,
    string_names,
)
from ..persistence import SaveMixin
from ._thresholds import (
    CONTAMINATION_CONSTRAINT,
    ThresholdMixin,
    finite_scores,
    offset_from_scores,
)

__all__ = ["BaseDetector", "atomic_fit"]


def atomic_fit(fit):
    """Make ``fit`` all or nothing: if it raises, the estimator is as it was.

    Any exception, ``KeyboardInterrupt`` included, puts back the attributes
    the estimator had before the call: a fitted detector keeps its previous
    fit, an unfitted one stays unfitted, never a mix of the two.
    """

    @functools.wraps(fit)
    def wrapper(self, *args, **kwargs):
        before = dict(vars(self))
        try:
            return fit(self, *args, **kwargs)
        except BaseException:
            vars(self).clear()
            vars(self).update(before)
            raise

    return wrapper


class BaseDetector(
    DocLinkMixin,
    ThresholdMixin,
    SaveMixin,
    OutlierMixin,
    BaseEstimator,
    metaclass=ABCMeta,
):
    """Base class for detectors built around a Keras network, trained or not.

    Subclasses declare their own ``__init__`` (keyword-only, assigning only,
    calling ``super().__init__``), extend ``_parameter_constraints`` and fill
    the hooks described in the module docstring. A detector that trains its
    network derives from :class:`BaseDeepDetector` instead. Do not
    instantiate this class directly.
    """

    _parameter_constraints: dict = {
        "contamination": CONTAMINATION_CONSTRAINT,
        "standardize": ["boolean"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    # Rows scored per forward pass at predict time: bounds memory, not results.
    # None sizes each pass by _predict_batch_values instead.
    _predict_batch_size = None
    # Values (rows x values per row) per forward pass when _predict_batch_size
    # is None: 8 MiB of float32 input, large enough to amortise the per-call
    # cost of the network (65,536 rows of 32 features score ~2x faster than
    # 8,192, see benchmarks/results/speed.md).
    _predict_batch_values = 2**21
    # ... and at most this many rows: the hidden layers of a narrow input are
    # wider than the input (4 features, 64 units), and every layer's output
    # holds rows x units values. 2**18 rows of 4 features peak at half the
    # memory of 2**19 and score 5M rows ~15% slower (0.95 s against 0.82 s).
    _predict_max_rows = 2**18
    # Whether every forward pass gets exactly _predict_batch_size rows, the
    # last chunk zero-padded: float32 kernels (recurrent, attention) round
    # differently at different batch sizes, and a sample's score must not
    # depend on the samples scored with it.
    _pad_predict_batches = False
    # Otherwise every forward pass gets a multiple of this many rows, zero-padded:
    # dense float32 kernels compute the rows of a short remainder block (a
    # single row, say) with other instructions than full blocks, so a row's
    # score would change in the 7th digit with the number of rows scored.
    _predict_row_multiple = 64

    @abstractmethod
    def __init__(
        self, *, contamination="auto", standardize=True, random_state=None, verbose=0
    ):
        self.contamination = contamination
        self.standardize = standardize
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------------ hooks
    @abstractmethod
    def _build_network(self, input_shape, seed):
        """Return an uncompiled ``keras.Model`` for inputs of ``input_shape``.

        ``seed`` is an int: derive every initialiser's and random layer's seed
        from it, so the fit is reproducible without global seeds.
        """

    @abstractmethod
    def _fit_network(self, network, X, y, rng):
        """Fit ``network`` on the network-ready ``X`` (and the labels ``y``).

        Returns a dict of the fitted attributes to set besides ``network_``
        and ``scaler_``. ``rng`` is the fit's ``RandomState``.
        """

    @abstractmethod
    def _score_batch(self, X):
        """Return the anomaly scores of a batch, higher = more abnormal.

        ``X`` is network-ready (standardised, float32); the fitted network is
        ``self.network_``.
        """

    def _validate_labels(self, y, X):
        """Return the labels ``_fit_network`` gets: None for unsupervised detectors."""
        return None

    def _can_stream(self):
        """Whether ``fit`` of a Dask array trains block by block (``_fit_streamed``)."""
        return False

    def _fit_streamed(self, X):
        """Fit on the Dask array ``X``, one block in memory at a time."""
        raise NotImplementedError(f"{type(self).__name__} does not stream.")

    # ---------------------------------------------------------------- fitting
    @_fit_context(prefer_skip_nested_validation=True)
    @atomic_fit
    @fill_doc
    def fit(self, X, y=None):
        """Fit the detector on ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The training data, mostly normal. A NumPy array or a pandas
            DataFrame.
        y : None or array-like of shape (n_samples,), default=None
            Ignored by unsupervised detectors (present for API consistency).
            %(labels)s

        Returns
        -------
        self : object
            The fitted detector.

        Notes
        -----
        A ``dask.array.Array`` too large for memory: the detectors trained on
        ``(X, X)`` alone (:class:`~skdeepad.AutoEncoder`,
        :class:`~skdeepad.ConvAutoEncoder`, :class:`~skdeepad.LSTMAutoEncoder`,
        :class:`~skdeepad.TransformerAutoEncoder`) train on it block by block,
        with the same standardisation as an in-memory fit; the others load it
        whole. A ``dask.dataframe.DataFrame`` likewise, partition by
        partition (their lengths are measured first), its column names kept
        as ``feature_names_in_``.

        A SciPy sparse matrix or array (a ``OneHotEncoder``'s output) is
        densified one chunk of rows at a time, never whole: the detectors
        that stream train on it block by block, the others on its
        standardised float32 copy, the network's input.
        """
        if is_dask_frame(X):
            if self._can_stream():  # streamed as its array, its names kept
                names = string_names(X.columns)
                self._fit_streamed(X.to_dask_array(lengths=True))
                if names is not None:
                    self.feature_names_in_ = names
                return self
            X = in_memory(X)  # loaded whole: a pandas DataFrame, names and all
        if is_dask_array(X) and self._can_stream():
            return self._fit_streamed(X)
        X = self._validate_input(X, reset=True)
        if sp.issparse(X) and self._can_stream():
            from ._streaming import SparseRows

            names = getattr(self, "feature_names_in_", None)  # of a sparse frame
            # blocks of at least a batch: a batch never spans two
            rows = max(self._chunk_rows(X), getattr(self, "batch_size", 1))
            self._fit_streamed(SparseRows(X, rows))
            if names is not None:  # the streamed fit sees the rows, not the frame
                self.feature_names_in_ = names
            return self
        y = self._validate_labels(y, X)
        rng = check_random_state(self.random_state)
        if sp.issparse(X):
            scaler = self._scaler_by_chunks(X) if self.standardize else None
        elif self.standardize:
            channels = by_channel(X)
            scaler = checked_scaler(StandardScaler().fit(channels), channels[0])
        else:
            scaler = None
        X = self._training_input(X, scaler)

        network = self._build_network(X.shape[1:], seed=draw_seed(rng))
        fitted = {"scaler_": scaler, "network_": network}
        fitted.update(self._fit_network(network, X, y, rng))

        for name, value in fitted.items():
            setattr(self, name, value)
        # a ValueError here leaves the old state: atomic_fit puts it back
        self._set_offset(-self._anomaly_scores(X))
        return self

    def _set_offset(self, training_scores):
        """Set ``offset_`` from the training scores; ValueError if one is not finite."""
        if not np.all(np.isfinite(training_scores)):
            raise self._divergence_error("the training scores are not all finite")
        self.offset_ = offset_from_scores(training_scores, self.contamination)

    def _divergence_error(self, what):
        return ValueError(
            f"{type(self).__name__} diverged: {what}.{self._divergence_hint()}"
        )

    def _divergence_hint(self):
        """What to try when the fit diverges, after the message; "" for nothing."""
        return ""

    # ---------------------------------------------------------------- scoring
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True  # densified chunk by chunk
        return tags

    def _validate_input(self, X, *, reset):
        """Validate ``X`` and return it, float, in the network's layout.

        The default takes 2-D tabular rows, dense or sparse (CSR returned).
        The scaler standardises the last axis of what this returns (features,
        or channels of a sequence).
        """
        return validate_data(
            self,
            X,
            accept_sparse="csr",
            dtype=FLOAT_DTYPES,
            ensure_all_finite=self._finite_check(),
            reset=reset,
        )

    def _finite_check(self):
        """``ensure_all_finite`` for validation: NaN passes where the tags allow it."""
        return "allow-nan" if self.__sklearn_tags__().input_tags.allow_nan else True

    def _as_network_input(self, X, scaler):
        if sp.issparse(X):  # one chunk: see _chunks
            X = X.toarray()
        if scaler is not None:
            # in float64, as the scaler was fitted: float32 values and the same
            # values as float64 become the same network input
            channels = by_channel(X)
            if channels.dtype == np.float64:  # the caller's: copied by transform
                X = scaler.transform(channels).reshape(X.shape)
            else:  # a float64 copy already: standardised in place
                channels = channels.astype(np.float64)
                X = scaler.transform(channels, copy=False).reshape(X.shape)
        with np.errstate(over="ignore"):  # beyond float32: inf, scored as overflow
            return np.ascontiguousarray(X, dtype=np.float32)

    def _training_input(self, X, scaler):
        """The network input of training rows; ValueError for any beyond float32.

        Scoring takes such a row as the most abnormal; training on it would
        only end in a loss of inf or NaN, reported as a divergence.
        """
        X = self._network_input(X, scaler)
        if np.isinf(X).any():
            remedy = "rescale X" if self.standardize else "use standardize=True"
            raise ValueError(
                f"{type(self).__name__}: X holds values beyond float32's range "
                f"(about 3.4e38 in magnitude), in which the network computes; "
                f"{remedy}."
            )
        return X

    def _chunk_rows(self, X):
        """Rows of ``X`` per chunk: ``_predict_batch_values``, ``_predict_max_rows``."""
        return min(
            max(self._predict_batch_values // math.prod(X.shape[1:]), 1),
            self._predict_max_rows,
        )

    def _chunks(self, X, step=None):
        """Yield ``(start, chunk)``: ``X``'s rows, one forward pass each.

        Or ``step`` rows each, for chunks that are not forward passes.
        """
        step = step or self._predict_batch_size or self._chunk_rows(X)
        for start in range(0, X.shape[0], step):
            yield start, X[start : start + step]

    def _dense_chunks(self, X):
        """The sparse ``X``'s rows, densified chunk by chunk, never whole."""
        return (chunk.toarray() for _, chunk in self._chunks(X, self._chunk_rows(X)))

    def _scaler_by_chunks(self, X):
        """A ``StandardScaler`` fitted on the sparse ``X``, densified chunk by chunk."""
        return scaler_from_chunks(self._dense_chunks(X))

    def _network_input(self, X, scaler):
        """The network's float32 input for ``X``; a sparse one chunk by chunk."""
        if sp.issparse(X):
            return self._network_input_by_chunks(X, scaler)
        return self._as_network_input(X, scaler)

    def _network_input_by_chunks(self, X, scaler):
        """The network's float32 input for the sparse ``X``, built chunk by chunk."""
        network_input = np.empty(X.shape, dtype=np.float32)
        for start, chunk in self._chunks(X, self._chunk_rows(X)):
            network_input[start : start + chunk.shape[0]] = self._as_network_input(
                chunk, scaler
            )
        return network_input

    def _anomaly_scores(self, X, scaler=None):
        """Score ``X`` chunk by chunk, so memory stays bounded.

        Each chunk is standardised with ``scaler`` (if any) and made the
        network's float32 input on its own: besides the scores, memory holds
        one chunk's worth, never a copy of the whole of ``X``.
        """
        scores = np.empty(X.shape[0])
        for start, chunk in self._chunks(X):
            chunk = self._as_network_input(chunk, scaler)
            chunk_scores = self._score_chunk(chunk)
            # A row beyond float32 reaches the network as inf: whatever the
            # network makes of it (NaN, or a forest's middling score), it is
            # as abnormal as can be. (NaN, a missing value, is not overflow.)
            chunk_scores[np.isinf(chunk).reshape(len(chunk), -1).any(axis=1)] = np.inf
            scores[start : start + len(chunk)] = chunk_scores
        return scores

    def _score_chunk(self, X, score=None):
        """``score(X)`` (default ``_score_batch``) on one chunk, padded if need be."""
        score = score or self._score_batch
        n_rows = len(X)
        if self._pad_predict_batches:
            padded_rows = max(n_rows, self._predict_batch_size)
        else:
            multiple = self._predict_row_multiple
            padded_rows = -(-n_rows // multiple) * multiple
        if padded_rows > n_rows:
            padding = np.zeros((padded_rows - n_rows, *X.shape[1:]), X.dtype)
            X = np.concatenate([X, padding])
        with np.errstate(over="ignore", invalid="ignore"):  # see finite_scores
            return np.asarray(score(X)[:n_rows], np.float64)

    def score_samples(self, X):
        """Return the normality score of each sample.

        The lower, the more abnormal: this is the negated anomaly score of
        the detector (see the class's Notes).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The samples to score.

        Returns
        -------
        scores : ndarray of shape (n_samples,), dtype float64
            The normality scores; the lower, the more abnormal. Never NaN: a
            sample whose score overflows (far outside the training data) gets
            the lowest finite float64.
        """
        check_is_fitted(self)
        X = self._validate_input(in_memory(X), reset=False)
        scores = self._anomaly_scores(X, self.scaler_)
        return finite_scores(np.negative(scores, out=scores))
