"""DetectorEnsemble: named members, normalisation, combination, errors."""

import numpy as np
import pytest
from sklearn.base import BaseEstimator, OutlierMixin
from sklearn.covariance import EllipticEnvelope
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.neighbors import KernelDensity, LocalOutlierFactor
from sklearn.preprocessing import StandardScaler

from skdeepad import DTE, ICL, AutoEncoder, DeepIsolationForest, DetectorEnsemble

RNG = np.random.default_rng(0)
X_NORMAL = RNG.standard_normal((200, 4))
X_ANOMALY = RNG.standard_normal((20, 4)) * 0.5 + 4.0


class _Noise(OutlierMixin, BaseEstimator):
    """A useless member: random scores, or constant ones."""

    def __init__(self, constant=False, random_state=None):
        self.constant = constant
        self.random_state = random_state

    def fit(self, X, y=None):
        self.n_features_in_ = X.shape[1]
        return self

    def score_samples(self, X):
        if self.constant:
            return np.zeros(len(X))
        return np.random.default_rng(len(X)).standard_normal(len(X))


def _tiny_ae(**params):
    return AutoEncoder(hidden_units=(4, 2), epochs=2, batch_size=64, **params)


def _forest(**params):
    return IsolationForest(n_estimators=20, **params)


def test_nested_set_params_reaches_the_member():
    ensemble = DetectorEnsemble([("ae", AutoEncoder()), ("iforest", _forest())])
    ensemble.set_params(ae__epochs=5, iforest__n_estimators=7)
    assert ensemble.estimators[0][1].epochs == 5
    assert ensemble.estimators[1][1].n_estimators == 7
    params = ensemble.get_params()
    assert params["ae__epochs"] == 5 and params["iforest"] is ensemble.estimators[1][1]
    assert "ae" not in ensemble.get_params(deep=False)
    ensemble.set_params(iforest=EllipticEnvelope())  # replaces a member by name
    assert isinstance(ensemble.estimators[1][1], EllipticEnvelope)


def test_grid_search_tunes_a_member_parameter():
    X = np.vstack([X_NORMAL, X_ANOMALY])
    y = np.r_[np.ones(len(X_NORMAL)), -np.ones(len(X_ANOMALY))]
    search = GridSearchCV(
        DetectorEnsemble([("ae", _tiny_ae()), ("iforest", _forest())], random_state=0),
        {"ae__epochs": [1, 2]},
        scoring=lambda est, X, y: roc_auc_score(y == -1, -est.score_samples(X)),
        cv=StratifiedKFold(2, shuffle=True, random_state=0),
    ).fit(X, y)
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    assert list(search.cv_results_["param_ae__epochs"]) == [1, 2]
    best = search.best_estimator_
    assert best.named_estimators_.ae.epochs == search.best_params_["ae__epochs"]
    assert best.named_estimators_.ae.network_ is not None


def test_rank_normalisation_puts_each_member_on_0_1_in_order():
    ensemble = DetectorEnsemble(
        [("iforest", _forest()), ("noise", _Noise())],
        normalization="rank",
        weights=[1, 0],
        random_state=0,
    ).fit(X_NORMAL)
    X = np.vstack([X_NORMAL, X_ANOMALY, 1e6 * X_ANOMALY[:2], -1e6 * X_ANOMALY[:2]])
    raw = ensemble.named_estimators_.iforest.score_samples(X)
    ranked = ensemble.score_samples(X)  # weight 0 on noise: the forest's ranks
    assert ranked.min() >= 0 and ranked.max() <= 1
    order = np.argsort(raw, kind="stable")
    assert np.all(np.diff(ranked[order]) >= 0)  # monotone in the member's score
    train = ensemble.score_samples(X_NORMAL)
    assert abs(train.mean() - 0.5) < 0.01  # mid-ranks of the training rows
    assert ranked[len(X_NORMAL) :].max() < np.percentile(train, 5)


@pytest.mark.parametrize("normalization", ["rank", "zscore"])
def test_a_strong_and_a_useless_member_beat_the_useless_one(normalization):
    X_test = np.vstack([RNG.standard_normal((200, 4)), X_ANOMALY])
    is_anomaly = np.r_[np.zeros(200), np.ones(len(X_ANOMALY))]

    def auc(detector):
        return roc_auc_score(is_anomaly, -detector.score_samples(X_test))

    noise = _Noise().fit(X_NORMAL)
    ensemble = DetectorEnsemble(
        [("iforest", _forest()), ("noise", _Noise())],
        normalization=normalization,
        random_state=0,
    ).fit(X_NORMAL)
    assert abs(auc(noise) - 0.5) < 0.15
    # Averaged with noise the forest's signal is diluted, not lost.
    assert auc(ensemble) > auc(noise) + 0.25


