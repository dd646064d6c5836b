"""partial_fit: incremental training of the autoencoders."""

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from skdeepad import (
    AutoEncoder,
    ConvAutoEncoder,
    DeepSVDD,
    LSTMAutoEncoder,
    TransformerAutoEncoder,
    all_detectors,
)

from ._params import fast_params

INCREMENTAL = {
    "AutoEncoder",
    "ConvAutoEncoder",
    "LSTMAutoEncoder",
    "TransformerAutoEncoder",
}


def test_the_autoencoders_and_only_they_learn_incrementally():
    have = {name for name, cls in all_detectors() if hasattr(cls, "partial_fit")}
    assert have == INCREMENTAL
    assert not hasattr(DeepSVDD(), "partial_fit")


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((2400, 6)) @ rng.standard_normal((6, 6))
    outliers = rng.normal(0, 4, (60, 6))
    test = np.vstack([X[:600], outliers])
    y = np.r_[np.zeros(600), np.ones(60)]
    return X, test, y


def test_batches_train_one_epoch_each(data):
    X, test, y = data
    detector = AutoEncoder(hidden_units=(8, 3), batch_size=120, random_state=0)
    for chunk in np.array_split(X, 8):
        detector.partial_fit(chunk)
    assert detector.n_iter_ == 8 and len(detector.history_["loss"]) == 8
    assert detector.history_["loss"][-1] < detector.history_["loss"][0]
    # the statistics are those of all the batches seen
    assert detector.scaler_.n_samples_seen_ == 2400
    np.testing.assert_allclose(detector.scaler_.mean_, X.mean(axis=0))
    # one optimiser throughout: 8 batches of 300 rows in steps of 120
    assert int(detector.network_.optimizer.iterations) == 8 * 3
    assert roc_auc_score(y, -detector.score_samples(test)) > 0.8  # 0.88 measured


def test_same_calls_same_scores(data):
    X = data[0][:600]

    def run():
        detector = AutoEncoder(hidden_units=(4, 2), random_state=0)
        for chunk in np.array_split(X, 3):
            detector.partial_fit(chunk)
        return detector.score_samples(X)

    np.testing.assert_array_equal(run(), run())


def test_later_calls_keep_the_traced_train_function(data):
    from skdeepad.core import _training

    X = data[0][:600]

    def run(keep):
        detector = AutoEncoder(hidden_units=(4, 2), batch_size=20, random_state=0)
        function = detector.partial_fit(X[:300]).network_.train_function
        if not keep:  # as before: compiled again at every call
            del _training._COMPILED_WITH[detector.network_]
        detector.set_params(learning_rate=0.01).partial_fit(X[300:])
        return detector, function

    kept, first = run(keep=True)
    assert kept.network_.train_function is first  # not traced again
    recompiled, first = run(keep=False)
    assert recompiled.network_.train_function is not first
    # the same steps, the new learning rate included
    np.testing.assert_array_equal(kept.score_samples(X), recompiled.score_samples(X))
    # batches of any size train with the same function
    function = kept.network_.train_function
    kept.partial_fit(X[:30]).partial_fit(X[:500])
    assert kept.network_.train_function is function
    # a fit builds a new network, traced again for its next call only
    kept.fit(X)
    kept.partial_fit(X[:30])
    function = kept.network_.train_function
    kept.partial_fit(X[:100])
    assert kept.network_.train_function is function


def test_a_layer_frozen_between_calls_stays_as_it_is(data):
    X = data[0][:600]
    detector = AutoEncoder(hidden_units=(4, 2), batch_size=20, random_state=0)
    layer = detector.partial_fit(X[:300]).network_.get_layer(index=1)
    layer.trainable = False  # a traced train function would still train it
    before = layer.get_weights()
    detector.partial_fit(X[300:])
    for now, then in zip(layer.get_weights(), before, strict=True):
        np.testing.assert_array_equal(now, then)


def test_a_users_compile_between_calls_is_not_kept(data):
    X = data[0][:300]
    detector = AutoEncoder(hidden_units=(4, 2), batch_size=20, random_state=0)
    network = detector.partial_fit(X).network_
    network.compile(optimizer=network.optimizer, loss="mae", run_eagerly=True)
    detector.partial_fit(X)  # trains on its own loss, compiled again
    assert network.loss == "mse" and not network.run_eagerly


def test_sparse_batches_train_as_their_dense_arrays_do(data, monkeypatch):
    import scipy.sparse as sp

    from skdeepad.core import BaseDetector

    X = np.where(np.abs(data[0][:600]) < 1.0, 0.0, data[0][:600])
    monkeypatch.setattr(BaseDetector, "_chunk_rows", lambda self, X: 64)

    def run(convert):
        detector = AutoEncoder(hidden_units=(4, 2), random_state=0)
        for chunk in np.array_split(X, 3):
            detector.partial_fit(convert(chunk))
        return detector

    dense, sparse = run(np.asarray), run(sp.csr_matrix)
    np.testing.assert_allclose(sparse.scaler_.mean_, dense.scaler_.mean_)
    np.testing.assert_allclose(sparse.scaler_.var_, dense.scaler_.var_)
    np.testing.assert_array_equal(sparse.score_samples(X), dense.score_samples(X))


