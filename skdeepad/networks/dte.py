"""Diffusion time estimation: a classifier of noise levels and its trainer.

:func:`build_dte` builds the network, a plain dense classifier mapping a
sample to the logits of ``n_bins`` bins of diffusion time.
:class:`DiffusionTimeTrainer` wraps it for training only: each step draws a
diffusion step ``t`` and Gaussian noise for every sample of the batch (with
``keras.random`` and a seed generator, so it is seeded and runs on every
backend), noises the batch and scores the network's logits against the bins
of ``t`` by cross-entropy.
"""

import itertools

import keras
import numpy as np
from keras import ops

from .._dtypes import output_dtype
from ._saving import WrapperConfig
from .dense import dense_stack, seeded_dense

__all__ = ["DiffusionTimeTrainer", "build_dte", "noise_scales"]


def noise_scales(n_steps, beta_range=(1e-4, 0.01)):
    """The forward process's coefficients at every diffusion step.

    With the linear schedule ``beta_t`` from ``beta_range[0]`` to
    ``beta_range[1]`` over ``n_steps`` steps and ``abar_t = prod_{s <= t} (1 -
    beta_s)``, returns ``(sqrt(abar_t), sqrt(1 - abar_t))``, two float64 arrays
    of ``n_steps`` values: the signal's scale and the noise's standard
    deviation after ``t + 1`` steps.
    """
    betas = np.linspace(beta_range[0], beta_range[1], n_steps)
    alpha_bar = np.cumprod(1.0 - betas)
    return np.sqrt(alpha_bar), np.sqrt(1.0 - alpha_bar)


def build_dte(
    n_features,
    hidden_units=(256, 512, 256),
    n_bins=7,
    *,
    activation="relu",
    dropout=0.5,
    seed=0,
    name="dte",
):
    """Build DTE's classifier of diffusion time.

    Dense blocks of ``hidden_units``, dropout after every block but the first
    (as in the authors' code), and a linear layer of ``n_bins`` logits.

    Parameters
    ----------
    n_features : int
        The width of the input.
    hidden_units : sequence of int, default=(256, 512, 256)
        The hidden widths.
    n_bins : int, default=7
        The number of bins of diffusion time, the classes.
    activation : str, default="relu"
        The activation of every hidden layer.
    dropout : float, default=0.5
        The dropout rate after every hidden block but the first.
    seed : int, default=0
        Seeds every initialiser and dropout layer.
    name : str, default="dte"
        The model's name.

    Returns
    -------
    model : keras.Model
        An uncompiled model mapping ``(batch, n_features)`` to ``(batch,
        n_bins)`` logits; train it with :class:`DiffusionTimeTrainer`.
    """
    seeds = itertools.count(seed)
    first, *rest = hidden_units
    inputs = keras.Input(shape=(n_features,), name="inputs")
    x = dense_stack(inputs, [first], activation=activation, seeds=seeds, name="input")
    x = dense_stack(
        x, rest, activation=activation, dropout=dropout, seeds=seeds, name="hidden"
    )
    logits = seeded_dense(n_bins, seeds=seeds, dtype=output_dtype(), name="logits")(x)
    return keras.Model(inputs, logits, name=name)


@keras.saving.register_keras_serializable(package="skdeepad")
class DiffusionTimeTrainer(WrapperConfig, keras.Model):
    """Train a :func:`build_dte` network to tell the diffusion step of a noised sample.

    For every sample ``x`` of a batch, a step ``t`` is drawn uniformly from
    ``0, ..., n_steps - 1`` and the sample noised to ``x_t = x + sigma_t
    eps``, ``eps`` standard Gaussian, with ``sigma_t = sqrt(1 - abar_t)`` of
    the schedule (:func:`noise_scales`): as in the authors' code, the noise
    is added to the unscaled sample (no ``sqrt(abar_t)`` drift). The loss is
    the cross-entropy of the network's logits on ``x_t`` against the bin
    ``floor(t * n_bins / n_steps)``. Every step draws afresh, in training as
    at validation. Every backend.

    Parameters
    ----------
    network : keras.Model
        A model from :func:`build_dte`, with ``n_bins`` logits.
    n_steps : int, default=400
        The number of diffusion steps ``T``.
    beta_range : tuple of float, default=(1e-4, 0.01)
        The first and last ``beta_t`` of the linear schedule.
    seed : int, default=None
        Seeds the draws of ``t`` and of the noise.
    """

    def __init__(
        self,
        network,
        n_steps=400,
        beta_range=(1e-4, 0.01),
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.network = network
        self.n_steps = n_steps
        self.n_bins = network.output_shape[-1]
        _, noise = noise_scales(n_steps, beta_range)
        self._noise = noise.astype("float32")
        self.seed_generator = keras.random.SeedGenerator(seed)
        self._settings = {
            "n_steps": n_steps,
            "beta_range": tuple(beta_range),
            "seed": seed,
        }

    def call(self, x, training=False):
        n_rows = ops.shape(x)[0]
        t = keras.random.randint(
            (n_rows,), 0, self.n_steps, dtype="int32", seed=self.seed_generator
        )
        eps = keras.random.normal(ops.shape(x), dtype=x.dtype, seed=self.seed_generator)
        noise = ops.convert_to_tensor(self._noise, dtype=x.dtype)  # any dtype policy
        sigma = ops.expand_dims(ops.take(noise, t), -1)
        logits = self.network(x + sigma * eps, training=training)
        bins = ops.minimum((t * self.n_bins) // self.n_steps, self.n_bins - 1)
        return logits, bins

    def compute_loss(
        self, x=None, y=None, y_pred=None, sample_weight=None, training=True
    ):
        """The mean cross-entropy of the logits against the bins of the drawn steps."""
        logits, bins = y_pred
        return ops.mean(
            keras.losses.sparse_categorical_crossentropy(bins, logits, from_logits=True)
        )
