"""Variational autoencoder outlier detector."""

from numbers import Integral, Real

import numpy as np

from .._compat import Interval, StrOptions
from .._docstrings import fill_doc
from .._units import resolve_hidden_units
from ..core import BaseDeepDetector

__all__ = ["VariationalAutoEncoder"]


@fill_doc
class VariationalAutoEncoder(BaseDeepDetector):
    """Outlier detection by the evidence lower bound of a variational autoencoder.

    The encoder maps each sample to a Gaussian over a latent code, a code is
    drawn from it by the reparameterisation trick, and the decoder
    reconstructs the sample from the code. The network is trained on
    ``reconstruction error + beta * KL(q(z|x) || N(0, I)) / n_features``, the
    negative evidence lower bound (ELBO) of a Gaussian decoder, per feature.
    The anomaly score of a sample is that same quantity, its reconstruction
    term averaged over ``n_samples`` latent draws: the lower the ELBO of a
    sample, the less likely it is under the model, the more abnormal.

    Parameters
    ----------
    hidden_units : "auto" or tuple of int, default="auto"
        The encoder's layer widths; the last is the latent dimension. The
        decoder mirrors the encoder. "auto" is ``(min(64, max(8, 2 *
        n_features)), min(32, max(1, n_features // 4)))``, as in
        :class:`AutoEncoder`.

    beta : float, default=1.0
        The weight of the KL term, as in the beta-VAE: larger values pull the
        codes towards the prior.

    n_samples : int, default=10
        The number of latent draws the reconstruction term of the score is
        averaged over (Monte-Carlo). The draws, ``latent_noise_``, are fixed
        in :meth:`fit` and shared by every sample, so a sample's score does
        not depend on the other samples scored with it.

    activation : str, default="relu"
        The activation of every hidden layer (any Keras activation name).

    dropout : float, default=0.0
        The dropout rate after every hidden layer, in [0, 1).

    batch_norm : bool, default=False
        Whether to batch-normalise every hidden layer.

    %(threshold_parameters)s

    %(training_parameters)s

    Attributes
    ----------
    network_ : keras.Model
        The fitted VAE. Its nested models ``network_.get_layer("encoder")``
        (samples to latent ``[mean, log_var]``) and
        ``network_.get_layer("decoder")`` (latent codes to reconstructions)
        can be run apart.

    %(common_attributes)s

    latent_noise_ : ndarray of shape (n_samples, latent_dim)
        The standard normal draws of the Monte-Carlo score.

    %(training_attributes)s

    %(feature_attributes)s

    See Also
    --------
    AutoEncoder : The deterministic autoencoder.

    Notes
    -----
    ``score_samples`` returns the negated score, the ELBO up to constants, so
    that, as in scikit-learn, the lower the score the more abnormal the
    sample. The network is written with ``keras.ops`` and runs on every Keras
    backend.

    References
    ----------
    .. [1] Kingma, D. P. and Welling, M. "Auto-encoding variational Bayes."
       ICLR, 2014.
    .. [2] An, J. and Cho, S. "Variational autoencoder based anomaly detection
       using reconstruction probability." SNU Data Mining Center, 2015.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepad import VariationalAutoEncoder
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(200, 4))
    >>> det = VariationalAutoEncoder(epochs=20, random_state=0).fit(X)
    >>> det.predict([[0.0, 0.0, 0.0, 0.0], [8.0, -8.0, 8.0, -8.0]])
    array([ 1, -1])
    """

    _parameter_constraints: dict = {
        **BaseDeepDetector._parameter_constraints,
        "hidden_units": [StrOptions({"auto"}), tuple, list],
        "beta": [Interval(Real, 0, None, closed="left")],
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "activation": [str],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "batch_norm": ["boolean"],
    }

    @property
    def _predict_batch_size(self):
        """Rows per forward pass: 8,192, fewer when the decoded draws are wide.

        Each row is decoded once per latent draw (``n_samples`` of them), into
        ``n_features`` values: a pass holds at most about 2 million decoded
        values (8,192 rows of 25 features and 10 draws), in whole blocks of
        ``_predict_row_multiple`` rows (as a row's score must not depend on the
        rows scored with it).
        """
        decoded = len(self.latent_noise_) * self.n_features_in_
        rows = max(self._predict_batch_values // decoded, self._predict_row_multiple)
        return int(min(8192, rows - rows % self._predict_row_multiple))

    def __init__(
        self,
        *,
        hidden_units="auto",
        beta=1.0,
        n_samples=10,
        activation="relu",
        dropout=0.0,
        batch_norm=False,
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
        self.beta = beta
        self.n_samples = n_samples
        self.activation = activation
        self.dropout = dropout
        self.batch_norm = batch_norm

    def _build_network(self, input_shape, seed):
        from ..networks import build_variational_autoencoder

        n_features = input_shape[0]
        return build_variational_autoencoder(
            n_features,
            resolve_hidden_units(self.hidden_units, n_features),
            kl_weight=self.beta / n_features,
            activation=self.activation,
            dropout=self.dropout,
            batch_norm=self.batch_norm,
            seed=seed,
        )

    def _fit_network(self, network, X, y, rng):
        latent_dim = network.get_layer("decoder").input_shape[-1]
        noise = rng.standard_normal((self.n_samples, latent_dim))
        return {**self._train(network, X, y, rng), "latent_noise_": noise}

    def _score_batch(self, X):
        from ..core._training import forward

        encoded = forward(self.network_.get_layer("encoder"), X)
        mean, log_var = map(_at_least_float32, encoded)
        n, latent_dim = mean.shape
        z = mean[:, None] + np.exp(0.5 * log_var)[:, None] * self.latent_noise_
        recon = forward(
            self.network_.get_layer("decoder"),
            z.reshape(-1, latent_dim).astype(X.dtype),
        ).reshape(n, len(self.latent_noise_), -1)  # the draws of the fit
        recon = _at_least_float32(recon)
        reconstruction = np.mean((recon - X[:, None]) ** 2, axis=(1, 2))
        kl = 0.5 * np.sum(np.exp(log_var) + mean**2 - 1.0 - log_var, axis=1)
        # The KL weight the network was trained with (beta / n_features at fit),
        # not self.beta: a beta set after fit takes effect at the next fit.
        return reconstruction + self.network_.get_layer("sampling").kl_weight * kl


def _at_least_float32(values):
    """``values`` as float32 if in half precision, where ``exp`` and squares would
    overflow; else as they are. The network's outputs are float32 at least, but one
    built under a half-precision policy by an earlier skdeepad had float16 ones."""
    from .._dtypes import at_least_float32

    return values.astype(at_least_float32(values.dtype), copy=False)
