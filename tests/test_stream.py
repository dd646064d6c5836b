"""Live scoring with StreamScorer: the same scores as batch scoring.

A network detector scores live windows unpadded, through its compiled
inference call, so its scores equal batch scores within float32 rounding
(rtol 1e-5); any other detector's equal them exactly.
"""

import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import IsolationForest
from sklearn.exceptions import NotFittedError

from skdeepad import ConvAutoEncoder
from skdeepad.timeseries import StreamScorer, WindowedDetector, sliding_windows


def _series(n_steps=300, n_channels=1):
    t = np.arange(n_steps)[:, np.newaxis]
    return np.sin(2 * np.pi * t / 25 + np.arange(n_channels)) + 0.05 * np.cos(t)


@pytest.fixture(scope="module")
def conv():
    detector = ConvAutoEncoder(filters=(4, 2), epochs=2, random_state=0)
    return WindowedDetector(detector, window=16, aggregate="first").fit(_series())


def test_step_by_step_scores_equal_batch_scores(conv):
    series = _series(120)
    series[90] += 3.0
    scorer = StreamScorer(conv)
    live = [scorer.update(step) for step in series]
    assert [len(scores) for scores in live[:16]] == [0] * 15 + [16]
    assert all(len(scores) == 1 for scores in live[16:])
    np.testing.assert_allclose(
        np.concatenate(live), conv.score_samples(series), rtol=1e-5
    )
    assert scorer.n_steps_seen_ == 120
    assert len(scorer._recent) == 15  # the last window - 1 steps, no more


def test_steps_in_any_grouping_give_the_same_scores(conv):
    series = _series(200)
    scorer = StreamScorer(conv)
    parts = [
        scorer.update(pd.Series(series[:7, 0])),  # a univariate series as 1-D
        scorer.update(series[7:150]),
        scorer.update(float(series[150, 0])),  # one step as a number
        scorer.update(series[151:]),
    ]
    np.testing.assert_allclose(
        np.concatenate(parts), conv.score_samples(series), rtol=1e-5
    )


def test_live_windows_are_scored_unpadded_by_the_compiled_network(conv):
    import keras

    from skdeepad.core._training import CompiledNetwork

    scorer = StreamScorer(conv)
    live = scorer._live_scorer()
    assert isinstance(live.network_, CompiledNetwork)
    assert live._pad_predict_batches is False and live._predict_row_multiple == 1
    # the detector given is unchanged: its own network, padded batch scoring
    inner = conv.detector_
    assert isinstance(inner.network_, keras.Model)
    assert "_pad_predict_batches" not in vars(inner)
    assert inner._pad_predict_batches is True
    windows = np.random.default_rng(0).standard_normal((40, 16, 1)).astype("float32")
    compiled = live.network_
    for n_rows in (1, 3, 40, 2):
        np.testing.assert_allclose(
            keras.ops.convert_to_numpy(compiled(windows[:n_rows])),
            keras.ops.convert_to_numpy(inner.network_(windows[:n_rows])),
            rtol=1e-5,
            atol=1e-6,
        )
    if keras.backend.backend() == "tensorflow":  # one trace for every batch size
        import tensorflow as tf

        assert isinstance(compiled._call, tf.types.experimental.ConcreteFunction)


def _tensorflow_only():
    import keras

    if keras.backend.backend() != "tensorflow":
        pytest.skip("the one-row interpreter is TensorFlow Lite's")


def test_one_step_updates_go_through_the_one_row_interpreter(conv):
    _tensorflow_only()
    series = _series(60)
    series[45] -= 2.0
    scorer = StreamScorer(conv)
    live = np.concatenate([scorer.update(step) for step in series])
    compiled = scorer._live.network_
    assert compiled._one_row_checked and compiled._one_row is not None
    np.testing.assert_allclose(live, conv.score_samples(series), rtol=1e-5)
    # the interpreter's output is the network's, within float32 rounding
    window = sliding_windows(series[-16:], 16).astype(np.float32)
    np.testing.assert_allclose(
        compiled._one_row(window), conv.detector_.network_(window), rtol=1e-5, atol=1e-6
    )


def test_tensorflows_own_interpreter_serves_without_litert(conv, monkeypatch):
    import warnings

    _tensorflow_only()
    monkeypatch.setitem(sys.modules, "ai_edge_litert", None)  # not installed
    monkeypatch.setitem(sys.modules, "ai_edge_litert.interpreter", None)
    series = _series(40)
    scorer = StreamScorer(conv)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # tf.lite's deprecation warning is not shown
        live = np.concatenate([scorer.update(step) for step in series])
    assert scorer._live.network_._one_row is not None
    np.testing.assert_allclose(live, conv.score_samples(series), rtol=1e-5)