def test_zscore_survives_a_member_with_constant_scores():
    ensemble = DetectorEnsemble(
        [("iforest", _forest()), ("flat", _Noise(constant=True))],
        normalization="zscore",
        random_state=0,
    ).fit(X_NORMAL)
    scores = ensemble.score_samples(np.vstack([X_NORMAL, X_ANOMALY]))
    assert scores.dtype == np.float64 and np.all(np.isfinite(scores))
    assert scores[len(X_NORMAL) :].mean() < scores[: len(X_NORMAL)].mean() - 1


@pytest.mark.parametrize("normalization", ["rank", "zscore"])
def test_auto_threshold_flags_far_points_and_few_training_rows(normalization):
    ensemble = DetectorEnsemble(
        [("iforest", _forest()), ("envelope", EllipticEnvelope())],
        normalization=normalization,
        random_state=0,
    ).fit(X_NORMAL)
    assert np.all(ensemble.predict(X_ANOMALY * 3) == -1)
    assert np.mean(ensemble.predict(X_NORMAL) == -1) < 0.05
    ensemble.set_params(contamination=0.1).fit(X_NORMAL)
    assert np.mean(ensemble.predict(X_NORMAL) == -1) == pytest.approx(0.1, abs=0.01)


def test_local_outlier_factor_member_uses_its_training_scores():
    ensemble = DetectorEnsemble(
        [("lof", LocalOutlierFactor(novelty=True)), ("iforest", _forest())],
        random_state=0,
    ).fit(X_NORMAL)
    lof = ensemble.named_estimators_.lof
    np.testing.assert_array_equal(
        ensemble.reference_scores_[0], np.sort(lof.negative_outlier_factor_)
    )


def test_members_get_distinct_seeds_and_fits_repeat():
    members = [("a", _forest()), ("b", _forest(random_state=5)), ("noise", _Noise())]
    first = DetectorEnsemble(members, random_state=0).fit(X_NORMAL)
    seeds = [m.random_state for m in first.estimators_]
    assert all(isinstance(s, int) for s in seeds) and len(set(seeds)) == 3
    again = DetectorEnsemble(members, random_state=0).fit(X_NORMAL)
    np.testing.assert_array_equal(
        again.score_samples(X_ANOMALY), first.score_samples(X_ANOMALY)
    )
    assert members[1][1].random_state == 5  # the given member is not changed
    unseeded = DetectorEnsemble(members).fit(X_NORMAL)
    assert unseeded.estimators_[1].random_state == 5  # None leaves members' own
    # and draws nothing from NumPy's global generator
    before = np.random.get_state()  # noqa: NPY002 (the global generator)
    seeded = [("b", _forest(random_state=5)), ("noise", _Noise())]
    DetectorEnsemble(seeded).fit(X_NORMAL)
    after = np.random.get_state()  # noqa: NPY002
    assert after[2] == before[2] and np.array_equal(after[1], before[1])


def test_defaults():
    assert DetectorEnsemble().normalization == "zscore"
    names, members, weights, kept = DetectorEnsemble()._checked_members()
    assert names == ["dte", "deepisolationforest", "icl"] and all(kept)
    assert weights is None
    assert isinstance(members[0], DTE)
    assert isinstance(members[1], DeepIsolationForest)
    assert isinstance(members[2], ICL)


@pytest.mark.parametrize(
    ("estimators", "error", "match"),
    [
        ([("scaler", StandardScaler())], TypeError, r"'scaler'.*score_samples"),
        ([("kde", KernelDensity())], TypeError, r"'kde'.*not an outlier detector"),
        ([("lof", LocalOutlierFactor())], TypeError, r"'lof'.*novelty=True"),
        ([("forest", IsolationForest)], TypeError, r"'forest'.*a class"),
        ([_forest()], TypeError, r"\(name, detector\) pairs"),
        ([("a", _forest()), ("a", _forest())], ValueError, r"not unique"),
        ([("a__b", _forest())], ValueError, r"must not contain __"),
        ([("weights", _forest())], ValueError, r"conflict"),
        ([], ValueError, r"at least one"),
    ],
)
def test_bad_members_are_refused_by_name(estimators, error, match):
    with pytest.raises(error, match=match):
        DetectorEnsemble(estimators).fit(X_NORMAL)