def test_continues_a_fit(data):
    X = data[0][:600]
    detector = AutoEncoder(
        hidden_units=(4, 2),
        epochs=3,
        batch_size=256,
        early_stopping=True,
        random_state=0,
    ).fit(X)
    network, steps = detector.network_, int(detector.network_.optimizer.iterations)
    before = detector.score_samples(X)
    detector.partial_fit(X[:256])
    assert detector.network_ is network and detector.n_iter_ == 4
    assert int(network.optimizer.iterations) == steps + 1
    assert not np.allclose(detector.score_samples(X), before)
    assert detector.scaler_.n_samples_seen_ == 856
    # the epoch's loss follows fit's, whose early-stopping val_loss stays
    assert len(detector.history_["loss"]) == 4
    assert len(detector.history_["val_loss"]) == 3
    # fit starts afresh
    detector.fit(X)
    assert detector.network_ is not network and detector.n_iter_ <= 3


def test_offset_comes_from_the_last_batch(data):
    X = data[0]
    detector = AutoEncoder(hidden_units=(4, 2), contamination=0.1, random_state=0)
    detector.partial_fit(X[:500])
    detector.partial_fit(X[500:900])
    flagged = np.mean(detector.predict(X[500:900]) == -1)
    assert flagged == pytest.approx(0.1, abs=0.01)


@pytest.mark.parametrize(
    "cls", [AutoEncoder, ConvAutoEncoder, LSTMAutoEncoder, TransformerAutoEncoder]
)
def test_every_incremental_detector(cls):
    rng = np.random.default_rng(1)
    X = np.sin(np.linspace(0, 6, 16) + rng.uniform(0, 6, (200, 1)))
    detector = cls(**{**fast_params(cls.__name__), "random_state": 0})
    detector.partial_fit(X[:100]).partial_fit(X[100:])
    assert detector.n_iter_ == 2
    assert np.all(np.isfinite(detector.score_samples(X)))
    with pytest.raises(ValueError, match="features|shape"):
        detector.partial_fit(X[:, :8])


def test_a_failed_call_changes_nothing(data):
    X = data[0][:300]
    detector = AutoEncoder(hidden_units=(4, 2), random_state=0).partial_fit(X)
    state = dict(vars(detector))
    weights = detector.network_.get_weights()
    steps = int(detector.network_.optimizer.iterations)
    scores = detector.score_samples(X)
    with pytest.raises(ValueError, match="diverged"):
        detector.set_params(learning_rate=1e6).partial_fit(X)
    assert vars(detector).keys() == state.keys()
    assert all(vars(detector)[k] is v for k, v in state.items() if k != "learning_rate")
    assert detector.scaler_.n_samples_seen_ == 300
    for now, before in zip(detector.network_.get_weights(), weights, strict=True):
        np.testing.assert_array_equal(now, before)
    assert int(detector.network_.optimizer.iterations) == steps
    np.testing.assert_array_equal(detector.score_samples(X), scores)
    # and it goes on from there
    detector.set_params(learning_rate=1e-3).partial_fit(X)
    assert detector.n_iter_ == 2

    unfitted = AutoEncoder()
    with pytest.raises(ValueError, match="NaN"):
        unfitted.partial_fit(np.full((10, 3), np.nan))
    assert not hasattr(unfitted, "network_")


def test_a_failed_call_after_load_leaves_a_fresh_optimiser(data, tmp_path):
    import skdeepad

    X = data[0][:300]
    AutoEncoder(hidden_units=(4, 2), epochs=2, random_state=0).fit(X).save(
        tmp_path / "d.zip"
    )
    fresh, failed = (skdeepad.load(tmp_path / "d.zip") for _ in range(2))
    with pytest.raises(ValueError, match="diverged"):
        failed.set_params(learning_rate=1e6).partial_fit(X)
    # as a detector just loaded: Adam's moments are not those of the failure
    assert int(failed.network_.optimizer.iterations) == 0
    failed.set_params(learning_rate=1e-3).partial_fit(X)
    fresh.partial_fit(X)
    np.testing.assert_array_equal(failed.score_samples(X), fresh.score_samples(X))


@pytest.mark.parametrize(
    "param, value",
    [("batch_size", 0), ("learning_rate", "fast"), ("contamination", 2.0)],
)
def test_later_calls_check_the_parameters_too(data, param, value):
    from sklearn.utils._param_validation import InvalidParameterError

    X = data[0][:100]
    detector = AutoEncoder(hidden_units=(4, 2), random_state=0).partial_fit(X)
    with pytest.raises(InvalidParameterError, match=param):
        detector.set_params(**{param: value}).partial_fit(X)
    assert detector.n_iter_ == 1


@pytest.mark.parametrize("standardize", [True, False])
def test_standardize_set_otherwise_than_fitted_is_refused(data, standardize):
    # the scaler of the fit went on (or none did): data on another scale
    X = data[0][:100]
    detector = AutoEncoder(hidden_units=(4, 2), standardize=standardize, epochs=1)
    detector.fit(X).set_params(standardize=not standardize)
    with pytest.raises(ValueError, match="standardize=.*Call fit"):
        detector.partial_fit(1000 * X + 5000)
    assert detector.n_iter_ == 1
    detector.fit(1000 * X + 5000)  # a new fit takes it
    assert (detector.scaler_ is not None) is (not standardize)
