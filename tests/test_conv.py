import pickle

import numpy as np
import pytest
from sklearn.datasets import load_digits

from skdeepad import ConvAutoEncoder

FAST = dict(filters=(4, 2), epochs=2, batch_size=32, random_state=0)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:200], y[:200]


def test_images_end_to_end(digits):
    images = digits[0].reshape(-1, 8, 8, 1)
    det = ConvAutoEncoder(**FAST).fit(images)
    assert det.input_shape_ == (8, 8, 1)
    scores = det.score_samples(images)
    assert scores.shape == (200,) and np.all(np.isfinite(scores))
    assert set(np.unique(det.predict(images))) <= {-1, 1}
    np.testing.assert_array_equal(
        pickle.loads(pickle.dumps(det)).score_samples(images), scores
    )


def test_image_shape_reads_rows_as_flattened_images(digits):
    X = digits[0]
    rows = ConvAutoEncoder(image_shape=(8, 8), **FAST).fit(X)
    images = ConvAutoEncoder(**FAST).fit(X.reshape(-1, 8, 8, 1))
    assert rows.input_shape_ == (8, 8, 1) and rows.n_features_in_ == 64
    np.testing.assert_array_equal(
        rows.score_samples(X), images.score_samples(X.reshape(-1, 8, 8, 1))
    )


def test_image_shape_reads_three_d_x_as_one_channel_images(digits):
    X = digits[0]
    flat = ConvAutoEncoder(image_shape=(8, 8), **FAST).fit(X)
    grey = ConvAutoEncoder(image_shape=(8, 8), **FAST).fit(X.reshape(-1, 8, 8))
    assert grey.input_shape_ == (8, 8, 1)
    np.testing.assert_array_equal(
        grey.score_samples(X.reshape(-1, 8, 8)), flat.score_samples(X)
    )
    for shape, image_shape in [((-1, 16, 4), (8, 8)), ((-1, 8, 8), (8, 8, 3))]:
        with pytest.raises(ValueError, match="image_shape=.* reads images.*3-D X"):
            ConvAutoEncoder(image_shape=image_shape, **FAST).fit(X.reshape(shape))


def test_image_shape_must_match_the_features(digits):
    with pytest.raises(ValueError, match=r"holds 49 values per image, but X has 64"):
        ConvAutoEncoder(image_shape=(7, 7), **FAST).fit(digits[0])
    with pytest.raises(ValueError, match="image_shape must be"):
        ConvAutoEncoder(image_shape=(64,), **FAST).fit(digits[0])
    with pytest.raises(ValueError, match="image_shape must be a non-empty"):
        ConvAutoEncoder(image_shape=(8, 0), **FAST).fit(digits[0])


@pytest.mark.parametrize("shape", [(1, 1), (7, 3), (5, 7, 3), (9, 4, 1)])
def test_any_length_or_size_is_padded_and_cropped_back(shape):
    X = np.random.RandomState(0).normal(size=(40, *shape))
    det = ConvAutoEncoder(**FAST).fit(X)
    assert det.network_.output_shape[1:] == shape
    assert np.all(np.isfinite(det.score_samples(X)))


def test_score_is_the_mean_squared_reconstruction_error():
    X = np.random.RandomState(0).normal(size=(40, 10, 2))
    det = ConvAutoEncoder(**FAST).fit(X)
    Z = det.scaler_.transform(X.reshape(-1, 2)).reshape(X.shape).astype(np.float32)
    error = (det.network_.predict(Z, verbose=0) - Z) ** 2
    np.testing.assert_allclose(
        -det.score_samples(X), error.mean(axis=(1, 2)), rtol=1e-5
    )


def test_latent_dim_adds_a_dense_bottleneck():
    X = np.random.RandomState(0).normal(size=(40, 16))
    det = ConvAutoEncoder(latent_dim=3, **FAST).fit(X)
    assert det.network_.get_layer("latent").units == 3
    plain = ConvAutoEncoder(latent_dim=None, **FAST).fit(X)
    assert "latent" not in [layer.name for layer in plain.network_.layers]


def test_separates_digits_of_another_class():
    X, y = load_digits(return_X_y=True)
    det = ConvAutoEncoder(image_shape=(8, 8), epochs=30, random_state=0).fit(X[y == 0])
    scores = det.score_samples(X[y == 1])
    assert np.median(scores) < np.percentile(det.score_samples(X[y == 0]), 10)
