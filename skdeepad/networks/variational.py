"""The variational autoencoder: a Gaussian encoder, a sampling layer, a decoder."""

import itertools

import keras
from keras import ops

from .._dtypes import at_least_float32, output_dtype
from .dense import dense_stack, seeded_dense

__all__ = ["GaussianSampling", "build_variational_autoencoder"]


@keras.saving.register_keras_serializable(package="skdeepad")
class GaussianSampling(keras.layers.Layer):
    """Draw ``z = mean + exp(log_var / 2) * eps`` and add the KL divergence loss.

    The reparameterisation trick: ``eps`` is standard normal noise from the
    layer's own seed generator, so gradients flow through ``mean`` and
    ``log_var``. At inference (``training=False``) the layer returns ``mean``.
    In training it adds ``kl_weight * KL(q(z|x) || N(0, I))``, summed over the
    latent dimensions and averaged over the batch, to the model's losses.

    Parameters
    ----------
    kl_weight : float, default=1.0
        The weight of the KL term in the loss.
    seed : int, default=None
        Seeds the noise.
    """

    def __init__(self, kl_weight=1.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.kl_weight = kl_weight
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs, training=False):
        mean, log_var = inputs
        # in float32 at least: exp(log_var) overflows float16 past log_var = 11
        m, v = (ops.cast(t, at_least_float32(t.dtype)) for t in (mean, log_var))
        kl = 0.5 * ops.sum(ops.exp(v) + ops.square(m) - 1.0 - v, axis=-1)
        # in floatx, as Keras sums the losses (kl is half under mixed precision)
        self.add_loss(ops.cast(self.kl_weight * ops.mean(kl), keras.config.floatx()))
        if not training:
            return mean
        eps = keras.random.normal(
            ops.shape(mean), dtype=mean.dtype, seed=self.seed_generator
        )
        return mean + ops.exp(0.5 * log_var) * eps

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        return {**super().get_config(), "kl_weight": self.kl_weight, "seed": self.seed}


def build_variational_autoencoder(
    n_features,
    hidden_units=(64, 8),
    *,
    kl_weight=1.0,
    activation="relu",
    dropout=0.0,
    batch_norm=False,
    seed=0,
    name="variational_autoencoder",
):
    """Build a dense variational autoencoder.

    ``hidden_units=(64, 8)`` gives an encoder ``n_features -> 64 -> (mean,
    log_var)`` of 8 latent dimensions each, a :class:`GaussianSampling` layer,
    and a decoder ``8 -> 64 -> n_features`` (linear output). The encoder and
    the decoder are nested models, ``model.get_layer("encoder")`` (inputs to
    ``[mean, log_var]``) and ``model.get_layer("decoder")`` (latent code to
    reconstruction), so they can be run apart.

    Parameters
    ----------
    n_features : int
        The width of the input and of the reconstruction.
    hidden_units : sequence of int, default=(64, 8)
        The encoder's widths; the last is the latent dimension.
    kl_weight : float, default=1.0
        The weight of the KL term (see :class:`GaussianSampling`).
    activation, dropout, batch_norm
        As in :func:`~skdeepad.networks.dense_stack`.
    seed : int, default=0
        Seeds every initialiser, dropout layer and the sampling noise.
    name : str, default="variational_autoencoder"
        The model's name.

    Returns
    -------
    model : keras.Model
        An uncompiled model mapping ``(batch, n_features)`` to its
        reconstruction; train it with a reconstruction loss, the KL term is
        added by the sampling layer.
    """
    seeds = itertools.count(seed)
    block = dict(activation=activation, dropout=dropout, batch_norm=batch_norm)
    *widths, latent_dim = hidden_units
    dtype = output_dtype()  # the code's moments, the KL term and the reconstruction

    inputs = keras.Input(shape=(n_features,), name="inputs")
    x = dense_stack(inputs, widths, seeds=seeds, name="encoder", **block)
    encoder = keras.Model(
        inputs,
        [
            seeded_dense(latent_dim, seeds=seeds, dtype=dtype, name="mean")(x),
            seeded_dense(latent_dim, seeds=seeds, dtype=dtype, name="log_var")(x),
        ],
        name="encoder",
    )
    code = keras.Input(shape=(latent_dim,), name="code")
    x = dense_stack(code, widths[::-1], seeds=seeds, name="decoder", **block)
    reconstruction = seeded_dense(
        n_features, seeds=seeds, dtype=dtype, name="reconstruction"
    )(x)
    decoder = keras.Model(code, reconstruction, name="decoder")

    sampling = GaussianSampling(
        kl_weight, seed=next(seeds), dtype=dtype, name="sampling"
    )
    outputs = decoder(sampling(encoder(inputs)))
    return keras.Model(inputs, outputs, name=name)
