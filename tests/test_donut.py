import keras
import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from skdeepad import Donut
from skdeepad.networks import DonutTrainer
from skdeepad.timeseries import WindowedDetector

FAST = {"hidden_units": (16,), "latent_dim": 2, "n_samples": 4, "epochs": 5}


@pytest.fixture(scope="module")
def X():
    t = np.linspace(0, 2 * np.pi, 12)
    rng = np.random.RandomState(0)
    return np.sin(t + rng.uniform(0, 2 * np.pi, size=(150, 1))) + rng.normal(
        0, 0.05, size=(150, 12)
    )


@pytest.fixture(scope="module")
def fitted(X):
    return Donut(**FAST, random_state=0).fit(X)


def _network_input(detector, X):
    return (
        detector.scaler_.transform(X.reshape(-1, 1))
        .reshape(*X.shape, 1)
        .astype("float32")
    )


def test_network_is_a_gaussian_encoder_and_decoder(fitted):
    encoder = fitted.network_.get_layer("encoder")
    decoder = fitted.network_.get_layer("decoder")
    assert [tuple(o.shape) for o in encoder.outputs] == [(None, 2), (None, 2)]
    assert [tuple(o.shape) for o in decoder.outputs] == [(None, 12, 1)] * 2
    assert fitted.latent_noise_.shape == (4, 2)
    _, std = decoder(np.zeros((3, 2), "float32"))
    assert np.all(keras.ops.convert_to_numpy(std) >= 1e-4)


def test_score_is_the_monte_carlo_reconstruction_probability(X, fitted):
    x = _network_input(fitted, X[:10])
    z_mean, z_std = (
        keras.ops.convert_to_numpy(o) for o in fitted.network_.get_layer("encoder")(x)
    )
    expected = np.zeros(10)
    for eps in fitted.latent_noise_:
        mean, std = (
            keras.ops.convert_to_numpy(o).astype(np.float64)
            for o in fitted.network_.get_layer("decoder")(z_mean + z_std * eps)
        )
        log_p = -0.5 * np.log(2 * np.pi) - np.log(std) - 0.5 * ((x - mean) / std) ** 2
        expected += log_p.mean(axis=(1, 2)) / len(fitted.latent_noise_)
    np.testing.assert_allclose(fitted.score_samples(X[:10]), expected, rtol=1e-5)


def test_loss_is_the_modified_elbo():
    """Without training noise, compute_loss is the M-ELBO with missing values masked."""
    from skdeepad.networks import build_donut

    network = build_donut((6, 1), (8,), 2, seed=0)
    trainer = DonutTrainer(network, missing_injection=0.0, seed=0)
    x = np.random.default_rng(0).normal(size=(4, 6, 1)).astype("float32")
    x[0, 2] = x[1, :3] = np.nan
    y_pred = trainer(x, training=False)
    loss = float(keras.ops.convert_to_numpy(trainer.compute_loss(x, None, y_pred)))

    filled, kept, x_mean, x_std, z, z_mean, z_std = (
        keras.ops.convert_to_numpy(p).astype(np.float64) for p in y_pred
    )
    np.testing.assert_array_equal(kept[:2, :, 0].sum(axis=1), [5, 3])
    np.testing.assert_array_equal(filled, np.nan_to_num(x))

    def log_normal(v, mean, std):
        return -0.5 * np.log(2 * np.pi) - np.log(std) - 0.5 * ((v - mean) / std) ** 2

    reconstruction = (kept * log_normal(filled, x_mean, x_std)).sum(axis=(1, 2))
    beta = kept.mean(axis=(1, 2))
    kl_terms = log_normal(z, 0, 1).sum(axis=1) - log_normal(z, z_mean, z_std).sum(
        axis=1
    )
    expected = -np.mean(reconstruction + beta * kl_terms) / 6
    np.testing.assert_allclose(loss, expected, rtol=1e-5)


def test_missing_injection_drops_observed_values_in_training_only():
    from skdeepad.networks import build_donut

    trainer = DonutTrainer(build_donut((50, 1), (8,), 2), missing_injection=0.2, seed=0)
    x = np.ones((200, 50, 1), "float32")
    kept = keras.ops.convert_to_numpy(trainer(x, training=True)[1])
    assert 0.17 < 1 - kept.mean() < 0.23
    assert keras.ops.convert_to_numpy(trainer(x, training=False)[1]).min() == 1


def test_missing_values_are_imputed_at_scoring(X, fitted):
    full = fitted.score_samples(X[:20])
    missing = X[:20].copy()
    missing[:, 5] = np.nan
    scores = fitted.score_samples(missing)
    assert np.all(np.isfinite(scores))
    # imputed from the other values, a normal window still scores like one
    assert np.corrcoef(full, scores)[0, 1] > 0.8
    no_imputation = fitted.set_params(n_mcmc=0).score_samples(missing)
    fitted.set_params(n_mcmc=FAST.get("n_mcmc", 10))
    assert not np.allclose(no_imputation, scores)


def test_sizes_changed_after_fit_score_with_the_fitted_draws(X):
    detector = Donut(**FAST, random_state=0).fit(X)
    scores = detector.score_samples(X[:10])
    detector.set_params(n_samples=8, latent_dim=3)
    np.testing.assert_array_equal(detector.score_samples(X[:10]), scores)


def test_fits_with_missing_values(X):
    X = X.copy()
    X[np.random.RandomState(1).rand(*X.shape) < 0.1] = np.nan
    detector = Donut(**FAST, random_state=0).fit(X)
    assert np.all(np.isfinite(detector.score_samples(X)))
    assert np.all(np.isfinite(detector.scaler_.mean_))


