import json
from pathlib import Path

import numpy as np
import pytest
from sklearn.ensemble import IsolationForest
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeepad import ConvAutoEncoder, WindowedDetector
from skdeepad.timeseries import (
    StreamScorer,
    dominant_period,
    load_nab,
    sliding_windows,
    window_scores_to_points,
)

NAB = Path(__file__).resolve().parents[2] / "shared" / "data" / "nab"


# ------------------------------------------------------------ sliding_windows
def test_windows_of_a_univariate_series():
    windows = sliding_windows(np.arange(6.0), window=3)
    assert windows.shape == (4, 3, 1)
    np.testing.assert_array_equal(
        windows[:, :, 0], [[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5]]
    )
    assert windows.dtype == np.float64


def test_windows_with_a_stride_and_several_channels():
    series = np.arange(14.0).reshape(7, 2)
    windows = sliding_windows(series, window=3, stride=2)
    assert windows.shape == (3, 3, 2)
    np.testing.assert_array_equal(windows[1], series[2:5])
    np.testing.assert_array_equal(windows[2], series[4:7])


def test_one_window_when_the_series_is_as_long_as_the_window():
    assert sliding_windows(np.ones((4, 1)), window=4).shape == (1, 4, 1)


def test_series_shorter_than_a_window():
    with pytest.raises(ValueError, match=r"3 step\(s\), fewer than window=4"):
        sliding_windows(np.ones(3), window=4)


@pytest.mark.parametrize("kwargs", [{"window": 0}, {"window": 2, "stride": 0}])
def test_window_and_stride_must_be_positive(kwargs):
    with pytest.raises(ValueError, match="window|stride"):
        sliding_windows(np.ones(5), **kwargs)


def test_windows_pass_nan_and_reject_infinity_and_3d_series():
    # NaN is a missing value, for a detector that takes them (Donut)
    np.testing.assert_array_equal(
        sliding_windows([1.0, np.nan, 2.0], window=2)[..., 0],
        [[1.0, np.nan], [np.nan, 2.0]],
    )
    with pytest.raises(ValueError, match="infinity"):
        sliding_windows([1.0, np.inf, 2.0], window=2)
    with pytest.raises(ValueError, match="3"):
        sliding_windows(np.ones((5, 2, 2)), window=2)


# ----------------------------------------------------- window_scores_to_points
def test_mean_min_max_over_covering_windows():
    scores = [1.0, 4.0, 7.0]  # windows [0-2], [1-3], [2-4]
    np.testing.assert_allclose(
        window_scores_to_points(scores, 5, 3), [1, 2.5, 4, 5.5, 7]
    )
    np.testing.assert_allclose(
        window_scores_to_points(scores, 5, 3, method="min"), [1, 1, 1, 4, 7]
    )
    np.testing.assert_allclose(
        window_scores_to_points(scores, 5, 3, method="max"), [1, 4, 7, 7, 7]
    )


@pytest.mark.parametrize("method", ["mean", "min", "max"])
def test_each_step_combines_the_windows_holding_it(method):
    # against the definition, window by window, adding in the windows' order
    rng = np.random.default_rng(0)
    combine = {"mean": np.mean, "min": np.min, "max": np.max}[method]
    for window, stride, n_steps in [(1, 1, 5), (5, 1, 30), (7, 3, 40), (6, 6, 31)]:
        n_windows = (n_steps - window) // stride + 1
        scores = rng.normal(size=n_windows) * 1e3
        held = [[] for _ in range(n_steps)]
        for i, score in enumerate(scores):
            for step in range(i * stride, i * stride + window):
                held[step].append(score)
        expected = [combine(h) if h else scores[-1] for h in held]
        points = window_scores_to_points(scores, n_steps, window, stride, method)
        np.testing.assert_allclose(points, expected, rtol=1e-15, atol=0)


def test_first_is_the_window_ending_at_each_step():
    points = window_scores_to_points([1.0, 4.0, 7.0], 5, 3, method="first")
    np.testing.assert_allclose(points, [1, 1, 1, 4, 7])


