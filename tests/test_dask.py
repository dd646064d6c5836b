"""skdeepad.dask on a local Dask cluster (two worker processes on 127.0.0.1)."""

import warnings

import numpy as np
import pytest
from sklearn.base import clone

da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

import pandas as pd  # noqa: E402
from sklearn.model_selection import GridSearchCV, StratifiedKFold  # noqa: E402

from skdeepad import AutoEncoder, LSTMAutoEncoder  # noqa: E402
from skdeepad import dask as skdask  # noqa: E402

from ._params import fast_params  # noqa: E402


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    )
    with distributed.Client(cluster) as client:
        yield client
    cluster.close()


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((500, 5))
    detector = AutoEncoder(**fast_params("AutoEncoder"), random_state=0).fit(X)
    return detector, rng.standard_normal((1003, 5))


def test_arrays_score_as_in_memory_on_the_workers(client, fitted):
    detector, X = fitted
    lazy = skdask.score_samples(detector, da.from_array(X, chunks=(250, 2)))
    assert isinstance(lazy, da.Array) and lazy.numblocks == (5,)
    np.testing.assert_array_equal(lazy.compute(), detector.score_samples(X))
    np.testing.assert_array_equal(
        skdask.predict(detector, da.from_array(X, chunks=300)).compute(),
        detector.predict(X),
    )
    np.testing.assert_array_equal(
        skdask.decision_function(detector, da.from_array(X, chunks=300)).compute(),
        detector.decision_function(X),
    )
    assert len(client.scheduler_info()["workers"]) == 2


def test_the_detector_is_one_key_of_the_graph(fitted):
    detector, X = fitted
    lazy = skdask.score_samples(detector, da.from_array(X, chunks=100))
    graph = dict(lazy.__dask_graph__())
    holding = [
        key
        for key, value in graph.items()
        if value is detector or getattr(value, "value", None) is detector
    ]
    assert len(holding) == 1
    assert sum(repr(v).count("AutoEncoder") for v in graph.values()) <= 2


def test_dataframes_score_partition_by_partition(client, fitted):
    detector, X = fitted
    frame = dd.from_pandas(pd.DataFrame(X, columns=list("abcde")), npartitions=4)
    scores = skdask.score_samples(detector, frame).compute()
    assert isinstance(scores, pd.Series) and len(scores) == len(X)
    np.testing.assert_array_equal(scores.to_numpy(), detector.score_samples(X))


def test_sequences_score_as_in_memory(client):
    rng = np.random.default_rng(1)
    windows = rng.standard_normal((300, 12, 2))
    detector = LSTMAutoEncoder(**fast_params("LSTMAutoEncoder"), random_state=0)
    detector.fit(windows)
    lazy = skdask.score_samples(detector, da.from_array(windows, chunks=(70, 6, 1)))
    np.testing.assert_array_equal(lazy.compute(), detector.score_samples(windows))


def test_bad_input(fitted):
    detector, X = fitted
    with pytest.raises(TypeError, match="dask.array.Array or a dask.dataframe"):
        skdask.score_samples(detector, X)
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        skdask.score_samples(detector, da.from_array(X[:, 0], chunks=100))
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        skdask.score_samples(AutoEncoder(), da.from_array(X, chunks=100))


def test_grid_search_on_the_cluster_matches_in_process(client):
    import joblib

    rng = np.random.default_rng(2)
    X = np.vstack([rng.standard_normal((120, 4)), rng.normal(5, 1, (8, 4))])
    y = np.r_[np.ones(120, dtype=int), -np.ones(8, dtype=int)]
    search = GridSearchCV(
        AutoEncoder(epochs=3, batch_size=64, random_state=0),
        {"hidden_units": [(4, 2), (8, 2)], "dropout": [0.0, 0.2]},
        scoring="roc_auc",
        cv=StratifiedKFold(2, shuffle=True, random_state=0),
    )
    local = GridSearchCV(**search.get_params(deep=False)).fit(X, y)
    with joblib.parallel_backend("dask"):
        remote = GridSearchCV(**{**search.get_params(deep=False), "n_jobs": -1})
        remote.fit(X, y)
    assert remote.best_params_ == local.best_params_
    np.testing.assert_allclose(
        remote.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )


def test_fit_streams_blocks_and_scores_like_an_in_memory_fit(client):
    from scipy.stats import spearmanr
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(3)
    X = np.vstack([rng.standard_normal((1900, 6)), rng.normal(4, 1, (100, 6))])
    y = np.r_[np.ones(1900), -np.ones(100)]
    order = rng.permutation(len(X))
    X, y = X[order], y[order]
    params = {
        "hidden_units": (8, 3), "epochs": 10, "early_stopping": False, "random_state": 0
    }
    memory = AutoEncoder(**params).fit(X)
    streamed = skdask.fit(AutoEncoder(**params), da.from_array(X, chunks=(300, 6)))
    assert streamed.n_iter_ == 10 and streamed.n_features_in_ == 6
    np.testing.assert_allclose(streamed.scaler_.mean_, X.mean(axis=0))
    np.testing.assert_allclose(streamed.scaler_.scale_, X.std(axis=0))
    ours, theirs = streamed.score_samples(X), memory.score_samples(X)
    assert spearmanr(ours, theirs)[0] > 0.95
    assert abs(roc_auc_score(y, ours) - roc_auc_score(y, theirs)) < 0.02
    assert np.mean(streamed.predict(X) == memory.predict(X)) > 0.97


