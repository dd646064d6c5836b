"""RefinedDetector: the rows left out, what that does to the scores, errors."""

import numpy as np
import pytest
from sklearn.base import BaseEstimator, OutlierMixin
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score
from sklearn.neighbors import LocalOutlierFactor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeepad import AutoEncoder, RefinedDetector, WindowedDetector

RNG = np.random.default_rng(0)
X_NORMAL = RNG.standard_normal((300, 3))
# a tight cluster: each anomaly's nearest neighbours are other anomalies
X_ANOMALY = RNG.standard_normal((30, 3)) * 0.05 + [3.0, 0.0, 0.0]
X = np.vstack([X_NORMAL, X_ANOMALY])
IS_ANOMALY = np.r_[np.zeros(300), np.ones(30)]


class _FirstFeature(OutlierMixin, BaseEstimator):
    """A refiner that calls a row the more abnormal the larger its first feature."""

    def fit(self, X, y=None):
        self.n_features_in_ = X.shape[1]
        return self

    def score_samples(self, X):
        return -np.asarray(X)[:, 0]


def _neighbours():
    return LocalOutlierFactor(n_neighbors=10, novelty=True)


def test_the_refiners_lowest_rows_are_left_out():
    det = RefinedDetector(_neighbours(), refiner=_FirstFeature(), drop_fraction=0.2)
    det.fit(X)
    n_dropped = int(0.2 * len(X))
    assert (~det.kept_).sum() == n_dropped
    largest = np.argsort(-X[:, 0], kind="stable")[:n_dropped]
    assert set(np.flatnonzero(~det.kept_)) == set(largest)
    assert det.detector_.n_samples_fit_ == len(X) - n_dropped
    np.testing.assert_array_equal(det.score_samples(X), det.detector_.score_samples(X))


def test_refining_unmasks_a_cluster_of_anomalies():
    # Fitted on every row, the neighbours of an anomaly are anomalies: the
    # cluster looks dense, hence normal. Refined, they are scored against
    # normal rows only.
    alone = _neighbours().fit(X)
    refined = RefinedDetector(_neighbours(), refiner=_FirstFeature()).fit(X)
    auc_alone = roc_auc_score(IS_ANOMALY, -alone.score_samples(X))
    auc_refined = roc_auc_score(IS_ANOMALY, -refined.score_samples(X))
    assert auc_alone < 0.8
    assert auc_refined > 0.99
    assert refined.predict(X_ANOMALY).tolist() == [-1] * len(X_ANOMALY)


def test_no_drop_fits_the_detector_on_every_row():
    det = RefinedDetector(_neighbours(), refiner=_FirstFeature(), drop_fraction=0)
    det.fit(X)
    assert det.kept_.all()
    np.testing.assert_allclose(
        det.score_samples(X), _neighbours().fit(X).score_samples(X)
    )


def test_local_outlier_factor_refiner_ranks_by_its_training_scores():
    refiner = LocalOutlierFactor(n_neighbors=10, novelty=True)
    det = RefinedDetector(_neighbours(), refiner=refiner, drop_fraction=0.1).fit(X)
    factors = det.refiner_.negative_outlier_factor_
    dropped = np.argsort(factors, kind="stable")[: int(0.1 * len(X))]
    assert set(np.flatnonzero(~det.kept_)) == set(dropped)


def test_threshold_from_contamination_over_every_training_row():
    det = RefinedDetector(_neighbours(), refiner=_FirstFeature(), contamination=0.1)
    det.fit(X)
    flagged = det.predict(X) == -1
    assert flagged.mean() == pytest.approx(0.1, abs=0.01)
    assert flagged[IS_ANOMALY == 1].all()


def test_random_state_seeds_both_and_fits_repeat():
    det = RefinedDetector(
        AutoEncoder(hidden_units=(4, 2), epochs=2),
        refiner=IsolationForest(n_estimators=20),
        random_state=3,
    )
    first = det.fit(X).score_samples(X)
    seeds = (det.refiner_.random_state, det.detector_.random_state)
    assert None not in seeds and seeds[0] != seeds[1]
    np.testing.assert_array_equal(det.fit(X).score_samples(X), first)
    assert det.detector is not det.detector_  # the parameter stays unfitted
    assert not hasattr(det.detector, "network_")


def test_defaults_and_nested_parameters():
    det = RefinedDetector()
    det.set_params(detector=AutoEncoder(), detector__epochs=3)
    assert det.get_params()["detector__epochs"] == 3
    det = RefinedDetector(random_state=0).fit(X)
    assert isinstance(det.detector_, AutoEncoder)
    assert isinstance(det.refiner_, IsolationForest)
    assert (~det.kept_).sum() == int(0.3 * len(X))
    assert det.score_samples(X).dtype == np.float64


