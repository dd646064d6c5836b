import keras
import numpy as np
import pytest
from scipy.special import logsumexp
from scipy.stats import multivariate_normal
from sklearn.metrics import roc_auc_score

from skdeepad import DAGMM
from skdeepad.networks import ReconstructionFeatures
from skdeepad.networks.dagmm import mixture_energy, mixture_parameters

FAST = {"hidden_units": (8, 4, 1), "estimation_units": (6,), "epochs": 5}


@pytest.fixture(scope="module")
def X():
    return np.random.RandomState(0).normal(size=(300, 6))


@pytest.fixture(scope="module")
def fitted(X):
    return DAGMM(**FAST, n_components=3, random_state=0).fit(X)


def _z(detector, X):
    outputs = detector.network_(detector.scaler_.transform(X).astype("float32"))
    return keras.ops.convert_to_numpy(outputs[1]).astype(np.float64)


def test_network_maps_samples_to_reconstruction_features_and_memberships(X, fitted):
    x_hat, z, gamma = (
        keras.ops.convert_to_numpy(o) for o in fitted.network_(X[:10].astype("float32"))
    )
    assert x_hat.shape == (10, 6)
    assert z.shape == (10, 1 + 2)  # the code, relative distance, cosine
    np.testing.assert_allclose(gamma.sum(axis=1), 1.0, rtol=1e-5)
    assert np.all(gamma > 0)


def test_reconstruction_features():
    x = np.array([[3.0, 4.0], [0.0, 0.0]], dtype="float32")
    x_hat = np.array([[3.0, 0.0], [1.0, 0.0]], dtype="float32")
    features = keras.ops.convert_to_numpy(ReconstructionFeatures()([x, x_hat]))
    np.testing.assert_allclose(
        features,
        [[4.0 / np.sqrt(26.0), 9.0 / 15.0], [1.0, 0.0]],  # at the origin: finite
        rtol=1e-6,
    )


def test_mixture_is_estimated_on_the_whole_training_set(X, fitted):
    gamma = keras.ops.convert_to_numpy(
        fitted.network_(fitted.scaler_.transform(X).astype("float32"))[2]
    ).astype(np.float64)
    z = _z(fitted, X)
    assert fitted.weights_.shape == (3,)
    np.testing.assert_allclose(fitted.weights_, gamma.mean(axis=0), rtol=1e-6)
    np.testing.assert_allclose(
        fitted.means_, gamma.T @ z / gamma.sum(axis=0)[:, None], rtol=1e-5, atol=1e-8
    )
    for cov, chol in zip(fitted.covariances_, fitted.precisions_cholesky_, strict=True):
        np.testing.assert_allclose(cov, cov.T)
        assert np.all(np.linalg.eigvalsh(cov) > 0)
        np.testing.assert_allclose(chol @ chol.T, np.linalg.inv(cov), rtol=1e-6)


def test_score_is_minus_the_energy_under_the_mixture(X, fitted):
    z = _z(fitted, X[:20])
    log_density = np.column_stack(
        [
            multivariate_normal(mean, cov).logpdf(z)
            for mean, cov in zip(fitted.means_, fitted.covariances_, strict=True)
        ]
    )
    expected = logsumexp(np.log(fitted.weights_) + log_density, axis=1)
    np.testing.assert_allclose(fitted.score_samples(X[:20]), expected, rtol=1e-5)


def test_score_matches_the_energy_from_the_precision_cholesky_factors(X, fitted):
    # The hand-written energy DAGMM scored with before it used SciPy's logpdf,
    # from the precisions' Cholesky factors as in sklearn.mixture.
    z = _z(fitted, X)
    chol = fitted.precisions_cholesky_
    whitened = np.einsum("nd,kde->nke", z, chol) - np.einsum(
        "kd,kde->ke", fitted.means_, chol
    )
    log_det = np.sum(np.log(np.diagonal(chol, axis1=1, axis2=2)), axis=1)
    log_density = (
        -0.5 * (z.shape[1] * np.log(2 * np.pi) + np.sum(whitened**2, axis=2))
        + log_det
    )
    energy = -logsumexp(np.log(fitted.weights_) + log_density, axis=1)
    np.testing.assert_allclose(-fitted.score_samples(X), energy, rtol=1e-10)


def test_training_energy_matches_scipy():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(50, 3)).astype("float32")
    logits = rng.normal(size=(50, 2)).astype("float32")
    gamma = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    phi, mu, cov = (keras.ops.convert_to_numpy(p) for p in mixture_parameters(z, gamma))
    np.testing.assert_allclose(phi, gamma.mean(axis=0), rtol=1e-5)
    energy = keras.ops.convert_to_numpy(mixture_energy(z, phi, mu, cov))
    density = sum(
        w * multivariate_normal(m, c).pdf(z)
        for w, m, c in zip(phi, mu, cov, strict=True)
    )
    np.testing.assert_allclose(energy, -np.log(density), rtol=1e-4)


def test_finds_samples_off_the_normal_manifold():
    # normal data lies on a 1-D curve in 4-D; the anomalies are spread around it
    rng = np.random.default_rng(0)
    t = rng.uniform(-1, 1, size=(600, 1))
    normal = np.hstack([t, t**2, np.sin(3 * t), np.cos(3 * t)]) + rng.normal(
        0, 0.02, size=(600, 4)
    )
    anomalies = rng.uniform(-3, 3, size=(30, 4))
    X = np.vstack([normal, anomalies])
    y = np.r_[np.zeros(600), np.ones(30)]
    detector = DAGMM(epochs=30, random_state=0).fit(normal)
    # 0.82 measured: the relative distance (DAGMM's own feature) is scale-free,
    # so a far sample reconstructed in proportion looks normal (an autoencoder's
    # plain error scores 0.99 here); a random score is 0.5
    assert roc_auc_score(y, -detector.score_samples(X)) > 0.75


def test_one_component_is_a_single_gaussian(X):
    detector = DAGMM(**FAST, n_components=1, random_state=0).fit(X)
    np.testing.assert_allclose(detector.weights_, [1.0])
    assert np.all(np.isfinite(detector.score_samples(X)))


def test_a_covariance_gone_nan_is_reported_as_divergence():
    # values near float32's limit overflow the features: Cholesky meets NaN
    X = np.random.default_rng(0).standard_normal((300, 4)) * 5e18
    detector = DAGMM(
        hidden_units=(8, 2),
        estimation_units=(4,),
        epochs=3,
        batch_size=32,
        standardize=False,
        random_state=0,
    )
    with pytest.raises(ValueError, match="DAGMM diverged.*standardize=True"):
        detector.fit(X)
    assert not hasattr(detector, "offset_")


def test_training_loss_sums_the_squared_error_over_the_features():
    # The paper's reconstruction term: ||x - x_hat||^2 per sample, averaged
    # over the batch (a mean over the features too would weigh it 1/d).
    from skdeepad.networks import DAGMMTrainer, build_dagmm

    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 5)).astype("float32")
    network = build_dagmm(5, hidden_units=(4, 1), estimation_units=(3,))
    trainer = DAGMMTrainer(network, energy_weight=0.0, covariance_weight=0.0)
    outputs = network(x)
    loss = keras.ops.convert_to_numpy(trainer.compute_loss(x, y_pred=outputs))
    x_hat = keras.ops.convert_to_numpy(outputs[0])
    np.testing.assert_allclose(
        loss, np.mean(np.sum((x - x_hat) ** 2, axis=1)), rtol=1e-5
    )
