"""Donut: a variational autoencoder of windows with Gaussian outputs, and its trainer.

:func:`build_donut` builds the network, a plain functional model whose nested
``"encoder"`` maps a window to the mean and standard deviation of its latent
code and whose nested ``"decoder"`` maps a code to the mean and standard
deviation of every value of the window. :class:`DonutTrainer` wraps it for
training only, on the modified ELBO; it is written with ``keras.ops`` and
trains on every Keras backend.
"""

import itertools
import math

import keras
from keras import ops

from .._dtypes import output_dtype
from ._saving import WrapperConfig
from .dense import dense_stack, seeded_dense

__all__ = ["DonutTrainer", "build_donut", "gaussian_log_density"]

# The floor of every standard deviation, as in the paper.
_STD_EPSILON = 1e-4


def _gaussian_head(x, units, *, seeds, name):
    """A dense mean and a softplus standard deviation (floored) of ``units`` values,
    in float32 at least (the densities made from them are the scores)."""
    dtype = output_dtype()
    mean = seeded_dense(units, seeds=seeds, dtype=dtype, name=f"{name}_mean")(x)
    std = seeded_dense(units, seeds=seeds, dtype=dtype, name=f"{name}_std_raw")(x)
    std = keras.layers.Activation("softplus", dtype=dtype, name=f"{name}_softplus")(std)
    std = keras.layers.Rescaling(
        1.0, offset=_STD_EPSILON, dtype=dtype, name=f"{name}_std"
    )(std)
    return mean, std


def build_donut(
    input_shape, hidden_units=(100, 100), latent_dim=3, *, seed=0, name="donut"
):
    """Build Donut's variational autoencoder of windows.

    The encoder flattens a window of ``input_shape`` (``(timesteps,
    channels)``), applies ReLU dense blocks of ``hidden_units`` and outputs
    the mean and standard deviation (softplus, floored at 1e-4) of a Gaussian
    code of ``latent_dim`` dimensions; the decoder, of the same widths, maps a
    code to the mean and standard deviation of every value of the window.

    Parameters
    ----------
    input_shape : tuple of int
        The shape of one window, ``(timesteps, channels)``.
    hidden_units : sequence of int, default=(100, 100)
        The widths of the encoder's and of the decoder's hidden layers.
    latent_dim : int, default=3
        The dimension of the latent code.
    seed : int, default=0
        Seeds every initialiser.
    name : str, default="donut"
        The model's name.

    Returns
    -------
    model : keras.Model
        An uncompiled model mapping windows to ``[x_mean, x_std]`` through
        the code's mean (no sampling); its nested models
        ``get_layer("encoder")`` (windows to ``[z_mean, z_std]``) and
        ``get_layer("decoder")`` (codes to ``[x_mean, x_std]``) run apart.
        Train it with :class:`DonutTrainer`.
    """
    seeds = itertools.count(seed)
    n_values = math.prod(input_shape)

    window = keras.Input(shape=tuple(input_shape), name="window")
    x = keras.layers.Flatten(name="flatten")(window)
    x = dense_stack(x, hidden_units, activation="relu", seeds=seeds, name="encoder")
    encoder = keras.Model(
        window, _gaussian_head(x, latent_dim, seeds=seeds, name="z"), name="encoder"
    )

    code = keras.Input(shape=(latent_dim,), name="code")
    x = dense_stack(code, hidden_units, activation="relu", seeds=seeds, name="decoder")
    outputs = [
        keras.layers.Reshape(
            tuple(input_shape), dtype=output_dtype(), name=f"x_{part}_window"
        )(tensor)
        for part, tensor in zip(
            ("mean", "std"),
            _gaussian_head(x, n_values, seeds=seeds, name="x"),
            strict=True,
        )
    ]
    decoder = keras.Model(code, outputs, name="decoder")

    z_mean, _ = encoder(window)
    return keras.Model(window, decoder(z_mean), name=name)


def gaussian_log_density(x, mean, std):
    """``log N(x | mean, std^2)``, value by value, on Keras tensors."""
    mean, std = (ops.convert_to_tensor(v, dtype=x.dtype) for v in (mean, std))
    return (
        -0.5 * math.log(2 * math.pi) - ops.log(std) - 0.5 * ops.square((x - mean) / std)
    )


@keras.saving.register_keras_serializable(package="skdeepad")
class DonutTrainer(WrapperConfig, keras.Model):
    """Train a Donut network on the modified ELBO (every backend).

    A window's values that are NaN (missing, or excluded as known anomalies)
    are set to 0 and left out of the reconstruction term; in training, a
    further ``missing_injection`` fraction of the observed values is dropped
    the same way at random (the paper's missing data injection). With
    ``alpha`` the 0/1 mask of kept values and ``beta = mean(alpha)``, the loss
    of a window is ``-(sum(alpha * log p(x | z)) + beta * (log p(z) - log
    q(z | x))) / n_values`` for one code ``z`` drawn from ``q(z | x)``.
    Outside training (the early-stopping validation loss), ``z`` is the mean
    of ``q(z | x)`` and no value is dropped, so the validation loss does not
    move with random draws from one epoch to the next.

    Parameters
    ----------
    network : keras.Model
        A model from :func:`build_donut`.
    missing_injection : float, default=0.01
        The fraction of observed values dropped at random in every training
        step.
    seed : int, default=None
        Seeds the injection and the code's draws.
    """

    def __init__(self, network, missing_injection=0.01, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.network = network
        self.missing_injection = missing_injection
        self.seed_generator = keras.random.SeedGenerator(seed)
        self._settings = {"missing_injection": missing_injection, "seed": seed}

    def call(self, x, training=False):
        kept = ops.logical_not(ops.isnan(x))
        if training and self.missing_injection > 0:
            draws = keras.random.uniform(ops.shape(x), seed=self.seed_generator)
            kept = ops.logical_and(kept, draws >= self.missing_injection)
        x = ops.where(kept, x, ops.zeros_like(x))
        z_mean, z_std = self.network.get_layer("encoder")(x, training=training)
        z = z_mean
        if training:
            noise = keras.random.normal(
                ops.shape(z_mean), dtype=z_mean.dtype, seed=self.seed_generator
            )
            z = z_mean + z_std * noise
        x_mean, x_std = self.network.get_layer("decoder")(z, training=training)
        x = ops.cast(x, x_mean.dtype)  # the loss in the outputs' dtype (>= float32)
        return x, ops.cast(kept, x.dtype), x_mean, x_std, z, z_mean, z_std

    def compute_loss(
        self, x=None, y=None, y_pred=None, sample_weight=None, training=True
    ):
        """The negative modified ELBO per value, averaged over the batch."""
        x, kept, x_mean, x_std, z, z_mean, z_std = y_pred
        values = ops.sum(ops.ones_like(kept[0]))
        axes = tuple(range(1, len(x.shape)))
        reconstruction = ops.sum(
            kept * gaussian_log_density(x, x_mean, x_std), axis=axes
        )
        beta = ops.sum(kept, axis=axes) / values
        prior = ops.sum(gaussian_log_density(z, 0.0, 1.0), axis=-1)
        posterior = ops.sum(gaussian_log_density(z, z_mean, z_std), axis=-1)
        elbo = reconstruction + beta * (prior - posterior)
        return -ops.mean(elbo) / values
