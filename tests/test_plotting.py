"""skdeepad.plotting: each display drawn with Agg, its artists checked."""

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from skdeepad import AutoEncoder, ConvAutoEncoder, WindowedDetector  # noqa: E402
from skdeepad.plotting import (  # noqa: E402
    FeatureScoresDisplay,
    ScoreDistributionDisplay,
    SeriesScoresDisplay,
    TrainingHistoryDisplay,
)


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 4))
    X[:10] += 6
    y = np.where(np.arange(200) < 10, -1, 1)
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    detector = AutoEncoder(
        hidden_units=(8, 2), epochs=5, early_stopping=True, random_state=0
    ).fit(frame)
    return detector, frame, y


def _png(display, tmp_path):
    path = tmp_path / "plot.png"
    display.figure_.savefig(path)
    plt.close(display.figure_)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_score_distribution_from_estimator(fitted, tmp_path):
    detector, frame, y = fitted
    display = ScoreDistributionDisplay.from_estimator(detector, frame, y, bins=20)
    assert len(display.hists_) == 2
    assert sum(len(h.patches) for h in display.hists_) == 40
    assert display.line_.get_xdata()[0] == pytest.approx(detector.offset_)
    counts = [sum(p.get_height() for p in h.patches) for h in display.hists_]
    assert counts == [190, 10]
    assert display.ax_.get_title() == "AutoEncoder"
    _png(display, tmp_path)


def test_score_distribution_from_predictions_on_given_axes(tmp_path):
    _, ax = plt.subplots()
    display = ScoreDistributionDisplay.from_predictions(np.arange(10.0), ax=ax)
    assert display.ax_ is ax and display.line_ is None and len(display.hists_) == 1
    _png(display, tmp_path)


def test_training_history(fitted, tmp_path):
    detector, _, _ = fitted
    display = TrainingHistoryDisplay.from_estimator(detector)
    assert set(display.lines_) == {"loss", "val_loss"}
    np.testing.assert_allclose(
        display.lines_["loss"].get_ydata(), detector.history_["loss"]
    )
    _png(display, tmp_path)


def test_training_history_needs_one():
    from skdeepad import DeepIsolationForest

    detector = DeepIsolationForest(n_ensemble=2, hidden_units=(4,), random_state=0)
    with pytest.raises(ValueError, match="no training history"):
        TrainingHistoryDisplay.from_estimator(detector.fit(np.zeros((20, 2)) + 1))


def test_training_history_of_a_pipeline_and_where_a_windowed_detectors_is():
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X = np.random.default_rng(0).standard_normal((100, 3))
    pipe = make_pipeline(StandardScaler(), AutoEncoder(epochs=2, random_state=0))
    display = TrainingHistoryDisplay.from_estimator(pipe.fit(X))
    assert display.lines_["loss"].get_ydata().tolist() == pipe[-1].history_["loss"]
    plt.close(display.figure_)
    inner = ConvAutoEncoder(filters=(2,), epochs=1, random_state=0)
    windowed = WindowedDetector(inner, window=8).fit(np.sin(np.arange(100.0))[:, None])
    with pytest.raises(ValueError, match=r"WindowedDetector.detectors_\[0\]"):
        TrainingHistoryDisplay.from_estimator(windowed)


def test_score_distribution_takes_a_threshold_of_one_value_and_refuses_2d_scores():
    display = ScoreDistributionDisplay.from_predictions(
        np.arange(10.0), threshold=np.array([4.5])  # OneClassSVM's offset_
    )
    assert display.threshold == 4.5 and display.line_.get_xdata()[0] == 4.5
    plt.close(display.figure_)
    with pytest.raises(ValueError, match=r"threshold must be a number.*'low'"):
        ScoreDistributionDisplay.from_predictions(np.arange(10.0), threshold="low")
    with pytest.raises(ValueError, match=r"scores must be 1-D.*\(10, 2\)"):
        ScoreDistributionDisplay.from_predictions(np.zeros((10, 2)))