def test_an_interpreter_that_disagrees_with_the_graph_is_dropped(conv, monkeypatch):
    from skdeepad.core import _training

    _tensorflow_only()
    monkeypatch.setattr(
        _training, "_one_row_interpreter", lambda network: lambda X: np.zeros_like(X)
    )
    series = _series(40)
    scorer = StreamScorer(conv)
    live = np.concatenate([scorer.update(step) for step in series])
    assert scorer._live.network_._one_row is None  # the graph scores instead
    np.testing.assert_allclose(live, conv.score_samples(series), rtol=1e-5)


def test_one_step_updates_follow_a_partial_fit():
    # no scaler to replace: the new history_ tells the scorer the weights moved
    series = _series(120)
    windowed = WindowedDetector(
        ConvAutoEncoder(filters=(4, 2), epochs=2, standardize=False, random_state=0),
        window=16,
        aggregate="first",
    ).fit(series)
    scorer = StreamScorer(windowed)
    before = np.concatenate([scorer.update(step) for step in series[:40]])
    windowed.detector_.partial_fit(sliding_windows(series, 16))
    windowed.detector_.partial_fit(sliding_windows(series, 16))
    after = np.concatenate([scorer.update(step) for step in series[40:60]])
    batch = windowed.score_samples(series[:60])
    np.testing.assert_allclose(after, batch[40:], rtol=1e-5)
    assert not np.allclose(before[-20:], batch[20:40], rtol=1e-3)  # it did move


def test_a_subclass_with_its_own_layout_is_scored_through_score_samples():
    class Reshaping(ConvAutoEncoder):  # a layout the live path cannot know
        def _layout(self, X):
            return super()._layout(X)

    series = _series(80)
    windowed = WindowedDetector(
        Reshaping(filters=(4, 2), epochs=1, random_state=0),
        window=16,
        aggregate="first",
    ).fit(series)
    scorer = StreamScorer(windowed)
    live = np.concatenate([scorer.update(step) for step in series[:30]])
    assert scorer._live is windowed.detector_  # no live copy: score_samples checks
    np.testing.assert_allclose(live, windowed.score_samples(series[:30]), rtol=1e-5)


def test_a_pickled_scorer_goes_on_where_it_stopped(conv):
    import pickle

    series = _series(100)
    scorer = StreamScorer(conv)
    first = scorer.update(series[:40])
    restored = pickle.loads(pickle.dumps(scorer))
    assert restored.n_steps_seen_ == 40
    rest = np.concatenate([restored.update(step) for step in series[40:]])
    np.testing.assert_allclose(
        np.concatenate([first, rest]), conv.score_samples(series), rtol=1e-5
    )


def test_a_refitted_detector_is_scored_as_refitted():
    series = _series(200)
    windowed = WindowedDetector(
        ConvAutoEncoder(filters=(4, 2), epochs=2, random_state=0),
        window=16,
        aggregate="first",
    ).fit(series[:100])
    scorer = StreamScorer(windowed)
    scorer.update(series[:50])
    windowed.set_params(detector__random_state=1).fit(series[100:])  # new model
    np.testing.assert_allclose(
        scorer.update(series[50:60]),
        windowed.score_samples(series[:60])[50:],
        rtol=1e-5,
    )
    windowed.detector_.partial_fit(sliding_windows(series[:80], 16))  # new scaler
    np.testing.assert_allclose(
        scorer.update(series[60:70]),
        windowed.score_samples(series[:70])[60:],
        rtol=1e-5,
    )


def test_a_detector_refitted_with_another_window_or_channels_is_refused():
    series = _series(120)

    def windowed(window):
        return WindowedDetector(
            IsolationForest(random_state=0), window=window, aggregate="first"
        ).fit(series)

    for refit in [
        lambda det: det.set_params(window=10).fit(series),
        lambda det: det.fit(np.hstack([series, series])),
        lambda det: det.set_params(aggregate="mean").fit(series),
    ]:
        detector = windowed(4)
        scorer = StreamScorer(detector)
        scorer.update(series[:50])
        refit(detector)
        with pytest.raises(ValueError, match="new StreamScorer|aggregate='first'"):
            scorer.update(series[50:60])
        assert scorer.n_steps_seen_ == 50


