import keras
import numpy as np
import pytest
from scipy.special import logsumexp

import skdeepad
from skdeepad import ICL
from skdeepad.networks import (
    FeatureWindows,
    InternalContrast,
    UnitNorm,
    icl_window_size,
)

FAST = {"hidden_units": (16, 16, 8), "epochs": 30, "batch_size": 64}


def _correlated(n, seed=0):
    """Four features that move together: t, -t, 2t, t, plus a little noise."""
    rng = np.random.RandomState(seed)
    t = rng.normal(size=(n, 1))
    return np.hstack([t, -t, 2 * t, t]) + rng.normal(scale=0.1, size=(n, 4))


@pytest.fixture(scope="module")
def fitted():
    return ICL(**FAST, random_state=0).fit(_correlated(400))


def test_windows_and_their_complements():
    x = np.arange(10, 15, dtype="float32")[None]  # 5 features
    a, b = (keras.ops.convert_to_numpy(v) for v in FeatureWindows(5, 2)(x))
    np.testing.assert_array_equal(a[0], [[10, 11], [11, 12], [12, 13], [13, 14]])
    np.testing.assert_array_equal(
        b[0], [[12, 13, 14], [10, 13, 14], [10, 11, 14], [10, 11, 12]]
    )


@pytest.mark.parametrize("size", [0, 5])
def test_windows_need_a_complement(size):
    with pytest.raises(ValueError, match="window_size"):
        FeatureWindows(5, size)


def test_contrast_is_the_mean_cross_entropy_over_the_windows_of_a_sample():
    rng = np.random.default_rng(0)
    b, a = rng.normal(size=(2, 3, 4, 5))
    b /= np.linalg.norm(b, axis=-1, keepdims=True)
    a /= np.linalg.norm(a, axis=-1, keepdims=True)
    tau = 0.5
    logits = np.einsum("nje,nie->nji", b, a) / tau
    expected = np.mean(
        logsumexp(logits, axis=-1) - np.diagonal(logits, axis1=1, axis2=2), axis=-1
    )
    got = InternalContrast(tau)([b.astype("float32"), a.astype("float32")])
    np.testing.assert_allclose(keras.ops.convert_to_numpy(got), expected, rtol=1e-5)


@pytest.mark.parametrize(
    ("n_features", "size"),
    [(1, 1), (2, 1), (3, 2), (40, 2), (41, 10), (160, 10), (161, 11), (1555, 1405)],
)
def test_the_authors_window_sizes(n_features, size):
    assert icl_window_size(n_features) == size


def test_reproducible_finite_float64_scores(fitted):
    X = _correlated(400)
    scores = fitted.score_samples(X)
    assert scores.dtype == np.float64 and np.all(np.isfinite(scores))
    again = ICL(**FAST, random_state=0).fit(X).score_samples(X)
    np.testing.assert_array_equal(scores, again)
    assert fitted.window_size_ == 2
    assert fitted.n_iter_ == len(fitted.history_["loss"])


def test_a_sample_breaking_the_correlation_scores_lowest(fitted):
    # every value of the broken samples lies within the range of its feature
    inliers = [[1.0, -1.0, 2.0, 1.0], [-0.5, 0.5, -1.0, -0.5]]
    broken = [[1.0, 1.0, 2.0, 1.0], [-0.5, 0.5, 1.0, -0.5]]
    scores = fitted.score_samples(inliers + broken)
    assert scores[2:].max() < scores[:2].min()
    np.testing.assert_array_equal(fitted.predict(inliers + broken), [1, 1, -1, -1])


def test_training_lowers_the_contrastive_loss_well_below_chance(fitted):
    from skdeepad.networks import build_icl

    chance = np.log(3)  # 4 features, windows of 2: 3 windows to choose from
    X = fitted.scaler_.transform(_correlated(400))
    untrained = build_icl(4, FAST["hidden_units"], temperature=fitted.temperature)
    assert float(np.mean(keras.ops.convert_to_numpy(untrained(X)))) > 0.9 * chance
    assert fitted.history_["loss"][-1] < 0.7 * chance


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"window_size": 4}, "window_size must be less than the number of features"),
        ({"window_size": 0}, "window_size"),
        ({"temperature": 0.0}, "temperature"),
        ({"hidden_units": (8, 0)}, "hidden_units"),
    ],
)
def test_bad_parameters_are_value_errors(params, match):
    with pytest.raises(ValueError, match=match):
        ICL(**{**FAST, "epochs": 1, **params}).fit(_correlated(50))


def test_a_huge_learning_rate_still_gives_finite_scores():
    # the loss is bounded, so training cannot diverge (the reliability suite
    # skips its divergence test for ICL): scores stay finite
    X = _correlated(100)
    det = ICL(**{**FAST, "epochs": 3}, learning_rate=1e6, random_state=0).fit(X)
    assert np.all(np.isfinite(det.score_samples(X)))
    assert max(det.history_["loss"]) < np.log(3) + 2 / det.temperature


@pytest.mark.parametrize("n_features", [1, 2])
def test_one_and_two_features(n_features):
    X = _correlated(300)[:, :n_features]
    det = ICL(**FAST, random_state=0).fit(X)
    assert det.window_size_ == 1
    scores = det.score_samples(X)
    assert scores.dtype == np.float64 and np.all(np.isfinite(scores))
    if n_features == 2:  # the two features disagree: t against t
        assert det.score_samples([[1.0, 1.0]])[0] < det.score_samples([[1.0, -1.0]])[0]


def test_save_and_load_give_the_same_scores(fitted, tmp_path):
    X = _correlated(50, seed=1)
    fitted.save(tmp_path / "icl.skdeepad")
    loaded = skdeepad.load(tmp_path / "icl.skdeepad")
    assert isinstance(loaded, ICL) and loaded.window_size_ == fitted.window_size_
    np.testing.assert_array_equal(loaded.score_samples(X), fitted.score_samples(X))
    np.testing.assert_array_equal(loaded.predict(X), fitted.predict(X))


@pytest.mark.parametrize("n_rows", [20, 100, 3000])  # 20: fewer than a batch
def test_an_epoch_is_1024_rows_whatever_the_size_of_the_data(n_rows):
    X = _correlated(n_rows)
    det = ICL(hidden_units=(8, 8, 4), epochs=2, batch_size=64, random_state=0).fit(X)
    assert det.n_iter_ == 2
    assert int(det.network_.optimizer.iterations) == 2 * 1024 // 64


def test_unit_norm_is_keras_unit_normalization_and_zero_at_zero():
    x = np.random.RandomState(0).normal(size=(5, 3, 4)).astype("float32")
    x[0] = 0.0
    for axis in (1, -1):
        ours = keras.ops.convert_to_numpy(UnitNorm(axis=axis)(x))
        theirs = keras.ops.convert_to_numpy(keras.layers.UnitNormalization(axis)(x))
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-7)
        assert np.all(ours[0] == 0.0)
