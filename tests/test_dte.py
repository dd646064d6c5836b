import keras
import numpy as np
import pytest
from scipy.special import softmax

from skdeepad import DTE, load
from skdeepad.networks import DiffusionTimeTrainer
from skdeepad.networks.dte import noise_scales

FAST = {"hidden_units": (64, 64), "dropout": 0.0, "epochs": 40, "learning_rate": 3e-3}


@pytest.fixture(scope="module")
def X():
    # a 2-D plane in 5-D: noise off the plane shows how much was added
    rng = np.random.RandomState(0)
    return rng.normal(size=(300, 2)) @ rng.normal(size=(2, 5))


@pytest.fixture(scope="module")
def fitted(X):
    return DTE(**FAST, random_state=0).fit(X)


def test_schedule_is_the_authors_linear_one():
    signal, noise = noise_scales(400)
    betas = np.linspace(1e-4, 0.01, 400)
    np.testing.assert_allclose(signal**2, np.cumprod(1 - betas))
    np.testing.assert_allclose(signal**2 + noise**2, 1.0)
    assert np.all(np.diff(noise) > 0)
    assert noise[0] == pytest.approx(0.01) and 0.92 < noise[-1] < 0.94


def test_trainer_noises_by_the_drawn_step_and_targets_its_bin():
    # an identity "classifier" of 3 features has 3 bins and hands back x_t
    n_steps = 10
    identity = keras.Sequential([keras.Input((3,)), keras.layers.Identity()])
    trainer = DiffusionTimeTrainer(identity, n_steps=n_steps, seed=0)
    x = np.zeros((3000, 3), "float32")
    noised, bins = (keras.ops.convert_to_numpy(v) for v in trainer(x))
    # t uniform on 0..9, binned by floor(3 t / 10): t 0-3, 4-6, 7-9
    np.testing.assert_allclose(np.bincount(bins) / 3000, [0.4, 0.3, 0.3], atol=0.04)
    _, sigma = noise_scales(n_steps)
    for b, steps in enumerate([range(0, 4), range(4, 7), range(7, 10)]):
        expected = np.sqrt(np.mean(sigma[list(steps)] ** 2))
        assert noised[bins == b].std() == pytest.approx(expected, rel=0.1)
    loss = float(trainer.compute_loss(y_pred=(np.zeros((4, 3), "float32"), bins[:4])))
    assert loss == pytest.approx(np.log(3), rel=1e-5)


def test_score_is_minus_the_expected_bin_of_the_clean_sample(X, fitted):
    inputs = fitted.scaler_.transform(X[:20]).astype("float32")
    logits = keras.ops.convert_to_numpy(fitted.network_(inputs, training=False))
    expected = softmax(logits.astype(np.float64), axis=1) @ np.arange(7)
    np.testing.assert_allclose(fitted.score_samples(X[:20]), -expected, rtol=1e-6)


def test_scores_are_finite_float64_within_the_bins(X, fitted):
    scores = fitted.score_samples(X)
    assert scores.dtype == np.float64 and scores.shape == (300,)
    assert np.all(np.isfinite(scores))
    assert np.all((scores <= 0) & (scores >= -(fitted.n_bins - 1)))


def test_learns_to_tell_the_diffusion_time(X, fitted):
    # the network reads more steps off samples carrying more noise
    rng = np.random.default_rng(1)
    inputs = fitted.scaler_.transform(X).astype("float32")
    _, sigma = noise_scales(fitted.n_steps)
    predicted = []
    for t in (0, 200, 399):
        noised = inputs + sigma[t] * rng.normal(size=inputs.shape).astype("float32")
        probabilities = softmax(
            keras.ops.convert_to_numpy(fitted.network_(noised)).astype(float), axis=1
        )
        predicted.append((probabilities @ np.arange(7)).mean())
    assert predicted[0] + 1 < predicted[1] < predicted[2]


def test_an_obvious_outlier_scores_lower_than_every_inlier(X, fitted):
    outlier = np.full((1, 5), 6.0)
    assert fitted.score_samples(outlier)[0] < fitted.score_samples(X).min()
    assert fitted.predict(outlier)[0] == -1


def test_same_random_state_gives_identical_scores(X, fitted):
    again = DTE(**FAST, random_state=0).fit(X)
    assert np.array_equal(again.score_samples(X), fitted.score_samples(X))
    other = DTE(**FAST, random_state=1).fit(X)
    assert not np.array_equal(other.score_samples(X), fitted.score_samples(X))


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"n_bins": 1}, "n_bins"),
        ({"n_steps": 1}, "n_steps"),
        ({"n_bins": 8, "n_steps": 5}, "n_bins must be at most n_steps"),
        ({"dropout": 1.0}, "dropout"),
        ({"hidden_units": ()}, "hidden_units"),
    ],
)
def test_bad_parameters_are_value_errors(X, params, match):
    with pytest.raises(ValueError, match=match):
        DTE(**{**FAST, "epochs": 1, **params}).fit(X)


def test_save_and_load_give_identical_scores(X, fitted, tmp_path):
    fitted.save(tmp_path / "dte.zip")
    loaded = load(tmp_path / "dte.zip")
    assert type(loaded) is DTE
    assert np.array_equal(loaded.score_samples(X), fitted.score_samples(X))


@pytest.mark.parametrize(
    "n_rows, steps",
    [(10, 33), (1024, 32), (1500, 47), (3000, 47)],  # ceil(rows an epoch / 64)
)
def test_an_epoch_reaches_2048_rows_in_full_batches(monkeypatch, n_rows, steps):
    from skdeepad.core import _batches

    made = []
    original = _batches.ShuffledBatches.__init__

    def record(self, *args, **kwargs):
        original(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(_batches.ShuffledBatches, "__init__", record)
    X = np.random.default_rng(0).standard_normal((n_rows, 3))
    DTE(hidden_units=(4,), epochs=1, batch_size=64, random_state=0).fit(X)
    (batches,) = made
    assert batches.batch_size == 64  # never cut to the rows of a small set
    assert len(batches) == steps


def test_n_bins_changed_after_fit_scores_with_the_fitted_bins(X, fitted):
    scores = fitted.score_samples(X[:10])
    fitted.set_params(n_bins=3)
    try:
        np.testing.assert_array_equal(fitted.score_samples(X[:10]), scores)
    finally:
        fitted.set_params(n_bins=FAST.get("n_bins", 7))