@pytest.mark.parametrize("method", ["mean", "min", "max", "first"])
def test_stride_leaves_no_step_without_a_score(method):
    # 8 steps, windows of 3 every 2 steps: [0-2], [2-4], [4-6]; step 7 is in none.
    points = window_scores_to_points([1.0, 2.0, 3.0], 8, 3, stride=2, method=method)
    assert points.shape == (8,) and np.all(np.isfinite(points))
    assert points[0] == 1.0 and points[7] == 3.0
    assert points[3] == 2.0 and points[5] == 3.0


def test_a_stride_longer_than_the_window_is_refused():
    # windows of 2 every 3 steps: steps 2 and 5 would be in no window
    with pytest.raises(ValueError, match="stride=3 is larger than window=2"):
        window_scores_to_points([1.0, 2.0, 3.0], 8, 2, stride=3)
    series = np.sin(np.arange(200) / 5.0)[:, np.newaxis]
    detector = WindowedDetector(
        IsolationForest(random_state=0), window=(4, 8), stride=6
    )
    with pytest.raises(ValueError, match="stride=6 is larger than window=4"):
        detector.fit(series)
    assert not hasattr(detector, "offset_")


def test_first_with_a_stride_takes_the_earliest_covering_window():
    points = window_scores_to_points([1.0, 2.0, 3.0], 8, 3, stride=2, method="first")
    np.testing.assert_allclose(points, [1, 1, 1, 2, 2, 3, 3, 3])


def test_scores_must_match_the_windows():
    with pytest.raises(ValueError, match=r"5 step\(s\) has 3 window\(s\).*\(2,\)"):
        window_scores_to_points([1.0, 2.0], 5, 3)


def test_round_trip_with_sliding_windows_on_one_window():
    windows = sliding_windows(np.arange(4.0), 4)
    points = window_scores_to_points(windows.mean(axis=(1, 2)), 4, 4)
    np.testing.assert_allclose(points, 1.5)


# ------------------------------------------------------------ WindowedDetector
@pytest.fixture(scope="module")
def series():
    rng = np.random.RandomState(0)
    t = np.arange(1200)
    values = np.sin(2 * np.pi * t / 40) + rng.normal(scale=0.05, size=len(t))
    values[1000:1006] += 3.0
    return values[:, np.newaxis]


def test_random_state_seeds_each_windows_detector(series):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    def scores(detector, seed):
        det = WindowedDetector(detector, window=(10, 20), random_state=seed)
        det.fit(series[:600])
        seeds = [d.get_params()[key] for d in det.detectors_ for key in d.get_params()
                 if key.endswith("random_state")]
        return det.score_samples(series[:600]), seeds

    forest = IsolationForest(n_estimators=10)  # unseeded
    first, seeds = scores(forest, 0)
    np.testing.assert_array_equal(scores(forest, 0)[0], first)
    assert len(set(seeds)) == 2 and None not in seeds  # a seed per window length
    assert not np.array_equal(scores(forest, 1)[0], first)
    assert forest.random_state is None  # the given detector is left as it is
    # a Pipeline's steps are seeded
    pipeline = make_pipeline(StandardScaler(), forest)
    piped, seeds = scores(pipeline, 0)
    assert None not in seeds
    np.testing.assert_array_equal(scores(pipeline, 0)[0], piped)
    # None leaves the detector's own seed
    seeded = IsolationForest(n_estimators=10, random_state=3)
    assert scores(seeded, None)[1] == [3, 3]


def test_flags_a_planted_burst_with_a_tabular_inner_detector(series):
    det = WindowedDetector(IsolationForest(random_state=0), window=20).fit(series[:900])
    assert det.detector_.n_features_in_ == 20  # windows flattened for a 2-D detector
    scores = det.score_samples(series)
    assert scores.shape == (1200,)
    assert scores[1000:1006].mean() < np.percentile(scores[:900], 1)
    labels = det.predict(series)
    assert np.all(labels[1000:1006] == -1)
    np.testing.assert_array_equal(det.decision_function(series), scores - det.offset_)


def test_sequence_detectors_get_three_d_windows(series):
    inner = ConvAutoEncoder(filters=(4, 2), epochs=2, batch_size=64, random_state=0)
    det = WindowedDetector(inner, window=16, stride=4).fit(series[:400])
    assert det.detector_.input_shape_ == (16, 1)
    assert det.score_samples(series[:50]).shape == (50,)
    assert inner.__sklearn_tags__().input_tags.three_d_array
    assert not hasattr(inner, "network_")  # the given detector is cloned


