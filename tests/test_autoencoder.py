import numpy as np
import pytest

from skdeepad import AutoEncoder


def _layers(det, kind):
    return [layer for layer in det.network_.layers if type(layer).__name__ == kind]


def test_hidden_units_build_a_mirrored_network():
    X = np.random.RandomState(0).normal(size=(50, 7))
    det = AutoEncoder(
        hidden_units=(16, 8, 3), dropout=0.0, batch_norm=False, epochs=1, random_state=0
    ).fit(X)
    assert [layer.units for layer in _layers(det, "Dense")] == [16, 8, 3, 8, 16, 7]
    assert det.network_.output_shape == (None, 7)
    assert not _layers(det, "Dropout") and not _layers(det, "BatchNormalization")


def test_dropout_and_batch_norm_layers():
    X = np.random.RandomState(0).normal(size=(50, 4))
    det = AutoEncoder(
        hidden_units=(6, 2), dropout=0.3, batch_norm=True, epochs=1, random_state=0
    ).fit(X)
    assert [layer.rate for layer in _layers(det, "Dropout")] == [0.3] * 3
    assert len(_layers(det, "BatchNormalization")) == 3


def test_score_is_mean_squared_reconstruction_error():
    X = np.random.RandomState(0).normal(size=(40, 5))
    det = AutoEncoder(hidden_units=(4, 2), epochs=2, random_state=0).fit(X)
    Z = det.scaler_.transform(X).astype(np.float32)
    recon = np.asarray(det.network_.predict(Z, verbose=0))
    np.testing.assert_allclose(
        -det.score_samples(X), np.mean((recon - Z) ** 2, axis=1), rtol=1e-5
    )


@pytest.mark.parametrize("hidden_units", [(), (4, 0), (4, 2.5), (True,)])
def test_invalid_hidden_units(hidden_units):
    with pytest.raises(ValueError, match="hidden_units"):
        AutoEncoder(hidden_units=hidden_units, epochs=1).fit(np.zeros((5, 3)))


@pytest.mark.parametrize(
    "n_features, widths",
    [(7, [14, 1, 14, 7]), (80, [64, 20, 64, 80]), (1, [8, 1, 8, 1])],
)
def test_auto_hidden_units_keep_the_bottleneck_narrower_than_the_input(
    n_features, widths
):
    X = np.random.RandomState(0).normal(size=(20, n_features))
    det = AutoEncoder(hidden_units="auto", epochs=1, random_state=0).fit(X)
    assert [layer.units for layer in _layers(det, "Dense")] == widths


def test_the_default_code_is_wide_yet_flags_a_tight_outlier_cluster():
    # 64-32-64 on 4 features could learn the identity map; dropout, batch
    # normalisation and 10 epochs keep 5 clustered outliers unreconstructed
    rng = np.random.RandomState(0)
    X = np.vstack([rng.normal(size=(95, 4)), rng.normal(6, 1, size=(5, 4))])
    det = AutoEncoder(random_state=0).fit(X)
    assert [layer.units for layer in _layers(det, "Dense")] == [64, 32, 64, 4]
    assert det.n_iter_ == 10 and "val_loss" not in det.history_
    scores = det.score_samples(X)
    assert scores[95:].max() < scores[:95].min()
