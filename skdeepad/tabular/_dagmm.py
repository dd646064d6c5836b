"""Deep autoencoding Gaussian mixture model outlier detector."""

from numbers import Integral, Real

import numpy as np

from .._compat import Interval
from .._docstrings import fill_doc
from .._units import check_units
from ..core import BaseDeepDetector

__all__ = ["DAGMM"]


@fill_doc
class DAGMM(BaseDeepDetector):
    """Outlier detection by the energy of a Gaussian mixture on autoencoder features.

    DAGMM's compression network, a dense autoencoder, maps each sample to a
    low-dimensional code; the code, the relative Euclidean distance and the
    cosine similarity between the sample and its reconstruction form the
    sample's features ``z``. An estimation network predicts each sample's
    memberships of ``n_components`` Gaussians from ``z``. Both are trained
    end to end on the squared reconstruction error (summed over the
    features, as in the paper) plus ``energy_weight`` times the samples'
    energy under the mixture estimated from the batch's memberships, plus
    ``covariance_weight`` times the sum of the inverse variances (which
    keeps a component from collapsing onto a point). After training, the
    mixture's weights, means and covariances are estimated once from the
    whole training set. The anomaly score of a sample is its energy, ``-log
    sum_k weights_[k] N(z | means_[k], covariances_[k])``: the less likely
    its features under the mixture, the more abnormal.

    Parameters
    ----------
    hidden_units : tuple of int, default=(60, 30, 10, 1)
        The compression network's encoder widths; the last is the code's
        dimension (the paper's 1 on KDD Cup 99). The decoder mirrors them.

    n_components : int, default=4
        The number of mixture components.

    estimation_units : tuple of int, default=(10,)
        The estimation network's hidden widths.

    activation : str, default="tanh"
        The activation of every hidden layer (any Keras activation name).

    dropout : float, default=0.5
        The dropout rate of the estimation network's hidden layers.

    energy_weight : float, default=0.1
        The weight of the mean sample energy in the loss (the paper's
        lambda_1).

    covariance_weight : float, default=0.005
        The weight of the covariance penalty in the loss (lambda_2).

    %(threshold_parameters)s

    %(training_parameters)s

    Attributes
    ----------
    network_ : keras.Model
        The fitted network, mapping samples to ``[x_hat, z, gamma]``:
        reconstructions, features and mixture memberships.

    weights_ : ndarray of shape (n_components,)
        The mixture's weights, estimated on the training set.

    means_ : ndarray of shape (n_components, n_latent)
        The components' means in the feature space ``z`` (``n_latent`` is the
        code's dimension plus 2).

    covariances_ : ndarray of shape (n_components, n_latent, n_latent)
        The components' covariances, regularised on the diagonal.

    precisions_cholesky_ : ndarray of shape (n_components, n_latent, n_latent)
        The Cholesky factors of the precision matrices, as in
        :class:`sklearn.mixture.GaussianMixture`.

    %(common_attributes)s

    %(training_attributes)s

    %(feature_attributes)s

    See Also
    --------
    AutoEncoder : The reconstruction-error detector.
    VariationalAutoEncoder : A likelihood-based autoencoder.

    Notes
    -----
    ``score_samples`` returns the negated energy, the log-likelihood of the
    features under the mixture, so that, as in scikit-learn, the lower the
    score the more abnormal the sample.

    Two numerical choices depart from the paper: the relative distance is
    ``||x - x_hat|| / sqrt(||x||^2 + 1)`` rather than ``/ ||x||``, which has
    no bound for a sample at the origin of standardised data; and every
    covariance gets ``1e-3`` plus ``1e-3`` times its mean variance on the
    diagonal (the paper adds ``1e-6``), so it stays positive definite in
    float32 training and the covariance penalty stays finite on constant
    data. Energies are computed through Cholesky factors and a log-sum-exp in
    float32 during training, and by SciPy
    (``scipy.stats.multivariate_normal.logpdf``, ``scipy.special.logsumexp``)
    in float64 when scoring. The network is written with
    ``keras.ops`` and trains on every Keras backend.

    References
    ----------
    .. [1] Zong, B., Song, Q., Min, M. R., Cheng, W., Lumezanu, C., Cho, D.
       and Chen, H. "Deep autoencoding Gaussian mixture model for
       unsupervised anomaly detection." ICLR, 2018.

    Examples
    --------
    Normal samples lie near a curve in 4-D; the two others are off it, and
    score lower:

    >>> import numpy as np
    >>> from skdeepad import DAGMM
    >>> rng = np.random.RandomState(0)
    >>> t = rng.normal(size=(300, 1))
    >>> X = np.hstack([t, 2 * t, -t, t**2]) + rng.normal(scale=0.05, size=(300, 4))
    >>> det = DAGMM(epochs=60, random_state=0).fit(X)
    >>> on, off, off_too = [0.5, 1, -0.5, 0.25], [1, -2, 1, -1], [-1, 2, 1, 3]
    >>> scores = det.score_samples([on, off, off_too])
    >>> bool(scores[0] > max(scores[1], scores[2]))
    True
    """

    _parameter_constraints: dict = {
        **BaseDeepDetector._parameter_constraints,
        "hidden_units": [tuple, list],
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "estimation_units": [tuple, list],
        "activation": [str],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "energy_weight": [Interval(Real, 0, None, closed="left")],
        "covariance_weight": [Interval(Real, 0, None, closed="left")],
    }

    # The trainer computes its own loss.
    _loss = None

    def __init__(
        self,
        *,
        hidden_units=(60, 30, 10, 1),
        n_components=4,
        estimation_units=(10,),
        activation="tanh",
        dropout=0.5,
        energy_weight=0.1,
        covariance_weight=0.005,
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
        super().__init__(
            contamination=contamination,
            standardize=standardize,
            epochs=epochs,
            batch_size=batch_size,
            learning_rate=learning_rate,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            patience=patience,
            callbacks=callbacks,
            random_state=random_state,
            verbose=verbose,
        )
        self.hidden_units = hidden_units
        self.n_components = n_components
        self.estimation_units = estimation_units
        self.activation = activation
        self.dropout = dropout
        self.energy_weight = energy_weight
        self.covariance_weight = covariance_weight

    def _build_network(self, input_shape, seed):
        from ..networks import build_dagmm

        return build_dagmm(
            input_shape[0],
            check_units(self.hidden_units),
            estimation_units=check_units(self.estimation_units, "estimation_units"),
            n_components=self.n_components,
            activation=self.activation,
            dropout=self.dropout,
            seed=seed,
        )

    def _training_data(self, X, y):
        return X, None

    def _fit_network(self, network, X, y, rng):
        from ..networks import DAGMMTrainer

        trainer = DAGMMTrainer(
            network,
            energy_weight=self.energy_weight,
            covariance_weight=self.covariance_weight,
        )
        try:
            fitted = self._train(trainer, X, y, rng)
        except Exception as error:
            # TensorFlow checks Cholesky's input and gradient for NaN itself,
            # before the loss's own divergence check sees it
            if not _is_nan_check(error):
                raise
            raise self._divergence_error(
                "the mixture's covariance became NaN or infinite"
            ) from None
        z, gamma = self._features(network, X)
        return {**fitted, **_mixture(z, gamma)}

    def _features(self, network, X):
        """``z`` and ``gamma`` of ``X``, float64, chunk by chunk."""
        from ..core._training import forward

        outputs = [forward(network, chunk) for _, chunk in self._chunks(X)]
        z, gamma = (np.concatenate([out[i] for out in outputs]) for i in (1, 2))
        return z.astype(np.float64), gamma.astype(np.float64)

    def _score_batch(self, X):
        from scipy.special import logsumexp
        from scipy.stats import multivariate_normal

        from ..core._training import forward

        _, z, _ = forward(self.network_, X)
        z = z.astype(np.float64)
        log_density = np.column_stack(
            [
                multivariate_normal.logpdf(z, mean, cov)
                for mean, cov in zip(self.means_, self.covariances_, strict=True)
            ]
        )
        # logpdf drops the sample axis of a single sample: keep it
        log_density = log_density.reshape(len(z), -1)
        return -logsumexp(np.log(self.weights_) + log_density, axis=1)


def _mixture(z, gamma):
    """The mixture fitted attributes from features ``z`` and memberships ``gamma``.

    Float64; the covariances are regularised as in training (see
    :func:`skdeepad.networks.dagmm.mixture_parameters`).
    """
    from scipy.linalg import cholesky, solve_triangular

    from ..networks.dagmm import COVARIANCE_JITTER

    counts = gamma.sum(axis=0) + 1e-12
    means = gamma.T @ z / counts[:, None]
    covariances = np.empty((len(counts), z.shape[1], z.shape[1]))
    precisions_cholesky = np.empty_like(covariances)
    absolute, relative = COVARIANCE_JITTER
    for k, mean in enumerate(means):
        diff = z - mean
        cov = (gamma[:, k, None] * diff).T @ diff / counts[k]
        cov[np.diag_indices_from(cov)] += absolute + relative * np.mean(np.diag(cov))
        covariances[k] = cov
        factor = cholesky(cov, lower=True)
        precisions_cholesky[k] = solve_triangular(
            factor, np.eye(len(cov)), lower=True
        ).T
    return {
        "weights_": counts / len(z),
        "means_": means,
        "covariances_": covariances,
        "precisions_cholesky_": precisions_cholesky,
    }


def _is_nan_check(error):
    """Whether ``error`` is TensorFlow's check of Cholesky's input or gradient."""
    from_tensorflow = type(error).__module__.startswith("tensorflow")
    text = str(error)
    return (from_tensorflow or isinstance(error, ValueError)) and (
        "CheckNumerics" in text or "Cholesky decomposition failed" in text
    )