def test_streamed_fit_stops_early_on_rows_held_out(client, monkeypatch):
    rng = np.random.default_rng(4)
    X = da.from_array(rng.standard_normal((2000, 5)), chunks=(150, 5))
    params = {
        "hidden_units": (6, 2), "epochs": 200, "early_stopping": True, "patience": 2,
        "batch_size": 256, "random_state": 0,
    }
    streamed = skdask.fit(AutoEncoder(**params), X)
    assert "val_loss" in streamed.history_ and streamed.n_iter_ < 200
    assert len(streamed.history_["val_loss"]) == streamed.n_iter_
    # validation_fraction of 2,000 rows is 200, capped at one block (150 rows),
    # held out of training: the batches cover the other 1,850
    from skdeepad.core import _batches

    sizes = []

    class Recorded(_batches.BlockBatches):
        def __init__(self, block_sizes, *args, **kwargs):
            sizes.append(sum(block_sizes))
            super().__init__(block_sizes, *args, **kwargs)

    monkeypatch.setattr(_batches, "BlockBatches", Recorded)
    one_epoch = {**params, "epochs": 1}
    skdask.fit(AutoEncoder(**one_epoch), X)
    skdask.fit(AutoEncoder(**{**one_epoch, "early_stopping": False}), X)
    assert sizes == [1850, 2000]


def test_fit_of_a_dask_array_streams_it(client):
    X = da.from_array(np.random.default_rng(5).standard_normal((600, 4)), chunks=100)
    params = {"hidden_units": (4, 2), "epochs": 3, "random_state": 0}
    direct = AutoEncoder(**params).fit(X)
    streamed = skdask.fit(AutoEncoder(**params), X)
    np.testing.assert_array_equal(
        direct.score_samples(X.compute()), streamed.score_samples(X.compute())
    )
    assert direct.history_ == streamed.history_


def test_fit_refuses_what_it_cannot_stream(fitted):
    from skdeepad import DeepSVDD, LSTMForecaster

    X = da.from_array(np.zeros((50, 4)), chunks=10)
    for detector in (DeepSVDD(), LSTMForecaster()):
        with pytest.raises(ValueError, match="needs more of the data than one block"):
            skdask.fit(detector, X)
    with pytest.raises(TypeError, match="dask.array.Array"):
        skdask.fit(AutoEncoder(), np.zeros((50, 4)))


def test_a_diverging_streamed_fit_is_a_clear_error_and_leaves_nothing(client):
    X = da.from_array(np.random.default_rng(6).standard_normal((600, 4)), chunks=100)
    detector = AutoEncoder(
        hidden_units=(4, 2), batch_norm=False, learning_rate=1e6, random_state=0
    )
    with pytest.raises(ValueError, match="AutoEncoder diverged.*learning_rate"):
        detector.fit(X)
    assert not hasattr(detector, "network_") and not hasattr(detector, "offset_")


def test_a_streamed_fit_standardises_as_an_in_memory_fit():
    """StandardScaler's statistics, its constant-feature rule included: a
    feature whose variance is rounding noise around a large mean is left
    unscaled by both fits, not divided by its tiny standard deviation."""
    rng = np.random.default_rng(7)
    X = rng.standard_normal((600, 3))
    X[:, 1] = 1e6 + 1e-9 * rng.standard_normal(600)  # near-constant
    params = {"hidden_units": (3, 2), "epochs": 1, "random_state": 0}
    in_memory = AutoEncoder(**params).fit(X).scaler_
    streamed = AutoEncoder(**params).fit(da.from_array(X, chunks=100)).scaler_
    assert in_memory.scale_[1] == 1.0
    np.testing.assert_allclose(streamed.mean_, in_memory.mean_, rtol=1e-12)
    np.testing.assert_allclose(streamed.scale_, in_memory.scale_, rtol=1e-9)
    assert streamed.n_samples_seen_ == in_memory.n_samples_seen_ == 600


def test_a_series_detector_is_refused_across_blocks_and_scores_in_one(fitted):
    from sklearn.ensemble import IsolationForest

    from skdeepad.timeseries import WindowedDetector

    series = np.random.default_rng(8).standard_normal((300, 2))
    detector = WindowedDetector(
        IsolationForest(n_estimators=10, random_state=0), window=8
    ).fit(series)
    with pytest.raises(ValueError, match="time steps of one series.*3 blocks"):
        skdask.score_samples(detector, da.from_array(series, chunks=(100, 2)))
    whole = skdask.score_samples(detector, da.from_array(series, chunks=(300, 2)))
    np.testing.assert_array_equal(whole.compute(), detector.score_samples(series))