def test_in_a_pipeline_after_a_scaler_with_several_channels(series):
    two = np.hstack([series, 100 * series + 5])
    pipe = make_pipeline(
        StandardScaler(), WindowedDetector(IsolationForest(random_state=0), window=10)
    ).fit(two[:900])
    assert pipe[-1].detector_.n_features_in_ == 20
    scores = pipe.score_samples(two)
    assert scores[1000:1006].mean() < np.percentile(scores[:900], 1)


def test_a_sequence_detector_hidden_in_a_wrapper_with_several_channels_is_refused(
    series,
):
    # it would get each window flattened, the channels interleaved into one
    from sklearn.frozen import FrozenEstimator

    from skdeepad import RefinedDetector

    two = np.hstack([series, 2 * series])[:200]
    conv = ConvAutoEncoder(filters=(4, 2), epochs=1, random_state=0)
    for wrapper in [
        make_pipeline(conv),
        RefinedDetector(conv, refiner=IsolationForest(random_state=0)),
    ]:
        with pytest.raises(ValueError, match="ConvAutoEncoder inside .* flattened"):
            WindowedDetector(wrapper, window=8).fit(two)
    # one channel: a flattened window is that channel's sequence
    one = WindowedDetector(make_pipeline(conv), window=8).fit(series[:200])
    assert one.detector_[-1].input_shape_ == (8, 1)
    # a fitted detector frozen: fitted with y=None, as FrozenEstimator needs
    windows = sliding_windows(series[:200], window=8)
    frozen = FrozenEstimator(IsolationForest(random_state=0).fit(windows[:, :, 0]))
    det = WindowedDetector(frozen, window=8).fit(series[:200])
    assert det.detector_.estimator is frozen.estimator


def test_all_nan_windows_refused_by_the_detector_are_named_by_their_steps(series):
    from skdeepad import Donut

    gap = series[:300].copy()
    gap[100:110] = np.nan
    match = r"window\(s\) of steps \['100-105', '104-109'\] hold no observed value"
    with pytest.raises(ValueError, match=match):
        WindowedDetector(Donut(epochs=1), window=6, stride=4).fit(gap)
    det = WindowedDetector(Donut(epochs=1, random_state=0), window=6, stride=4)
    det.fit(series[:300])
    with pytest.raises(ValueError, match=match):
        det.score_samples(gap)


def test_a_pandas_series_is_one_channel_a_1d_array_is_refused(series):
    import pandas as pd

    values = pd.Series(series[:, 0], name="cpu")
    det = WindowedDetector(IsolationForest(random_state=0), window=20)
    from_pandas = det.fit(values[:900]).score_samples(values)
    assert list(det.feature_names_in_) == ["cpu"]
    expected = (
        WindowedDetector(IsolationForest(random_state=0), window=20)
        .fit(series[:900])
        .score_samples(series)
    )
    np.testing.assert_array_equal(from_pandas, expected)
    np.testing.assert_array_equal(det.predict(values) == -1, from_pandas < det.offset_)
    with pytest.raises(ValueError, match="Expected 2D array"):  # as scikit-learn
        WindowedDetector(IsolationForest(random_state=0), window=20).fit(series[:, 0])


def test_float_contamination_flags_that_share_of_training_steps(series):
    det = WindowedDetector(
        IsolationForest(random_state=0), window=20, contamination=0.1
    ).fit(series[:900])
    assert np.mean(det.predict(series[:900]) == -1) == pytest.approx(0.1, abs=0.01)


def test_series_shorter_than_the_window(series):
    det = WindowedDetector(IsolationForest(random_state=0), window=20)
    with pytest.raises(
        ValueError, match=r"5 sample\(s\) \(time steps\), fewer than window=20"
    ):
        det.fit(series[:5])
    det.fit(series[:100])
    with pytest.raises(ValueError, match="fewer than window=20"):
        det.score_samples(series[:10])


def test_default_detector_is_a_conv_autoencoder(series):
    det = WindowedDetector(window=8, stride=8).fit(series[:200])
    assert isinstance(det.detector_, ConvAutoEncoder)


def _iqr_z(scores, reference):
    q1, median, q3 = np.percentile(reference, [25, 50, 75])
    return (scores - median) / ((q3 - q1) / 1.349)


