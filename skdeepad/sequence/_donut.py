"""Donut: variational autoencoder outlier detector of windows of a KPI."""

import math
from numbers import Integral, Real

import numpy as np

from .._compat import Interval
from .._docstrings import fill_doc
from .._units import check_units
from .._utils import draw_seed
from ..core import BaseDeepDetector, BaseLabelledDetector, BaseSequenceDetector

__all__ = ["Donut"]


@fill_doc
class Donut(BaseLabelledDetector, BaseSequenceDetector):
    """Outlier detection of windows by a VAE's reconstruction probability (Donut).

    Donut (Xu et al., WWW 2018) is a variational autoencoder of sliding
    windows of a seasonal KPI: the encoder maps a window to a Gaussian over a
    low-dimensional code, the decoder maps a code to a Gaussian (mean and
    standard deviation) over every value of the window. It is trained on the
    *modified* ELBO: values that are missing (NaN) or belong to known
    anomalies are left out of the reconstruction term, the code's KL term
    (``log p(z) - log q(z | x)``) is weighted by the fraction of values kept
    (the paper weights ``log p(z)`` alone; weighting both keeps a window
    with no value kept from rewarding an ever wider ``q``), and a small
    fraction of the observed values is dropped at random in every step
    (missing data injection), so that the model learns to reconstruct normal
    patterns from incomplete windows.

    At scoring, the missing values of a window are first imputed by
    ``n_mcmc`` rounds of reconstruction (the paper's MCMC imputation, with
    means instead of draws, so scores are deterministic); the anomaly score is
    then the negated *reconstruction probability*: the log-likelihood of the
    window's observed values under the decoder, averaged over the values and
    over ``n_samples`` codes drawn from the encoder's Gaussian.

    Parameters
    ----------
    hidden_units : tuple of int, default=(100, 100)
        The widths of the encoder's and of the decoder's ReLU layers.

    latent_dim : int, default=3
        The dimension of the latent code (the paper's 3 for windows of 120).

    n_samples : int, default=16
        The number of codes the reconstruction probability is averaged over
        (Monte-Carlo). The draws, ``latent_noise_``, are fixed in :meth:`fit`
        and shared by every window, so a window's score does not depend on
        the other windows scored with it.

    n_mcmc : int, default=10
        The rounds of imputation of a window's missing values at scoring
        (0 leaves them at the mean). It is read when scoring, so setting it
        after :meth:`fit` changes the scores of windows with missing values
        at once, without a new fit; ``offset_`` keeps the value of the fit.

    missing_injection : float, default=0.01
        The fraction of observed values dropped at random in every training
        step, in [0, 1).

    %(threshold_parameters)s

    %(training_parameters)s

    Attributes
    ----------
    network_ : keras.Model
        The fitted VAE, mapping windows to the mean and standard deviation of
        their reconstruction; ``network_.get_layer("encoder")`` and
        ``network_.get_layer("decoder")`` run apart.

    latent_noise_ : ndarray of shape (n_samples, latent_dim)
        The standard normal draws of the Monte-Carlo score.

    %(common_attributes)s

    %(training_attributes)s

    %(sequence_attributes)s

    See Also
    --------
    VariationalAutoEncoder : The tabular VAE, scored by its ELBO.
    skdeepad.timeseries.WindowedDetector : Scores each step of a long series.

    Notes
    -----
    %(sequence_input)s

    Missing values and labels. A NaN in ``X`` is a missing value, in
    :meth:`fit` and at scoring: it is standardised around, left out of the
    training loss and imputed at scoring; a window with no observed value is
    a ValueError. ``fit(X, y)`` takes partial labels, one per window (below):
    the values of a window labelled -1 are all left out of the
    reconstruction term (the paper excludes labelled anomalous *points*: to
    exclude single points, set them to NaN). Labels +1 and 0 change nothing.
    A whole series with gaps goes as it is to
    ``WindowedDetector(Donut(...))``, which passes its NaN on to the windows
    (and :class:`~skdeepad.timeseries.StreamScorer` to the live ones).

    The paper scores the last point of each window; here a window's score
    covers all its observed values, as for the other sequence detectors
    (:func:`skdeepad.timeseries.window_scores_to_points` maps window scores
    back to time steps). ``score_samples`` returns the reconstruction
    probability, so that, as in scikit-learn, the lower the score the more
    abnormal the window. The network is written with ``keras.ops`` and trains
    on every Keras backend.

    References
    ----------
    .. [1] Xu, H., Chen, W., Zhao, N., Li, Z., Bu, J., Li, Z., Liu, Y., Zhao,
       Y., Pei, D., Feng, Y., Chen, J., Wang, Z. and Qiao, H. "Unsupervised
       anomaly detection via variational auto-encoder for seasonal KPIs in
       web applications." WWW, 2018.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepad import Donut
    >>> t = np.linspace(0, 2 * np.pi, 16)
    >>> rng = np.random.RandomState(0)
    >>> X = np.sin(t + rng.uniform(0, 2 * np.pi, size=(200, 1)))
    >>> det = Donut(epochs=30, random_state=0).fit(X)
    >>> jump = np.sin(t)
    >>> jump[8] += 3.0
    >>> det.predict([np.sin(t), jump])
    array([ 1, -1])
    """

    _parameter_constraints: dict = {
        **BaseDeepDetector._parameter_constraints,
        "hidden_units": [tuple, list],
        "latent_dim": [Interval(Integral, 1, None, closed="left")],
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "n_mcmc": [Interval(Integral, 0, None, closed="left")],
        "missing_injection": [Interval(Real, 0, 1, closed="left")],
    }

    # The trainer computes its own loss.
    _loss = None

    def __init__(
        self,
        *,
        hidden_units=(100, 100),
        latent_dim=3,
        n_samples=16,
        n_mcmc=10,
        missing_injection=0.01,
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
        self.latent_dim = latent_dim
        self.n_samples = n_samples
        self.n_mcmc = n_mcmc
        self.missing_injection = missing_injection

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags

    def _validate_input(self, X, *, reset):
        X = super()._validate_input(X, reset=reset)
        missing = np.isnan(X)
        if missing.any():
            empty = np.flatnonzero(missing.all(axis=(1, 2)))
            if len(empty):
                raise ValueError(
                    f"{type(self).__name__} needs an observed value in every "
                    f"sample; sample(s) {empty[:5].tolist()} are all NaN."
                )
            if reset and missing.all(axis=(0, 1)).any():
                raise ValueError(
                    f"{type(self).__name__} needs an observed value in every "
                    "channel to standardise it; a channel of X is all NaN."
                )
        return X

    def _build_network(self, input_shape, seed):
        from ..networks import build_donut

        return build_donut(
            input_shape, check_units(self.hidden_units), self.latent_dim, seed=seed
        )

    def _training_data(self, X, y):
        if y is not None and np.any(y < 0):
            X = X.copy()
            X[y < 0] = np.nan  # left out of the reconstruction term
        return X, None

    def _fit_network(self, network, X, y, rng):
        from ..networks import DonutTrainer

        trainer = DonutTrainer(
            network, missing_injection=self.missing_injection, seed=draw_seed(rng)
        )
        noise = rng.standard_normal((self.n_samples, self.latent_dim))
        return {**self._train(trainer, X, y, rng), "latent_noise_": noise}

    def _values_per_sample(self):
        # _score_batch's float64 densities: one per code drawn and value
        values = self.latent_noise_.shape[0] * math.prod(self.input_shape_) * 2
        return max(super()._values_per_sample(), values)

    def _score_batch(self, X):
        from ..core._training import forward

        encoder = self.network_.get_layer("encoder")
        decoder = self.network_.get_layer("decoder")
        observed = ~np.isnan(X)
        x = np.where(observed, X, 0.0).astype(X.dtype)
        if not observed.all():
            for _ in range(self.n_mcmc):
                x_mean, _ = forward(decoder, forward(encoder, x)[0])
                x = np.where(observed, X, x_mean).astype(X.dtype)
        z_mean, z_std = forward(encoder, x)
        # the draws of the fit: n_samples and latent_dim as they were then
        n_samples, latent_dim = self.latent_noise_.shape
        codes = z_mean[:, None] + z_std[:, None] * self.latent_noise_
        x_mean, x_std = forward(decoder, codes.reshape(-1, latent_dim).astype(x.dtype))
        shape = (len(x), n_samples, -1)
        x_mean, x_std = x_mean.reshape(shape), x_std.reshape(shape)
        values = x.reshape(len(x), 1, -1).astype(np.float64)
        log_density = (
            -0.5 * np.log(2 * np.pi)
            - np.log(x_std, dtype=np.float64)
            - 0.5 * ((values - x_mean) / x_std) ** 2
        )
        weights = observed.reshape(len(x), 1, -1)
        per_value = np.sum(log_density * weights, axis=2) / weights.sum(axis=2)
        return -per_value.mean(axis=1)
