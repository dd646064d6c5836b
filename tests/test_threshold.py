"""TunedThresholdDetector: a threshold picked by cross-validation on labels."""

import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator
from sklearn.ensemble import IsolationForest
from sklearn.metrics import f1_score, recall_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeepad import AutoEncoder, TunedThresholdDetector, all_detectors

from ._params import fast_params


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = np.vstack([rng.normal(size=(400, 3)), rng.uniform(-6, 6, size=(40, 3))])
    y = np.r_[np.ones(400, dtype=int), -np.ones(40, dtype=int)]
    return X, y


def _forest():
    return IsolationForest(n_estimators=50, random_state=0)


def test_tuned_threshold_beats_a_wrong_contamination_on_f1(data):
    X, y = data
    plain = _forest().set_params(contamination=0.3).fit(X)
    tuned = TunedThresholdDetector(_forest().set_params(contamination=0.3)).fit(X, y)
    f1 = lambda det: f1_score(y, det.predict(X), pos_label=-1)  # noqa: E731
    assert f1(tuned) > f1(plain) + 0.1
    assert 0.02 < tuned.contamination_ < 0.2  # about the 9% planted
    assert 0.5 < tuned.best_score_ <= 1.0


def test_decision_function_and_scores_come_from_the_refitted_detector(data):
    X, y = data
    tuned = TunedThresholdDetector(_forest()).fit(X, y)
    np.testing.assert_array_equal(
        tuned.score_samples(X), _forest().fit(X).score_samples(X)
    )
    np.testing.assert_allclose(
        tuned.decision_function(X), tuned.score_samples(X) - tuned.offset_
    )
    flagged = np.mean(tuned.predict(X) == -1)
    assert flagged == tuned.contamination_


def _far_anomalies(n_normal, n_anomalies, rng):
    """Normal rows near 0, then anomalies far away, each farther than the last."""
    normal = rng.normal(scale=0.1, size=(n_normal, 2))
    return np.vstack([normal, 5 + np.arange(n_anomalies)[:, None] * [[1.0, 1.0]]])


@pytest.mark.parametrize(
    "X, y",
    [
        # two identical anomalies: their scores tie at the threshold
        (
            np.vstack([np.random.RandomState(1).normal(size=(18, 2)), [[8, 8]] * 2]),
            np.r_[np.ones(18, dtype=int), -np.ones(2, dtype=int)],
        ),
        # anomalies the majority: the threshold above the median score
        (
            _far_anomalies(4, 6, np.random.RandomState(2)),
            np.r_[np.ones(4, dtype=int), -np.ones(6, dtype=int)],
        ),
    ],
    ids=["tied-anomalies", "majority-anomalies"],
)
def test_prefit_predict_scores_what_the_tuning_chose(X, y):
    from sklearn.covariance import EllipticEnvelope

    inner = EllipticEnvelope(random_state=0).fit(
        np.random.RandomState(0).normal(size=(40, 2))
    )
    tuned = TunedThresholdDetector(inner, cv="prefit").fit(X, y)
    assert tuned.best_score_ == 1.0
    assert f1_score(y, tuned.predict(X), pos_label=-1) == tuned.best_score_
    assert tuned.contamination_ == np.mean(y == -1)


def test_duplicated_anomalies_are_all_flagged_after_cross_validation():
    rng = np.random.RandomState(0)
    X = np.vstack([rng.normal(size=(54, 2)), np.tile([[8.0, 8.0]], (6, 1))])
    y = np.r_[np.ones(54, dtype=int), -np.ones(6, dtype=int)]
    tuned = TunedThresholdDetector(
        IsolationForest(n_estimators=20, random_state=0), cv=3
    ).fit(X, y)
    assert tuned.best_score_ == 1.0
    np.testing.assert_array_equal(tuned.predict(X[-6:]), -np.ones(6))