def test_several_windows_average_each_window_s_robust_z_scores(series):
    forest = IsolationForest(random_state=0)
    det = WindowedDetector(forest, window=(10, 20, 40), stride=2).fit(series[:900])
    assert det.windows_ == (10, 20, 40)
    assert [d.n_features_in_ for d in det.detectors_] == [10, 20, 40]
    assert det.detector_ is det.detectors_[0]
    singles = [
        WindowedDetector(forest, window=w, stride=2).fit(series[:900])
        for w in (10, 20, 40)
    ]
    expected = np.mean(
        [
            _iqr_z(s.score_samples(series), s.score_samples(series[:900]))
            for s in singles
        ],
        axis=0,
    )
    scores = det.score_samples(series)
    np.testing.assert_allclose(scores, expected, rtol=1e-12, atol=1e-12)
    assert scores[1000:1006].mean() < np.percentile(scores[:900], 1)
    assert np.all(det.predict(series)[1000:1006] == -1)
    training = det.score_samples(series[:900])
    assert np.median(training) == pytest.approx(0.0, abs=0.2)  # on the z scale


def test_one_window_scores_as_they_are(series):
    det = WindowedDetector(IsolationForest(random_state=0), window=(20,)).fit(series)
    same = WindowedDetector(IsolationForest(random_state=0), window=20).fit(series)
    np.testing.assert_array_equal(det.score_samples(series), same.score_samples(series))
    assert det.reference_scores_ == [] and same.windows_ == (20,)


@pytest.mark.parametrize(
    "window", [(), (8, 0), (8, 2.5), (True,), [8, "16"], True]
)
def test_bad_window_lists_are_refused(series, window):
    det = WindowedDetector(IsolationForest(random_state=0), window=window)
    with pytest.raises(
        ValueError, match="window must be a positive int or a non-empty"
    ):
        det.fit(series)


def test_several_windows_need_a_series_as_long_as_the_longest(series):
    det = WindowedDetector(IsolationForest(random_state=0), window=(8, 64))
    with pytest.raises(ValueError, match="fewer than window=64"):
        det.fit(series[:50])
    det.fit(series[:100])
    with pytest.raises(ValueError, match="fewer than window=64"):
        det.score_samples(series[:60])


def test_the_stream_scorer_refuses_several_windows(series):
    det = WindowedDetector(
        IsolationForest(random_state=0), window=(8, 16), aggregate="first"
    ).fit(series[:200])
    with pytest.raises(ValueError, match="fitted with windows \\(8, 16\\)"):
        StreamScorer(det)


@pytest.mark.parametrize("window", [(8,), [8]])
def test_the_stream_scorer_takes_one_window_in_a_tuple(series, window):
    det = WindowedDetector(
        IsolationForest(random_state=0), window=window, aggregate="first"
    ).fit(series[:200])
    live = StreamScorer(det)
    streamed = np.concatenate([live.update(step) for step in series[200:260, 0]])
    np.testing.assert_allclose(streamed, det.score_samples(series[200:260]))


def test_scores_follow_the_fitted_windows_after_set_params(series):
    det = WindowedDetector(IsolationForest(random_state=0), window=8).fit(series)
    before = det.score_samples(series)
    det.set_params(window=(8, 16))  # takes effect at the next fit
    np.testing.assert_array_equal(det.score_samples(series), before)
    assert det.windows_ == (8,)
    det.set_params(window=8, aggregate="first").fit(series[:200])
    live = StreamScorer(det.set_params(window=(8, 16)))  # the fitted one window
    assert len(live.update(series[200:220, 0])) == 20


def test_detector_before_fit_says_so():
    with pytest.raises(AttributeError, match="no detector_ until it is fitted"):
        _ = WindowedDetector(IsolationForest()).detector_


