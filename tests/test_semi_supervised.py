"""DevNet and DeepSAD: what they learn from a few labels, and without them."""

import warnings

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeepad import DeepSAD, DeepSVDD, DevNet


@pytest.fixture(scope="module")
def task():
    """Normal 5-D Gaussian data and a cluster of forty anomalies, ten labelled.

    The cluster sits at a moderate distance, where an unsupervised detector
    sees it only in part: the labels are what tell it apart.
    """
    rng = np.random.RandomState(0)
    normal = rng.normal(size=(600, 5))
    anomalies = np.array([2.0, 2.0, 0.0, 0.0, 0.0]) + 0.3 * rng.normal(size=(40, 5))
    X = np.vstack([normal, anomalies])
    truth = np.r_[np.zeros(600), np.ones(40)]
    y = np.zeros(len(X), dtype=int)
    y[600:610] = -1  # ten of the forty anomalies labelled
    return X, y, truth


def _auc(det, X, truth):
    """ROC-AUC on the normal rows and the thirty unlabelled anomalies."""
    rows = np.r_[0:600, 610:640]
    return roc_auc_score(truth[rows], -det.score_samples(X[rows]))


@pytest.mark.parametrize("cls, gain", [(DevNet, 0.2), (DeepSAD, 0.0)])
def test_labels_help_on_the_unlabelled_anomalies(cls, gain, task):
    X, y, truth = task
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # DevNet without labels
        without = _auc(cls(epochs=30, random_state=0).fit(X), X, truth)
    with_labels = _auc(cls(epochs=30, random_state=0).fit(X, y), X, truth)
    # Measured: DevNet 0.58 -> 0.95, DeepSAD 0.826 -> 0.842.
    assert with_labels > 0.8
    assert with_labels > without + gain


def test_devnet_pushes_labelled_anomalies_beyond_the_margin(task):
    X, y, _ = task
    det = DevNet(epochs=30, random_state=0).fit(X, y)
    scores = -det.score_samples(X)
    # Pushed out towards the margin (5 deviations of the prior), above almost
    # all normal data (L2 and 90 steps keep them short of it here).
    assert np.median(scores[y == -1]) > np.percentile(scores[:600], 95)
    assert np.median(scores[y == -1]) > 1.0


def test_devnet_without_labels_warns_and_still_detects(task):
    X, _, truth = task
    with pytest.warns(UserWarning, match="no labelled anomaly") as record:
        det = DevNet(epochs=10, random_state=0).fit(X)
    assert record[0].filename == __file__  # the caller's line, not the library's
    far = np.full((1, X.shape[1]), 6.0)
    assert det.score_samples(far)[0] < np.percentile(det.score_samples(X[:600]), 1)


def test_deepsad_without_labels_is_deep_svdd(task):
    X, _, _ = task
    sad = DeepSAD(epochs=5, random_state=0).fit(X)
    svdd = DeepSVDD(epochs=5, random_state=0).fit(X)
    np.testing.assert_array_equal(sad.score_samples(X), svdd.score_samples(X))
    np.testing.assert_array_equal(sad.center_, svdd.center_)


def test_deepsad_centre_ignores_labelled_anomalies(task):
    X, y, _ = task
    params = dict(epochs=1, standardize=False, early_stopping=False, random_state=0)
    only_normal = DeepSAD(**params).fit(X[:600])
    labelled = DeepSAD(**params).fit(X[:610], y[:610])
    # Same initial network (same seed and width); the centre is the mean code
    # of the rows not labelled anomalous, here the same 600 rows.
    np.testing.assert_allclose(labelled.center_, only_normal.center_, rtol=1e-5)


def test_deepsad_eta_weighs_the_labels(task):
    X, y, _ = task
    scores = {
        eta: -DeepSAD(eta=eta, epochs=20, random_state=0).fit(X, y).score_samples(X)
        for eta in (0.1, 10.0)
    }
    gap = {eta: np.median(s[y == -1]) / np.median(s[:600]) for eta, s in scores.items()}
    assert gap[10.0] > gap[0.1]


def test_balanced_batches_mix_labelled_and_synthetic_anomalies():
    from skdeepad.core._batches import BalancedBatches

    X = np.full((50, 2), 100.0, dtype=np.float32)
    X[:, 0] = np.arange(50)
    anomalous = np.zeros(50)
    anomalous[3] = 1
    inputs, targets = BalancedBatches(X, anomalous, 20, seed=0, synthetic=0.8)[0]
    drawn = inputs[targets == 1]
    assert np.sum(drawn[:, 0] == 3.0) == 2  # 20% of the 10 are the labelled row
    assert np.all((drawn[:, 0] >= -4.9) & (drawn[:, 0] <= 53.9))  # the widened box


