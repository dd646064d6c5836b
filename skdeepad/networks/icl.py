"""Internal contrastive learning (ICL): windows of features matched to the rest.

:func:`build_icl` builds a plain functional model mapping each sample to its
contrastive loss, which is both the training objective (through
:class:`ContrastiveLoss`) and the anomaly score. :class:`FeatureWindows` cuts
a sample into its windows and their complements; :class:`InternalContrast`
computes the loss from their embeddings. Written with ``keras.ops``: every
backend.
"""

import itertools

import keras
import numpy as np
from keras import ops

from .._dtypes import output_dtype
from .dense import seeded_dense

__all__ = [
    "ContrastiveLoss",
    "FeatureWindows",
    "InternalContrast",
    "UnitNorm",
    "build_icl",
    "icl_window_size",
]


def icl_window_size(n_features):
    """The authors' window size for ``n_features`` features, at most ``d - 1``.

    2 up to 40 features, 10 up to 160, then ``d - 150`` (so there are never
    more than 151 windows, nor complements wider than 150 features). One
    feature: 1 (the sample is padded with a constant, see :func:`build_icl`).
    """
    if n_features <= 40:
        size = 2
    elif n_features <= 160:
        size = 10
    else:
        size = n_features - 150
    return max(min(size, n_features - 1), 1)


@keras.saving.register_keras_serializable(package="skdeepad")
class FeatureWindows(keras.layers.Layer):
    """Cut samples into their windows of features and the complements.

    Called on ``(batch, n_features)``, returns ``[a, b]``: ``a`` of shape
    ``(batch, n_windows, window_size)`` holds the ``window_size`` consecutive
    features starting at each ``j = 0 .. n_features - window_size``, ``b`` of
    shape ``(batch, n_windows, n_features - window_size)`` the other features
    of the sample, in their order.
    """

    def __init__(self, n_features, window_size, **kwargs):
        super().__init__(**kwargs)
        self.n_features = int(n_features)
        self.window_size = int(window_size)
        if not 1 <= self.window_size < self.n_features:
            raise ValueError(
                "window_size must be in [1, n_features - 1] = "
                f"[1, {self.n_features - 1}]; got {self.window_size}."
            )
        starts = np.arange(self.n_features - self.window_size + 1)
        window = starts[:, None] + np.arange(self.window_size)
        everything = np.arange(self.n_features)
        rest = np.stack([np.setdiff1d(everything, row) for row in window])
        self._window_index = window.astype("int32")
        self._rest_index = rest.astype("int32")

    def call(self, x):
        return [
            ops.take(x, self._window_index, axis=1),
            ops.take(x, self._rest_index, axis=1),
        ]

    def compute_output_shape(self, input_shape):
        n_windows, size = self._window_index.shape
        return [
            (input_shape[0], n_windows, size),
            (input_shape[0], n_windows, self.n_features - size),
        ]

    def get_config(self):
        return {
            **super().get_config(),
            "n_features": self.n_features,
            "window_size": self.window_size,
        }


