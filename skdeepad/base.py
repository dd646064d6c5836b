"""The base class of every skdeepad detector.

:class:`BaseDeepDetector` owns everything detectors share: parameter validation,
input validation, standardisation, scoped seeding, the Keras training loop
(validation split, early stopping, history), batched scoring, thresholds and
persistence. A detector fills small hooks:

- ``_build_network(input_shape, seed)``: return an uncompiled ``keras.Model``;
- ``_score_batch(X)``: anomaly scores of a batch (higher = more abnormal, the
  base class flips the sign);
- optionally ``_training_data(X)`` (default: the autoencoder's ``(X, X)``) and
  the class attribute ``_loss`` (default ``"mse"``);
- optionally ``_fit_network(network, X, rng)``, which by default runs the
  shared training loop (:meth:`BaseDeepDetector._train`): a detector that
  initialises its network from the data, trains a wrapper around it or does
  not train at all overrides this one hook, never ``fit``.
"""

from abc import ABCMeta, abstractmethod
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, OutlierMixin
from sklearn.preprocessing import StandardScaler
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from ._compat import Interval, StrOptions, _fit_context

__all__ = ["BaseDeepDetector"]

# Seeds handed to Keras must fit in an int32 on every backend; networks count
# up from the seed they get, so leave room above it.
_MAX_SEED = 2**30


class BaseDeepDetector(OutlierMixin, BaseEstimator, metaclass=ABCMeta):
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
    _predict_batch_size = 8192

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

    @abstractmethod
    def _score_batch(self, X):
        """Return the anomaly scores of a batch, higher = more abnormal.

        ``X`` is network-ready (standardised, float32); the fitted network is
        ``self.network_``.
        """

    def _training_data(self, X):
        """Return the ``(inputs, targets)`` the network is trained on."""
        return X, X

    # ---------------------------------------------------------------- fitting
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Fit the detector on ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The training data, mostly normal. A NumPy array or a pandas
            DataFrame.
        y : None
            Ignored; present for API consistency.

        Returns
        -------
        self : object
            The fitted detector.
        """
        X = validate_data(self, X, dtype=[np.float64, np.float32])
        rng = check_random_state(self.random_state)
        scaler = StandardScaler().fit(X) if self.standardize else None
        X = self._as_network_input(X, scaler)

        network = self._build_network(X.shape[1:], seed=_draw_seed(rng))
        fitted = {"scaler_": scaler, "network_": network}
        fitted.update(self._fit_network(network, X, rng))

        # Assigned together; a fit whose scores are not finite leaves no state.
        for name, value in fitted.items():
            setattr(self, name, value)
        scores = -self._anomaly_scores(X)
        if not np.all(np.isfinite(scores)):
            for name in [*fitted, "offset_"]:
                if hasattr(self, name):
                    delattr(self, name)
            raise self._divergence_error("the training scores are not all finite")
        self.offset_ = self._offset_from(scores)
        return self

    def _fit_network(self, network, X, rng):
        """Fit ``network`` on the network-ready ``X``.

        Returns a dict of the fitted attributes to set besides ``network_``
        and ``scaler_``. The default trains ``network`` on
        ``_training_data(X)`` with :meth:`_train`. Override it to initialise
        the network from the data first (Deep SVDD's centre), to train a
        wrapper (a GAN's discriminator) or not to train at all.
        """
        return self._train(network, X, rng)

    def _train(self, model, X, rng, *, loss=None, callbacks=()):
        """Run the shared Keras training loop on ``model``.

        Splits off the early-stopping validation set, trains on
        ``_training_data`` with ``loss`` (default: the class's ``_loss``) and
        the extra ``callbacks``, and returns ``{"history_": ...,
        "n_iter_": ...}``. Raises ValueError when the loss diverges.
        """
        from ._training import train_network

        train, validation = self._split(X, rng)
        history = train_network(
            model,
            self._training_data(train),
            None if validation is None else self._training_data(validation),
            loss=self._loss if loss is None else loss,
            learning_rate=self.learning_rate,
            epochs=self.epochs,
            batch_size=min(self.batch_size, len(train)),
            early_stopping=self.early_stopping,
            patience=self.patience,
            callbacks=[*callbacks, *(self.callbacks or ())],
            verbose=self.verbose,
            seed=_draw_seed(rng),
        )
        if not np.all(np.isfinite(history["loss"])):
            raise self._divergence_error(
                f"the training loss became {history['loss'][-1]} at epoch "
                f"{len(history['loss'])}"
            )
        return {"history_": history, "n_iter_": len(history["loss"])}

    def _divergence_error(self, what):
        remedy = "" if self.standardize else ", or standardize=True"
        rate = getattr(self, "learning_rate", None)
        hint = "" if rate is None else f" Try a smaller learning_rate (got {rate}){remedy}."
        return ValueError(f"{type(self).__name__} diverged: {what}.{hint}")

    def _split(self, X, rng):
        """Split off the early-stopping validation set, if there is one."""
        n_val = int(self.validation_fraction * len(X))
        if not self.early_stopping or n_val == 0 or n_val == len(X):
            return X, None
        order = rng.permutation(len(X))
        return X[np.sort(order[n_val:])], X[np.sort(order[:n_val])]

    def _offset_from(self, scores):
        """The threshold on ``score_samples`` that ``contamination`` asks for."""
        if self.contamination == "auto":
            q1, q3 = np.percentile(scores, [25, 75])
            return float(q1 - 1.5 * (q3 - q1))
        return float(np.percentile(scores, 100.0 * self.contamination))

    # ---------------------------------------------------------------- scoring
    def _as_network_input(self, X, scaler):
        if scaler is not None:
            X = scaler.transform(X)
        return np.ascontiguousarray(X, dtype=np.float32)

    def _anomaly_scores(self, X):
        """Score ``X`` chunk by chunk, so memory stays bounded."""
        step = self._predict_batch_size
        return np.concatenate(
            [
                np.asarray(self._score_batch(X[i : i + step]), np.float64)
                for i in range(0, len(X), step)
            ]
        )

    def _validated_input(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        return self._as_network_input(X, self.scaler_)

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
            The normality scores; the lower, the more abnormal.
        """
        X = self._validated_input(X)
        return -self._anomaly_scores(X)

    def decision_function(self, X):
        """Return ``score_samples(X) - offset_``: negative for outliers.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The samples to score.

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
        X : array-like of shape (n_samples, n_features)
            The samples to label.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            +1 for inliers, -1 for outliers.
        """
        decision = self.decision_function(X)
        labels = np.ones(len(decision), dtype=int)
        labels[decision < 0] = -1
        return labels


def _draw_seed(rng):
    return int(rng.randint(_MAX_SEED))
