"""DevNet: a scoring network and the deviation loss (Pang et al., KDD 2019)."""

import itertools

import keras
from keras import ops

from .._dtypes import output_dtype
from .dense import dense_stack, seeded_dense

__all__ = ["DeviationLoss", "build_devnet"]


@keras.saving.register_keras_serializable(package="skdeepad")
class DeviationLoss(keras.losses.Loss):
    """The deviation loss of DevNet on anomaly scores.

    The score's deviation from a standard Gaussian prior of reference scores
    is ``dev = (score - mu_R) / sigma_R = score`` (``mu_R = 0``,
    ``sigma_R = 1``: the prior's exact moments, where the paper estimates
    them from 5,000 draws). A normal or unlabelled sample (``y_true`` 0)
    costs ``|dev|``, pulling its score to the prior's mean; a labelled
    anomaly (``y_true`` 1) costs ``max(0, margin - dev)``, pushing its score
    at least ``margin`` standard deviations above it. With the scores of
    several members, ``(batch, n_members)``, a sample's loss is the sum of
    its members' losses, so each member learns as it would alone.
    """

    def __init__(self, margin=5.0, name="deviation", **kwargs):
        super().__init__(name=name, **kwargs)
        self.margin = margin

    def call(self, y_true, y_pred):
        # One target per sample, broadcast over the members' scores if any.
        shape = (-1,) + (1,) * (len(y_pred.shape) - 1)
        anomalous = ops.cast(ops.reshape(y_true, shape), y_pred.dtype)
        loss = (1.0 - anomalous) * ops.abs(y_pred) + anomalous * ops.relu(
            self.margin - y_pred
        )
        # Members of an ensemble each get the gradient they would alone.
        return loss if len(y_pred.shape) == 1 else ops.sum(loss, axis=-1)

    def get_config(self):
        return {**super().get_config(), "margin": self.margin}


def build_devnet(
    n_features,
    hidden_units=(20,),
    *,
    activation="relu",
    l2=0.01,
    n_members=1,
    seed=0,
    name="devnet",
):
    """Build DevNet's scoring network: dense layers and a linear score.

    Parameters
    ----------
    n_features : int
        The width of the input.
    hidden_units : sequence of int, default=(20,)
        The hidden layers' widths (the paper's default network has one of 20).
    activation : str, default="relu"
        The activation of the hidden layers.
    l2 : float, default=0.01
        The weight of the L2 penalty on the hidden kernels.
    n_members : int, default=1
        The number of independent scoring networks (an ensemble trained in
        one model: each member has its own weights and its own loss term).
    seed : int, default=0
        Seeds every initialiser.
    name : str, default="devnet"
        The model's name.

    Returns
    -------
    model : keras.Model
        An uncompiled model mapping ``(batch, n_features)`` to ``(batch,)``
        anomaly scores, or ``(batch, n_members)`` with several members.
    """
    seeds = itertools.count(seed)
    dtype = output_dtype()
    inputs = keras.Input(shape=(n_features,), name="inputs")
    scores = []
    for member in range(n_members):
        prefix = "" if n_members == 1 else f"m{member}_"
        x = dense_stack(
            inputs, hidden_units, activation=activation, l2=l2, seeds=seeds,
            name=f"{prefix}hidden",
        )
        score = seeded_dense(1, seeds=seeds, dtype=dtype, name=f"{prefix}score")
        scores.append(score(x))
    if n_members == 1:
        outputs = keras.layers.Reshape((), dtype=dtype, name="flatten")(scores[0])
    else:
        outputs = keras.layers.Concatenate(dtype=dtype, name="scores")(scores)
    return keras.Model(inputs, outputs, name=name)