def test_windows_with_no_observed_value_are_refused(X, fitted):
    empty = X[:3].copy()
    empty[1] = np.nan
    with pytest.raises(ValueError, match=r"sample\(s\) \[1\] are all NaN"):
        fitted.score_samples(empty)
    channels = np.stack([X, np.full_like(X, np.nan)], axis=2)
    with pytest.raises(ValueError, match="channel of X is all NaN"):
        Donut(**FAST).fit(channels)


def test_labelled_anomalies_are_left_out_of_training(X):
    y = np.zeros(len(X), dtype=int)
    y[:10] = -1
    X = X.copy()
    X[:10] += np.random.RandomState(0).normal(0, 3, size=(10, X.shape[1]))
    plain = Donut(**FAST, random_state=0).fit(X)
    labelled = Donut(**FAST, random_state=0).fit(X, y)
    assert not np.allclose(plain.score_samples(X), labelled.score_samples(X))
    inputs, _ = labelled._training_data(_network_input(labelled, X), y)
    assert np.isnan(inputs[:10]).all() and not np.isnan(inputs[10:]).any()


def test_finds_a_spike_in_a_series():
    t = np.arange(2000)
    series = np.sin(2 * np.pi * t / 50) + np.random.RandomState(0).normal(0, 0.05, 2000)
    series[1500] += 2.0
    detector = WindowedDetector(
        Donut(epochs=20, random_state=0), window=25, stride=1
    ).fit(series[:, None])
    scores = detector.score_samples(series[:, None])
    labels = np.zeros(2000)
    labels[1500] = 1
    assert roc_auc_score(labels, -scores) > 0.95


def test_a_series_with_missing_values_reaches_donut_through_the_windows():
    from sklearn.base import clone

    from skdeepad import ConvAutoEncoder
    from skdeepad.timeseries import StreamScorer, sliding_windows

    series = np.sin(np.arange(300) / 5.0)[:, None]
    series[100:103] = np.nan  # a gap: missing values
    assert np.isnan(sliding_windows(series, 16)).any()  # passed through
    params = {"hidden_units": (8,), "latent_dim": 2, "n_samples": 2, "epochs": 2}
    windowed = WindowedDetector(Donut(**params, random_state=0), window=16)
    assert windowed.__sklearn_tags__().input_tags.allow_nan
    scores = clone(windowed).fit(series).score_samples(series)
    assert scores.shape == (300,) and np.all(np.isfinite(scores))
    # live scoring takes the gap as batch scoring does
    windowed.set_params(aggregate="first").fit(series)
    live = StreamScorer(windowed)
    steps = [live.update(series[:150])]
    steps += [live.update(series[i : i + 1]) for i in range(150, 300)]
    np.testing.assert_allclose(
        np.concatenate(steps), windowed.score_samples(series), rtol=1e-5
    )
    with pytest.raises(ValueError, match="infinity"):
        windowed.score_samples(np.where(np.isnan(series), np.inf, series))
    # a detector that does not take missing values refuses them, by name
    conv = WindowedDetector(ConvAutoEncoder(epochs=1), window=16)
    assert not conv.__sklearn_tags__().input_tags.allow_nan
    with pytest.raises(ValueError, match="NaN"):
        conv.fit(series)
    with pytest.raises(ValueError, match="infinity"):
        sliding_windows(np.where(np.isnan(series), np.inf, series), 16)


def test_scoring_takes_missing_values_as_the_fitted_detector_does():
    from skdeepad import ConvAutoEncoder
    from skdeepad.timeseries import StreamScorer

    series = np.sin(np.arange(200) / 5.0)[:, None]
    gappy = series.copy()
    gappy[50:52] = np.nan
    params = {"hidden_units": (8,), "latent_dim": 2, "n_samples": 2, "epochs": 2}
    windowed = WindowedDetector(
        Donut(**params, random_state=0), window=16, aggregate="first"
    ).fit(series)
    expected = windowed.score_samples(gappy)
    # a detector set after the fit does not change what the fitted one takes
    windowed.set_params(detector=ConvAutoEncoder(epochs=1))
    np.testing.assert_array_equal(windowed.score_samples(gappy), expected)
    assert np.isfinite(StreamScorer(windowed).update(gappy)).all()
    # a gap as long as a window: refused live as in batch, the stream unchanged
    hole = series.copy()
    hole[50:70] = np.nan
    with pytest.raises(ValueError, match=r"sample\(s\) \[50, 51, 52, 53, 54\]"):
        windowed.score_samples(hole)
    live = StreamScorer(windowed)
    live.update(hole[:60])
    with pytest.raises(ValueError, match=r"ending at step\(s\) \[65, 66, 67, 68, 69\]"):
        live.update(hole[60:])
    assert live.n_steps_seen_ == 60
    conv = WindowedDetector(ConvAutoEncoder(epochs=1), window=16).fit(series)
    conv.set_params(detector=Donut(**params))
    with pytest.raises(ValueError, match="NaN"):
        conv.score_samples(gappy)


def test_n_mcmc_is_read_when_scoring():
    X = np.sin(np.arange(16) / 3.0 + np.random.RandomState(0).uniform(0, 6, (100, 1)))
    det = Donut(**FAST, random_state=0).fit(X)
    gappy = X[:5].copy()
    gappy[:, 3:6] = np.nan
    offset, imputed = det.offset_, det.score_samples(gappy)
    det.set_params(n_mcmc=0)
    assert not np.allclose(det.score_samples(gappy), imputed)
    assert det.offset_ == offset
    # windows without a gap are not imputed: n_mcmc leaves their scores alone
    complete = det.score_samples(X[:5])
    det.set_params(n_mcmc=10)
    np.testing.assert_array_equal(det.score_samples(X[:5]), complete)