def test_any_splitter_needs_labels_only_among_the_held_out_samples(data):
    from sklearn.model_selection import ShuffleSplit

    X, y = data
    few = np.ones(len(X), dtype=int)
    few[-4:] = -1  # fewer labelled anomalies than splits
    splitter = ShuffleSplit(n_splits=5, test_size=0.5, random_state=0)
    tuned = TunedThresholdDetector(_forest(), cv=splitter).fit(X, few)
    assert 0.0 < tuned.contamination_ < 0.1
    normal_rows = np.flatnonzero(few == 1)
    only_normal_held_out = [(np.arange(len(X))[::2], normal_rows[1::2])]
    with pytest.raises(ValueError, match="hold no labelled anomaly"):
        TunedThresholdDetector(_forest(), cv=only_normal_held_out).fit(X, few)


def test_scores_are_float64_and_any_array_like_is_taken(data):
    from sklearn.neighbors import LocalOutlierFactor

    X, y = data

    class ArrayOnly:  # an array-like by __array__ alone
        def __init__(self, values):
            self.values = values

        def __array__(self, dtype=None, copy=None):
            return np.asarray(self.values, dtype=dtype)

    X32 = X.astype(np.float32)
    tuned = TunedThresholdDetector(LocalOutlierFactor(novelty=True)).fit(X32, y)
    assert tuned.score_samples(X32).dtype == np.float64
    assert tuned.decision_function(X32).dtype == np.float64
    from_array_like = TunedThresholdDetector(_forest()).fit(ArrayOnly(X), y)
    assert (
        from_array_like.offset_ == TunedThresholdDetector(_forest()).fit(X, y).offset_
    )


@pytest.mark.parametrize("format", ["coo", "csc", "dia"])
def test_a_sparse_matrix_of_any_format_is_taken(data, format):
    import scipy.sparse as sp

    X, y = data
    dense = TunedThresholdDetector(_forest()).fit(X, y)
    tuned = TunedThresholdDetector(_forest()).fit(sp.csr_matrix(X).asformat(format), y)
    assert tuned.offset_ == dense.offset_
    assert tuned.best_score_ == dense.best_score_


def test_scoring_changes_the_choice(data):
    X, y = data
    by_f1 = TunedThresholdDetector(_forest(), scoring="f1").fit(X, y)
    by_recall = TunedThresholdDetector(_forest(), scoring="recall").fit(X, y)
    assert by_recall.contamination_ > by_f1.contamination_
    assert recall_score(y, by_recall.predict(X), pos_label=-1) >= 0.95
    custom = TunedThresholdDetector(
        _forest(), scoring=lambda t, p: f1_score(t, p, pos_label=-1)
    ).fit(X, y)
    assert custom.contamination_ == pytest.approx(by_f1.contamination_)


def test_prefit_tunes_without_refitting(data):
    X, y = data
    fitted = _forest().fit(X[::2])
    tuned = TunedThresholdDetector(fitted, cv="prefit").fit(X[1::2], y[1::2])
    assert tuned.detector_ is fitted
    with pytest.raises(Exception, match="not fitted"):
        TunedThresholdDetector(_forest(), cv="prefit").fit(X, y)
    anomalies_only = np.where(y[1::2] == -1, -1, 0)
    with pytest.raises(ValueError, match="at least 1 labelled normal samples"):
        TunedThresholdDetector(fitted, cv="prefit").fit(X[1::2], anomalies_only)


def test_unlabelled_rows_are_fitted_on_but_not_scored(data):
    X, y = data
    partial = y.copy()
    partial[::3] = 0
    tuned = TunedThresholdDetector(_forest(), cv=StratifiedKFold(3)).fit(X, partial)
    assert 0.02 < tuned.contamination_ < 0.2


def test_clear_errors_without_usable_labels(data):
    X, y = data
    few = np.ones(len(X), dtype=int)
    few[:3] = -1
    with pytest.raises(ValueError, match="at least 5 labelled anomalies"):
        TunedThresholdDetector(_forest(), cv=5).fit(X, few)
    with pytest.raises(ValueError, match="integer labels"):
        TunedThresholdDetector(_forest()).fit(X, ["a"] * len(X))
    with pytest.raises(ValueError, match="scoring"):
        TunedThresholdDetector(_forest(), scoring="roc_auc").fit(X, y)


_NO_ANOMALIES = "no labelled anomalies"


