"""The base class of every skdeepad detector.

:class:`BaseDeepDetector` owns everything detectors share: parameter validation,
input validation, standardisation, scoped seeding, the Keras training loop
(validation split, early stopping, history), batched scoring, thresholds and
persistence. A detector fills small hooks:

- ``_build_network(input_shape, seed)``: return an uncompiled ``keras.Model``;
- optionally ``_score_batch(X)``: anomaly scores of a batch (higher = more
  abnormal, the base class flips the sign; default: the autoencoder's mean
  squared reconstruction error), ``_training_data(X)`` (default: the
  autoencoder's ``(X, X)``) and the class attribute ``_loss`` (default
  ``"mse"``);
- optionally ``_validate_input(X, reset)``, which validates ``X`` and returns
  it in the network's layout (default: 2-D tabular rows);
  :class:`BaseSequenceDetector` overrides it for sequences and images;
- optionally ``_fit_network(network, X, y, rng)``, which by default runs the
  shared training loop (:meth:`BaseDeepDetector._train`): a detector that
  initialises its network from the data, trains a wrapper around it or does
  not train at all overrides this one hook, never ``fit``;
- optionally ``_batches(inputs, targets, batch_size, seed)``, the Keras
  ``PyDataset`` of training batches (default: shuffled mini-batches).

A detector that learns from labels (:class:`BaseLabelledDetector`) gets ``y``
as partial labels (-1 known anomaly, +1 known normal, 0 unlabelled) in
``_fit_network`` and ``_training_data``; for every other detector ``y`` is
None there.
"""

import contextlib
import copy
import functools
import math
from abc import ABCMeta, abstractmethod
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, OutlierMixin
from sklearn.preprocessing import StandardScaler
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from ._compat import Interval, StrOptions, _fit_context
from ._config import DocLinkMixin
from ._docstrings import fill_doc
from ._labels import check_partial_labels
from .persistence import SaveMixin

__all__ = [
    "BaseDeepDetector",
    "BaseLabelledDetector",
    "BaseSequenceDetector",
    "FeatureScoresMixin",
    "IncrementalMixin",
    "ThresholdMixin",
    "offset_from_scores",
    "trains_on_inputs",
]

# Seeds handed to Keras must fit in an int32 on every backend; networks count
# up from the seed they get, so leave room above it.
_MAX_SEED = 2**30
_FLOATS = [np.float64, np.float32]


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


class ThresholdMixin:
    """``decision_function`` and ``predict`` from ``score_samples`` and ``offset_``.

    Every skdeepad detector thresholds the same way: ``decision_function =
    score_samples - offset_`` is negative for outliers, and ``predict`` labels
    those -1, the others +1. Put it left of ``OutlierMixin``.
    """

    def decision_function(self, X):
        """Return ``score_samples(X) - offset_``: negative for outliers.

        Parameters
        ----------
        X : array-like
            The samples, in any layout :meth:`score_samples` takes.

        Returns
        -------
        decision : ndarray of shape (n_samples,), dtype float64
            Shifted normality scores; the lower, the more abnormal, and
            negative values are outliers.
        """
        return self.score_samples(X) - self.offset_

    def predict(self, X):
        """Predict whether each sample is an inlier (+1) or an outlier (-1).

        Parameters
        ----------
        X : array-like
            The samples, in any layout :meth:`score_samples` takes.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            +1 for inliers, -1 for outliers.
        """
        return np.where(self.decision_function(X) < 0, -1, 1)