def test_meta_detectors_around_a_series_detector_keep_the_steps_in_order(series):
    from skdeepad import DetectorEnsemble, TunedThresholdDetector
    from skdeepad._utils import rows_are_steps

    windowed = WindowedDetector(IsolationForest(random_state=0), window=10)
    inner = DetectorEnsemble([("w", windowed)], random_state=0)
    assert rows_are_steps(inner) and rows_are_steps(TunedThresholdDetector(windowed))
    assert not rows_are_steps(DetectorEnsemble([("f", IsolationForest())]))
    outer = DetectorEnsemble([("inner", inner)], random_state=0).fit(series)
    member = outer.estimators_[0].estimators_[0]  # as the ensemble seeded it
    alone = WindowedDetector(
        member.detector, window=10, random_state=member.random_state
    ).fit(series)
    # the same ranking as the series detector alone: the steps were not reordered
    assert np.corrcoef(outer.score_samples(series), alone.score_samples(series))[
        0, 1
    ] == pytest.approx(1.0)


def test_several_windows_of_a_keras_detector_save_and_load(series, tmp_path):
    from skdeepad import load

    inner = ConvAutoEncoder(filters=(4, 2), epochs=1, batch_size=64, random_state=0)
    det = WindowedDetector(inner, window=(8, 16), stride=4).fit(series[:300])
    det.save(tmp_path / "m.zip")
    loaded = load(tmp_path / "m.zip")
    np.testing.assert_array_equal(
        loaded.score_samples(series[:300]), det.score_samples(series[:300])
    )
    assert loaded.windows_ == (8, 16) and loaded.detector_ is loaded.detectors_[0]


def test_a_detector_pickled_before_several_windows_still_loads(series):
    det = WindowedDetector(IsolationForest(random_state=0), window=20).fit(series)
    state = dict(det.__getstate__())
    state["detector_"] = state.pop("detectors_")[0]  # the former layout
    del state["windows_"], state["reference_scores_"], state["stride_"]
    del state["aggregate_"], state["random_state"]
    old = WindowedDetector.__new__(WindowedDetector)
    old.__setstate__(state)
    np.testing.assert_array_equal(old.score_samples(series), det.score_samples(series))
    assert old.windows_ == (20,)
    assert old.get_params()["random_state"] is None  # clone and repr work too


def test_several_windows_save_and_load(series, tmp_path):
    from skdeepad import load

    det = WindowedDetector(IsolationForest(random_state=0), window=(10, 20)).fit(series)
    det.save(tmp_path / "m.zip")
    loaded = load(tmp_path / "m.zip")
    np.testing.assert_array_equal(
        loaded.score_samples(series), det.score_samples(series)
    )


# ------------------------------------------------------------- dominant_period
def test_dominant_period_of_a_periodic_series():
    t = np.arange(3000)
    rng = np.random.RandomState(0)
    noisy = np.sin(2 * np.pi * t / 48) + rng.normal(scale=0.3, size=len(t))
    assert dominant_period(noisy) == 48
    assert dominant_period(noisy[:, np.newaxis]) == 48


def test_dominant_period_of_a_pandas_series_and_without_a_period():
    import pandas as pd

    t = np.arange(2000)
    assert dominant_period(pd.Series(np.cos(2 * np.pi * t / 100))) == 100
    assert dominant_period(np.ones(500)) == 125  # constant: the default
    assert dominant_period(np.ones(500), default=32) == 32
    assert dominant_period(t.astype(float)) == 125  # a trend: no peak


def test_dominant_period_does_not_depend_on_the_scale():
    # the autocorrelation of unscaled values overflowed near 1e160 and
    # underflowed (read as a constant series) near 1e-160
    x = np.sin(2 * np.pi * np.arange(3000) / 48)
    assert [dominant_period(c * x) for c in (1e-200, 1e-160, 1, 1e150, 1e160)] == [
        48
    ] * 5
    assert dominant_period(np.full(500, 1e200)) == 125  # still a constant


def test_an_infinite_window_score_is_the_most_abnormal():
    from sklearn.covariance import EllipticEnvelope

    t = np.arange(300)[:, None]
    series = np.sin(t / 5.0) + np.random.RandomState(0).normal(0, 0.05, (300, 1))
    detector = WindowedDetector(
        EllipticEnvelope(random_state=0), window=5, aggregate="first"
    ).fit(series)
    bad = series.copy()
    bad[150] = 1e200  # EllipticEnvelope scores these windows -inf
    scores = detector.score_samples(bad)
    assert np.isfinite(scores).all()
    assert scores[150] == scores.min() == np.finfo(np.float64).min
    assert detector.predict(bad)[150] == -1


