"""Self-attention (Transformer) blocks and a Transformer sequence autoencoder."""

import itertools

import keras
from keras import ops

from .._dtypes import output_dtype
from .dense import seeded_dense

__all__ = [
    "SinePositionEncoding",
    "build_transformer_autoencoder",
    "transformer_block",
]


@keras.saving.register_keras_serializable(package="skdeepad")
class SinePositionEncoding(keras.layers.Layer):
    """Add the sinusoidal position encoding of Vaswani et al. (2017).

    Position ``p`` and feature ``2i`` (or ``2i + 1``) get
    ``sin(p / max_wavelength ** (2i / d))`` (or ``cos``), ``d`` the feature
    width, so attention can tell the time steps apart.

    Parameters
    ----------
    max_wavelength : float, default=10000.0
        The longest wavelength of the encoding.
    """

    def __init__(self, max_wavelength=10000.0, **kwargs):
        super().__init__(**kwargs)
        self.max_wavelength = max_wavelength

    def call(self, inputs):
        timesteps, width = ops.shape(inputs)[-2], ops.shape(inputs)[-1]
        position = ops.cast(ops.arange(timesteps), self.compute_dtype)[:, None]
        feature = ops.arange(width)
        pair = ops.cast(feature // 2 * 2, self.compute_dtype)
        angle = position / ops.power(
            ops.cast(self.max_wavelength, self.compute_dtype), pair / width
        )
        encoding = ops.where(feature % 2 == 0, ops.sin(angle), ops.cos(angle))
        return inputs + encoding

    def get_config(self):
        return {**super().get_config(), "max_wavelength": self.max_wavelength}


def transformer_block(x, *, num_heads, ff_units, dropout=0.0, seeds, name):
    """Apply one post-norm Transformer encoder block to the sequence ``x``.

    Multi-head self-attention and a two-layer feed-forward network, each
    followed by dropout, a residual connection and layer normalisation.

    Parameters
    ----------
    x : KerasTensor
        A sequence, ``(batch, timesteps, width)``; ``width`` must be a
        multiple of ``num_heads``.
    num_heads : int
        The attention heads; each attends over ``width // num_heads`` values.
    ff_units : int
        The width of the feed-forward network's hidden layer.
    dropout : float, default=0.0
        The dropout rate of attention weights and both sublayers' outputs.
    seeds : iterator of int
        Supplies the seeds of the initialisers and of dropout.
    name : str
        The prefix of the layers' names.

    Returns
    -------
    x : KerasTensor
        The block's output, the shape of ``x``.
    """
    width = x.shape[-1]
    if width % num_heads:
        raise ValueError(
            f"The model width ({width}) must be a multiple of num_heads ({num_heads})."
        )
    attention = keras.layers.MultiHeadAttention(
        num_heads,
        width // num_heads,
        dropout=dropout,
        seed=next(seeds),
        name=f"{name}_attention",
    )
    h = attention(x, x)
    _seed_kernels(attention, seeds)
    x = _add_and_norm(x, h, dropout=dropout, seeds=seeds, name=f"{name}_attention")
    h = seeded_dense(ff_units, seeds=seeds, name=f"{name}_ff_0")(x)
    h = keras.layers.Activation("gelu", name=f"{name}_ff_0_act")(h)
    h = seeded_dense(width, seeds=seeds, name=f"{name}_ff_1")(h)
    return _add_and_norm(x, h, dropout=dropout, seeds=seeds, name=f"{name}_ff")


def _seed_kernels(layer, seeds):
    """Give each kernel of a built layer its own seeded Glorot initial value.

    ``MultiHeadAttention`` clones one initialiser for its query, key, value
    and output projections, so one seeded initialiser would give the query
    and key the same initial kernel; drawing each from its own seed keeps
    the fit reproducible without that symmetry.
    """
    for variable in layer.weights:
        if variable.path.endswith("kernel"):
            initializer = keras.initializers.GlorotUniform(seed=next(seeds))
            variable.assign(initializer(variable.shape, variable.dtype))


def _add_and_norm(x, h, *, dropout, seeds, name):
    if dropout > 0:
        h = keras.layers.Dropout(dropout, seed=next(seeds), name=f"{name}_dropout")(h)
    x = keras.layers.Add(name=f"{name}_residual")([x, h])
    return keras.layers.LayerNormalization(name=f"{name}_norm")(x)


def build_transformer_autoencoder(
    input_shape,
    *,
    model_dim=32,
    num_heads=4,
    num_layers=2,
    ff_units=64,
    latent_dim=16,
    dropout=0.0,
    seed=0,
    name="transformer_autoencoder",
):
    """Build a Transformer autoencoder of sequences with a latent bottleneck.

    The encoder projects each step to ``model_dim`` values, adds the sine
    position encoding and applies ``num_layers`` Transformer blocks; the
    steps are averaged into one code of ``latent_dim`` values. The decoder
    repeats the code at every step, adds the position encoding again,
    applies as many blocks and maps each step back to the input's channels.
    Attention alone could copy its input; the bottleneck makes the network
    learn what normal sequences share.

    Parameters
    ----------
    input_shape : tuple of int
        ``(timesteps, channels)``.
    model_dim : int, default=32
        The width of every step inside the blocks; a multiple of ``num_heads``.
    num_heads : int, default=4
        The attention heads of every block.
    num_layers : int, default=2
        The blocks of the encoder, and of the decoder.
    ff_units : int, default=64
        The hidden width of each block's feed-forward network.
    latent_dim : int, default=16
        The width of the code.
    dropout : float, default=0.0
        As in :func:`transformer_block`.
    seed : int, default=0
        Seeds every initialiser and dropout.
    name : str, default="transformer_autoencoder"
        The model's name.

    Returns
    -------
    model : keras.Model
        An uncompiled model mapping ``(batch, timesteps, channels)`` to the
        same shape.
    """
    timesteps, channels = input_shape
    seeds = itertools.count(seed)
    block = dict(num_heads=num_heads, ff_units=ff_units, dropout=dropout, seeds=seeds)
    inputs = keras.Input(shape=(timesteps, channels), name="inputs")
    x = seeded_dense(model_dim, seeds=seeds, name="embedding")(inputs)
    x = SinePositionEncoding(name="encoder_position")(x)
    for i in range(num_layers):
        x = transformer_block(x, name=f"encoder_{i}", **block)
    x = keras.layers.GlobalAveragePooling1D(name="pool")(x)
    code = seeded_dense(latent_dim, seeds=seeds, name="code")(x)
    x = seeded_dense(model_dim, seeds=seeds, name="expand")(code)
    x = keras.layers.RepeatVector(timesteps, name="repeat")(x)
    x = SinePositionEncoding(name="decoder_position")(x)
    for i in range(num_layers):
        x = transformer_block(x, name=f"decoder_{i}", **block)
    outputs = seeded_dense(
        channels, seeds=seeds, dtype=output_dtype(), name="reconstruction"
    )(x)
    return keras.Model(inputs, outputs, name=name)
