"""What every sequence detector shares: layouts, shape checks, scaling, pickling."""

import pickle

import numpy as np
import pytest

from skdeepad import all_detectors

from ._params import fast_params

SEQUENCE_DETECTORS = all_detectors("sequence")


@pytest.fixture(scope="module")
def sequences():
    """100 noisy two-channel sine waves of 12 steps, channels on other scales."""
    rng = np.random.RandomState(0)
    t = np.linspace(0, 2 * np.pi, 12)
    phase = rng.uniform(0, 2 * np.pi, size=(100, 1))
    X = np.stack([np.sin(t + phase), 50.0 + 10.0 * np.cos(t + phase)], axis=-1)
    return X + rng.normal(scale=0.05, size=X.shape)


def _detector(cls, name, **params):
    return cls(**{**fast_params(name), "random_state": 0, **params})


@pytest.mark.parametrize("name, cls", SEQUENCE_DETECTORS)
def test_multivariate_sequences_end_to_end(name, cls, sequences):
    det = _detector(cls, name).fit(sequences)
    assert det.input_shape_ == (12, 2)
    assert det.n_features_in_ == 12
    scores = det.score_samples(sequences)
    assert scores.shape == (100,) and scores.dtype == np.float64
    assert np.all(np.isfinite(scores))
    assert set(np.unique(det.predict(sequences))) <= {-1, 1}
    clone = pickle.loads(pickle.dumps(det))
    np.testing.assert_array_equal(clone.score_samples(sequences), scores)


@pytest.mark.parametrize("name, cls", SEQUENCE_DETECTORS)
def test_wrong_number_of_channels_names_both_shapes(name, cls, sequences):
    det = _detector(cls, name).fit(sequences)
    with pytest.raises(ValueError, match=r"\(12, 3\).*\(12, 2\)"):
        det.score_samples(np.zeros((5, 12, 3)))
    with pytest.raises(ValueError, match=r"\(12, 1\).*\(12, 2\)"):
        det.predict(np.zeros((5, 12)))


@pytest.mark.parametrize("name, cls", SEQUENCE_DETECTORS)
def test_two_d_rows_are_univariate_sequences(name, cls, sequences):
    X = sequences[:, :, 0]
    flat = _detector(cls, name).fit(X)
    deep = _detector(cls, name).fit(X[:, :, np.newaxis])
    assert flat.input_shape_ == deep.input_shape_ == (12, 1)
    np.testing.assert_array_equal(
        flat.score_samples(X), deep.score_samples(X[..., None])
    )


@pytest.mark.parametrize("name, cls", SEQUENCE_DETECTORS)
def test_standardisation_is_per_channel_over_all_steps(name, cls, sequences):
    det = _detector(cls, name).fit(sequences)
    np.testing.assert_allclose(det.scaler_.mean_, sequences.reshape(-1, 2).mean(axis=0))
    np.testing.assert_allclose(det.scaler_.scale_, sequences.reshape(-1, 2).std(axis=0))


@pytest.mark.parametrize("name, cls", SEQUENCE_DETECTORS)
def test_a_sample_scores_the_same_alone_or_in_a_batch(name, cls, sequences):
    det = _detector(cls, name).fit(sequences)
    scores = det.score_samples(sequences)
    for i in (0, 57, 99):
        assert det.score_samples(sequences[i : i + 1])[0] == scores[i]


@pytest.mark.parametrize("name, cls", SEQUENCE_DETECTORS)
def test_declares_three_d_input_and_rejects_other_layouts(name, cls, sequences):
    det = _detector(cls, name)
    assert det.__sklearn_tags__().input_tags.three_d_array
    bad = (
        np.zeros((4, 3, 3, 3, 1))
        if name == "ConvAutoEncoder"
        else np.zeros((4, 3, 3, 1))
    )
    with pytest.raises(ValueError, match=r"takes 2-D .*got a \d-D array"):
        det.fit(bad)


@pytest.mark.parametrize("name, cls", SEQUENCE_DETECTORS)
def test_a_forward_pass_is_sized_by_the_sample_not_fixed(name, cls, sequences):
    """Fewer rows per pass for larger samples; still one size for every call."""
    det = _detector(cls, name).fit(sequences)
    assert det._predict_batch_size == 1024  # 12 steps: the full 1,024 rows
    per_sample = det._values_per_sample()
    assert per_sample >= 12 * 2  # at least the sample itself
    det._predict_pass_values = 40 * per_sample  # as if each sample were large
    assert det._predict_batch_size == 40
    passes = []
    score_batch = det._score_batch
    det._score_batch = lambda X: passes.append(len(X)) or score_batch(X)
    scores = det.score_samples(sequences)
    assert det.score_samples(sequences[57:58])[0] == scores[57]
    assert set(passes) == {40}  # 100 rows in three passes, one row in one


def test_attention_scores_count_in_the_transformer_pass():
    from skdeepad import TransformerAutoEncoder

    X = np.random.RandomState(0).normal(size=(8, 128))
    det = TransformerAutoEncoder(
        model_dim=8, num_heads=4, num_layers=1, ff_units=8, latent_dim=2,
        epochs=1, batch_size=8, random_state=0,
    ).fit(X)
    assert det._values_per_sample() == 4 * 128 * 128  # heads x steps x steps
    assert det._predict_batch_size == 2**24 // (4 * 128 * 128)