def test_dominant_period_of_a_short_series():
    # lags past the series' length would wrap around to the start
    t = np.arange(100)
    noisy = np.sin(2 * np.pi * t / 10) + np.random.RandomState(0).normal(0, 0.3, 100)
    assert dominant_period(noisy) == 10
    assert dominant_period(noisy[:60]) == 10


def test_dominant_period_takes_one_channel():
    with pytest.raises(ValueError, match="univariate; got 2 channels"):
        dominant_period(np.zeros((100, 2)))
    with pytest.raises(ValueError, match="NaN"):
        dominant_period(np.array([1.0, np.nan, 2.0]))
    with pytest.raises(ValueError, match="max_lag"):
        dominant_period(np.zeros(500), max_lag=50)


# -------------------------------------------------------------------- load_nab
def _write_nab(root, windows):
    folder = root / "realTest"
    folder.mkdir(parents=True)
    csv = folder / "series.csv"
    csv.write_text(
        "timestamp,value\n"
        + "".join(f"2020-01-01 00:{m:02d}:00,{m * 1.5}\n" for m in range(10))
    )
    (root / "labels").mkdir()
    (root / "labels" / "combined_windows.json").write_text(json.dumps(windows))
    return csv


def test_load_nab_labels_steps_inside_windows(tmp_path):
    csv = _write_nab(
        tmp_path,
        {
            "realTest/series.csv": [
                ["2020-01-01 00:02:00.000000", "2020-01-01 00:04:00.000000"]
            ],
            "other/ignored.csv": [],
        },
    )
    data = load_nab(csv)
    assert data.name == "realTest/series.csv"
    assert data.X.shape == (10, 1) and data.X[3, 0] == 4.5
    np.testing.assert_array_equal(data.y, [1, 1, -1, -1, -1, 1, 1, 1, 1, 1])
    assert data.timestamp[0] == np.datetime64("2020-01-01T00:00:00")
    assert len(data.windows) == 1


def test_load_nab_of_a_bare_file_name_run_from_its_folder(tmp_path, monkeypatch):
    _write_nab(
        tmp_path,
        {"realTest/series.csv": [["2020-01-01 00:02:00", "2020-01-01 00:04:00"]]},
    )
    monkeypatch.chdir(tmp_path / "realTest")
    data = load_nab("series.csv")  # its folder's name from the resolved path
    assert data.name == "realTest/series.csv" and (data.y == -1).sum() == 3
    # a link to the file elsewhere keeps its own folder's name
    (tmp_path / "store").mkdir()
    (tmp_path / "realTest" / "series.csv").rename(tmp_path / "store" / "blob.csv")
    (tmp_path / "realTest" / "series.csv").symlink_to(tmp_path / "store" / "blob.csv")
    assert load_nab("series.csv").name == "realTest/series.csv"
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ValueError, match="bad.json is not a JSON file of windows"):
        load_nab("series.csv", windows=bad)


def test_load_nab_without_labels_and_with_an_explicit_file(tmp_path):
    folder = tmp_path / "data" / "x"
    folder.mkdir(parents=True)
    csv = folder / "s.csv"
    csv.write_text("timestamp,value\n2020-01-01 00:00:00,1\n2020-01-01 00:01:00,2\n")
    data = load_nab(csv)
    assert data.y is None and data.windows is None
    windows = tmp_path / "w.json"
    windows.write_text(
        json.dumps({"x/s.csv": [["2020-01-01 00:01:00", "2020-01-01 00:01:00"]]})
    )
    np.testing.assert_array_equal(load_nab(csv, windows=windows).y, [1, -1])
    windows.write_text(json.dumps({}))
    with pytest.raises(ValueError, match="no anomaly windows for 'x/s.csv'"):
        load_nab(csv, windows=windows)


