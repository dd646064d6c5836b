import numpy as np
import pytest

from skdeepad import DeepIsolationForest

FAST = {"n_ensemble": 5, "hidden_units": (16, 4)}


@pytest.fixture(scope="module")
def X():
    return np.random.RandomState(0).normal(size=(150, 6))


@pytest.fixture(scope="module")
def fitted(X):
    return DeepIsolationForest(**FAST, n_estimators=3, random_state=0).fit(X)


@pytest.mark.parametrize("concat_input", [True, False])
def test_one_forest_per_random_representation(X, concat_input):
    fitted = DeepIsolationForest(
        **FAST, n_estimators=3, concat_input=concat_input, random_state=0
    ).fit(X)
    assert len(fitted.estimators_) == 5
    assert all(len(f.estimators_) == 3 for f in fitted.estimators_)
    Z = fitted.scaler_.transform(X).astype(np.float32)
    representations = fitted.network_.predict(Z, verbose=0)
    assert representations.shape == (150, 5, 4)
    views = [representations[:, e] for e in range(5)]
    if concat_input:
        views = [np.hstack([Z, view]) for view in views]
    widths = {f.n_features_in_ for f in fitted.estimators_}
    assert widths == {6 + 4 if concat_input else 4}
    expected = np.mean(
        [f.score_samples(v) for f, v in zip(fitted.estimators_, views, strict=True)],
        axis=0,
    )
    np.testing.assert_allclose(fitted.score_samples(X), expected, rtol=1e-6)


def test_keeping_the_input_isolates_an_anomaly_in_one_feature():
    # Ten outliers each 6 sigma off in one of 20 features: random projections
    # dilute such a deviation, the raw feature kept beside them does not.
    from sklearn.metrics import roc_auc_score

    rng = np.random.RandomState(0)
    outliers = rng.normal(size=(10, 20))
    outliers[np.arange(10), rng.randint(0, 20, 10)] = 6.0
    X = np.vstack([rng.normal(size=(300, 20)), outliers])
    y = np.r_[np.zeros(300), np.ones(10)]
    auc = {
        concat: roc_auc_score(
            y,
            -DeepIsolationForest(**FAST, concat_input=concat, random_state=0)
            .fit(X)
            .score_samples(X),
        )
        for concat in (True, False)
    }
    assert auc[True] > auc[False] + 0.05
    assert auc[True] > 0.85


def test_networks_are_not_trained(fitted):
    assert not hasattr(fitted, "history_")
    kernels = [w for w in fitted.network_.weights]
    assert all(w.trainable for w in kernels)  # untouched Keras weights
    assert "epochs" not in fitted.get_params()


def test_deterministic_from_random_state(X, fitted):
    again = DeepIsolationForest(**FAST, n_estimators=3, random_state=0).fit(X)
    other = DeepIsolationForest(**FAST, n_estimators=3, random_state=1).fit(X)
    np.testing.assert_array_equal(again.score_samples(X), fitted.score_samples(X))
    assert not np.allclose(other.score_samples(X), fitted.score_samples(X))


def test_members_differ_and_outliers_score_lower(X, fitted):
    kernel = np.asarray(fitted.network_.get_layer("member_0").kernel)
    assert not np.allclose(kernel[0], kernel[1])
    outliers = np.full((3, 6), 6.0)
    assert fitted.score_samples(outliers).max() < np.median(fitted.score_samples(X))


@pytest.mark.parametrize("concat_input", [True, False])
def test_concat_input_set_after_fit_waits_for_the_next_fit(concat_input):
    X = np.random.default_rng(0).standard_normal((60, 5))
    detector = DeepIsolationForest(
        **FAST, concat_input=concat_input, random_state=0
    ).fit(X)
    scores = detector.score_samples(X)
    detector.set_params(concat_input=not concat_input)
    np.testing.assert_array_equal(detector.score_samples(X), scores)


def test_a_fraction_of_rows_below_one_row_is_named():
    X = np.random.RandomState(0).normal(size=(5, 3))
    with pytest.raises(ValueError, match=r"max_samples=0\.1 of 5 rows"):
        DeepIsolationForest(max_samples=0.1, n_ensemble=2).fit(X)
    fitted = DeepIsolationForest(max_samples=0.2, n_ensemble=2).fit(X)  # one row
    assert np.isfinite(fitted.score_samples(X)).all()
