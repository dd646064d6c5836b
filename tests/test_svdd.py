import numpy as np
import pytest

from skdeepad import DeepSAD, DeepSVDD, networks


@pytest.fixture(scope="module")
def X():
    return np.random.RandomState(0).normal(size=(200, 6))


def _codes(det, X):
    Z = det.scaler_.transform(X).astype(np.float32)
    return det.network_.get_layer("encoder").predict(Z, verbose=0)


def _pushed(mean):
    """Deep SVDD's centre rule: no coordinate within 0.1 of zero."""
    return np.where(np.abs(mean) < 0.1, np.where(mean < 0, -0.1, 0.1), mean)


def test_center_is_the_mean_initial_code_pushed_away_from_zero(X):
    # A vanishing learning rate keeps the network at its initialisation.
    det = DeepSVDD(
        hidden_units=(8, 16),
        epochs=1,
        learning_rate=1e-12,
        early_stopping=False,  # every row trains
        random_state=0,
    ).fit(X)
    mean = _codes(det, X).mean(axis=0)
    np.testing.assert_allclose(det.center_, _pushed(mean), rtol=1e-4, atol=1e-6)
    assert np.any(np.abs(mean) < 0.1)  # the rule was exercised
    assert np.all(np.abs(det.center_) >= 0.1)


@pytest.mark.parametrize(
    "cls, params",
    [
        (DeepSVDD, {"objective": "one-class"}),
        (DeepSVDD, {"objective": "soft-boundary"}),
        (DeepSAD, {}),
        (DeepSAD, {"labelled": True}),  # and the labelled anomalies
    ],
)
def test_center_and_radius_leave_out_the_validation_rows(X, monkeypatch, cls, params):
    # The rows held out for early stopping only measure the loss: the centre
    # (and the soft boundary's radius) come from the training rows.
    splits = []
    split = cls._split

    def spy(self, *args):
        splits.append(split(self, *args))
        return splits[-1]

    monkeypatch.setattr(cls, "_split", spy)
    radius_rows = []

    class RadiusSpy(networks.RadiusUpdate):
        def __init__(self, X, nu):
            radius_rows.append(X)
            super().__init__(X, nu)

    monkeypatch.setattr(networks, "RadiusUpdate", RadiusSpy)
    params = dict(params)
    y = None
    if params.pop("labelled", False):
        y = np.zeros(len(X), dtype=int)
        y[:30] = -1  # 30 labelled anomalies, 3 of them held out
    det = cls(
        hidden_units=(8, 16),
        **params,
        epochs=10,
        learning_rate=1e-12,  # the network stays at its initialisation
        random_state=0,
    ).fit(X, y)
    ((train, validation),) = splits
    assert len(validation) == 20
    if y is not None:
        assert np.sum(y[train] == -1) == 27
        train = train[y[train] >= 0]
    codes = _codes(det, X)
    expected = _pushed(codes[train].mean(axis=0))
    np.testing.assert_allclose(det.center_, expected, rtol=1e-4, atol=1e-6)
    assert not np.allclose(det.center_, _pushed(codes.mean(axis=0)), rtol=1e-4)
    if params.get("objective") == "soft-boundary":
        # the radius is a quantile of the training rows
        (rows,) = radius_rows
        Z = det.scaler_.transform(X[train]).astype(np.float32)
        np.testing.assert_array_equal(rows, Z)


def test_network_has_no_bias_and_no_offset(X):
    det = DeepSVDD(hidden_units=(8, 4), batch_norm=True, epochs=1, random_state=0).fit(
        X
    )
    encoder = det.network_.get_layer("encoder")
    for layer in encoder.layers:
        assert not getattr(layer, "use_bias", False)
        assert not getattr(layer, "center", False)  # BatchNormalization's offset
    names = [w.path for w in encoder.weights]
    assert not any("bias" in n or "beta" in n for n in names)


def test_score_is_squared_distance_to_center(X):
    det = DeepSVDD(hidden_units=(8, 4), epochs=5, random_state=0).fit(X)
    distance = np.sum((_codes(det, X) - det.center_) ** 2, axis=1)
    np.testing.assert_allclose(-det.score_samples(X), distance, rtol=1e-4)
    assert det.radius_ == 0.0


def test_long_training_does_not_collapse_to_a_constant(X):
    det = DeepSVDD(hidden_units=(8, 4), epochs=200, learning_rate=1e-2,
                   early_stopping=False, random_state=0).fit(X)
    assert det.history_["loss"][-1] < det.history_["loss"][0]
    scores = det.score_samples(X)
    assert np.std(scores) > 1e-4
    assert -scores.max() > 1e-4  # no sample sits on the centre


def test_soft_boundary_keeps_about_nu_outside(X):
    det = DeepSVDD(hidden_units=(8, 4), objective="soft-boundary", nu=0.2,
                   epochs=15, early_stopping=False, random_state=0).fit(X)
    assert det.radius_ > 0
    outside = np.mean(det.score_samples(X) < 0)
    assert outside == pytest.approx(0.2, abs=0.08)
    distance = np.sum((_codes(det, X) - det.center_) ** 2, axis=1)
    np.testing.assert_allclose(
        -det.score_samples(X), distance - det.radius_**2, rtol=1e-3, atol=1e-5
    )


@pytest.mark.parametrize("early_stopping", [False, True])
def test_soft_boundary_radius_is_that_of_the_fitted_network(X, early_stopping):
    # 3 epochs, before the radius's warm-up (10): it was left at 0, as it was
    # when early stopping restored an epoch before the warm-up.
    det = DeepSVDD(
        hidden_units=(8, 4),
        objective="soft-boundary",
        nu=0.2,
        epochs=3,
        early_stopping=early_stopping,
        random_state=0,
    ).fit(X)
    squared = np.sum((_codes(det, X) - det.center_) ** 2, axis=1)
    if not early_stopping:  # every row trains
        expected = np.sqrt(np.quantile(squared, 1 - det.nu))
        np.testing.assert_allclose(det.radius_, expected, rtol=1e-4)
    assert det.radius_ > 0
    np.testing.assert_allclose(
        -det.score_samples(X), squared - det.radius_**2, rtol=1e-3, atol=1e-5
    )
    assert np.mean(squared > det.radius_**2) == pytest.approx(0.2, abs=0.06)