class BaseDeepDetector(
    DocLinkMixin,
    ThresholdMixin,
    SaveMixin,
    OutlierMixin,
    BaseEstimator,
    metaclass=ABCMeta,
):
    """Base class for deep outlier detectors wrapping a Keras 3 network.

    Subclasses declare their own ``__init__`` (keyword-only, assigning only),
    extend ``_parameter_constraints`` and fill the hooks described in the
    module docstring. Do not instantiate this class directly.
    """

    _parameter_constraints: dict = {
        "contamination": [
            StrOptions({"auto"}),
            Interval(Real, 0, 0.5, closed="right"),
        ],
        "standardize": ["boolean"],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "patience": [Interval(Integral, 0, None, closed="left")],
        "callbacks": [list, None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    # The Keras loss the network is compiled with.
    _loss = "mse"
    # Rows scored per forward pass at predict time: bounds memory, not results.
    # None sizes each pass by _predict_batch_values instead.
    _predict_batch_size = None
    # Values (rows x values per row) per forward pass when _predict_batch_size
    # is None: 8 MiB of float32 input, large enough to amortise the per-call
    # cost of the network (65,536 rows of 32 features score ~2x faster than
    # 8,192, see benchmarks/results/speed.md).
    _predict_batch_values = 2**21
    # Whether every forward pass gets exactly _predict_batch_size rows, the
    # last chunk zero-padded: float32 kernels (recurrent, attention) round
    # differently at different batch sizes, and a sample's score must not
    # depend on the samples scored with it.
    _pad_predict_batches = False

    @abstractmethod
    def __init__(
        self,
        *,
        contamination="auto",
        standardize=True,
        epochs=100,
        batch_size=256,
        learning_rate=1e-3,
        early_stopping=True,
        validation_fraction=0.1,
        patience=10,
        callbacks=None,
        random_state=None,
        verbose=0,
    ):
        self.contamination = contamination
        self.standardize = standardize
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.callbacks = callbacks
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------------ hooks
    @abstractmethod
    def _build_network(self, input_shape, seed):
        """Return an uncompiled ``keras.Model`` for inputs of ``input_shape``.

        ``seed`` is an int: derive every initialiser's and random layer's seed
        from it, so the fit is reproducible without global seeds.
        """

    def _score_batch(self, X):
        """Return the anomaly scores of a batch, higher = more abnormal.

        ``X`` is network-ready (standardised, float32); the fitted network is
        ``self.network_``. The default, for the autoencoders trained on
        ``(X, X)``, is each sample's mean squared reconstruction error.
        """
        from ._training import reconstruction_error

        return reconstruction_error(self.network_, X)

    def _training_data(self, X, y):
        """Return the ``(inputs, targets)`` the network is trained on.

        ``y`` is None, or the partial labels of a detector that learns from
        them.
        """
        return X, X

    def _batches(self, inputs, targets, batch_size, seed):
        """Return the Keras ``PyDataset`` of training batches, one per step."""
        from ._training import ShuffledBatches

        return ShuffledBatches(inputs, targets, batch_size=batch_size, seed=seed)

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
        :class:`~skdeepad.TransformerAutoEncoder`) train on it block by block
        (:func:`skdeepad.dask.fit`); the others load it whole.
        """
        if _is_dask_array(X) and trains_on_inputs(self):
            from .dask import fit

            return fit(self, X)
        X = self._validate_input(X, reset=True)
        y = self._validate_labels(y, X)
        rng = check_random_state(self.random_state)
        scaler = StandardScaler().fit(_by_channel(X)) if self.standardize else None
        X = self._as_network_input(X, scaler)

        network = self._build_network(X.shape[1:], seed=_draw_seed(rng))
        fitted = {"scaler_": scaler, "network_": network}
        fitted.update(self._fit_network(network, X, y, rng))

        for name, value in fitted.items():
            setattr(self, name, value)
        # a ValueError here leaves the old state: atomic_fit puts it back
        self._set_offset(-self._anomaly_scores(X))
        return self

    def _validate_labels(self, y, X):
        """Return the labels ``_fit_network`` gets: None for unsupervised detectors."""
        return None

    def _fit_network(self, network, X, y, rng):
        """Fit ``network`` on the network-ready ``X`` (and the labels ``y``).

        Returns a dict of the fitted attributes to set besides ``network_``
        and ``scaler_``. The default trains ``network`` on
        ``_training_data(X, y)`` with :meth:`_train`. Override it to initialise
        the network from the data first (Deep SVDD's centre), to train a
        wrapper (a GAN's discriminator) or not to train at all.
        """
        return self._train(network, X, y, rng)

    def _train(self, model, X, y, rng, *, loss=None, callbacks=()):
        """Run the shared Keras training loop on ``model``.

        Splits off the early-stopping validation set, trains on
        ``_training_data`` with ``loss`` (default: the class's ``_loss``) and
        the extra ``callbacks``, and returns ``{"history_": ...,
        "n_iter_": ...}``. Raises ValueError when the loss diverges.
        """
        train, validation = self._split(len(X), y, rng)
        inputs, targets = self._training_data(X[train], _take(y, train))
        batches = self._batches(
            inputs,
            targets,
            batch_size=min(self.batch_size, len(train)),
            seed=_draw_seed(rng),
        )
        validation = (
            None
            if validation is None
            else self._training_data(X[validation], _take(y, validation))
        )
        history = self._run_training(
            model, batches, validation, loss=loss, callbacks=callbacks
        )
        return {"history_": history, "n_iter_": len(history["loss"])}

    def _run_training(
        self,
        model,
        batches,
        validation,
        *,
        epochs=None,
        early_stopping=None,
        loss=None,
        callbacks=(),
        optimizer=None,
    ):
        """Train ``model`` with :func:`~skdeepad._training.train_network`.

        The one place the detector's settings (epochs, early stopping,
        learning rate, patience, callbacks, verbosity) reach the Keras loop,
        for :meth:`_train`, ``partial_fit`` and the streamed fit of
        :mod:`skdeepad.dask`. ``epochs`` and ``early_stopping`` default to the
        detector's, ``loss`` to the class's ``_loss``. Returns the history
        dict; raises ValueError when the loss diverges.
        """
        from ._training import TrainingDiverged, train_network

        try:
            return train_network(
                model,
                batches,
                validation,
                loss=self._loss if loss is None else loss,
                learning_rate=self.learning_rate,
                epochs=self.epochs if epochs is None else epochs,
                early_stopping=(
                    self.early_stopping if early_stopping is None else early_stopping
                ),
                patience=self.patience,
                callbacks=[*callbacks, *(self.callbacks or ())],
                verbose=self.verbose,
                optimizer=optimizer,
            )
        except TrainingDiverged as diverged:
            raise self._divergence_error(str(diverged)) from None

    def _set_offset(self, training_scores):
        """Set ``offset_`` from the training scores; ValueError when one is not finite."""
        if not np.all(np.isfinite(training_scores)):
            raise self._divergence_error("the training scores are not all finite")
        self.offset_ = offset_from_scores(training_scores, self.contamination)

    def _divergence_error(self, what):
        remedy = "" if self.standardize else ", or standardize=True"
        rate = getattr(self, "learning_rate", None)
        hint = "" if rate is None else f" Try a smaller learning_rate (got {rate}){remedy}."
        return ValueError(f"{type(self).__name__} diverged: {what}.{hint}")

    def _split(self, n_samples, y, rng):
        """Return the sorted row indices of training and validation sets.

        The validation set, for early stopping, is None when there is none.
        With labels it takes ``validation_fraction`` of each label's rows,
        rounded down, so a handful of labelled anomalies stays in training.
        """
        groups = [np.arange(n_samples)] if y is None else [
            np.flatnonzero(y == label) for label in np.unique(y)
        ]
        sizes = [int(self.validation_fraction * len(rows)) for rows in groups]
        if not self.early_stopping or sum(sizes) in (0, n_samples):
            return np.arange(n_samples), None
        validation = np.sort(
            np.concatenate(
                [
                    rng.permutation(rows)[:size]
                    for rows, size in zip(groups, sizes, strict=True)
                ]
            )
        )
        return np.setdiff1d(np.arange(n_samples), validation), validation

    # ---------------------------------------------------------------- scoring
    def _validate_input(self, X, *, reset):
        """Validate ``X`` and return it, float, in the network's layout.

        The default takes 2-D tabular rows. The scaler standardises the last
        axis of what this returns (features, or channels of a sequence).
        """
        return validate_data(
            self, X, dtype=_FLOATS, ensure_all_finite=self._finite_check(), reset=reset
        )

    def _finite_check(self):
        """``ensure_all_finite`` for validation: NaN passes where the tags allow it."""
        return "allow-nan" if self.__sklearn_tags__().input_tags.allow_nan else True

    def _as_network_input(self, X, scaler):
        if scaler is not None:
            X = scaler.transform(_by_channel(X)).reshape(X.shape)
        with np.errstate(over="ignore"):  # beyond float32: inf, scored as overflow
            return np.ascontiguousarray(X, dtype=np.float32)

    def _chunks(self, X):
        """Yield ``(start, chunk)``: ``X``'s rows, one forward pass each."""
        step = self._predict_batch_size or max(
            self._predict_batch_values // math.prod(X.shape[1:]), 1
        )
        for start in range(0, len(X), step):
            yield start, X[start : start + step]

    def _anomaly_scores(self, X, scaler=None):
        """Score ``X`` chunk by chunk, so memory stays bounded.

        Each chunk is standardised with ``scaler`` (if any) and made the
        network's float32 input on its own: besides the scores, memory holds
        one chunk's worth, never a copy of the whole of ``X``.
        """
        scores = np.empty(len(X))
        for start, chunk in self._chunks(X):
            chunk = self._as_network_input(chunk, scaler)
            scores[start : start + len(chunk)] = self._score_chunk(chunk)
        return scores

    def _score_chunk(self, X, score=None):
        """``score(X)`` (default ``_score_batch``) on one chunk, padded if need be."""
        score = score or self._score_batch
        n_rows = len(X)
        if self._pad_predict_batches and n_rows < self._predict_batch_size:
            padding = np.zeros((self._predict_batch_size - n_rows, *X.shape[1:]))
            X = np.concatenate([X, padding.astype(X.dtype)])
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
        X = self._validate_input(X, reset=False)
        scores = self._anomaly_scores(X, self.scaler_)
        return finite_scores(np.negative(scores, out=scores))


class IncrementalMixin:
    """``partial_fit``: train further on each batch of data as it comes.

    For the detectors trained by the shared loop on ``(X, X)`` alone (the
    autoencoders). Put it left of :class:`BaseDeepDetector`.
    """

    @_fit_context(prefer_skip_nested_validation=True)
    @atomic_fit
    def partial_fit(self, X, y=None):
        """Train on ``X`` for one epoch, continuing from the current fit.

        The first call on an unfitted detector builds the network; every call
        then updates the standardisation statistics with ``X``
        (:meth:`sklearn.preprocessing.StandardScaler.partial_fit`, so they are
        those of all the data seen), passes once over ``X`` in shuffled
        mini-batches with the same Adam optimiser (its moments carry over
        from call to call, and from a previous :meth:`fit`), and sets
        ``offset_`` from the scores of ``X``. There is no early stopping:
        each call is one epoch, whose loss is appended to ``history_["loss"]``
        (a previous fit's ``val_loss`` stays as it was) and counted in
        ``n_iter_``. With an int ``random_state``, the same
        sequence of calls gives the same scores.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            A batch of training data, mostly normal.
        y : None
            Ignored; present for API consistency.

        Returns
        -------
        self : object
            The updated detector.
        """
        first = not hasattr(self, "network_")
        X = self._validate_input(X, reset=first)
        rng = check_random_state(self.random_state)
        network_seed, batch_seed = _draw_seed(rng), _draw_seed(rng)
        if first:
            self.scaler_ = StandardScaler() if self.standardize else None
            self.network_ = self._build_network(X.shape[1:], seed=network_seed)
            self.history_, self.n_iter_ = {"loss": []}, 0
        if self.scaler_ is not None:  # a copy: atomic_fit restores the old one
            self.scaler_ = copy.deepcopy(self.scaler_).partial_fit(_by_channel(X))
        X = self._as_network_input(X, self.scaler_)
        # atomic_fit puts the attributes back, this the weights trained in place
        with _restored_on_failure(self.network_):
            self._train_one_epoch(X, batch_seed)
            self._set_offset(-self._anomaly_scores(X))
        return self

    def _train_one_epoch(self, X, batch_seed):
        from ._training import ShuffledBatches

        optimizer = getattr(self.network_, "optimizer", None)
        if optimizer is not None:
            optimizer.learning_rate = self.learning_rate
        inputs, targets = self._training_data(X, None)
        batches = ShuffledBatches(
            inputs,
            targets,
            batch_size=min(self.batch_size, len(X)),
            seed=(batch_seed + self.n_iter_) % _MAX_SEED,
        )
        history = self._run_training(
            self.network_,
            batches,
            None,
            epochs=1,
            early_stopping=False,
            optimizer=optimizer,
        )
        # later epochs' values append to fit's (whose val_loss, if any, stays)
        self.history_ = {
            key: [*self.history_.get(key, []), *history.get(key, [])]
            for key in {**self.history_, **history}
        }
        self.n_iter_ += 1


class FeatureScoresMixin:
    """``feature_scores(X)`` for detectors scoring by mean squared reconstruction error.

    Put it left of :class:`BaseDeepDetector` on a detector whose anomaly
    score is the default ``_score_batch``: the mean of the squared errors
    over every value of a sample.
    """

    def feature_scores(self, X):
        """Return each value's share of each sample's anomaly score.

        The anomaly score is the mean squared reconstruction error over a
        sample's values (features; time steps and channels; pixels); a value's
        share is its squared error divided by the number of values, so the
        shares of a sample add up to its anomaly score, ``-score_samples``.
        They say which features (time steps, pixels) make a sample abnormal.

        Parameters
        ----------
        X : array-like or pandas DataFrame
            The samples, in any layout :meth:`score_samples` takes.

        Returns
        -------
        shares : ndarray of X's shape, dtype float64, or pandas DataFrame
            A DataFrame with X's index and columns when X is one. The
            higher, the more the value adds to the sample's abnormality.
        """
        from ._training import squared_errors

        check_is_fitted(self)
        validated = self._validate_input(X, reset=False)
        shares = np.empty(validated.shape)
        n_values = math.prod(validated.shape[1:])
        for start, chunk in self._chunks(validated):
            chunk = self._as_network_input(chunk, self.scaler_)
            errors = self._score_chunk(
                chunk, lambda batch: squared_errors(self.network_, batch)
            )
            shares[start : start + len(chunk)] = errors / n_values
        largest = np.finfo(np.float64).max  # overflowed: the largest share
        np.nan_to_num(shares, copy=False, nan=largest, posinf=largest)
        if hasattr(X, "columns") and hasattr(X, "index"):
            import pandas as pd

            return pd.DataFrame(
                shares.reshape(len(X), -1), index=X.index, columns=X.columns
            )
        return shares.reshape(np.shape(X))


class BaseLabelledDetector(BaseDeepDetector):
    """Base class for deep detectors that learn from a few labelled samples.

    ``fit(X, y)`` reads ``y`` as partial labels (-1 known anomaly, +1 known
    normal, 0 unlabelled; see :meth:`fit`), validated once here, and hands them
    to ``_fit_network`` and ``_training_data`` as an int8 array; ``y=None``
    gives all zeros, and a ``y`` of only known anomalies is a ValueError. The early-stopping validation set takes the same
    fraction of each label's rows, rounded down, so a handful of labelled
    anomalies stays in training.
    """

    def _validate_labels(self, y, X):
        labels = check_partial_labels(y, len(X))
        if np.all(labels < 0):
            raise ValueError(
                f"{type(self).__name__} needs unlabelled or normal samples besides "
                "the labelled anomalies; every sample in y is labelled a known "
                "anomaly (-1)."
            )
        return labels


class BaseSequenceDetector(BaseDeepDetector):
    """Base class for detectors of sequences (and, where a detector says, images).

    Input layouts, one rule for every sequence detector:

    - 2-D ``(n_samples, timesteps)``: univariate sequences, one per row (so
      scikit-learn's tabular tools and checks apply);
    - 3-D ``(n_samples, timesteps, channels)``: multivariate sequences.

    Standardisation is per channel, over all time steps, so it keeps the
    shape of each sequence. The per-sample shape seen in :meth:`fit` is
    stored as ``input_shape_``; later inputs must match it. A subclass that
    takes other layouts (images) overrides :meth:`_layout`.
    """

    _predict_batch_size = 1024
    _pad_predict_batches = True
    # The sample layouts in the message when an array has an unknown one.
    _layouts = "2-D (n_samples, timesteps) or 3-D (n_samples, timesteps, channels)"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags

    def _layout(self, X):
        """Return validated ``X`` as ``(n_samples, *sample_shape)``."""
        if X.ndim == 2:
            return X[:, :, np.newaxis]
        if X.ndim == 3:
            return X
        raise ValueError(
            f"{type(self).__name__} takes {self._layouts} arrays; got a "
            f"{X.ndim}-D array of shape {X.shape}."
        )

    def _validate_input(self, X, *, reset):
        X = validate_data(
            self,
            X,
            dtype=_FLOATS,
            allow_nd=True,
            ensure_all_finite=self._finite_check(),
            reset=reset,
        )
        X = self._layout(X)
        if 0 in X.shape[1:]:
            raise ValueError(f"X has an empty axis: shape {X.shape}.")
        if reset:
            self.input_shape_ = X.shape[1:]
        elif X.shape[1:] != self.input_shape_:
            raise ValueError(
                f"X has samples of shape {X.shape[1:]}, but "
                f"{type(self).__name__} was fitted on samples of shape "
                f"{self.input_shape_}."
            )
        return X


@contextlib.contextmanager
def _restored_on_failure(network):
    """Put back ``network``'s weights and optimiser state if the block raises."""
    optimizer = getattr(network, "optimizer", None)
    variables = [*network.variables, *(optimizer.variables if optimizer else ())]
    saved = [v.numpy() for v in variables]
    try:
        yield
    except BaseException:
        for variable, value in zip(variables, saved, strict=True):
            variable.assign(value)
        raise


def trains_on_inputs(detector):
    """Whether ``detector`` is trained by the shared loop on ``(X, X)`` alone.

    Such a detector needs nothing of the data but batches of it: it can be
    trained block by block (:func:`skdeepad.dask.fit`) or incrementally.
    """
    cls = type(detector)
    return (
        isinstance(detector, BaseDeepDetector)
        and cls._fit_network is BaseDeepDetector._fit_network
        and cls._training_data is BaseDeepDetector._training_data
    )


def _is_dask_array(X):
    """Whether ``X`` is a Dask array, without importing Dask."""
    return type(X).__module__.startswith("dask.") and hasattr(X, "chunks")


def offset_from_scores(scores, contamination):
    """The threshold on training ``score_samples`` that ``contamination`` asks for.

    A float: that percentile of the scores. "auto": the lower fence of
    Tukey's boxplot rule, ``Q1 - 1.5 * (Q3 - Q1)``.
    """
    if contamination == "auto":
        q1, q3 = np.percentile(scores, [25, 75])
        return float(q1 - 1.5 * (q3 - q1))
    return float(np.percentile(scores, 100.0 * contamination))


def _take(y, rows):
    return None if y is None else y[rows]


def _draw_seed(rng):
    return int(rng.randint(_MAX_SEED))


def finite_scores(scores):
    """Map overflowed normality scores (NaN, -inf) to the lowest float64, in place.

    A sample far outside the training data can overflow the network's float32
    arithmetic: it is then the most abnormal sample, never NaN.
    """
    largest = np.finfo(np.float64).max
    return np.nan_to_num(
        scores, copy=False, nan=-largest, posinf=largest, neginf=-largest
    )


def _by_channel(X):
    """View ``X`` as 2-D rows of its last axis, the axis the scaler works on."""
    return X.reshape(-1, X.shape[-1])