def test_feature_scores_of_the_most_abnormal_rows(fitted, tmp_path):
    detector, frame, _ = fitted
    display = FeatureScoresDisplay.from_estimator(detector, frame, samples=2)
    assert len(display.bars_) == 2 and len(display.bars_[0].patches) == 4
    assert [t.get_text() for t in display.ax_.get_xticklabels()] == list("abcd")
    worst = np.argsort(-detector.score_samples(frame))[::-1][:2]
    shares = detector.feature_scores(frame).to_numpy()[worst]
    np.testing.assert_allclose(
        [p.get_height() for p in display.bars_[0].patches], shares[0]
    )
    _png(display, tmp_path)


def test_feature_scores_needs_a_reconstruction_detector(fitted):
    from skdeepad import DeepSVDD

    detector = DeepSVDD(epochs=2, random_state=0).fit(np.ones((20, 3)))
    with pytest.raises(ValueError, match="no feature_scores"):
        FeatureScoresDisplay.from_estimator(detector, np.ones((5, 3)))


def test_series_scores(tmp_path):
    rng = np.random.default_rng(0)
    series = np.sin(np.arange(300) / 8)[:, None] + 0.05 * rng.standard_normal((300, 1))
    series[150:160] += 2
    y = np.ones(300, dtype=int)
    y[150:160] = -1
    y[250:255] = -1
    detector = WindowedDetector(
        ConvAutoEncoder(filters=(4, 2), epochs=3, random_state=0), window=16
    ).fit(series)
    display = SeriesScoresDisplay.from_estimator(detector, series, y)
    assert len(display.axes_) == 2
    assert set(display.lines_) == {"series", "scores", "threshold"}
    assert len(display.spans_) == 4  # two runs, shaded on both axes
    np.testing.assert_allclose(
        display.lines_["scores"].get_ydata(), detector.score_samples(series)
    )
    _png(display, tmp_path)


def test_a_pipeline_is_plotted_with_its_last_steps_threshold(fitted):
    from sklearn.ensemble import IsolationForest
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    _, frame, y = fitted
    forest = make_pipeline(StandardScaler(), IsolationForest(random_state=0))
    forest.fit(frame)
    display = ScoreDistributionDisplay.from_estimator(forest, frame, y)
    assert display.threshold == pytest.approx(forest[-1].offset_)
    series = SeriesScoresDisplay.from_estimator(forest, frame, y)
    assert series.lines_["threshold"].get_ydata()[0] == pytest.approx(
        forest[-1].offset_
    )
    plt.close("all")


def test_a_one_class_svm_is_plotted_with_its_threshold(fitted):
    from sklearn.svm import OneClassSVM

    _, frame, y = fitted
    svm = OneClassSVM(nu=0.1).fit(frame)  # its offset_ is an array of one value
    display = ScoreDistributionDisplay.from_estimator(svm, frame, y)
    assert display.threshold == pytest.approx(svm.offset_[0])
    plt.close("all")


def test_a_one_step_anomaly_is_shaded_one_step_wide():
    y = np.ones(50, dtype=int)
    y[20] = -1
    y[-1] = -1
    time = np.arange(50) * 2.0
    scores = np.zeros((50, 1))  # a column of scores is taken as one per step
    display = SeriesScoresDisplay(np.sin(time), scores, y=y, time=time).plot()
    assert [span.get_width() for span in display.spans_[::2]] == [2.0, 2.0]
    plt.close(display.figure_)