def test_a_pipeline_member_is_seeded_too():
    from sklearn.pipeline import make_pipeline

    members = [("scaled", make_pipeline(StandardScaler(), IsolationForest()))]
    first = DetectorEnsemble(members, random_state=0).fit(X_NORMAL)
    again = DetectorEnsemble(members, random_state=0).fit(X_NORMAL)
    assert isinstance(first.estimators_[0][-1].random_state, int)
    np.testing.assert_array_equal(
        again.score_samples(X_ANOMALY), first.score_samples(X_ANOMALY)
    )
    assert members[0][1][-1].random_state is None  # the given member is not changed


@pytest.mark.parametrize(
    "weights", [[1.0], [1, -1], [0, 0], [1, np.nan], ["x", "y"], [[1], [2, 3]]]
)
def test_bad_weights_are_refused(weights):
    ensemble = DetectorEnsemble([("a", _forest()), ("b", _forest())], weights=weights)
    with pytest.raises(ValueError, match="weights"):
        ensemble.fit(X_NORMAL)


def test_save_refuses_a_member_the_safe_format_cannot_rebuild(tmp_path):
    ensemble = DetectorEnsemble(
        [("lof", LocalOutlierFactor(novelty=True))], random_state=0
    ).fit(X_NORMAL)
    # the message names the member holding what it refuses
    match = r"Cannot save DetectorEnsemble\.estimators_\[0\]\._tree safely"
    with pytest.raises(TypeError, match=match):
        ensemble.save(tmp_path / "ensemble.zip")


def test_series_members_score_the_steps_in_their_order():
    # sorting the rows (the ensemble's guard against float32 rounding) would cut
    # a series into windows of other steps: a WindowedDetector member keeps them
    from sklearn.pipeline import make_pipeline

    from skdeepad.timeseries import WindowedDetector

    rng = np.random.RandomState(0)
    t = np.arange(600)
    series = (np.sin(2 * np.pi * t / 30) + rng.normal(scale=0.05, size=600))[:, None]
    series[500:505] += 2.0
    members = [
        ("w10", WindowedDetector(IsolationForest(random_state=0), window=10)),
        ("w20", make_pipeline(StandardScaler(), WindowedDetector(window=20, stride=5))),
    ]
    ens = DetectorEnsemble(members, random_state=0).fit(series)
    scores = ens.score_samples(series)
    expected = np.mean(
        [
            (m.score_samples(series) - np.median(r))
            / (np.subtract(*np.percentile(r, [75, 25])) / 1.349)
            for m, r in zip(ens.estimators_, ens.reference_scores_, strict=True)
        ],
        axis=0,
    )
    np.testing.assert_allclose(scores, expected, rtol=1e-12, atol=1e-12)
    assert scores[500:505].mean() < np.percentile(scores[:450], 1)


@pytest.mark.parametrize(
    "changed",
    [{"normalization": "rank"}, {"weights": [1.0, 0.0]}, {"weights": [1, 0, 0]}],
)
def test_weights_and_normalization_set_after_fit_wait_for_the_next_fit(changed):
    # offset_ is learnt from the fit's combination: scoring keeps it.
    ensemble = DetectorEnsemble(
        [("iforest", _forest()), ("envelope", EllipticEnvelope())],
        contamination=0.1,
        random_state=0,
    ).fit(X_NORMAL)
    scores = ensemble.score_samples(X_NORMAL)
    ensemble.set_params(**changed)
    np.testing.assert_array_equal(ensemble.score_samples(X_NORMAL), scores)
    assert np.mean(ensemble.predict(X_NORMAL) == -1) == pytest.approx(0.1, abs=0.01)


def test_an_ensemble_pickled_before_weights_were_kept_still_scores():
    ensemble = DetectorEnsemble(
        [("iforest", _forest()), ("envelope", EllipticEnvelope())],
        weights=[2.0, 1.0],
        normalization="rank",
        random_state=0,
    ).fit(X_NORMAL)
    scores = ensemble.score_samples(X_NORMAL)
    state = ensemble.__getstate__()
    del state["weights_"], state["_normalization"]
    old = DetectorEnsemble.__new__(DetectorEnsemble)
    old.__setstate__(state)
    np.testing.assert_array_equal(old.score_samples(X_NORMAL), scores)


def test_weights_are_copied_at_fit():
    X = np.random.RandomState(0).normal(size=(100, 3))
    weights = np.array([1.0, 1.0])
    members = [("a", IsolationForest(random_state=0)), ("b", EllipticEnvelope())]
    det = DetectorEnsemble(members, weights=weights).fit(X)
    scores = det.score_samples(X)
    weights[1] = 0.0  # the caller's array changes after the fit
    np.testing.assert_array_equal(det.score_samples(X), scores)
    np.testing.assert_array_equal(det.weights_, [1.0, 1.0])