def test_a_detector_of_series_steps_is_refused():
    windowed = WindowedDetector(IsolationForest(n_estimators=10), window=4)
    with pytest.raises(TypeError, match="time steps"):
        RefinedDetector(windowed).fit(X)
    with pytest.raises(TypeError, match="refiner WindowedDetector"):
        RefinedDetector(_neighbours(), refiner=windowed).fit(X)


@pytest.mark.parametrize(
    "refiner",
    [
        LocalOutlierFactor(n_neighbors=10),  # novelty=False: no score_samples
        make_pipeline(
            StandardScaler(), LocalOutlierFactor(n_neighbors=10, novelty=True)
        ),
    ],
    ids=["lof", "pipeline"],
)
def test_refiners_that_keep_their_training_scores_rank_by_them(refiner):
    det = RefinedDetector(_neighbours(), refiner=refiner, drop_fraction=0.1).fit(X)
    factors = LocalOutlierFactor(n_neighbors=10).fit(
        StandardScaler().fit_transform(X) if hasattr(refiner, "steps") else X
    ).negative_outlier_factor_
    dropped = np.argsort(factors, kind="stable")[: int(0.1 * len(X))]
    assert set(np.flatnonzero(~det.kept_)) == set(dropped)


def test_a_refiner_that_cannot_rank_is_refused():
    class _Fits(BaseEstimator):
        def fit(self, X, y=None):
            return self

    with pytest.raises(TypeError, match="no score_samples nor negative_outlier"):
        RefinedDetector(_neighbours(), refiner=_Fits()).fit(X)


@pytest.mark.parametrize(("fraction", "n_dropped"), [(0.5, 50), (0.29, 29), (0.0, 0)])
def test_the_fraction_of_rows_dropped_is_rounded_down(fraction, n_dropped):
    det = RefinedDetector(_neighbours(), refiner=_FirstFeature())
    det.set_params(drop_fraction=fraction)
    assert (~det.fit(X[:100]).kept_).sum() == n_dropped


class _NanOnFirstRow(_FirstFeature):
    """Ranks by the first feature, but cannot score the first row (NaN)."""

    def score_samples(self, X):
        scores = super().score_samples(X).astype(float)
        scores[0] = np.nan
        return scores


def test_nan_scores_are_the_most_abnormal():
    # a refiner's NaN ranks the row lowest; a detector's NaN makes no NaN threshold
    det = RefinedDetector(_neighbours(), refiner=_NanOnFirstRow(), drop_fraction=0.01)
    assert not det.fit(X).kept_[0]
    det = RefinedDetector(_NanOnFirstRow(), refiner=_FirstFeature(), contamination=0.1)
    scores = det.fit(X).score_samples(X)
    assert np.isfinite(scores).all() and np.isfinite(det.offset_)
    assert scores[0] == scores.min() and det.predict(X[:1]).tolist() == [-1]


def test_without_random_state_the_inner_seeds_stay_and_numpy_is_untouched():
    before = np.random.get_state()  # noqa: NPY002 (the global generator)
    forest = IsolationForest(n_estimators=5, random_state=7)
    det = RefinedDetector(
        make_pipeline(StandardScaler(), forest),
        refiner=IsolationForest(n_estimators=5, random_state=8),
    ).fit(X)
    assert det.detector_[-1].random_state == 7 and det.refiner_.random_state == 8
    after = np.random.get_state()  # noqa: NPY002
    assert after[2] == before[2] and np.array_equal(after[1], before[1])


@pytest.mark.parametrize("fraction", [-0.1, 0.6, "half"])
def test_bad_drop_fraction_is_refused(fraction):
    with pytest.raises((ValueError, TypeError), match="drop_fraction"):
        RefinedDetector(drop_fraction=fraction).fit(X)


def test_offset_of_a_novelty_lof_scores_its_kept_rows_without_themselves():
    rng = np.random.RandomState(0)
    X_train, X_new = rng.normal(size=(400, 3)), rng.normal(size=(4000, 3))
    det = RefinedDetector(
        LocalOutlierFactor(novelty=True, n_neighbors=5),
        drop_fraction=0.0,
        contamination=0.1,
    ).fit(X_train)
    lof = det.detector_
    assert det.offset_ == pytest.approx(np.percentile(lof.negative_outlier_factor_, 10))
    # about 10% of new rows from the training distribution flagged (19% before)
    assert np.mean(det.predict(X_new) == -1) < 0.14


def test_a_frozen_refiner_is_used_as_fitted():
    from sklearn.frozen import FrozenEstimator

    refiner = FrozenEstimator(_FirstFeature().fit(X))
    det = RefinedDetector(_neighbours(), refiner=refiner, drop_fraction=0.1)
    det.set_params(random_state=0).fit(X)
    assert det.refiner_ is refiner and not det.kept_[np.argmax(X[:, 0])]
