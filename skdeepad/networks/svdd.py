"""Deep SVDD: a bias-free encoder and the squared distance to a fixed centre."""

import itertools

import keras
import numpy as np
from keras import ops

from .._dtypes import output_dtype
from .dense import dense_stack, seeded_dense

__all__ = [
    "DeepSADLoss",
    "RadiusUpdate",
    "SoftBoundaryLoss",
    "SquaredDistance",
    "build_deep_svdd",
]


@keras.saving.register_keras_serializable(package="skdeepad")
class SquaredDistance(keras.layers.Layer):
    """Output ``||x - center||^2 - radius^2`` for each row of ``x``.

    ``center`` and ``radius`` are non-trainable weights: the centre is fixed
    before training (from an initial forward pass), the radius is 0 for the
    one-class objective and set between epochs by :class:`RadiusUpdate` for
    the soft-boundary one.
    """

    def build(self, input_shape):
        self.center = self.add_weight(
            shape=(input_shape[-1],),
            initializer="zeros",
            trainable=False,
            name="center",
        )
        self.radius = self.add_weight(
            shape=(), initializer="zeros", trainable=False, name="radius"
        )

    def call(self, x):
        return ops.sum(ops.square(x - self.center), axis=-1) - ops.square(self.radius)

    def compute_output_shape(self, input_shape):
        return input_shape[:-1]


@keras.saving.register_keras_serializable(package="skdeepad")
class SoftBoundaryLoss(keras.losses.Loss):
    """Deep SVDD's loss on the output of :class:`SquaredDistance`.

    ``mean(max(0, y_pred)) / nu``: the mean squared distance beyond the
    radius, weighted by ``1 / nu`` (the radius term of the objective is a
    constant for the network's weights). With the radius at 0 and ``nu=1``
    it is the one-class objective, the mean squared distance to the centre.
    ``y_true`` is ignored.
    """

    def __init__(self, nu=1.0, name="soft_boundary", **kwargs):
        super().__init__(name=name, **kwargs)
        self.nu = nu

    def call(self, y_true, y_pred):
        return ops.relu(y_pred) / self.nu

    def get_config(self):
        return {**super().get_config(), "nu": self.nu}


@keras.saving.register_keras_serializable(package="skdeepad")
class DeepSADLoss(keras.losses.Loss):
    """Deep SAD's loss on the squared distance output by :class:`SquaredDistance`.

    ``y_true`` holds the partial labels: an unlabelled sample (0) costs its
    squared distance ``d``, as in Deep SVDD; a labelled one costs
    ``eta * (d + eps) ** y``, so a known normal (+1) is pulled to the centre
    and a known anomaly (-1) pushed away from it (Ruff et al., 2020, Eq. 6).
    """

    def __init__(self, eta=1.0, eps=1e-6, name="deep_sad", **kwargs):
        super().__init__(name=name, **kwargs)
        self.eta = eta
        self.eps = eps

    def call(self, y_true, y_pred):
        labels = ops.cast(ops.reshape(y_true, ops.shape(y_pred)), y_pred.dtype)
        labelled = self.eta * ops.power(y_pred + self.eps, labels)
        return ops.where(labels == 0, y_pred, labelled)

    def get_config(self):
        return {**super().get_config(), "eta": self.eta, "eps": self.eps}


class RadiusUpdate(keras.callbacks.Callback):
    """Set the radius to the ``1 - nu`` quantile of the training distances.

    Called after every epoch from ``warmup`` epochs on (Ruff et al. fix the
    radius during the first epochs, then solve for it between epochs).
    :meth:`solve` sets it for any weights, such as those early stopping
    restores at the end of training.
    """

    def __init__(self, X, nu, warmup=10):
        super().__init__()
        self.X = X
        self.nu = nu
        self.warmup = warmup

    def on_epoch_end(self, epoch, logs=None):
        if epoch + 1 >= self.warmup:
            self.solve(self.model)

    def solve(self, model):
        """Set the radius of ``model`` (a Deep SVDD network) for its weights."""
        distance = model.get_layer("distance")
        codes = model.get_layer("encoder").predict(self.X, batch_size=8192, verbose=0)
        center = keras.ops.convert_to_numpy(distance.center)
        squared = np.sum((codes - center) ** 2, axis=1)
        distance.radius.assign(float(np.sqrt(np.quantile(squared, 1 - self.nu))))


def build_deep_svdd(
    n_features,
    hidden_units=(64, 8),
    *,
    activation="leaky_relu",
    batch_norm=False,
    seed=0,
    name="deep_svdd",
):
    """Build Deep SVDD's network: a bias-free dense encoder and a distance.

    The encoder (nested model ``"encoder"``) maps ``n_features`` through the
    hidden widths to a linear code of ``hidden_units[-1]`` dimensions; no
    layer has a bias and batch normalisation, if any, has no offset, so the
    network cannot map every input to the centre (the collapse of Ruff et
    al., Proposition 2). The model's output is the :class:`SquaredDistance`
    (layer ``"distance"``) of the code to the centre, which starts at 0: set
    it from the data before training.

    Parameters
    ----------
    n_features : int
        The width of the input.
    hidden_units : sequence of int, default=(64, 8)
        The encoder's widths; the last is the code's dimension.
    activation : str, default="leaky_relu"
        The activation of the hidden layers.
    batch_norm : bool, default=False
        Whether to batch-normalise the hidden layers (without offset).
    seed : int, default=0
        Seeds every initialiser.
    name : str, default="deep_svdd"
        The model's name.

    Returns
    -------
    model : keras.Model
        An uncompiled model mapping ``(batch, n_features)`` to ``(batch,)``.
    """
    seeds = itertools.count(seed)
    *widths, code_dim = hidden_units
    inputs = keras.Input(shape=(n_features,), name="inputs")
    x = dense_stack(
        inputs, widths, activation=activation, batch_norm=batch_norm,
        use_bias=False, seeds=seeds, name="hidden",
    )
    dtype = output_dtype()  # the code and its distance: the score
    code = seeded_dense(
        code_dim, seeds=seeds, use_bias=False, dtype=dtype, name="code"
    )(x)
    encoder = keras.Model(inputs, code, name="encoder")
    outputs = SquaredDistance(dtype=dtype, name="distance")(encoder(inputs))
    return keras.Model(inputs, outputs, name=name)
