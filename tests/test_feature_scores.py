"""feature_scores: each value's share of a reconstruction detector's score."""

import numpy as np
import pandas as pd
import pytest

from skdeepad import (
    AutoEncoder,
    ConvAutoEncoder,
    LSTMAutoEncoder,
    TransformerAutoEncoder,
    all_detectors,
)

from ._params import fast_params

RECONSTRUCTION = [AutoEncoder, ConvAutoEncoder, LSTMAutoEncoder, TransformerAutoEncoder]


def _fitted(cls, X):
    return cls(**fast_params(cls.__name__), random_state=0).fit(X)


@pytest.mark.parametrize("cls", RECONSTRUCTION, ids=lambda c: c.__name__)
def test_shares_add_up_to_the_anomaly_score(cls):
    X = np.random.default_rng(0).standard_normal((50, 8))
    detector = _fitted(cls, X)
    shares = detector.feature_scores(X)
    assert shares.shape == X.shape and shares.dtype == np.float64
    assert np.all(shares >= 0)
    np.testing.assert_allclose(
        shares.sum(axis=1), -detector.score_samples(X), rtol=1e-6
    )


def test_a_planted_anomaly_is_blamed_on_its_feature():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((400, 6))
    detector = AutoEncoder(hidden_units=(8, 3), epochs=30, random_state=0).fit(X)
    odd = X[:20].copy()
    odd[:, 4] += 12.0
    assert np.all(detector.feature_scores(odd).argmax(axis=1) == 4)


def test_a_frame_keeps_its_columns_and_index():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        rng.standard_normal((30, 4)), columns=list("abcd"), index=range(100, 130)
    )
    shares = _fitted(AutoEncoder, frame).feature_scores(frame)
    assert isinstance(shares, pd.DataFrame)
    assert list(shares.columns) == list("abcd")
    assert list(shares.index) == list(range(100, 130))


def test_multichannel_sequences_and_images_keep_their_shape():
    rng = np.random.default_rng(0)
    sequences = rng.standard_normal((30, 12, 2))
    shares = _fitted(LSTMAutoEncoder, sequences).feature_scores(sequences)
    assert shares.shape == (30, 12, 2)
    images = rng.standard_normal((30, 64))
    detector = ConvAutoEncoder(
        **fast_params("ConvAutoEncoder"), image_shape=(8, 8, 1), random_state=0
    ).fit(images)
    assert detector.feature_scores(images).shape == (30, 64)


def test_only_reconstruction_detectors_have_feature_scores():
    having = {n for n, cls in all_detectors() if hasattr(cls, "feature_scores")}
    assert having == {cls.__name__ for cls in RECONSTRUCTION}


def test_bad_input_is_named():
    detector = _fitted(AutoEncoder, np.random.default_rng(0).standard_normal((30, 4)))
    with pytest.raises(ValueError, match="features"):
        detector.feature_scores(np.zeros((3, 5)))
    with pytest.raises(ValueError, match="NaN"):
        detector.feature_scores(np.full((3, 4), np.nan))
