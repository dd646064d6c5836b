"""DAGMM: a compression network, an estimation network and its mixture loss.

:func:`build_dagmm` builds the network, a plain functional model mapping ``x``
to ``[x_hat, z, gamma]``. :class:`DAGMMTrainer` wraps it for training only: its
``compute_loss`` adds the sample energy under the Gaussian mixture estimated
from the batch and the covariance penalty to the reconstruction error. It is
written with ``keras.ops`` and trains on every Keras backend.
"""

import itertools
import math

import keras
from keras import ops

from .._dtypes import output_dtype
from ._saving import WrapperConfig
from .dense import dense_stack, seeded_dense

__all__ = [
    "COVARIANCE_JITTER",
    "DAGMMTrainer",
    "Memberships",
    "ReconstructionFeatures",
    "build_dagmm",
    "mixture_energy",
    "mixture_parameters",
]

# Added to the diagonal of every covariance: this much absolute, plus this
# fraction of the mean variance, so that a component that collapses onto a
# line stays positive definite in float32, and the covariance penalty (and
# its gradient, ~1 / variance^2) stays far from overflow when every sample
# has the same features (constant data).
COVARIANCE_JITTER = (1e-3, 1e-3)


@keras.saving.register_keras_serializable(package="skdeepad")
class ReconstructionFeatures(keras.layers.Layer):
    """The relative Euclidean distance and cosine similarity of ``x`` and ``x_hat``.

    Called on ``[x, x_hat]`` of shape ``(batch, n_features)``, returns
    ``(batch, 2)``: ``||x - x_hat|| / sqrt(||x||^2 + 1)`` and ``x . x_hat /
    (||x|| ||x_hat||)``. The ``+ 1`` keeps the distance finite for a sample at
    the origin (the mean of standardised data), where DAGMM's plain
    ``||x - x_hat|| / ||x||`` has no bound; for ``||x|| >> 1`` the two agree.
    """

    def call(self, inputs):
        x, x_hat = inputs
        x_norm, x_hat_norm = _norm(x), _norm(x_hat)
        relative = _norm(x - x_hat) / ops.sqrt(ops.square(x_norm) + 1.0)
        cosine = ops.sum(x * x_hat, axis=-1) / ops.maximum(x_norm * x_hat_norm, 1e-12)
        return ops.stack([relative, cosine], axis=-1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0][0], 2)


def _norm(v):
    """The Euclidean norm of the last axis, with a zero gradient at zero (not NaN)."""
    return ops.sqrt(ops.maximum(ops.sum(ops.square(v), axis=-1), 1e-24))


@keras.saving.register_keras_serializable(package="skdeepad")
class Memberships(keras.layers.Layer):
    """The softmax of the last axis, which may have one entry (one component)."""

    def call(self, logits):
        return ops.exp(logits - ops.logsumexp(logits, axis=-1, keepdims=True))


def build_dagmm(
    n_features,
    hidden_units=(60, 30, 10, 1),
    *,
    estimation_units=(10,),
    n_components=4,
    activation="tanh",
    dropout=0.5,
    seed=0,
    name="dagmm",
):
    """Build DAGMM's compression and estimation networks as one model.

    The compression network is a dense autoencoder (encoder widths
    ``hidden_units``, the last is the code's dimension; the decoder mirrors
    them, linear output). The code is joined by the two
    :class:`ReconstructionFeatures` into ``z``; the estimation network (dense
    blocks of ``estimation_units`` with ``dropout``, then a softmax over
    ``n_components``) maps ``z`` to the mixture memberships ``gamma``.

    Parameters
    ----------
    n_features : int
        The width of the input and of the reconstruction.
    hidden_units : sequence of int, default=(60, 30, 10, 1)
        The encoder's widths; the last is the code's dimension.
    estimation_units : sequence of int, default=(10,)
        The estimation network's hidden widths.
    n_components : int, default=4
        The number of mixture components.
    activation : str, default="tanh"
        The activation of every hidden layer.
    dropout : float, default=0.5
        The dropout rate of the estimation network's hidden layers.
    seed : int, default=0
        Seeds every initialiser and dropout layer.
    name : str, default="dagmm"
        The model's name.

    Returns
    -------
    model : keras.Model
        An uncompiled model mapping ``x`` to ``[x_hat, z, gamma]``; train it
        with :class:`DAGMMTrainer`.
    """
    seeds = itertools.count(seed)
    *widths, code_dim = hidden_units
    inputs = keras.Input(shape=(n_features,), name="inputs")
    x = dense_stack(inputs, widths, activation=activation, seeds=seeds, name="encoder")
    code = seeded_dense(code_dim, seeds=seeds, name="code")(x)
    x = dense_stack(
        code, widths[::-1], activation=activation, seeds=seeds, name="decoder"
    )
    dtype = output_dtype()  # the outputs, in float32 at least
    x_hat = seeded_dense(n_features, seeds=seeds, dtype=dtype, name="reconstruction")(x)
    # the sums of squares overflow float16
    features = ReconstructionFeatures(dtype=dtype, name="reconstruction_features")(
        [inputs, x_hat]
    )
    z = keras.layers.Concatenate(dtype=dtype, name="z")([code, features])
    x = dense_stack(
        z,
        estimation_units,
        activation=activation,
        dropout=dropout,
        seeds=seeds,
        name="estimation",
    )
    logits = seeded_dense(
        n_components, seeds=seeds, dtype=dtype, name="membership_logits"
    )(x)
    gamma = Memberships(dtype=dtype, name="gamma")(logits)
    return keras.Model(inputs, [x_hat, z, gamma], name=name)


