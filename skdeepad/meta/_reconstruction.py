"""Any regressor that learns X -> X as an outlier detector, scikeras models included."""

import contextlib
import os
import random

import numpy as np
from sklearn.base import BaseEstimator, OutlierMixin, clone
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted, validate_data

from .._compat import HasMethods, _fit_context
from .._config import DocLinkMixin
from .._docstrings import fill_doc
from .._utils import FLOAT_DTYPES, checked_scaler, in_memory
from ..core import (
    CONTAMINATION_CONSTRAINT,
    ThresholdMixin,
    atomic_fit,
    finite_scores,
    offset_from_scores,
)
from ..persistence import SaveMixin

__all__ = ["ReconstructionDetector"]


@fill_doc
class ReconstructionDetector(
    DocLinkMixin, ThresholdMixin, SaveMixin, OutlierMixin, BaseEstimator
):
    """An outlier detector from any regressor that learns to reconstruct X.

    The regressor is fitted on ``(X, X)``; a sample's anomaly score is the
    mean squared error of its reconstruction. It turns a user's own Keras
    network, wrapped in scikeras's ``KerasRegressor``, or scikit-learn's
    :class:`~sklearn.neural_network.MLPRegressor` with a narrow hidden layer,
    into a detector with skdeepad's API: ``score_samples`` (the lower, the
    more abnormal), ``decision_function``, ``predict`` (+1/-1) and a
    ``contamination`` threshold, usable in a ``Pipeline`` and in
    ``GridSearchCV`` (``regressor__model__...`` reaches a scikeras model's
    build parameters).

    Parameters
    ----------
    regressor : estimator
        A multi-output regressor (``fit(X, Y)``, ``predict(X)`` of the shape
        of ``Y``); it is cloned. It must not be able to copy its input: give
        it a bottleneck (fewer hidden units than features) or noise.

    %(threshold_parameters)s

    Attributes
    ----------
    regressor_ : estimator
        The fitted clone of ``regressor``.

    scaler_ : sklearn.preprocessing.StandardScaler or None
        The standardisation learned in :meth:`fit`, or None.

    offset_ : float
        The threshold on :meth:`score_samples`.

    n_features_in_ : int
        The number of features seen in :meth:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        The feature names seen in :meth:`fit`, defined only when ``X`` had
        string column names.

    See Also
    --------
    AutoEncoder : skdeepad's own dense autoencoder, with early stopping and
        scoped seeding.

    Notes
    -----
    scikeras (imported only by the user who builds a ``KerasRegressor``) has
    two known problems this class works around or leaves documented:

    - Under scikit-learn >= 1.6 a ``KerasRegressor`` reports wrong estimator
      tags (no estimator type, single output only): this class reads none of
      the regressor's tags, and checks only that it has ``fit`` and
      ``predict``.
    - A ``KerasRegressor`` with a ``random_state`` seeds Python's, NumPy's and
      TensorFlow's global generators and switches on TensorFlow's op
      determinism while it fits and predicts: for the whole process, other
      threads included. scikeras restores them afterwards; this class checks
      and restores them itself too, so the process's random state is the same
      after ``fit`` as before. Do not train other TensorFlow models in other
      threads while it fits, or leave ``random_state`` unset.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.neural_network import MLPRegressor
    >>> from skdeepad import ReconstructionDetector
    >>> rng = np.random.RandomState(0)
    >>> latent = rng.normal(size=(300, 1))
    >>> X = np.hstack([latent, 2 * latent, -latent]) + 0.05 * rng.normal(size=(300, 3))
    >>> det = ReconstructionDetector(
    ...     MLPRegressor(hidden_layer_sizes=(1,), max_iter=2000, random_state=0)
    ... ).fit(X)
    >>> det.predict([[1.0, 2.0, -1.0], [1.0, -2.0, 1.0]])
    array([ 1, -1])
    """

    _parameter_constraints: dict = {
        "regressor": [HasMethods(["fit", "predict"])],
        "contamination": CONTAMINATION_CONSTRAINT,
        "standardize": ["boolean"],
    }

    def __init__(self, regressor, *, contamination="auto", standardize=True):
        self.regressor = regressor
        self.contamination = contamination
        self.standardize = standardize

    @_fit_context(prefer_skip_nested_validation=False)
    @atomic_fit
    def fit(self, X, y=None):
        """Fit the regressor to reconstruct ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The training data, mostly normal.
        y : None
            Ignored; present for API consistency.

        Returns
        -------
        self : object
            The fitted detector.
        """
        X = validate_data(self, in_memory(X), dtype=FLOAT_DTYPES)
        scaler = None
        if self.standardize:
            scaler = checked_scaler(StandardScaler().fit(X), sample=X[0])
        X = X if scaler is None else scaler.transform(X)
        regressor = clone(self.regressor)
        with _process_random_state_kept(regressor):
            # one feature: a 1-D target, as scikit-learn's regressors expect
            regressor.fit(X, X[:, 0] if X.shape[1] == 1 else X)
        self.regressor_, self.scaler_ = regressor, scaler
        errors = self._errors(X)
        if np.isnan(errors).any():  # atomic_fit puts the old state back
            raise ValueError(
                f"{type(self).__name__}: the regressor's reconstructions of "
                f"{int(np.isnan(errors).sum())} training sample(s) are NaN (a "
                "diverged regressor); standardize the data or choose another "
                "regressor."
            )
        # an error too large to square overflows: the most abnormal, as scored
        self.offset_ = offset_from_scores(finite_scores(-errors), self.contamination)
        return self

    def _errors(self, X):
        with _process_random_state_kept(self.regressor_):
            reconstruction = np.asarray(self.regressor_.predict(X), dtype=np.float64)
        if reconstruction.size != X.size:
            raise ValueError(
                f"{type(self).__name__}: the regressor "
                f"{type(self.regressor_).__name__} predicts an array of shape "
                f"{reconstruction.shape} for X of shape {X.shape}; it must "
                "reconstruct X, predicting one value per feature of each sample "
                "(a multi-output regressor)."
            )
        with np.errstate(over="ignore"):  # see finite_scores
            return np.mean((reconstruction.reshape(X.shape) - X) ** 2, axis=1)

    def score_samples(self, X):
        """Return the negated reconstruction error of each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The samples to score.

        Returns
        -------
        scores : ndarray of shape (n_samples,), dtype float64
            The normality scores; the lower, the more abnormal.
        """
        check_is_fitted(self)
        X = validate_data(self, in_memory(X), dtype=FLOAT_DTYPES, reset=False)
        if self.scaler_ is not None:
            with np.errstate(over="ignore"):  # beyond float64: the row overflows
                X = self.scaler_.transform(X)
        # A row that overflowed in standardisation cannot reach the regressor
        # (scikit-learn's refuse infinities): it is the most abnormal.
        finite = np.isfinite(X).all(axis=1)
        errors = np.full(len(X), np.inf)
        if finite.any():
            errors[finite] = self._errors(X[finite])
        return finite_scores(-errors)


@contextlib.contextmanager
def _process_random_state_kept(regressor):
    """Restore the process-wide random state a seeded ``regressor`` may change.

    Python's and NumPy's global generators and ``TF_DETERMINISTIC_OPS``. An
    unseeded regressor (``random_state`` None or absent) is left alone: it is
    meant to draw from the global generators, and to draw anew each time.
    TensorFlow's global seed and op-determinism flag have no public getter;
    a seeded scikeras model sets and restores them itself
    (``scikeras.utils.random_state.tensorflow_random_state``).
    """
    if regressor.get_params(deep=False).get("random_state") is None:
        yield
        return
    # NumPy's legacy global generator is the state to keep, hence NPY002
    python_state, numpy_state = random.getstate(), np.random.get_state()  # noqa: NPY002
    env = os.environ.get("TF_DETERMINISTIC_OPS")
    try:
        yield
    finally:
        random.setstate(python_state)
        np.random.set_state(numpy_state)  # noqa: NPY002
        if env is None:
            os.environ.pop("TF_DETERMINISTIC_OPS", None)
        else:
            os.environ["TF_DETERMINISTIC_OPS"] = env
