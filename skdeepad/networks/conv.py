"""Convolutional autoencoders for sequences (1-D) and images (2-D)."""

import itertools
import math

import keras

from .._dtypes import output_dtype
from .dense import finish_block, seeded_dense

__all__ = ["build_conv_autoencoder"]

# The Keras layers of each convolution rank: sequences are rank 1, images 2.
_LAYERS = {
    1: (
        keras.layers.Conv1D,
        keras.layers.Conv1DTranspose,
        keras.layers.ZeroPadding1D,
        keras.layers.Cropping1D,
    ),
    2: (
        keras.layers.Conv2D,
        keras.layers.Conv2DTranspose,
        keras.layers.ZeroPadding2D,
        keras.layers.Cropping2D,
    ),
}


def build_conv_autoencoder(
    input_shape,
    filters=(32, 16),
    *,
    kernel_size=3,
    latent_dim=None,
    activation="relu",
    dropout=0.0,
    batch_norm=False,
    seed=0,
    name="conv_autoencoder",
):
    """Build a convolutional autoencoder for sequences or images.

    The encoder is one strided convolution (stride 2) per entry of
    ``filters``, each halving the time axis (or the height and width); the
    decoder mirrors it with transposed convolutions, and a last convolution
    maps back to the input's channels. Inputs whose length is not a multiple
    of ``2 ** len(filters)`` are zero-padded at the end and the
    reconstruction cropped back, so any length works. With ``latent_dim``, a
    dense bottleneck of that width sits between encoder and decoder.

    Parameters
    ----------
    input_shape : tuple of int
        ``(timesteps, channels)`` for 1-D convolutions over sequences, or
        ``(height, width, channels)`` for 2-D convolutions over images.
    filters : sequence of int, default=(32, 16)
        The encoder's number of filters per layer.
    kernel_size : int, default=3
        The width of every convolution kernel (square for images).
    latent_dim : int or None, default=None
        The width of a dense bottleneck; None keeps the code convolutional.
    activation, dropout, batch_norm
        As in :func:`~skdeepad.networks.finish_block`.
    seed : int, default=0
        Seeds every initialiser and dropout layer.
    name : str, default="conv_autoencoder"
        The model's name.

    Returns
    -------
    model : keras.Model
        An uncompiled model mapping ``(batch, *input_shape)`` to the same shape.
    """
    rank = len(input_shape) - 1
    if rank not in _LAYERS:
        raise ValueError(
            "input_shape must be (timesteps, channels) or (height, width, "
            f"channels); got {input_shape}."
        )
    conv, conv_transpose, zero_padding, cropping = _LAYERS[rank]
    seeds = itertools.count(seed)
    block = dict(activation=activation, dropout=dropout, batch_norm=batch_norm)

    def convolution(layer, n_filters, strides, layer_name):
        return layer(
            n_filters,
            kernel_size,
            strides=strides,
            padding="same",
            use_bias=not batch_norm,
            kernel_initializer=keras.initializers.GlorotUniform(seed=next(seeds)),
            name=layer_name,
        )

    factor = 2 ** len(filters)
    padding = tuple((0, -size % factor) for size in input_shape[:-1])
    padded = any(after for _, after in padding)
    if rank == 1:
        padding = padding[0]

    inputs = keras.Input(shape=tuple(input_shape), name="inputs")
    x = zero_padding(padding, name="pad")(inputs) if padded else inputs
    for i, n_filters in enumerate(filters):
        x = convolution(conv, n_filters, 2, f"encoder_{i}")(x)
        x = finish_block(x, seeds=seeds, name=f"encoder_{i}", **block)
    if latent_dim is not None:
        code_shape = tuple(x.shape[1:])
        x = keras.layers.Flatten(name="flatten")(x)
        x = seeded_dense(latent_dim, seeds=seeds, name="latent")(x)
        x = finish_block(x, seeds=seeds, name="latent", **block)
        x = seeded_dense(math.prod(code_shape), seeds=seeds, name="expand")(x)
        x = finish_block(x, seeds=seeds, name="expand", **block)
        x = keras.layers.Reshape(code_shape, name="unflatten")(x)
    for i, n_filters in enumerate(filters[::-1]):
        x = convolution(conv_transpose, n_filters, 2, f"decoder_{i}")(x)
        x = finish_block(x, seeds=seeds, name=f"decoder_{i}", **block)
    x = conv(
        input_shape[-1],
        kernel_size,
        padding="same",
        kernel_initializer=keras.initializers.GlorotUniform(seed=next(seeds)),
        dtype=output_dtype(),
        name="reconstruction",
    )(x)
    outputs = cropping(padding, dtype=output_dtype(), name="crop")(x) if padded else x
    return keras.Model(inputs, outputs, name=name)