@pytest.mark.parametrize("y_kind", ["none", "normal_only", "unlabelled"])
def test_without_labelled_anomalies_it_keeps_the_detector_threshold(data, y_kind):
    X, _ = data
    y = {
        "none": None,
        "normal_only": np.ones(len(X), dtype=int),
        "unlabelled": np.r_[np.ones(100, dtype=int), np.zeros(len(X) - 100, int)],
    }[y_kind]
    plain = _forest().set_params(contamination=0.05).fit(X)
    with pytest.warns(UserWarning, match=_NO_ANOMALIES) as record:
        det = TunedThresholdDetector(_forest().set_params(contamination=0.05)).fit(X, y)
    assert record[0].filename == __file__  # points at this call, not inside fit
    assert det.offset_ == plain.offset_
    np.testing.assert_array_equal(det.predict(X), plain.predict(X))
    assert det.contamination_ == pytest.approx(0.05, abs=0.005)
    assert np.isnan(det.best_score_)


def test_fallback_threshold_of_prefit_pipeline_and_decision_only_detectors(data):
    X, _ = data
    fitted = _forest().set_params(contamination=0.1).fit(X)
    with pytest.warns(UserWarning, match=_NO_ANOMALIES):
        prefit = TunedThresholdDetector(fitted, cv="prefit").fit(X)
    assert prefit.detector_ is fitted and prefit.offset_ == fitted.offset_

    pipe = make_pipeline(StandardScaler(), _forest().set_params(contamination=0.1))
    with pytest.warns(UserWarning, match=_NO_ANOMALIES):
        tuned = TunedThresholdDetector(pipe).fit(X)
    assert tuned.offset_ == tuned.detector_[-1].offset_
    np.testing.assert_array_equal(tuned.predict(X), pipe.fit(X).predict(X))

    class DecisionOnly(BaseEstimator):  # a threshold, but no offset_ attribute
        def fit(self, X, y=None):
            return self

        def score_samples(self, X):
            return -np.abs(X[:, 0])

        def decision_function(self, X):
            return self.score_samples(X) + 2.0

    with pytest.warns(UserWarning, match=_NO_ANOMALIES):
        tuned = TunedThresholdDetector(DecisionOnly()).fit(X)
    assert tuned.offset_ == pytest.approx(-2.0)

    class ScoresOnly(DecisionOnly):
        decision_function = property(_raise_attribute_error)

    with pytest.raises(ValueError, match="no threshold of its own"):
        TunedThresholdDetector(ScoresOnly()).fit(X)


def test_fallback_threshold_of_a_one_class_svm(data):
    from sklearn.svm import OneClassSVM

    X, _ = data
    svm = OneClassSVM(nu=0.1).fit(X)
    assert np.shape(svm.offset_) == (1,)  # an array of one value, not a float
    with pytest.warns(UserWarning, match=_NO_ANOMALIES):
        tuned = TunedThresholdDetector(OneClassSVM(nu=0.1), cv=3).fit(X)
    assert tuned.offset_ == pytest.approx(svm.offset_[0])
    np.testing.assert_array_equal(tuned.predict(X), svm.predict(X))


def _raise_attribute_error(self):
    raise AttributeError("decision_function")


def test_with_labels_it_still_tunes_without_warning(data):
    X, y = data
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        tuned = TunedThresholdDetector(_forest().set_params(contamination=0.3)).fit(
            X, y
        )
    inner = tuned.detector_
    assert tuned.offset_ != inner.offset_
    assert 0.02 < tuned.contamination_ < 0.2  # tuned, not the inner 0.3
    assert np.isfinite(tuned.best_score_)


def test_in_a_pipeline_and_grid_search_with_a_deep_detector(data):
    X, y = data
    pipe = make_pipeline(
        StandardScaler(),
        TunedThresholdDetector(
            AutoEncoder(hidden_units=(4, 2), epochs=3, random_state=0), cv=2
        ),
    )
    search = GridSearchCV(
        pipe,
        {"tunedthresholddetector__detector__hidden_units": [(4, 2), (8, 2)]},
        scoring="f1_macro",
        cv=StratifiedKFold(2, shuffle=True, random_state=0),  # anomalies in each fold
        error_score="raise",
    ).fit(X, y)
    assert search.best_estimator_.predict(X).shape == (len(X),)
    assert np.isfinite(search.best_score_)


def test_is_found_as_a_meta_detector():
    assert (
        dict(all_detectors("meta"))["TunedThresholdDetector"] is TunedThresholdDetector
    )


