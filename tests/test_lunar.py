import keras
import numpy as np
import pytest
from scipy.special import softmax
from sklearn.neighbors import NearestNeighbors

import skdeepad
from skdeepad import LUNAR
from skdeepad.networks import WeightedDistance, build_lunar
from skdeepad.tabular._lunar import _rows_in

FAST = {"hidden_units": (16, 16), "epochs": 30}


def _blobs(n, seed=0):
    rng = np.random.RandomState(seed)
    half = (n // 2, 3)
    return np.vstack([rng.normal(-3, 0.5, half), rng.normal(3, 0.5, half)])


@pytest.fixture(scope="module")
def fitted():
    return LUNAR(**FAST, random_state=0).fit(_blobs(400))


def test_weighted_distance_is_the_softmax_weighted_sum():
    rng = np.random.default_rng(0)
    distances = rng.uniform(size=(6, 5)).astype("float32")
    logits = rng.normal(size=(6, 5)).astype("float32")
    got = keras.ops.convert_to_numpy(WeightedDistance()([distances, logits]))
    expected = np.sum(softmax(logits, axis=1) * distances, axis=1, keepdims=True)
    np.testing.assert_allclose(got, expected, rtol=1e-6)
    assert np.all(got[:, 0] >= distances.min(axis=1) - 1e-7)
    assert np.all(got[:, 0] <= distances.max(axis=1) + 1e-7)


def test_the_network_maps_distances_to_one_score_each():
    network = build_lunar(5, (8, 8), seed=0)
    assert network.input_shape == (None, 5)
    assert network(np.ones((3, 5), "float32")).shape == (3,)


def test_training_rows_are_described_without_themselves():
    X = _blobs(40).astype("float32")
    det = LUNAR(n_neighbors=3)
    neighbors = NearestNeighbors(algorithm="brute").fit(X)
    own = det._distances(neighbors, X, 3, own=True)
    expected = NearestNeighbors(n_neighbors=3).fit(X).kneighbors()[0]
    np.testing.assert_allclose(own, expected, rtol=1e-6)
    new = det._distances(neighbors, X[:2] + 0.01, 3)
    np.testing.assert_allclose(new, neighbors.kneighbors(X[:2] + 0.01, 3)[0], rtol=1e-6)


def test_rows_equal_to_training_rows_are_found_and_leave_one_out():
    X = _blobs(40).astype("float32")
    X[1] = X[0]  # a duplicated training row: its twin stays its neighbour
    det = LUNAR(n_neighbors=3)
    neighbors = NearestNeighbors(algorithm="brute").fit(X)
    moved = X[:4] + 0.01
    found = det._distances(neighbors, np.vstack([X, moved]), 3)
    np.testing.assert_array_equal(found[:40], det._distances(neighbors, X, 3, own=True))
    new = det._distances(neighbors, moved, 3, own=False)
    np.testing.assert_array_equal(found[40:], new)
    np.testing.assert_allclose(found[:2, 0], 0, atol=1e-6)
    assert np.all(found[2:40, 0] > 1e-6)


def test_rows_are_compared_in_the_wider_dtype_with_signed_zeros_equal():
    rows = np.array([[0.0, 1.0], [0.1, 2.0]], dtype="float32")
    tenth = float(np.float32(0.1))
    X = np.array([[-0.0, 1.0], [tenth, 2.0], [tenth + 1e-9, 2.0], [0.1, 2.0]])
    np.testing.assert_array_equal(_rows_in(X, rows), [True, True, False, False])


def test_scoring_the_training_data_again_describes_rows_as_in_training(fitted):
    X = _blobs(400)
    scaled = fitted.scaler_.transform(X).astype("float32")
    described = fitted._distances(fitted.neighbors_, scaled, 5)
    # no row is its own nearest neighbour: the first distance is never 0
    assert np.all(described[:, 0] > 1e-6)
    in_index = fitted._distances(fitted.neighbors_, scaled, 5, own=False)[:, 0] < 1e-6
    assert in_index.sum() == fitted.neighbors_.n_samples_fit_
    own = fitted._distances(fitted.neighbors_, scaled[in_index], 5, own=True)
    learnt = keras.ops.convert_to_numpy(fitted.network_(own, training=False))
    np.testing.assert_allclose(fitted.score_samples(X)[in_index], -learnt, rtol=1e-6)


def test_fewer_training_rows_than_neighbours_repeat_the_last_distance():
    X = np.array([[0.0], [1.0], [3.0]], dtype="float32")
    neighbors = NearestNeighbors(algorithm="brute").fit(X)
    got = LUNAR()._distances(neighbors, X, 4, own=True)
    np.testing.assert_allclose(got, [[1, 3, 3, 3], [1, 2, 2, 2], [2, 3, 3, 3]])
    lone = NearestNeighbors(algorithm="brute").fit(X[:1])
    np.testing.assert_allclose(LUNAR()._distances(lone, X, 2, own=True)[0], 0)


@pytest.mark.parametrize("kind", ["uniform", "subspace", "mixed"])
def test_negative_samples(kind):
    X = _blobs(200).astype("float32")
    det = LUNAR(negative_samples=kind, epsilon=0.1)
    drawn = det._negative_samples(X, np.random.RandomState(0))
    assert drawn.shape == X.shape and drawn.dtype == np.float32
    assert drawn.min() >= X.min() - 1 and drawn.max() <= X.max() + 1
    # a subspace sample is a training row with a few features moved a little
    moved = np.min(np.abs(drawn[:, None, :] - X[None]).max(axis=2), axis=1) < 0.6
    expected = {"uniform": (0.0, 0.1), "subspace": (0.99, 1.0), "mixed": (0.35, 0.65)}
    low, high = expected[kind]
    assert low <= moved.mean() <= high


def test_reproducible_finite_float64_scores(fitted):
    X = _blobs(400)
    scores = fitted.score_samples(X)
    assert scores.dtype == np.float64 and np.all(np.isfinite(scores))
    again = LUNAR(**FAST, random_state=0).fit(X).score_samples(X)
    np.testing.assert_array_equal(scores, again)
    assert fitted.n_iter_ == len(fitted.history_["loss"]) == 30
    assert fitted.neighbors_.n_samples_fit_ == 360  # 10% held out for early stopping


def test_training_separates_new_normal_rows_from_negative_samples(fitted):
    from sklearn.metrics import roc_auc_score

    X = fitted.scaler_.transform(_blobs(400, seed=1)).astype("float32")
    det = clone_with(fitted, negative_samples="uniform")
    negatives = det._negative_samples(X, np.random.RandomState(1))
    labels = np.r_[np.zeros(len(X)), np.ones(len(negatives))]
    scores = np.r_[fitted._score_batch(X), fitted._score_batch(negatives)]
    assert roc_auc_score(labels, scores) > 0.95
    history = fitted.history_
    assert min(history["val_loss"]) < history["val_loss"][0]
    assert history["loss"][-1] < history["loss"][0]


def clone_with(detector, **params):
    from sklearn.base import clone

    return clone(detector).set_params(**params)


def test_far_samples_score_lowest_and_are_outliers(fitted):
    inliers = [[-3.0, -3.0, -3.0], [3.0, 3.0, 3.0]]
    far = [[0.0, 0.0, 0.0], [9.0, -9.0, 9.0]]
    scores = fitted.score_samples(inliers + far)
    assert scores[2:].max() < scores[:2].min()
    np.testing.assert_array_equal(fitted.predict(inliers + far), [1, 1, -1, -1])


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"n_neighbors": 0}, "n_neighbors"),
        ({"negative_samples": "gaussian"}, "negative_samples"),
        ({"epsilon": -1.0}, "epsilon"),
        ({"hidden_units": (8, 0)}, "hidden_units"),
    ],
)
def test_bad_parameters_are_value_errors(params, match):
    with pytest.raises(ValueError, match=match):
        LUNAR(**{**FAST, "epochs": 1, **params}).fit(_blobs(50))


def test_save_and_load_give_the_same_scores(fitted, tmp_path):
    # new rows, and the training rows, which leave themselves out
    X = np.vstack([_blobs(50, seed=1), _blobs(400)])
    fitted.save(tmp_path / "lunar.skdeepad")
    loaded = skdeepad.load(tmp_path / "lunar.skdeepad")
    assert isinstance(loaded, LUNAR)
    np.testing.assert_array_equal(loaded.score_samples(X), fitted.score_samples(X))
    np.testing.assert_array_equal(loaded.predict(X), fitted.predict(X))


def test_n_neighbors_set_after_fit_waits_for_the_next_fit():
    X = _blobs(60)
    detector = LUNAR(hidden_units=(4,), epochs=2, random_state=0).fit(X)
    scores = detector.score_samples(X)
    detector.set_params(n_neighbors=3)  # the network takes 5 distances
    np.testing.assert_array_equal(detector.score_samples(X), scores)
    assert detector.fit(X).network_.input_shape == (None, 3)
