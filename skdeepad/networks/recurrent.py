"""Recurrent (LSTM / GRU) sequence autoencoders and forecasters."""

import itertools

import keras

from .._dtypes import output_dtype
from .dense import seeded_dense

__all__ = [
    "build_recurrent_autoencoder",
    "build_recurrent_forecaster",
    "recurrent_stack",
]

_CELLS = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU}


def recurrent_stack(
    x, units, *, cell="lstm", dropout=0.0, return_sequences, seeds, name
):
    """Apply one recurrent layer per entry of ``units`` to the sequence ``x``.

    Parameters
    ----------
    x : KerasTensor
        A sequence, ``(batch, timesteps, features)``.
    units : sequence of int
        The state size of each layer, in order.
    cell : {"lstm", "gru"}, default="lstm"
        The recurrent layer.
    dropout : float, default=0.0
        The dropout rate on each layer's inputs.
    return_sequences : bool
        Whether the last layer returns its whole output sequence (the
        others always do) or only its last output.
    seeds : iterator of int
        Supplies the seeds of the initialisers and of dropout.
    name : str
        The prefix of the layers' names.

    Returns
    -------
    x : KerasTensor
        The last layer's output.
    """
    if cell not in _CELLS:
        raise ValueError(f"cell must be one of {sorted(_CELLS)}; got {cell!r}.")
    for i, width in enumerate(units):
        x = _CELLS[cell](
            width,
            dropout=dropout,
            return_sequences=return_sequences or i < len(units) - 1,
            kernel_initializer=keras.initializers.GlorotUniform(seed=next(seeds)),
            recurrent_initializer=keras.initializers.Orthogonal(seed=next(seeds)),
            seed=next(seeds),
            name=f"{name}_{i}",
        )(x)
    return x


def build_recurrent_autoencoder(
    input_shape,
    units=(64,),
    *,
    cell="lstm",
    dropout=0.0,
    seed=0,
    name="recurrent_autoencoder",
):
    """Build a sequence-to-sequence recurrent autoencoder.

    The encoder reads the sequence and keeps its last output, a code of
    ``units[-1]`` values; the decoder is fed that code at every time step,
    runs the layers of ``units`` in reverse order and maps each step back to
    the input's channels.

    Parameters
    ----------
    input_shape : tuple of int
        ``(timesteps, channels)``.
    units : sequence of int, default=(64,)
        The encoder's state sizes; the last is the code's width.
    cell, dropout
        As in :func:`recurrent_stack`.
    seed : int, default=0
        Seeds every initialiser and dropout.
    name : str, default="recurrent_autoencoder"
        The model's name.

    Returns
    -------
    model : keras.Model
        An uncompiled model mapping ``(batch, timesteps, channels)`` to the
        same shape.
    """
    timesteps, channels = input_shape
    seeds = itertools.count(seed)
    layers = dict(cell=cell, dropout=dropout, seeds=seeds)
    inputs = keras.Input(shape=(timesteps, channels), name="inputs")
    code = recurrent_stack(
        inputs, units, return_sequences=False, name="encoder", **layers
    )
    x = keras.layers.RepeatVector(timesteps, name="repeat")(code)
    x = recurrent_stack(x, units[::-1], return_sequences=True, name="decoder", **layers)
    outputs = seeded_dense(
        channels, seeds=seeds, dtype=output_dtype(), name="reconstruction"
    )(x)
    return keras.Model(inputs, outputs, name=name)


def build_recurrent_forecaster(
    input_shape,
    horizon=1,
    units=(64,),
    *,
    cell="lstm",
    dropout=0.0,
    seed=0,
    name="recurrent_forecaster",
):
    """Build a recurrent network that forecasts the next ``horizon`` steps.

    Parameters
    ----------
    input_shape : tuple of int
        ``(timesteps, channels)`` of the history it reads.
    horizon : int, default=1
        How many following steps it predicts.
    units : sequence of int, default=(64,)
        The state sizes of the recurrent layers.
    cell, dropout
        As in :func:`recurrent_stack`.
    seed : int, default=0
        Seeds every initialiser and dropout.
    name : str, default="recurrent_forecaster"
        The model's name.

    Returns
    -------
    model : keras.Model
        An uncompiled model mapping ``(batch, timesteps, channels)`` to
        ``(batch, horizon, channels)``.
    """
    timesteps, channels = input_shape
    seeds = itertools.count(seed)
    inputs = keras.Input(shape=(timesteps, channels), name="inputs")
    x = recurrent_stack(
        inputs,
        units,
        cell=cell,
        dropout=dropout,
        return_sequences=False,
        seeds=seeds,
        name="encoder",
    )
    dtype = output_dtype()
    x = seeded_dense(horizon * channels, seeds=seeds, dtype=dtype, name="forecast")(x)
    outputs = keras.layers.Reshape((horizon, channels), dtype=dtype, name="steps")(x)
    return keras.Model(inputs, outputs, name=name)
