"""LUNAR: a learned weighting of a sample's distances to its nearest neighbours.

:func:`build_lunar` builds the network of LUNAR's "weight" model: a dense
network reads a sample's sorted distances to its ``k`` nearest training
samples and returns ``k`` weights (a softmax); :class:`WeightedDistance` sums
the distances with them, and an affine map of that one value is the output,
trained towards 0 for training samples and 1 for negative samples.
Written with ``keras.ops``: every backend.
"""

import itertools

import keras
from keras import ops

from .._dtypes import output_dtype
from .dense import seeded_dense

__all__ = ["WeightedDistance", "build_lunar"]


@keras.saving.register_keras_serializable(package="skdeepad")
class WeightedDistance(keras.layers.Layer):
    """The distances averaged with softmax weights: ``sum_i softmax(w)_i d_i``.

    Called on ``[distances, logits]``, both ``(batch, k)``; returns ``(batch,
    1)``. The weights are positive and sum to one, so the result lies between
    the smallest and the largest of the distances.
    """

    def call(self, inputs):
        distances, logits = inputs
        weights = ops.softmax(logits, axis=-1)
        return ops.sum(weights * distances, axis=-1, keepdims=True)

    def compute_output_shape(self, input_shape):
        return (input_shape[0][0], 1)


def build_lunar(n_neighbors, hidden_units=(256, 256, 256), *, seed=0, name="lunar"):
    """Build LUNAR's weighting network.

    Dense ReLU blocks of ``hidden_units`` on the ``n_neighbors`` sorted
    distances, a layer normalisation, a linear layer of ``n_neighbors``
    logits and their softmax-weighted sum of the distances
    (:class:`WeightedDistance`), as in the authors' "weight" model; then an
    affine map of it, its slope started at 1, where the authors
    batch-normalise (the same ranks, and one function in training and
    validation).

    Parameters
    ----------
    n_neighbors : int
        The number ``k`` of distances a sample is described by.
    hidden_units : sequence of int, default=(256, 256, 256)
        The hidden widths.
    seed : int, default=0
        Seeds every initialiser.
    name : str, default="lunar"
        The model's name.

    Returns
    -------
    model : keras.Model
        An uncompiled model mapping ``(batch, n_neighbors)`` distances to
        ``(batch,)`` scores; train it by the mean squared error to 0 for
        normal samples and 1 for negative ones.
    """
    seeds = itertools.count(seed)
    distances = keras.Input(shape=(n_neighbors,), name="distances")
    x = distances
    for i, width in enumerate(hidden_units):
        x = seeded_dense(width, seeds=seeds, name=f"hidden_{i}")(x)
        x = keras.layers.Activation("relu", name=f"hidden_{i}_act")(x)
    x = keras.layers.LayerNormalization(name="norm")(x)
    dtype = output_dtype()  # the score's path: the logits on
    logits = seeded_dense(n_neighbors, seeds=seeds, dtype=dtype, name="weights")(x)
    score = WeightedDistance(dtype=dtype, name="weighted_distance")([distances, logits])
    # a learned affine map where the authors batch-normalise: the same ranks,
    # and the same function in training and inference (the validation loss
    # of a batch normalisation is off until its moving statistics catch up).
    # Its slope starts at 1, so larger distances start as more abnormal.
    score = keras.layers.Dense(
        1, kernel_initializer="ones", dtype=dtype, name="score_affine"
    )(score)
    score = keras.layers.Reshape((), dtype=dtype, name="score")(score)
    return keras.Model(distances, score, name=name)
