import keras
import numpy as np
import pytest

from skdeepad import VariationalAutoEncoder
from skdeepad.networks import GaussianSampling

FAST = {"hidden_units": (8, 2), "epochs": 3, "batch_size": 32}


@pytest.fixture(scope="module")
def X():
    return np.random.RandomState(0).normal(size=(120, 5))


@pytest.fixture(scope="module")
def fitted(X):
    return VariationalAutoEncoder(**FAST, n_samples=7, random_state=0).fit(X)


def test_network_is_encoder_sampling_decoder(fitted):
    encoder = fitted.network_.get_layer("encoder")
    decoder = fitted.network_.get_layer("decoder")
    assert [tuple(o.shape) for o in encoder.outputs] == [(None, 2), (None, 2)]
    assert tuple(decoder.output.shape) == (None, 5)
    assert isinstance(fitted.network_.get_layer("sampling"), GaussianSampling)
    assert fitted.latent_noise_.shape == (7, 2)


def test_sampling_draws_around_the_mean_in_training_only():
    layer = GaussianSampling(kl_weight=1.0, seed=0)
    mean = np.full((20000, 2), [1.0, -2.0], dtype="float32")
    log_var = np.full((20000, 2), np.log([0.25, 4.0]), dtype="float32")
    z = keras.ops.convert_to_numpy(layer([mean, log_var], training=True))
    np.testing.assert_allclose(z.mean(axis=0), [1.0, -2.0], atol=0.05)
    np.testing.assert_allclose(z.std(axis=0), [0.5, 2.0], rtol=0.05)
    z = keras.ops.convert_to_numpy(layer([mean, log_var], training=False))
    np.testing.assert_array_equal(z, mean)


def test_sampling_adds_the_kl_divergence_as_a_loss():
    layer = GaussianSampling(kl_weight=0.5, seed=0)
    mean = np.array([[0.0, 1.0]], dtype="float32")
    log_var = np.array([[0.0, np.log(2.0)]], dtype="float32")
    layer([mean, log_var], training=True)
    kl = 0.5 * (2.0 + 1.0 - 1.0 - np.log(2.0))  # only the second dimension
    np.testing.assert_allclose(float(layer.losses[0]), 0.5 * kl, rtol=1e-5)


def test_score_is_the_monte_carlo_negative_elbo(X, fitted):
    Z = fitted.scaler_.transform(X).astype(np.float32)
    mean, log_var = fitted.network_.get_layer("encoder").predict(Z, verbose=0)
    decoder = fitted.network_.get_layer("decoder")
    recon = np.stack(
        [
            decoder.predict(mean + np.exp(0.5 * log_var) * eps, verbose=0)
            for eps in fitted.latent_noise_
        ],
        axis=1,
    )
    reconstruction = np.mean((recon - Z[:, None]) ** 2, axis=(1, 2))
    kl = 0.5 * np.sum(np.exp(log_var) + mean**2 - 1 - log_var, axis=1)
    np.testing.assert_allclose(
        -fitted.score_samples(X), reconstruction + kl / 5, rtol=1e-4
    )


def test_beta_weights_the_kl_term(X, fitted):
    beta0 = VariationalAutoEncoder(**FAST, n_samples=7, beta=0.0, random_state=0).fit(X)
    assert beta0.network_.get_layer("sampling").kl_weight == 0.0
    assert fitted.network_.get_layer("sampling").kl_weight == pytest.approx(1 / 5)
    assert not np.allclose(beta0.score_samples(X), fitted.score_samples(X))


def test_score_of_a_sample_does_not_depend_on_its_batch(X, fitted):
    alone = np.concatenate([fitted.score_samples(X[i : i + 1]) for i in range(5)])
    np.testing.assert_allclose(alone, fitted.score_samples(X[:5]), rtol=1e-5)


def test_same_seed_same_scores_and_outliers_score_lower(X, fitted):
    again = VariationalAutoEncoder(**FAST, n_samples=7, random_state=0).fit(X)
    np.testing.assert_array_equal(again.score_samples(X), fitted.score_samples(X))
    outliers = np.full((3, 5), 8.0)
    assert fitted.score_samples(outliers).max() < fitted.score_samples(X).min()


@pytest.mark.parametrize("param, value", [("n_samples", 3), ("beta", 5.0)])
def test_params_changed_after_fit_take_effect_at_the_next_fit(X, fitted, param, value):
    scores = fitted.score_samples(X[:10])
    before = fitted.get_params()[param]
    fitted.set_params(**{param: value})
    try:
        np.testing.assert_array_equal(fitted.score_samples(X[:10]), scores)
    finally:
        fitted.set_params(**{param: before})


def test_a_scoring_pass_is_sized_by_the_decoded_draws():
    # each row is decoded once per draw: 8,192 rows of 500 features and 10
    # draws were 41 million float32 values (about 660 MiB) a pass
    rng = np.random.default_rng(0)
    wide = VariationalAutoEncoder(hidden_units=(8, 2), epochs=1, random_state=0)
    wide.fit(rng.standard_normal((200, 500)))
    assert wide._predict_batch_size == 384  # 2**21 // 5,000, in blocks of 64
    assert wide._predict_batch_size * 10 * 500 <= 2**21
    X = rng.standard_normal((1000, 500))
    whole = wide.score_samples(X)
    np.testing.assert_array_equal(
        whole, np.concatenate([wide.score_samples(X[:7]), wide.score_samples(X[7:])])
    )
    narrow = VariationalAutoEncoder(hidden_units=(8, 2), epochs=1, random_state=0)
    assert narrow.fit(rng.standard_normal((200, 20)))._predict_batch_size == 8192