def mixture_parameters(z, gamma):
    """The mixture's weights, means and covariances from memberships ``gamma``.

    Returns ``(phi, mu, cov)`` of shapes ``(K,)``, ``(K, d)`` and ``(K, d, d)``,
    each covariance regularised on its diagonal.
    """
    counts = ops.sum(gamma, axis=0) + 1e-12
    phi = counts / ops.cast(ops.shape(z)[0], z.dtype)
    mu = ops.einsum("nk,nd->kd", gamma, z) / counts[:, None]
    diff = z[:, None, :] - mu[None]
    cov = ops.einsum("nk,nkd,nke->kde", gamma, diff, diff) / counts[:, None, None]
    variances = ops.diagonal(cov, axis1=-2, axis2=-1)
    absolute, relative = COVARIANCE_JITTER
    jitter = absolute + relative * ops.mean(variances, axis=-1)
    eye = ops.eye(ops.shape(z)[1], dtype=z.dtype)
    return phi, mu, cov + jitter[:, None, None] * eye


def mixture_energy(z, phi, mu, cov):
    """Each sample's energy ``-log sum_k phi_k N(z | mu_k, cov_k)``, shape ``(n,)``.

    Computed through Cholesky factors and a log-sum-exp: no determinant or
    inverse is formed.
    """
    chol = ops.cholesky(cov)  # (K, d, d)
    diff = ops.transpose(z[:, None, :] - mu[None], (1, 2, 0))  # (K, d, n)
    whitened = ops.solve_triangular(chol, diff, lower=True)
    mahalanobis = ops.sum(ops.square(whitened), axis=1)  # (K, n)
    half_log_det = ops.sum(ops.log(ops.diagonal(chol, axis1=-2, axis2=-1)), axis=-1)
    dim = ops.cast(ops.shape(z)[1], z.dtype)
    log_density = (
        -0.5 * mahalanobis - half_log_det[:, None] - 0.5 * dim * math.log(2 * math.pi)
    )
    return -ops.logsumexp(ops.log(phi)[:, None] + log_density, axis=0)


@keras.saving.register_keras_serializable(package="skdeepad")
class DAGMMTrainer(WrapperConfig, keras.Model):
    """Train a DAGMM network end to end on its mixture objective.

    The loss of a batch is the paper's, ``mean(||x - x_hat||^2) +
    energy_weight * mean(energy) + covariance_weight * sum_k sum_j 1 /
    cov_k[j, j]`` (each sample's squared error summed over its features,
    then averaged over the batch), the mixture being estimated from the
    batch's ``z`` and ``gamma`` (:func:`mixture_parameters`). Every backend.

    Parameters
    ----------
    network : keras.Model
        A model from :func:`build_dagmm`.
    energy_weight : float, default=0.1
        The weight of the sample energy (the paper's lambda_1).
    covariance_weight : float, default=0.005
        The weight of the covariance penalty (lambda_2).
    """

    def __init__(self, network, energy_weight=0.1, covariance_weight=0.005, **kwargs):
        super().__init__(**kwargs)
        self.network = network
        self.energy_weight = energy_weight
        self.covariance_weight = covariance_weight
        self._settings = {
            "energy_weight": energy_weight,
            "covariance_weight": covariance_weight,
        }

    def call(self, x, training=False):
        return self.network(x, training=training)

    def compute_loss(
        self, x=None, y=None, y_pred=None, sample_weight=None, training=True
    ):
        """The reconstruction error, weighted energy and covariance penalty."""
        # in floatx: a Cholesky in half precision fails (mixed precision)
        x, x_hat, z, gamma = (ops.cast(v, keras.config.floatx()) for v in (x, *y_pred))
        phi, mu, cov = mixture_parameters(z, gamma)
        penalty = ops.sum(1.0 / ops.diagonal(cov, axis1=-2, axis2=-1))
        return (
            ops.mean(ops.sum(ops.square(ops.subtract(x, x_hat)), axis=-1))
            + self.energy_weight * ops.mean(mixture_energy(z, phi, mu, cov))
            + self.covariance_weight * penalty
        )