def test_balanced_batches_hold_half_anomalies():
    from skdeepad.core._batches import BalancedBatches

    X = np.arange(100, dtype=np.float32).reshape(50, 2)
    anomalous = np.zeros(50)
    anomalous[[3, 7]] = 1
    batches = BalancedBatches(X, anomalous, batch_size=10, seed=0)
    assert len(batches) == 10  # 48 other rows, 5 per batch
    seen = []
    for i in range(len(batches)):
        inputs, targets = batches[i]
        n_other = 5 if i < 9 else 3  # the last batch holds what is left
        assert targets.tolist() == [0] * n_other + [1] * 5
        assert set(inputs[n_other:, 0].tolist()) <= {6.0, 14.0}  # rows 3 and 7
        seen.extend(inputs[:n_other, 0].tolist())
    assert len(set(seen)) == 48  # every other row once per epoch
    again = BalancedBatches(X, anomalous, batch_size=10, seed=0)
    np.testing.assert_array_equal(again[3][0], batches[3][0])  # order-free draws


def test_balanced_batches_draw_stand_ins_from_the_box():
    from skdeepad.core._batches import BalancedBatches

    X = np.random.RandomState(0).uniform(-1, 1, size=(40, 3)).astype(np.float32)
    inputs, targets = BalancedBatches(X, np.zeros(40), batch_size=20, seed=0)[0]
    stand_ins = inputs[targets == 1]
    assert len(stand_ins) == 10
    assert np.all(np.abs(stand_ins) <= 1.2 + 1e-6)


@pytest.mark.parametrize("cls", [DevNet, DeepSAD])
def test_grid_search_with_partial_labels_in_a_pipeline(cls, task):
    X, y, truth = task
    pipe = make_pipeline(StandardScaler(), cls(epochs=3, random_state=0))
    # y passes through to the detector's fit; roc_auc is scored on +1/-1.
    search = GridSearchCV(
        pipe,
        {f"{cls.__name__.lower()}__learning_rate": [1e-3, 1e-2]},
        scoring=lambda est, X_, y_: roc_auc_score(y_ < 0, -est.score_samples(X_)),
        cv=2,
    ).fit(X, y)
    assert set(search.cv_results_["mean_test_score"].round(6)) != {np.nan}
    assert search.best_estimator_.predict(X).shape == (len(X),)


@pytest.mark.parametrize("batch_size", [2, 4, 5, 6])
def test_small_batches_still_show_a_labelled_anomaly(batch_size):
    """A rounded fraction of synthetic anomalies must not fill every slot."""
    from skdeepad.core._batches import BalancedBatches

    X = np.arange(40, dtype=np.float32).reshape(20, 2)
    anomalous = np.zeros(20)
    anomalous[:3] = 1
    batches = BalancedBatches(X, anomalous, batch_size, seed=0, synthetic=0.8)
    for i in range(len(batches)):
        inputs, targets = batches[i]
        drawn = inputs[targets == 1, 0]
        assert np.isin(drawn, X[:3, 0]).any()  # a labelled anomaly
        if len(drawn) > 1:
            assert not np.isin(drawn, X[:3, 0]).all()  # and a synthetic one


def test_devnet_on_values_beyond_float32_is_a_clear_value_error():
    X = np.random.RandomState(0).normal(size=(60, 3))
    y = np.zeros(60, dtype=int)
    y[:3] = -1
    X[10, 0] = 1e39  # inf in the network's float32 input
    with pytest.raises(ValueError, match="beyond float32.*standardize=True"):
        DevNet(epochs=2, standardize=False, random_state=0).fit(X, y)


@pytest.mark.parametrize("cls", [DevNet, DeepSAD])
@pytest.mark.parametrize("in_pipeline", [False, True])
def test_fit_predict_learns_from_the_labels(cls, in_pipeline, task):
    X, y, _ = task

    def make():
        det = cls(epochs=3, random_state=0)
        return make_pipeline(StandardScaler(), det) if in_pipeline else det

    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # DevNet warns when unlabelled
        labels = make().fit_predict(X, y)
    np.testing.assert_array_equal(labels, make().fit(X, y).predict(X))
