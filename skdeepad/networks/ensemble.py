"""Ensembles of independent dense networks evaluated as one Keras model."""

import itertools
import math

import keras
from keras import ops

from .._dtypes import output_dtype

__all__ = ["EnsembleDense", "build_random_ensemble"]


@keras.saving.register_keras_serializable(package="skdeepad")
class EnsembleDense(keras.layers.Layer):
    """``n_members`` independent dense layers applied side by side.

    The kernel has shape ``(n_members, input_dim, units)``. An input of shape
    ``(batch, input_dim)`` is fed to every member; an input of shape
    ``(batch, n_members, input_dim)`` feeds member ``e`` its own slice
    ``[:, e]``. The output has shape ``(batch, n_members, units)``. No bias:
    the ensemble's diversity comes from the kernels alone.

    Parameters
    ----------
    n_members : int
        The number of independent layers.
    units : int
        The output width of each.
    seed : int, default=None
        Seeds the kernels, drawn from Glorot's uniform distribution of each
        member's own fan-in and fan-out.
    """

    def __init__(self, n_members, units, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.n_members = n_members
        self.units = units
        self.seed = seed

    def build(self, input_shape):
        fan_in = input_shape[-1]
        limit = math.sqrt(6.0 / (fan_in + self.units))
        self.kernel = self.add_weight(
            shape=(self.n_members, fan_in, self.units),
            initializer=keras.initializers.RandomUniform(-limit, limit, seed=self.seed),
            name="kernel",
        )

    def call(self, x):
        if len(x.shape) == 2:
            return ops.einsum("ni,eio->neo", x, self.kernel)
        return ops.einsum("nei,eio->neo", x, self.kernel)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n_members, self.units)

    def get_config(self):
        return {
            **super().get_config(),
            "n_members": self.n_members,
            "units": self.units,
            "seed": self.seed,
        }


def build_random_ensemble(
    n_features,
    n_members,
    hidden_units=(500, 100, 20),
    *,
    activation="tanh",
    seed=0,
    name="random_ensemble",
):
    """Build ``n_members`` randomly initialised dense networks as one model.

    Each member maps ``n_features`` through the hidden widths (with
    ``activation``) to a linear representation of ``hidden_units[-1]``
    dimensions. The model is meant to be used untrained, as the random
    representations of deep isolation forest.

    Parameters
    ----------
    n_features : int
        The width of the input.
    n_members : int
        The number of networks.
    hidden_units : sequence of int, default=(500, 100, 20)
        Every member's widths; the last is the representation's dimension.
    activation : str, default="tanh"
        The activation of the hidden layers.
    seed : int, default=0
        Seeds the kernels.
    name : str, default="random_ensemble"
        The model's name.

    Returns
    -------
    model : keras.Model
        A model mapping ``(batch, n_features)`` to ``(batch, n_members,
        hidden_units[-1])``.
    """
    seeds = itertools.count(seed)
    inputs = keras.Input(shape=(n_features,), name="inputs")
    x = inputs
    for i, units in enumerate(hidden_units):
        if i:
            x = keras.layers.Activation(activation, name=f"member_{i - 1}_act")(x)
        last = i == len(hidden_units) - 1  # the representation, in float32 at least
        x = EnsembleDense(
            n_members,
            units,
            seed=next(seeds),
            dtype=output_dtype() if last else None,
            name=f"member_{i}",
        )(x)
    return keras.Model(inputs, x, name=name)