@keras.saving.register_keras_serializable(package="skdeepad")
class UnitNorm(keras.layers.Layer):
    """Scale to unit L2 norm along ``axis``, with a gradient that stays finite.

    ``keras.layers.UnitNormalization`` computes ``x * min(rsqrt(|x|^2),
    1e12)``: at ``x = 0`` the gradient of ``rsqrt`` is infinite, and on JAX
    the ``min`` does not stop it (ICL on one feature trained to NaN). Here
    the floor is taken before the root, ``x * rsqrt(max(|x|^2, 1e-12))``:
    the same values wherever ``|x|^2 > 1e-12``, a zero gradient to the floor.
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, x):
        squares = ops.sum(ops.square(x), axis=self.axis, keepdims=True)
        return x * ops.rsqrt(ops.maximum(squares, 1e-12))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


@keras.saving.register_keras_serializable(package="skdeepad")
class InternalContrast(keras.layers.Layer):
    """Each sample's mean cross-entropy of matching its complements to their windows.

    Called on ``[b_embedding, a_embedding]``, both ``(batch, n_windows,
    dim)`` and of unit norm, returns ``(batch,)``: for each window ``j`` the
    cross-entropy of the softmax over ``i`` of ``<b_j, a_i> / temperature``
    with ``j`` the right class, averaged over ``j``. Only windows of the same
    sample compete, so a sample's value does not depend on the batch.
    """

    def __init__(self, temperature=0.1, **kwargs):
        super().__init__(**kwargs)
        self.temperature = float(temperature)

    def call(self, inputs):
        b, a = inputs
        logits = ops.einsum("nje,nie->nji", b, a) / self.temperature
        matched = ops.sum(b * a, axis=-1) / self.temperature
        return ops.mean(ops.logsumexp(logits, axis=-1) - matched, axis=-1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0][0],)

    def get_config(self):
        return {**super().get_config(), "temperature": self.temperature}


@keras.saving.register_keras_serializable(package="skdeepad")
class ContrastiveLoss(keras.losses.Loss):
    """The mean of the network's output, the samples' contrastive losses.

    ``y_true`` is ignored.
    """

    def __init__(self, name="internal_contrastive", **kwargs):
        super().__init__(name=name, **kwargs)

    def call(self, y_true, y_pred):
        return y_pred


def _encoder(x, units, *, first_activation, batch_norm, seeds, name):
    """Dense blocks applied to every window; batch norm per window after each hidden."""
    for i, width in enumerate(units):
        last = i == len(units) - 1
        # the embedding, which the score compares, in float32 at least
        dtype = output_dtype() if last else None
        x = seeded_dense(width, seeds=seeds, dtype=dtype, name=f"{name}_{i}")(x)
        activation = first_activation if i == 0 else None
        if activation is None:
            x = keras.layers.LeakyReLU(0.2, dtype=dtype, name=f"{name}_{i}_act")(x)
        else:
            x = keras.layers.Activation(
                activation, dtype=dtype, name=f"{name}_{i}_act"
            )(x)
        if batch_norm and not last:
            x = keras.layers.BatchNormalization(axis=1, name=f"{name}_{i}_bn")(x)
    x = UnitNorm(axis=1, dtype=dtype, name=f"{name}_across_windows")(x)
    return UnitNorm(axis=-1, dtype=dtype, name=f"{name}_unit")(x)


def build_icl(
    n_features,
    hidden_units=(200, 400, 200),
    *,
    window_size=None,
    temperature=0.1,
    batch_norm=True,
    seed=0,
    name="icl",
):
    """Build ICL's two encoders and its contrastive loss as one model.

    Each sample is cut by :class:`FeatureWindows` into its windows ``a_j``
    and complements ``b_j``. The complement encoder (dense blocks of
    ``hidden_units``: tanh first, then leaky ReLU of slope 0.2) and the
    window encoder (widths a quarter of those, the last one the same, leaky
    ReLU) embed them, each window with the same weights; hidden blocks are
    batch-normalised per window. Embeddings are normalised across the windows
    of a sample and then to unit length, as in the authors' code, and
    :class:`InternalContrast` returns each sample's contrastive loss.

    Parameters
    ----------
    n_features : int
        The input's width. A single feature is padded with a constant 0,
        so that there are two windows to match.
    hidden_units : sequence of int, default=(200, 400, 200)
        The complement encoder's widths; the last is the embedding's
        dimension.
    window_size : int or None, default=None
        The width ``k`` of the windows, in ``[1, n_features - 1]``; None
        takes :func:`icl_window_size`.
    temperature : float, default=0.1
        Divides the similarities before the softmax.
    batch_norm : bool, default=True
        Whether to batch-normalise the hidden blocks, per window.
    seed : int, default=0
        Seeds every initialiser.
    name : str, default="icl"
        The model's name.

    Returns
    -------
    model : keras.Model
        An uncompiled model mapping ``(batch, n_features)`` samples to their
        ``(batch,)`` contrastive losses; train it with
        :class:`ContrastiveLoss`.
    """
    seeds = itertools.count(seed)
    inputs = keras.Input(shape=(n_features,), name="inputs")
    x = inputs
    if n_features == 1:
        x = keras.layers.ZeroPadding1D((0, 1), name="pad")(
            keras.layers.Reshape((1, 1))(x)
        )
        x = keras.layers.Flatten(name="padded")(x)
        n_features = 2
    if window_size is None:
        window_size = icl_window_size(n_features)
    windows, rest = FeatureWindows(n_features, window_size, name="windows")(x)
    hidden_units = tuple(hidden_units)
    window_units = (*(max(u // 4, 1) for u in hidden_units[:-1]), hidden_units[-1])
    b = _encoder(
        rest,
        hidden_units,
        first_activation="tanh",
        batch_norm=batch_norm,
        seeds=seeds,
        name="rest_encoder",
    )
    a = _encoder(
        windows,
        window_units,
        first_activation=None,
        batch_norm=batch_norm,
        seeds=seeds,
        name="window_encoder",
    )
    loss = InternalContrast(temperature, dtype=output_dtype(), name="contrast")([b, a])
    return keras.Model(inputs, loss, name=name)
