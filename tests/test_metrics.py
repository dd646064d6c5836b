"""skdeepad.metrics: the label conventions, the scorers, and the reference values.

Range precision and recall are checked against values computed by ``prts``
(Tatbul et al.'s metrics; benchmarks/make_range_fixtures.py), and against prts
itself where it is installed; VUS against numbers computed by TSB-AD 1.5, the reference
implementation, which depends on PyTorch and is not installed here: the cases
and the command that made them are in benchmarks/make_vus_fixtures.py.
"""

import importlib.util
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.ensemble import IsolationForest
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    StratifiedKFold,
    cross_validate,
)

from skdeepad import AutoEncoder
from skdeepad.datasets import make_anomalies
from skdeepad.metrics import (
    anomaly_average_precision,
    anomaly_average_precision_scorer,
    anomaly_roc_auc,
    anomaly_roc_auc_scorer,
    event_recall,
    range_f1,
    range_precision,
    range_precision_recall_f1,
    range_recall,
    vus_pr,
    vus_pr_scorer,
    vus_roc,
    vus_roc_scorer,
)

_BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _script(name):
    spec = importlib.util.spec_from_file_location(name, _BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_vus_fixtures = _script("make_vus_fixtures")
make_range_fixtures = _script("make_range_fixtures")

# Made by `/tmp/tsbad/bin/python benchmarks/make_vus_fixtures.py` with tsb-ad 1.5
# (pip install --no-deps tsb-ad==1.5, numpy 1.26.4, scikit-learn 1.9.1): TSB-AD's
# generate_curve(labels, anomaly_score, sliding_window, "opt", 250), as its
# get_metrics calls it.
VUS_FIXTURES = [
    # (seed, n, sliding_window, label sum, score sum, VUS-ROC, VUS-PR)
    (0, 300, 100, 13, 164.69475757835363, 0.9323716342512595, 0.6186296789756747),
    (1, 200, 10, 25, 110.55224033156637, 0.7886319401002246, 0.5162470589813789),
    (2, 500, 25, 23, 258.7771136071144, 0.910415114064974, 0.6303571396187498),
    (3, 400, 7, 6, 204.9, 0.9205143277784698, 0.693551350426419),
    (4, 240, 50, 41, 171.25737625450688, 0.9816711098567485, 0.9529906994459453),
]


# Made by `/tmp/prts/bin/python benchmarks/make_range_fixtures.py` with prts 1.0.0.3
# (which pins numpy<2, so it is not a test dependency): ts_precision with alpha=0
# and ts_recall with the case's alpha.
RANGE_FIXTURES = [
    # (seed, bias, cardinality, precision, recall)
    (0, 'flat', 'one', 0.16483516483516483, 0.5),
    (1, 'flat', 'one', 0.3601010101010101, 0.6894886363636363),
    (2, 'flat', 'one', 0.16379928315412187, 0.46476190476190476),
    (3, 'flat', 'reciprocal', 0.18117715617715616, 0.5260416666666666),
    (4, 'flat', 'reciprocal', 0.224235347985348, 0.4606060606060606),
    (5, 'flat', 'reciprocal', 0.6305164742664741, 0.544288307915759),
    (6, 'front', 'one', 0.04774424921483744, 0.9533333333333333),
    (7, 'front', 'one', 0.5473581567879814, 0.5532271841219208),
    (8, 'front', 'one', 0.36657329598506067, 0.6060382315566262),
    (9, 'front', 'reciprocal', 0.2634920634920635, 0.3333333333333333),
    (10, 'front', 'reciprocal', 0.21350078492935637, 0.5),
    (11, 'front', 'reciprocal', 0.2058982683982684, 0.75),
    (12, 'back', 'one', 0.3685950413223141, 0.42183316683316685),
    (13, 'back', 'one', 0.1708592445616667, 0.4926623919105122),
    (14, 'back', 'one', 0.19144144144144143, 0.5),
    (15, 'back', 'reciprocal', 0.3278166986092682, 0.8461538461538461),
    (16, 'back', 'reciprocal', 0.07515873015873017, 0.19499999999999998),
    (17, 'back', 'reciprocal', 0.12450882450882451, 1.0),
    (18, 'middle', 'one', 0.4701388888888889, 0.25110479797979796),
    (19, 'middle', 'one', 0.5656031746031747, 0.8571428571428571),
    (20, 'middle', 'one', 0.19720605287569573, 0.8109635416666666),
    (21, 'middle', 'reciprocal', 0.329973544973545, 0.724625),
    (22, 'middle', 'reciprocal', 0.07759020768070542, 0.6666666666666666),
    (23, 'middle', 'reciprocal', 0.3888888888888889, 0.29),
]


def _tabular(random_state=0):
    X, y = make_anomalies(300, 4, contamination=0.1, random_state=random_state)
    return X, y, (y == -1).astype(int)


# --- ROC-AUC and average precision ------------------------------------------


def test_ranking_metrics_read_both_conventions_with_anomalies_positive():
    rng = np.random.default_rng(0)
    y01 = (rng.random(100) < 0.2).astype(int)
    score = rng.normal(size=100) - y01
    pm1 = np.where(y01 == 1, -1, 1)
    expected_auc = roc_auc_score(y01, -score)
    for labels in (y01, pm1, y01.astype(bool), y01.astype(float), list(y01)):
        assert anomaly_roc_auc(labels, score) == pytest.approx(expected_auc)
    assert anomaly_roc_auc(pm1, score) == pytest.approx(roc_auc_score(pm1, score))
    expected_ap = average_precision_score(y01, -score)
    assert anomaly_average_precision(y01, score) == pytest.approx(expected_ap)
    assert anomaly_average_precision(pm1, score) == pytest.approx(expected_ap)
    assert expected_auc > 0.7 and expected_ap > 0.4


def test_scorer_fixes_the_inversion_of_roc_auc_with_01_labels():
    X, _, y01 = _tabular()
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    scoring = {
        "ours": anomaly_roc_auc_scorer,
        "plain": "roc_auc",
        "ap": anomaly_average_precision_scorer,
    }
    result = cross_validate(
        AutoEncoder(epochs=2, random_state=0), X, y01, scoring=scoring, cv=cv
    )
    ours, plain = result["test_ours"], result["test_plain"]
    assert ours.min() > 0.5 and plain.max() < 0.5
    np.testing.assert_allclose(ours, 1 - plain)
    assert result["test_ap"].min() > 0.1  # chance is 0.1


def test_scorer_in_grid_search_with_pm1_labels():
    X, y, _ = _tabular(1)
    search = GridSearchCV(
        IsolationForest(random_state=0),
        {"n_estimators": [5, 20]},
        scoring={"auc": anomaly_roc_auc_scorer, "ap": anomaly_average_precision_scorer},
        refit="auc",
        cv=StratifiedKFold(3, shuffle=True, random_state=0),
    ).fit(X, y)
    assert search.best_score_ > 0.8


def test_one_class_fold_names_the_fix():
    with pytest.raises(ValueError, match=r"StratifiedKFold\(shuffle=True\)"):
        anomaly_roc_auc([0, 0, 0], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="one class only"):
        anomaly_average_precision([1, 1, 1], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="one class only"):
        vus_pr([-1, -1], [0.1, 0.2])
    for labels in (np.zeros(4, dtype=object), [True] * 4):
        with pytest.raises(ValueError, match="one class only"):
            vus_pr(labels, [0.1, 0.2, 0.3, 0.4], sliding_window=2)
        with pytest.raises(ValueError, match="one class only"):
            anomaly_roc_auc(labels, [0.1, 0.2, 0.3, 0.4])


@pytest.mark.parametrize(
    "labels, match",
    [
        ([0, 2, 0], r"got the labels \[0, 2\]"),
        ([-1, 0, 1], r"got the labels \[-1, 0, 1\]"),
        (["a", "b", "a"], r"got the labels \['a', 'b'\] of dtype <U1"),
        # numeric strings, bytes and durations are not read as numbers
        (["0", "1", "0"], r"got the labels \['0', '1'\] of dtype <U1"),
        ([b"0", b"1", b"0"], r"of dtype \|S1"),
        (np.array([0, 1, 0], dtype="m8[s]"), r"of dtype timedelta64"),
        ([0, 1, None], r"got the labels \[0, 1, None\] of dtype object"),
        ([0.5, 1.0, 1.0], r"got the labels \[0.5, 1.0\]"),
    ],
)
def test_labels_of_another_convention_are_named(labels, match):
    for metric in (anomaly_roc_auc, vus_roc):
        with pytest.raises(ValueError, match=match):
            metric(labels, [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match=match):
        range_f1(labels, [0, 1, 0])


@pytest.mark.parametrize("metric", [anomaly_roc_auc, anomaly_average_precision, vus_pr])
def test_bad_scores_and_shapes(metric):
    y = [0, 1, 0, 0]
    with pytest.raises(ValueError, match="same length; got 4 and 3"):
        metric(y, [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="finite; got 1 NaN or infinite"):
        metric(y, [0.1, np.nan, 0.3, 0.4])
    with pytest.raises(ValueError, match=r"y_score must be 1-D.*\(4, 2\)"):
        metric(y, np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"y_true must be 1-D"):
        metric(np.array([y, y]), [0.1, 0.2, 0.3, 0.4])
    for strings in (["a", "b", "c", "d"], ["1", "0", "1", "1"]):
        with pytest.raises(ValueError, match="y_score must hold real numbers.*<U1"):
            metric(y, strings)
    dates = np.array([f"2020-01-0{day}" for day in (4, 1, 2, 3)], dtype="M8[D]")
    with pytest.raises(ValueError, match="real numbers.*datetime64"):
        metric(y, dates)
    masked = np.ma.masked_array([0.1, 0.2, 0.3, 0.4], mask=[0, 1, 0, 0])
    with pytest.raises(ValueError, match="y_score is a masked array with masked"):
        metric(y, masked)
    # object arrays of numbers, and masked arrays with nothing masked, are numbers
    objects = np.array([0.4, 0.1, 0.3, 0.2], dtype=object)
    numbers = objects.astype(float)
    assert metric(np.array(y, dtype=object), objects) == metric(y, numbers)
    assert metric(y, np.ma.masked_array(numbers)) == metric(y, objects)
    with pytest.raises(ValueError, match="real numbers.*dtype complex128"):
        metric(y, np.arange(4.0) + 1j)


# --- Range-based precision and recall, event recall --------------------------


def _random_labels(rng, n, rate):
    """0/1 labels of runs, starting a run with probability ``rate``."""
    labels = np.zeros(n, dtype=int)
    for start in np.flatnonzero(rng.random(n) < rate):
        labels[start : start + rng.integers(1, 12)] = 1
    return labels


@pytest.mark.parametrize("seed, bias, cardinality, precision, recall", RANGE_FIXTURES)
def test_range_precision_recall_match_prts_fixtures(
    seed, bias, cardinality, precision, recall
):
    real, pred, alpha = make_range_fixtures.make_case(seed)
    options = {"cardinality": cardinality, "bias": bias}
    ours = range_precision_recall_f1(
        real, np.where(pred == 1, -1, 1), alpha=alpha, **options
    )
    assert abs(ours[0] - precision) <= 1e-9 and abs(ours[1] - recall) <= 1e-9


@pytest.mark.parametrize("bias", ["flat", "front", "back", "middle"])
@pytest.mark.parametrize("cardinality", ["one", "reciprocal"])
def test_range_precision_recall_match_prts(bias, cardinality):
    # more cases where prts is installed (a scratch environment: it pins numpy<2)
    prts = pytest.importorskip("prts")
    rng = np.random.default_rng(len(bias) + len(cardinality))
    worst = 0.0
    for _ in range(20):
        n = int(rng.integers(20, 300))
        real = _random_labels(rng, n, rng.uniform(0.01, 0.1))
        pred = _random_labels(rng, n, rng.uniform(0.01, 0.2))
        real[rng.integers(n)] = pred[rng.integers(n)] = 1  # prts needs one of each
        alpha = float(rng.choice([0.0, 0.3, 1.0]))
        options = {"cardinality": cardinality, "bias": bias}
        precision, recall, f1 = range_precision_recall_f1(
            real, np.where(pred == 1, -1, 1), alpha=alpha, **options
        )
        expected_p = prts.ts_precision(real, pred, alpha=0.0, **options)
        expected_r = prts.ts_recall(real, pred, alpha=alpha, **options)
        worst = max(worst, abs(precision - expected_p), abs(recall - expected_r))
        assert range_precision(real, pred, **options) == precision
        assert range_recall(real, pred, alpha=alpha, **options) == recall
        assert range_f1(real, pred, alpha=alpha, **options) == f1
        total = expected_p + expected_r
        assert f1 == pytest.approx(2 * expected_p * expected_r / total if total else 0)
    assert worst <= 1e-9


def test_range_metrics_conventions_and_edge_cases():
    y_true = [0, 1, 1, 1, 1, 0, 0, 0]
    expected = (0.5, 0.5, 0.5)
    assert range_precision_recall_f1(y_true, [0, 1, 1, 0, 0, 0, 1, 0]) == expected
    pm1 = [1, -1, -1, -1, -1, 1, 1, 1]
    assert range_recall(pm1, [0, 1, 1, 0, 0, 0, 1, 0]) == 0.5
    # Labels all 1 are read in the convention of y_true: all flagged, or none.
    with pytest.warns(UserWarning, match=r"pass y_true as \+1/-1 labels too"):
        assert range_precision_recall_f1(y_true, [1] * 8)[:2] == (0.5, 1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an all-True mask is plainly "all flagged"
        assert range_recall(y_true, np.ones(8, dtype=bool)) == 1.0
        # a mask is a mask whatever y_true's convention, all True included
        assert range_recall(pm1, np.ones(8, dtype=bool)) == 1.0
        assert event_recall(pm1, np.ones(8, dtype=bool)) == 1.0
        # booleans in an object array (a pandas column of them) are a mask too
        assert range_recall(pm1, np.ones(8, dtype=bool).astype(object)) == 1.0
        assert range_recall(y_true, np.ones(8, dtype=bool).astype(object)) == 1.0
        assert range_recall(np.array(y_true, dtype=bool), [0] * 4 + [1] * 4) == 0.25
        # predict's labels, all -1: every step flagged, and no warning to say so
        assert range_recall(y_true, [-1] * 8) == 1.0
    assert range_precision_recall_f1(pm1, [1] * 8) == (0.0, 0.0, 0.0)
    assert range_precision_recall_f1(y_true, [0] * 8) == (0.0, 0.0, 0.0)
    assert range_recall(y_true, [0, 0, 0, 0, 1, 0, 0, 0], alpha=0.5) == 0.625
    with pytest.raises(ValueError, match="y_true holds no anomaly"):
        range_f1([0, 0, 0], [0, 1, 0])
    with pytest.raises(ValueError, match="only the label 1, which is ambiguous"):
        range_f1([1, 1, 1], [0, 1, 0])
    with pytest.raises(ValueError, match="same length; got 8 and 3"):
        range_f1(y_true, [0, 1, 0])
    with pytest.raises(ValueError, match="'bias' parameter"):
        range_f1(y_true, y_true, bias="end")
    with pytest.raises(ValueError, match="'alpha' parameter"):
        range_recall(y_true, y_true, alpha=2)


def test_event_recall_counts_each_window_once():
    y_true = np.array([1, 1, 0, 0, 1, 1, 1, 1, 1, 0, 0, 1])
    assert event_recall(y_true, [0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]) == 1 / 3
    assert event_recall(y_true, [0, 1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1]) == 2 / 3
    assert event_recall(y_true, np.where(y_true == 1, -1, 1)) == 1.0
    assert event_recall(y_true, [1] * 12) == 1.0  # 0/1, as y_true is
    assert event_recall(np.where(y_true == 1, -1, 1), [1] * 12) == 0.0
    # Long windows weigh no more than short ones; range recall differs.
    found_long = [0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0]
    assert event_recall(y_true, found_long) == 1 / 3
    assert range_recall(y_true, found_long) == 1 / 3
    assert event_recall(y_true, [1] + [0] * 11) == 1 / 3


# --- VUS ----------------------------------------------------------------------


@pytest.mark.parametrize("case", VUS_FIXTURES, ids=lambda case: f"seed{case[0]}")
def test_vus_matches_tsb_ad(case):
    seed, n, window, label_sum, score_sum, expected_roc, expected_pr = case
    labels, anomaly_score = make_vus_fixtures.make_case(seed, n)
    assert (labels.sum(), anomaly_score.sum()) == (label_sum, pytest.approx(score_sum))
    y_score = -anomaly_score  # TSB-AD's scores are anomaly scores
    assert abs(vus_roc(labels, y_score, sliding_window=window) - expected_roc) < 1e-9
    assert abs(vus_pr(labels, y_score, sliding_window=window) - expected_pr) < 1e-9
    pm1 = np.where(labels == 1, -1, 1)
    assert vus_pr(pm1, y_score, sliding_window=window) == vus_pr(
        labels, y_score, sliding_window=window
    )


def test_vus_rewards_detection_near_the_window():
    y_true = np.zeros(300, dtype=int)
    y_true[150:160] = 1
    distance = np.abs(np.arange(300) - 145.0)  # the score dips 5 steps early
    early = vus_pr(y_true, distance, sliding_window=30)
    point = anomaly_average_precision(y_true, distance)
    assert early > point + 0.2
    far = np.abs(np.arange(300) - 60.0)
    assert vus_pr(y_true, far, sliding_window=30) < 0.1
    assert vus_roc(y_true, -distance, sliding_window=30) < 0.2
    with pytest.raises(ValueError, match="'sliding_window' parameter"):
        vus_pr(y_true, distance, sliding_window=-1)


def test_vus_scorers_in_cross_validation_over_a_series():
    rng = np.random.default_rng(0)
    series = np.sin(np.arange(600) * 2 * np.pi / 50) + rng.normal(0, 0.05, 600)
    y = np.zeros(600, dtype=int)
    for start in (80, 300, 520):
        series[start : start + 5] += 3
        y[start : start + 5] = 1
    X = series.reshape(-1, 1)
    cv = KFold(3)  # contiguous stretches, each with one anomaly
    result = cross_validate(
        IsolationForest(n_estimators=20, random_state=0),
        X,
        y,
        scoring={"pr": vus_pr_scorer, "roc": vus_roc_scorer},
        cv=cv,
    )
    assert result["test_pr"].min() > 0.5 and result["test_roc"].min() > 0.5
