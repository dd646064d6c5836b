"""Dense (fully connected) encoders, decoders and autoencoders."""

import itertools

import keras

from .._dtypes import output_dtype

__all__ = [
    "build_dense_autoencoder",
    "dense_stack",
    "finish_block",
    "seeded_dense",
]


def seeded_dense(units, *, seeds, use_bias=True, l2=0.0, dtype=None, name):
    """Return a ``Dense`` layer whose Glorot-uniform kernel takes the next seed.

    Parameters
    ----------
    units : int
        The layer's width.
    seeds : iterator of int
        Supplies the kernel initialiser's seed.
    use_bias : bool, default=True
        Whether the layer has a bias.
    l2 : float, default=0.0
        The weight of an L2 penalty on the kernel; 0 adds none.
    dtype : str or None, default=None
        The layer's dtype policy; None takes the global one.
    name : str
        The layer's name.
    """
    return keras.layers.Dense(
        units,
        use_bias=use_bias,
        kernel_initializer=keras.initializers.GlorotUniform(seed=next(seeds)),
        kernel_regularizer=keras.regularizers.L2(l2) if l2 > 0 else None,
        dtype=dtype,
        name=name,
    )


def finish_block(
    x, *, activation, dropout=0.0, batch_norm=False, center=True, seeds, name
):
    """Apply ``[BatchNormalization] -> activation -> [Dropout]`` to ``x``.

    The end of every hidden block, whatever its first layer (dense,
    convolution, recurrent).

    Parameters
    ----------
    x : KerasTensor
        The output of the block's first layer.
    activation : str or callable
        Any Keras activation.
    dropout : float, default=0.0
        The dropout rate; 0 adds no Dropout layer.
    batch_norm : bool, default=False
        Whether to normalise ``x`` before the activation.
    center : bool, default=True
        Whether batch normalisation learns an offset.
    seeds : iterator of int
        Supplies the dropout layer's seed.
    name : str
        The prefix of the layers' names.
    """
    if batch_norm:
        x = keras.layers.BatchNormalization(center=center, name=f"{name}_bn")(x)
    x = keras.layers.Activation(activation, name=f"{name}_act")(x)
    if dropout > 0:
        x = keras.layers.Dropout(dropout, seed=next(seeds), name=f"{name}_dropout")(x)
    return x


def dense_stack(
    x,
    units,
    *,
    activation="relu",
    dropout=0.0,
    batch_norm=False,
    use_bias=True,
    l2=0.0,
    seeds,
    name="dense",
):
    """Apply one dense block per entry of ``units`` to the tensor ``x``.

    Each block is ``Dense -> [BatchNormalization] -> activation -> [Dropout]``.

    Parameters
    ----------
    x : KerasTensor
        The input tensor.
    units : sequence of int
        The width of each block, in order.
    activation : str or callable, default="relu"
        Any Keras activation.
    dropout : float, default=0.0
        The dropout rate after each block; 0 adds no Dropout layer.
    batch_norm : bool, default=False
        Whether to normalise each block's pre-activations.
    use_bias : bool, default=True
        Whether the dense layers have a bias (Deep SVDD needs none).
    l2 : float, default=0.0
        The weight of an L2 penalty on each dense kernel; 0 adds none.
    seeds : iterator of int
        Supplies one seed per initialiser and dropout layer.
    name : str, default="dense"
        The prefix of the layers' names.

    Returns
    -------
    x : KerasTensor
        The output of the last block.
    """
    for i, width in enumerate(units):
        x = seeded_dense(
            width,
            seeds=seeds,
            use_bias=use_bias and not batch_norm,
            l2=l2,
            name=f"{name}_{i}",
        )(x)
        x = finish_block(
            x,
            activation=activation,
            dropout=dropout,
            batch_norm=batch_norm,
            center=use_bias,
            seeds=seeds,
            name=f"{name}_{i}",
        )
    return x


def build_dense_autoencoder(
    n_features,
    hidden_units=(64, 32),
    *,
    activation="relu",
    dropout=0.0,
    batch_norm=False,
    seed=0,
    name="dense_autoencoder",
):
    """Build a dense autoencoder with a mirrored decoder.

    ``hidden_units=(64, 32)`` gives encoder layers of 64 then 32 units (the
    bottleneck), a decoder layer of 64 units and a linear output layer of
    ``n_features`` units.

    Parameters
    ----------
    n_features : int
        The width of the input and of the reconstruction.
    hidden_units : sequence of int, default=(64, 32)
        The encoder's widths; the last is the bottleneck.
    activation, dropout, batch_norm
        As in :func:`dense_stack`.
    seed : int, default=0
        Seeds every initialiser and dropout layer.
    name : str, default="dense_autoencoder"
        The model's name.

    Returns
    -------
    model : keras.Model
        An uncompiled model mapping ``(batch, n_features)`` to the same shape.
    """
    seeds = itertools.count(seed)
    block = dict(activation=activation, dropout=dropout, batch_norm=batch_norm)
    inputs = keras.Input(shape=(n_features,), name="inputs")
    code = dense_stack(inputs, hidden_units, seeds=seeds, name="encoder", **block)
    x = dense_stack(code, hidden_units[-2::-1], seeds=seeds, name="decoder", **block)
    outputs = seeded_dense(
        n_features, seeds=seeds, dtype=output_dtype(), name="reconstruction"
    )(x)
    return keras.Model(inputs, outputs, name=name)