def test_stride_or_aggregate_set_after_fit_wait_for_a_refit():
    series = _series(120)
    detector = WindowedDetector(
        IsolationForest(random_state=0), window=4, aggregate="first", contamination=0.1
    ).fit(series)
    scores = detector.score_samples(series)
    scorer = StreamScorer(detector)
    detector.set_params(aggregate="min", stride=2)
    np.testing.assert_array_equal(detector.score_samples(series), scores)
    assert np.mean(detector.predict(series) == -1) == pytest.approx(0.1, abs=0.01)
    np.testing.assert_allclose(scorer.update(series), scores, rtol=1e-6)


def test_a_scorer_pickled_before_it_kept_its_setting_still_loads():
    series = _series(120)
    detector = WindowedDetector(
        IsolationForest(random_state=0), window=4, aggregate="first"
    ).fit(series)
    scorer = StreamScorer(detector)
    scorer.update(series[:50])

    def unpickled_as_before(state):
        state = {k: v for k, v in state.items() if k != "_fitted_as"}
        restored = StreamScorer.__new__(StreamScorer)
        restored.__setstate__(state)
        return restored

    detector.fit(np.hstack([series, series]))  # refitted before the pickle
    with pytest.raises(ValueError, match="new StreamScorer"):
        unpickled_as_before(scorer.__getstate__()).update(series[50:60])
    detector.set_params(aggregate="mean").fit(series)  # loads; refused at update
    restored = unpickled_as_before(scorer.__getstate__())
    with pytest.raises(ValueError, match="aggregate='first'"):
        restored.update(series[50:60])


def test_several_channels_step_by_step():
    series = _series(150, n_channels=2)
    detector = WindowedDetector(
        IsolationForest(random_state=0), window=8, aggregate="first"
    ).fit(series)
    scorer = StreamScorer(detector)
    live = np.concatenate([scorer.update(step) for step in series])  # 1-D rows
    np.testing.assert_array_equal(live, detector.score_samples(series))
    # one step as a list of its channels' values (a list has an index method)
    scorer = StreamScorer(detector)
    live = np.concatenate([scorer.update(step.tolist()) for step in series])
    np.testing.assert_array_equal(live, detector.score_samples(series))


def test_bad_detectors_and_steps_are_clear_errors(conv):
    with pytest.raises(NotFittedError):
        StreamScorer(WindowedDetector(window=8, aggregate="first"))
    with pytest.raises(TypeError, match="WindowedDetector; got ConvAutoEncoder"):
        StreamScorer(conv.detector_)
    mean = WindowedDetector(IsolationForest(random_state=0), window=8).fit(_series())
    with pytest.raises(ValueError, match="aggregate='first'"):
        StreamScorer(mean)
    scorer = StreamScorer(conv)
    with pytest.raises(ValueError, match="2 channel"):
        scorer.update(np.ones((3, 2)))
    with pytest.raises(ValueError, match="NaN"):
        scorer.update([1.0, np.nan])
    with pytest.raises(ValueError, match="infinity"):
        scorer.update(np.inf)
    hidden = np.ma.masked_invalid([[1.0], [np.nan]])  # NaN under a mask
    with pytest.raises(ValueError, match="NaN"):
        scorer.update(hidden)
    with pytest.raises(ValueError, match="convert"):
        scorer.update("high")
    with pytest.raises(ValueError, match="2 channel"):
        scorer.update(np.empty((0, 2)))
    assert scorer.n_steps_seen_ == 0
    np.testing.assert_array_equal(  # integers and float32 are numbers too
        StreamScorer(conv).update(np.arange(20)),
        StreamScorer(conv).update(np.arange(20.0, dtype=np.float32)),
    )


def test_a_detector_without_scikit_learn_tags_takes_flattened_windows():
    class Plain:  # fit and score_samples, nothing of scikit-learn's
        def get_params(self, deep=True):
            return {}

        def fit(self, X, y=None):
            self.mean_ = X.mean(axis=0)
            return self

        def score_samples(self, X):
            assert X.ndim == 2  # one flattened window a row
            return -((X - self.mean_) ** 2).sum(axis=1)

    series = np.sin(np.arange(60.0))[:, None]
    windowed = WindowedDetector(Plain(), window=5, aggregate="first").fit(series)
    np.testing.assert_allclose(
        StreamScorer(windowed).update(series), windowed.score_samples(series)
    )