def test_a_series_detector_needs_folds_of_consecutive_steps():
    from sklearn.model_selection import TimeSeriesSplit

    from skdeepad.timeseries import WindowedDetector

    rng = np.random.RandomState(0)
    series = np.sin(np.arange(400) / 5.0)[:, None] + 0.05 * rng.normal(size=(400, 1))
    y = np.ones(400, dtype=int)
    spikes = np.arange(130, 400, 30)
    series[spikes] += 3.0
    y[spikes] = -1
    windowed = WindowedDetector(_forest(), window=8)
    # A stratified split joins steps far apart into one training series.
    with pytest.raises(ValueError, match="consecutive steps"):
        TunedThresholdDetector(windowed, cv=2).fit(series, y)
    tuned = TunedThresholdDetector(windowed, cv=TimeSeriesSplit(3)).fit(series, y)
    assert np.all(tuned.predict(series)[spikes] == -1)


@pytest.mark.parametrize(
    "scoring",
    ["f1", "precision", "recall", "accuracy", "balanced_accuracy", "matthews_corrcoef"],
)
def test_built_in_metrics_of_every_threshold_equal_scikit_learn_s(scoring):
    """Computed at once from the confusion counts, equal to one call per threshold."""
    from skdeepad.meta._threshold import _best_fraction, _metric

    rng = np.random.default_rng(0)
    for case in range(60):
        n = int(rng.integers(2, 80))
        ranks = rng.integers(0, 1 + n // (1 + case % 3), size=n) / n  # with ties
        labels = np.where(rng.random(n) < rng.uniform(0.05, 0.6), -1, 1)
        labels[0], labels[-1] = -1, 1  # both classes
        metric = _metric(scoring)
        once = _best_fraction(ranks, labels, metric, scoring)
        each = _best_fraction(ranks, labels, metric)  # a callable: one call each
        assert once == each, (case, once, each)


def test_a_scorer_is_refused_clearly(data):
    from sklearn.metrics import get_scorer, make_scorer

    X, y = data
    for scorer in (make_scorer(f1_score, pos_label=-1), get_scorer("f1")):
        detector = TunedThresholdDetector(IsolationForest(), scoring=scorer)
        with pytest.raises(ValueError, match="not a scorer.*pos_label=-1"):
            detector.fit(X, y)


def test_a_metric_s_nan_is_never_the_best():
    from skdeepad.meta._threshold import _best_fraction

    ranks, labels = np.array([0.0, 0.5, 0.9]), np.array([-1, 1, 1])

    def nan_first(y_true, y_pred):
        flagged = np.sum(y_pred == -1)
        return np.nan if flagged == 1 else float(flagged)

    assert _best_fraction(ranks, labels, nan_first) == (0.9, 3.0)
    with pytest.raises(ValueError, match="NaN at every threshold"):
        _best_fraction(ranks, labels, lambda y_true, y_pred: np.nan)


def test_windows_of_a_sequence_detector_pass_through():
    """3-D input (windows, steps, channels) goes to the inner detector as it is."""
    from skdeepad import ConvAutoEncoder

    rng = np.random.default_rng(1)
    X = rng.standard_normal((40, 8, 2))
    X[:4] += 6
    y = np.r_[-np.ones(4, dtype=int), np.ones(36, dtype=int)]
    inner = ConvAutoEncoder(**fast_params("ConvAutoEncoder"), random_state=0)
    detector = TunedThresholdDetector(inner, cv=2).fit(X, y)
    assert detector.predict(X).shape == (40,)


def test_a_threshold_flagging_every_sample_warns():
    class Inverted(BaseEstimator):  # ranks the anomalies as the most normal
        def fit(self, X, y=None):
            return self

        def score_samples(self, X):
            return np.abs(X[:, 0])

    rng = np.random.default_rng(2)
    X = np.r_[rng.normal(size=(40, 1)), rng.normal(8, 1, size=(6, 1))]
    y = np.r_[np.ones(40, dtype=int), -np.ones(6, dtype=int)]
    with pytest.warns(UserWarning, match="flags every training sample"):
        tuned = TunedThresholdDetector(Inverted(), cv=2).fit(X, y)
    assert tuned.contamination_ == 1.0


def test_groups_reach_a_group_splitter(data):
    from sklearn.model_selection import GroupKFold

    X, y = data
    groups = np.arange(len(X)) % 8  # eight machines, say
    splitter = GroupKFold(n_splits=4)
    by_groups = TunedThresholdDetector(_forest(), cv=splitter).fit(X, y, groups=groups)
    folds = list(splitter.split(X, y, groups))
    by_folds = TunedThresholdDetector(_forest(), cv=folds).fit(X, y)
    assert by_groups.offset_ == by_folds.offset_
    assert by_groups.best_score_ == by_folds.best_score_
    with pytest.raises(ValueError, match="groups"):  # scikit-learn's own error
        TunedThresholdDetector(_forest(), cv=splitter).fit(X, y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        TunedThresholdDetector(_forest(), cv=splitter).fit(X, y, groups=groups[:-1])
    prefit = TunedThresholdDetector(_forest().fit(X), cv="prefit")
    with pytest.raises(ValueError, match="takes no groups"):
        prefit.fit(X, y, groups=groups)
    # a stratified split would ignore them: refused, not leaked
    with pytest.raises(ValueError, match="ignores groups.*StratifiedGroupKFold"):
        TunedThresholdDetector(_forest(), cv=4).fit(X, y, groups=groups)
    with pytest.raises(ValueError, match="groups must be 1-D"):
        TunedThresholdDetector(_forest(), cv=splitter).fit(X, y, groups=groups[:, None])


@pytest.mark.parametrize("routing", [False, True])
def test_an_outer_search_s_groups_reach_only_a_group_splitter(data, routing):
    # With metadata routing on, the outer search's groups go to this
    # detector's fit only when its own cv splits by group (as RFECV's do).
    import sklearn
    from sklearn.model_selection import GroupKFold, KFold

    X, y = data
    rows = np.random.RandomState(0).permutation(len(X))
    X, y, groups = X[rows], y[rows], np.arange(len(X)) % 6
    assert not hasattr(TunedThresholdDetector, "set_fit_request")
    with sklearn.config_context(enable_metadata_routing=routing):
        for inner in [KFold(4), GroupKFold(3)]:
            search = GridSearchCV(
                TunedThresholdDetector(_forest(), cv=inner),
                {"scoring": ["f1", "recall"]},
                cv=GroupKFold(2),
                scoring="roc_auc",
            )
            if routing or isinstance(inner, KFold):
                search.fit(X, y, groups=groups)
                assert search.best_score_ > 0.9
            else:  # without routing the search keeps its groups
                with pytest.raises(ValueError, match="'groups' parameter"):
                    search.fit(X, y, groups=groups)


class _NanWhereSecondFeatureIsHigh(BaseEstimator):
    """Scores by the first feature's distance from 0; NaN where the second passes 2."""

    _estimator_type = "outlier_detector"

    def fit(self, X, y=None):
        return self

    def score_samples(self, X):
        X = np.asarray(X, dtype=float)
        scores = -np.abs(X[:, 0])
        scores[X[:, 1] > 2.0] = np.nan
        return scores


def test_nan_scores_are_the_most_abnormal_and_leave_a_finite_threshold(data):
    X, y = data
    tuned = TunedThresholdDetector(_NanWhereSecondFeatureIsHigh(), cv=3).fit(X, y)
    assert np.isfinite(tuned.offset_) and 0 < tuned.contamination_ < 0.5
    scores = tuned.score_samples([[0.0, 3.0, 0.0], [0.0, 0.0, 0.0]])
    assert np.isfinite(scores).all() and scores[0] < scores[1]
    assert tuned.predict([[0.0, 3.0, 0.0], [0.0, 0.0, 0.0]]).tolist() == [-1, 1]


def test_fit_predict_tunes_on_the_labels(data):
    X, y = data
    make = lambda: TunedThresholdDetector(_forest().set_params(contamination=0.3))  # noqa: E731
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # "y holds no labelled anomalies"
        labels = make().fit_predict(X, y)
    np.testing.assert_array_equal(labels, make().fit(X, y).predict(X))
    assert np.mean(labels == -1) < 0.2  # tuned, not the 30% of contamination