def test_bad_labels_lengths_and_samples_are_clear_errors(fitted):
    detector, frame, _ = fitted
    scores = np.zeros(100)
    with pytest.raises(ValueError, match=r"pass 1 - 2 \* y"):
        ScoreDistributionDisplay.from_predictions(scores, np.arange(100) < 10)
    with pytest.raises(ValueError, match=r"pass 1 - 2 \* y"):
        ScoreDistributionDisplay.from_predictions(scores, np.ones(100, dtype=bool))
    with pytest.raises(ValueError, match=r"one label per sample \(100\)"):
        ScoreDistributionDisplay.from_predictions(scores, np.ones(50))
    with pytest.raises(ValueError, match="one score per step"):
        SeriesScoresDisplay(np.zeros(50), np.zeros(40))
    with pytest.raises(ValueError, match="non-empty series"):
        SeriesScoresDisplay(np.zeros(0), np.zeros(0))
    with pytest.raises(ValueError, match=r"one value per step \(50\)"):
        SeriesScoresDisplay(np.zeros(50), np.zeros(50), time=np.arange(40))
    with pytest.raises(ValueError, match="at least 1"):
        FeatureScoresDisplay.from_estimator(detector, frame, samples=-1)
    with pytest.raises(ValueError, match="row numbers from 0 to 199"):
        FeatureScoresDisplay.from_estimator(detector, frame, samples=[200])


def test_the_gallery_example_writes_every_plot(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "examples" / "plots.py"
    run = subprocess.run(
        [sys.executable, str(script), "--output", str(tmp_path), "--epochs", "2"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert sorted(p.name for p in tmp_path.glob("*.png")) == [
        "feature_scores.png",
        "score_distribution.png",
        "series_scores.png",
        "training_history.png",
    ]


def test_bad_time_axes_and_scores_are_refused_by_name():
    steps = np.arange(3.0)
    with pytest.raises(TypeError, match="numbers or timestamps"):
        SeriesScoresDisplay(steps, steps, y=[1, 1, -1], time=["a", "b", "c"])
    days = SeriesScoresDisplay(
        steps, steps, time=["2020-01-01", "2020-01-02", "2020-01-03"]
    )
    assert days.time.dtype.kind == "M"  # date strings read as timestamps
    numbers = SeriesScoresDisplay(steps, steps, time=np.array([0, 1, 2], dtype=object))
    assert numbers.time.dtype == np.float64  # not read as nanoseconds since 1970
    zoned = pd.date_range("2020-01-01", periods=3, tz="Europe/Paris")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no timezone dropped with a warning
        aware = SeriesScoresDisplay(steps, steps, y=[1, 1, -1], time=zoned).plot()
    assert aware.time[0].tzinfo is not None
    _, ax = plt.subplots()
    with pytest.raises(ValueError, match="axes must be two Axes"):
        SeriesScoresDisplay(steps, steps).plot(axes=ax)
    with pytest.raises(ValueError, match="NaN or inf"):
        ScoreDistributionDisplay.from_predictions([0.0, np.nan, 1.0])
    plt.close("all")


def test_feature_scores_must_match_the_names():
    with pytest.raises(ValueError, match=r"shape \(2, 3\); got \(2, 2\)"):
        FeatureScoresDisplay(np.eye(2), ["a", "b", "c"], ["row 0", "row 1"])


def test_feature_scores_of_a_pipeline_ending_in_a_reconstruction_detector(fitted):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    _, frame, _ = fitted
    pipe = make_pipeline(StandardScaler(), AutoEncoder(epochs=1, random_state=0))
    display = FeatureScoresDisplay.from_estimator(pipe.fit(frame), frame, samples=2)
    assert display.feature_names == [str(c) for c in frame.columns]
    expected = pipe[-1].feature_scores(pipe[0].transform(frame))
    rows = np.argsort(expected.sum(axis=1))[::-1][:2]
    np.testing.assert_allclose(display.feature_scores, expected[rows])
    plt.close("all")


def test_drawing_without_matplotlib_says_how_to_install_it():
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['matplotlib'] = None\n"
        "import numpy as np\n"
        "from skdeepad.plotting import ScoreDistributionDisplay\n"
        "try:\n"
        "    ScoreDistributionDisplay.from_predictions(np.arange(5.0))\n"
        "except ImportError as error:\n"
        "    print(error)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert 'pip install "skdeepad[plot]"' in out