def test_a_detector_taking_nan_scores_a_gap_live_as_in_batch():
    series = np.sin(np.arange(120) / 3.0)[:, None]
    hole = series.copy()
    hole[50:70] = np.nan  # windows of nothing but NaN, which IsolationForest takes
    windowed = WindowedDetector(
        IsolationForest(random_state=0), window=8, aggregate="first"
    ).fit(series)
    np.testing.assert_allclose(
        StreamScorer(windowed).update(hole), windowed.score_samples(hole)
    )
    # a nullable pandas column's missing value, step by step, is such a gap
    pd = pytest.importorskip("pandas")
    steps = pd.Series(hole[:, 0]).astype("Float64")
    scorer = StreamScorer(windowed)
    live = np.concatenate([scorer.update(value) for value in steps])
    assert steps[55] is pd.NA
    np.testing.assert_allclose(live, windowed.score_samples(hole))
    scorer = StreamScorer(windowed)  # in lists (rows of itertuples)
    runs = [list(steps[i : i + 7]) for i in range(0, len(steps), 7)]
    live = np.concatenate([scorer.update(run) for run in runs])
    np.testing.assert_allclose(live, windowed.score_samples(hole))
    scorer = StreamScorer(windowed)  # rows of one value: an object array
    rows = steps.to_frame().to_numpy(dtype=object)  # pd.NA kept
    live = np.concatenate([scorer.update(rows[i : i + 7]) for i in range(0, 120, 7)])
    np.testing.assert_allclose(live, windowed.score_samples(hole))


def test_the_scorer_keeps_only_the_last_steps_in_memory():
    windowed = WindowedDetector(
        IsolationForest(random_state=0), window=8, aggregate="first"
    )
    scorer = StreamScorer(windowed.fit(np.sin(np.arange(100.0))[:, None]))
    scorer.update(np.zeros((50_000, 1)))
    # its own 7 steps, not a view holding the whole update alive
    assert scorer._recent.shape == (7, 1) and scorer._recent.base is None


def test_a_failed_update_adds_nothing_to_the_stream(monkeypatch):
    detector = WindowedDetector(IsolationForest(random_state=0), window=8)
    detector.set_params(aggregate="first").fit(_series())
    series, scorer = _series(60), StreamScorer(detector)
    scorer.update(series[:20])
    inner = detector.detector_

    def fail(X):
        raise MemoryError("no room")

    monkeypatch.setattr(inner, "score_samples", fail)
    with pytest.raises(MemoryError):
        scorer.update(series[20:40])
    monkeypatch.undo()
    assert scorer.n_steps_seen_ == 20
    live = np.concatenate([scorer.update(series[20:40]), scorer.update(series[40:])])
    np.testing.assert_allclose(live, detector.score_samples(series)[20:])


def test_channels_named_otherwise_than_fitted_are_refused():
    frame = pd.DataFrame(_series(200, 2), columns=["cpu", "mem"])
    detector = WindowedDetector(IsolationForest(random_state=0), window=8)
    detector.set_params(aggregate="first").fit(frame)
    scorer = StreamScorer(detector)
    swapped = r"\['mem', 'cpu'\]\) are not those .* \(\['cpu', 'mem'\]"
    with pytest.raises(ValueError, match=swapped):
        scorer.update(frame[["mem", "cpu"]])
    with pytest.raises(ValueError, match="channel names"):
        scorer.update(frame[["mem", "cpu"]].iloc[0])  # one step as a Series
    assert scorer.n_steps_seen_ == 0
    live = np.concatenate([scorer.update(frame[:30]), scorer.update(frame.iloc[30])])
    np.testing.assert_allclose(live, detector.score_samples(frame[:31]))


def test_a_conv_autoencoder_reading_windows_as_images_streams():
    series = _series(120, 2)
    inner = ConvAutoEncoder(filters=(2,), image_shape=(8, 2), epochs=1, random_state=0)
    detector = WindowedDetector(inner, window=8, aggregate="first").fit(series)
    live = StreamScorer(detector).update(series)
    np.testing.assert_allclose(live, detector.score_samples(series), rtol=1e-5)


def test_an_update_without_steps_scores_none(conv):
    scorer = StreamScorer(conv)
    for empty in ([], np.empty((0, 1)), pd.DataFrame({"x": []}), pd.Series([])):
        assert scorer.update(empty).shape == (0,)
    assert scorer.n_steps_seen_ == 0
    assert len(scorer.update(_series(20))) == 20  # the first window's, at once