def test_a_streamed_fit_skips_empty_blocks():
    """A filtered Dask frame leaves empty partitions."""
    X = np.random.default_rng(9).standard_normal((150, 4))
    X[50:100, 0] = -5
    frame = dd.from_pandas(pd.DataFrame(X, columns=list("abcd")), npartitions=3)
    kept = frame[frame["a"] > -4].to_dask_array(lengths=True)
    assert 0 in kept.chunks[0]
    detector = AutoEncoder(hidden_units=(4, 2), epochs=2, random_state=0).fit(kept)
    assert np.isfinite(detector.offset_)
    assert len(detector.score_samples(kept.compute())) == 100


def test_a_streamed_fit_checks_every_block_before_training():
    X = np.random.default_rng(10).standard_normal((400, 4))
    X[390, 2] = np.nan  # in the last block
    detector = AutoEncoder(
        hidden_units=(4, 2), epochs=1, standardize=False, random_state=0
    )
    with pytest.raises(ValueError, match="Input X contains NaN"):
        detector.fit(da.from_array(X, chunks=100))
    assert not hasattr(detector, "network_")


def test_a_streamed_fit_measures_blocks_of_unknown_length():
    """``frame.values`` has blocks of unknown length (NaN in ``chunks``)."""
    X = np.random.default_rng(11).standard_normal((150, 4))
    frame = dd.from_pandas(pd.DataFrame(X, columns=list("abcd")), npartitions=3)
    values = frame.values
    assert np.isnan(values.chunks[0]).all()
    params = dict(hidden_units=(4, 2), epochs=2, random_state=0)
    streamed = AutoEncoder(**params).fit(values)
    known = AutoEncoder(**params).fit(frame.to_dask_array(lengths=True))
    np.testing.assert_array_equal(streamed.score_samples(X), known.score_samples(X))


def test_a_dataframe_streams_as_its_array_and_keeps_its_names():
    import warnings

    from skdeepad import DeepSVDD

    X = np.random.default_rng(13).standard_normal((150, 4))
    pandas_frame = pd.DataFrame(X, columns=list("abcd"))
    frame = dd.from_pandas(pandas_frame, npartitions=3)
    params = dict(hidden_units=(4, 2), epochs=2, random_state=0)
    streamed = skdask.fit(AutoEncoder(**params), frame)
    known = AutoEncoder(**params).fit(frame.to_dask_array(lengths=True))
    assert list(streamed.feature_names_in_) == list("abcd")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "fitted without feature names"
        scores = streamed.score_samples(pandas_frame)
    np.testing.assert_array_equal(scores, known.score_samples(X))
    np.testing.assert_array_equal(streamed.score_samples(frame), scores)
    with pytest.raises(ValueError, match="feature names"):  # scored in memory
        streamed.score_samples(frame[list("dcba")])
    # a detector that loads it whole keeps its names too
    whole = DeepSVDD(hidden_units=(4, 2), epochs=2, random_state=0).fit(frame)
    assert list(whole.feature_names_in_) == list("abcd")
    # names of two kinds are refused, as scikit-learn refuses a pandas frame's
    mixed = dd.from_pandas(pandas_frame.set_axis(["a", 1, "c", "d"], axis=1), 2)
    with pytest.raises(TypeError, match="string names"):
        AutoEncoder(**params).fit(mixed)


def test_detectors_take_a_dataframe_in_memory_names_and_all():
    from sklearn.ensemble import IsolationForest
    from sklearn.linear_model import LinearRegression

    from skdeepad import (
        DetectorEnsemble,
        ReconstructionDetector,
        RefinedDetector,
        TunedThresholdDetector,
    )
    from skdeepad.timeseries import WindowedDetector

    X = np.random.default_rng(14).standard_normal((120, 3))
    pandas_frame = pd.DataFrame(X, columns=list("abc"))
    frame = dd.from_pandas(pandas_frame, npartitions=4)
    forest = IsolationForest(n_estimators=5, random_state=0)
    for detector in (
        ReconstructionDetector(LinearRegression()),
        DetectorEnsemble([("if", forest)]),
        RefinedDetector(forest, refiner=forest),  # took rows of it: AttributeError
        TunedThresholdDetector(forest),
        WindowedDetector(forest, window=4),
    ):
        fitted = clone(detector).fit(frame)
        assert list(fitted.feature_names_in_) == list("abc")
        np.testing.assert_array_equal(
            fitted.score_samples(pandas_frame),
            clone(detector).fit(pandas_frame).score_samples(pandas_frame),
        )
        # scored in memory too, its names checked: not scored in another order
        np.testing.assert_array_equal(
            fitted.score_samples(frame), fitted.score_samples(pandas_frame)
        )
        with pytest.raises(ValueError, match="feature names"):
            fitted.score_samples(frame[["c", "b", "a"]])


def test_blocks_smaller_than_a_batch_are_warned_of():
    X = da.from_array(np.random.default_rng(12).standard_normal((100, 4)), chunks=10)
    detector = AutoEncoder(hidden_units=(4, 2), epochs=1, batch_size=32)
    with pytest.warns(UserWarning, match="blocks hold at most 10 rows, fewer than "
                      "batch_size=32"):
        detector.fit(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        detector.fit(X.rechunk(50))
