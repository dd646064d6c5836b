import numpy as np
import pytest

from skdeepad import TransformerAutoEncoder

FAST = dict(
    model_dim=4,
    num_heads=2,
    num_layers=1,
    ff_units=4,
    latent_dim=2,
    epochs=2,
    batch_size=32,
    random_state=0,
)


@pytest.fixture(scope="module")
def X():
    return np.random.RandomState(0).normal(size=(40, 10, 2))


def test_sine_position_encoding_matches_the_formula():
    import keras

    from skdeepad.networks import SinePositionEncoding

    layer = SinePositionEncoding()
    encoding = keras.ops.convert_to_numpy(layer(np.zeros((1, 5, 6), "float32")))[0]
    position, feature = np.arange(5)[:, None], np.arange(6)
    angle = position / 10000.0 ** ((feature // 2 * 2) / 6)
    expected = np.where(feature % 2 == 0, np.sin(angle), np.cos(angle))
    np.testing.assert_allclose(encoding, expected, rtol=1e-5, atol=1e-6)
    clone = SinePositionEncoding.from_config(
        SinePositionEncoding(max_wavelength=50.0).get_config()
    )
    assert clone.max_wavelength == 50.0


def test_the_code_is_latent_dim_wide(X):
    det = TransformerAutoEncoder(**FAST).fit(X)
    assert det.network_.get_layer("code").units == 2
    assert det.network_.output_shape == (None, 10, 2)


def test_attention_projections_start_from_different_kernels(X):
    det = TransformerAutoEncoder(**{**FAST, "epochs": 1, "learning_rate": 1e-12}).fit(X)
    attention = det.network_.get_layer("encoder_0_attention")
    kernels = [np.asarray(w) for w in attention.weights if w.path.endswith("kernel")]
    assert len(kernels) == 4
    query, key = kernels[0], kernels[1]
    assert query.shape == key.shape and not np.allclose(query, key)


def test_model_dim_must_be_a_multiple_of_num_heads(X):
    with pytest.raises(ValueError, match="model_dim must be a multiple of num_heads"):
        TransformerAutoEncoder(**{**FAST, "model_dim": 5}).fit(X)


def test_same_seed_same_scores(X):
    first = TransformerAutoEncoder(**{**FAST, "dropout": 0.1}).fit(X).score_samples(X)
    second = TransformerAutoEncoder(**{**FAST, "dropout": 0.1}).fit(X).score_samples(X)
    np.testing.assert_array_equal(first, second)