class _NanBeyond(OutlierMixin, BaseEstimator):
    """Scores by the first feature's distance from 0; NaN where it passes 2.5."""

    def fit(self, X, y=None):
        return self

    def score_samples(self, X):
        scores = -np.abs(np.asarray(X, dtype=float)[:, 0])
        scores[scores < -2.5] = np.nan
        return scores


class _MinusInfAbove(_NanBeyond):
    """-inf where the second feature passes 0.5: a third of normal rows."""

    def score_samples(self, X):
        X = np.asarray(X, dtype=float)
        scores = -np.abs(X[:, 0])
        scores[X[:, 1] > 0.5] = -np.inf
        return scores


def test_a_members_nan_scores_are_the_most_abnormal_not_every_rows():
    X = np.random.default_rng(0).normal(size=(300, 2))
    ens = DetectorEnsemble(
        [("nan", _NanBeyond()), ("forest", _forest())], random_state=0
    ).fit(X)
    assert np.isfinite(ens.offset_) and all(
        np.isfinite(reference).all() for reference in ens.reference_scores_
    )
    # a few NaN training rows: the scale stays, and a central row is normal
    assert 0 < np.mean(ens.predict(X) == -1) < 0.2
    assert ens.predict([[0.0, 0.0], [3.0, 0.0]]).tolist() == [1, -1]


def test_a_member_of_weight_0_changes_nothing():
    X = np.random.default_rng(0).normal(size=(300, 2))
    members = [("inf", _MinusInfAbove()), ("forest", _forest())]
    off = DetectorEnsemble(members, weights=[0, 1], random_state=0).fit(X)
    # the forest alone, with the seed the ensemble drew for it
    seed = off.estimators_[1].random_state
    alone = DetectorEnsemble([("forest", _forest(random_state=seed))]).fit(X)
    assert np.array_equal(off.score_samples(X), alone.score_samples(X))
    assert off.offset_ == alone.offset_


def test_a_frozen_member_is_used_as_fitted():
    from sklearn.frozen import FrozenEstimator

    X = np.random.default_rng(0).normal(size=(300, 2))
    fitted = IsolationForest(n_estimators=10, random_state=3).fit(X)
    ens = DetectorEnsemble(
        [("frozen", FrozenEstimator(fitted)), ("forest", _forest())], random_state=0
    ).fit(X)
    assert ens.estimators_[0].estimator is fitted and fitted.random_state == 3
    assert ens.predict([[0.0, 0.0], [6.0, 6.0]]).tolist() == [1, -1]


def test_a_member_set_to_drop_is_left_out():
    X = np.random.default_rng(0).normal(size=(300, 2))
    members = [("nan", _NanBeyond()), ("forest", _forest(random_state=0))]
    ens = DetectorEnsemble(members, weights=[1, 2]).set_params(nan="drop").fit(X)
    alone = DetectorEnsemble([("forest", _forest(random_state=0))]).fit(X)
    assert list(ens.named_estimators_) == ["forest"]
    assert np.array_equal(ens.score_samples(X), alone.score_samples(X))
    assert ens.get_params()["nan"] == "drop"
    # a grid search can switch a member off
    search = GridSearchCV(
        DetectorEnsemble(members),
        {"nan": ["drop", _NanBeyond()]},
        cv=2,
        scoring=lambda det, X, y: float(np.mean(det.score_samples(X))),
    ).fit(X)
    assert len(search.cv_results_["params"]) == 2
    with pytest.raises(ValueError, match="Every member of the ensemble is 'drop'"):
        DetectorEnsemble([("a", "drop")]).fit(X)
    kept_zero = r"not be all 0 over the members kept.*\['nan'\] dropped"
    with pytest.raises(ValueError, match=kept_zero):
        DetectorEnsemble(members, weights=[1, 0]).set_params(nan="drop").fit(X)


def test_dropping_a_member_keeps_the_others_seeds():
    # "drop" and a weight of 0 both switch a member off: the members after it
    # keep the seeds the ensemble's random_state gave them.
    X = np.random.default_rng(0).normal(size=(300, 2))
    members = [(name, IsolationForest(n_estimators=5)) for name in "abc"]
    dropped = DetectorEnsemble(members, random_state=0).set_params(b="drop").fit(X)
    zero = DetectorEnsemble(members, random_state=0, weights=[1, 0, 1]).fit(X)
    assert dropped.estimators_[1].random_state == zero.estimators_[2].random_state
    np.testing.assert_array_equal(dropped.score_samples(X), zero.score_samples(X))