def test_load_nab_finds_the_labels_of_nabs_own_layout(tmp_path):
    # NAB/data/<folder>/<file>.csv beside NAB/labels/combined_windows.json
    key = "realTest/series.csv"
    window = [["2020-01-01 00:02:00.000000", "2020-01-01 00:03:00.000000"]]
    csv = _write_nab(tmp_path / "data", {})
    (tmp_path / "data" / "labels" / "combined_windows.json").unlink()
    (tmp_path / "data" / "labels").rmdir()
    (tmp_path / "labels").mkdir()
    (tmp_path / "labels" / "combined_windows.json").write_text(
        json.dumps({key: window})
    )
    assert load_nab(csv).y.tolist() == [1, 1, -1, -1, 1, 1, 1, 1, 1, 1]
    # a series the labels do not name, in a folder below: loaded without labels
    extra = csv.parent / "extra"
    extra.mkdir()
    (extra / "copy.csv").write_text(csv.read_text())
    assert load_nab(extra / "copy.csv").y is None
    # a byte-order mark and a blank last line are read as NAB's own files
    csv.write_text(csv.read_text() + "\n", encoding="utf-8-sig")
    assert load_nab(csv).y.tolist() == [1, 1, -1, -1, 1, 1, 1, 1, 1, 1]
    (tmp_path / "labels" / "combined_windows.json").write_text(
        json.dumps({key: [["2020-01-01 00:02:00"]]})
    )
    with pytest.raises(ValueError, match="must be \\[start, end\\] timestamp pairs"):
        load_nab(csv)


@pytest.mark.parametrize(
    "text, match",
    [
        ("time,value\n2020-01-01,1\n", "header must be 'timestamp,value'"),
        ("timestamp,value\n2020-01-01 00:00:00,abc\n", "a row is not"),
        ("", "header must be"),
        ("timestamp,value\n", "no time step"),
        ("timestamp,value\n2020-01-01 00:00:00,1,0\n", "row 2 has 3 fields"),
        ("timestamp,value\n2020-01-01,1\n2020-01-02,inf\n", "infinity, at row 3"),
    ],
)
def test_load_nab_rejects_other_layouts(tmp_path, text, match):
    csv = tmp_path / "bad.csv"
    csv.write_text(text)
    with pytest.raises(ValueError, match=match):
        load_nab(csv)


def test_load_nab_reads_nan_as_a_missing_value(tmp_path):
    csv = tmp_path / "gap.csv"
    csv.write_text("timestamp,value\n2020-01-01,1\n2020-01-02,nan\n2020-01-03,2\n")
    X = load_nab(csv).X[:, 0]
    assert X[0] == 1 and np.isnan(X[1]) and X[2] == 2


@pytest.mark.skipif(
    not NAB.exists(), reason="the shared NAB data is not beside the checkout"
)
def test_load_nab_on_a_shared_series():
    data = load_nab(NAB / "realKnownCause" / "nyc_taxi.csv")
    assert data.X.shape == (10320, 1)
    assert len(data.windows) == 5
    assert 0 < np.mean(data.y == -1) < 0.2


def test_the_nab_example_runs_and_draws(tmp_path):
    import subprocess
    import sys

    rng = np.random.RandomState(0)
    values = 10 + np.sin(np.arange(1500) * 2 * np.pi / 48) + rng.normal(0, 0.05, 1500)
    values[1200:1210] += 5
    folder = tmp_path / "nab" / "realTest"
    folder.mkdir(parents=True)
    stamps = np.datetime64("2020-01-01T00:00") + np.arange(1500) * np.timedelta64(
        5, "m"
    )
    (folder / "s.csv").write_text(
        "timestamp,value\n"
        + "".join(
            f"{str(t).replace('T', ' ')}:00,{v}\n"
            for t, v in zip(stamps, values, strict=True)
        )
    )
    (tmp_path / "nab" / "labels").mkdir()
    window = [str(stamps[1190]).replace("T", " "), str(stamps[1220]).replace("T", " ")]
    (tmp_path / "nab" / "labels" / "combined_windows.json").write_text(
        json.dumps({"realTest/s.csv": [window]})
    )
    example = Path(__file__).resolve().parents[1] / "examples" / "timeseries_nab.py"
    png = tmp_path / "scores.png"
    result = subprocess.run(
        [sys.executable, str(example), str(folder / "s.csv"), "--output", str(png)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    auc = float(result.stdout.split("per-step ROC-AUC ")[1].split()[0].rstrip(","))
    assert auc > 0.8
    assert "dominant period 48 steps" in result.stdout  # the windows: 24, 48, 96
    assert float(result.stdout.split("VUS-PR ")[1].split()[0]) > 0.3
    assert png.stat().st_size > 10_000
