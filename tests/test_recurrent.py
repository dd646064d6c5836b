import numpy as np
import pytest

from skdeepad import LSTMAutoEncoder, LSTMForecaster

FAST = dict(hidden_units=(4,), epochs=2, batch_size=32, random_state=0)


@pytest.fixture(scope="module")
def X():
    return np.random.RandomState(0).normal(size=(60, 10, 2))


def _layer_types(det):
    return {type(layer).__name__ for layer in det.network_.layers}


@pytest.mark.parametrize("cls", [LSTMAutoEncoder, LSTMForecaster])
def test_cell_chooses_lstm_or_gru(cls, X):
    assert "LSTM" in _layer_types(cls(**FAST).fit(X))
    gru = _layer_types(cls(cell="gru", **FAST).fit(X))
    assert "GRU" in gru and "LSTM" not in gru


def test_autoencoder_code_has_the_last_width_and_output_the_input_shape(X):
    det = LSTMAutoEncoder(**{**FAST, "hidden_units": (8, 3)}).fit(X)
    assert det.network_.get_layer("encoder_1").output.shape == (None, 3)
    assert det.network_.output_shape == (None, 10, 2)


def test_forecaster_reads_the_history_and_predicts_the_horizon(X):
    det = LSTMForecaster(horizon=3, **FAST).fit(X)
    assert det.network_.input_shape == (None, 7, 2)
    assert det.network_.output_shape == (None, 3, 2)
    Z = det.scaler_.transform(X.reshape(-1, 2)).reshape(X.shape).astype(np.float32)
    forecast = det.network_.predict(Z[:, :7], verbose=0)
    expected = ((forecast - Z[:, 7:]) ** 2).mean(axis=(1, 2))
    np.testing.assert_allclose(-det.score_samples(X), expected, rtol=1e-5)
    det.set_params(horizon=1)  # takes effect at the next fit
    np.testing.assert_allclose(-det.score_samples(X), expected, rtol=1e-5)


def test_forecaster_ranks_errors_beyond_float32_squared(X):
    """A forecast error of 1e22 squares beyond float32: float64 keeps it ranked."""
    det = LSTMForecaster(**FAST).fit(X)
    Z = np.repeat(X[:1], 3, axis=0)
    Z[1, -1, 0], Z[2, -1, 0] = 1e22, 1e30
    scores = det.score_samples(Z)
    assert np.isfinite(scores).all() and scores[0] > scores[1] > scores[2]


def test_forecaster_needs_more_steps_than_the_horizon():
    with pytest.raises(ValueError, match=r"at least 4 steps; X has 3 feature\(s\)"):
        LSTMForecaster(horizon=3, **FAST).fit(np.zeros((10, 3)))


def test_forecaster_flags_a_jump_at_the_end():
    t = np.linspace(0, 2 * np.pi, 16)
    rng = np.random.RandomState(0)
    X = np.sin(t + rng.uniform(0, 2 * np.pi, size=(300, 1)))
    det = LSTMForecaster(hidden_units=(16,), epochs=40, random_state=0).fit(X)
    jump = X[:20].copy()
    jump[:, -1] += 2.0
    assert det.score_samples(jump).max() < det.score_samples(X).min()
