"""ReconstructionDetector: any X -> X regressor as a detector, scikeras included."""

import os
import random
import subprocess
import sys

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeepad import ReconstructionDetector


@pytest.fixture(scope="module")
def data():
    """Rows on a line in 4-D, plus ten rows off it; y = +1 inlier, -1 outlier."""
    rng = np.random.RandomState(0)
    latent = rng.normal(size=(300, 1))
    normal = latent * np.array([[1.0, 2.0, -1.0, 0.5]]) + 0.05 * rng.normal(
        size=(300, 4)
    )
    outliers = rng.normal(size=(10, 4)) * 2
    X = np.vstack([normal, outliers])
    y = np.r_[np.ones(300, dtype=int), -np.ones(10, dtype=int)]
    return X, y


def _keras_regressor(**params):
    from scikeras.wrappers import KerasRegressor

    from tests._keras_models import bottleneck_model

    return KerasRegressor(
        model=bottleneck_model,
        model__width=1,
        epochs=30,
        batch_size=32,
        verbose=0,
        **params,
    )


def test_mlp_regressor_becomes_a_detector(data):
    X, y = data
    det = ReconstructionDetector(
        MLPRegressor(hidden_layer_sizes=(1,), max_iter=2000, random_state=0)
    ).fit(X)
    assert roc_auc_score(y, det.decision_function(X)) > 0.95
    scores = det.score_samples(X)
    assert scores.dtype == np.float64 and np.all(scores <= 0)
    assert det.regressor_ is not det.regressor


def test_a_scikeras_model_in_a_pipeline(data):
    X, y = data
    pipe = make_pipeline(
        StandardScaler(), ReconstructionDetector(_keras_regressor(random_state=0))
    ).fit(X)
    assert roc_auc_score(y, pipe.decision_function(X)) > 0.9
    assert set(np.unique(pipe.predict(X))) <= {-1, 1}


def test_grid_search_reaches_the_keras_model_parameters(data):
    X, y = data
    search = GridSearchCV(
        ReconstructionDetector(_keras_regressor(random_state=0)),
        {"regressor__model__width": [1, 3], "contamination": [0.05]},
        scoring="roc_auc",
        cv=StratifiedKFold(2, shuffle=True, random_state=0),  # anomalies in each fold
        error_score="raise",
    ).fit(X, y)
    # The width reaches the Keras model: its bottleneck has that many units,
    # and the two widths score differently.
    bottleneck = search.best_estimator_.regressor_.model_.layers[1]
    assert bottleneck.units == search.best_params_["regressor__model__width"]
    scores = search.cv_results_["mean_test_score"]
    assert np.all(np.isfinite(scores)) and scores[0] != scores[1]


def _process_state():
    """Python's, NumPy's and TensorFlow's global random state.

    TensorFlow's global seed and op-determinism flag have no public getter:
    this test helper reads them through TensorFlow's private modules, to check
    that scikeras restores them (skdeepad itself imports no private module).
    """
    import tensorflow as tf
    from tensorflow.python.eager import context  # private: see the docstring
    from tensorflow.python.framework import config

    del tf
    return (
        random.getstate(),
        np.random.get_state()[1].tolist(),
        np.random.get_state()[2],
        config.is_op_determinism_enabled(),
        context.global_seed(),
        os.environ.get("TF_DETERMINISTIC_OPS"),
    )


def test_a_seeded_scikeras_fit_leaves_the_process_random_state_alone(data):
    X, _ = data
    before = _process_state()
    det = ReconstructionDetector(_keras_regressor(random_state=0)).fit(X)
    det.score_samples(X)
    assert _process_state() == before


def test_the_guard_restores_what_a_model_changes():
    from skdeepad.meta._reconstruction import _process_random_state_kept

    seeded = MLPRegressor(random_state=0)
    before = _process_state()
    with _process_random_state_kept(seeded):
        random.seed(1)
        np.random.seed(1)
        os.environ["TF_DETERMINISTIC_OPS"] = "1"
    assert _process_state() == before


def test_an_unseeded_regressor_draws_from_the_global_generators():
    from skdeepad.meta._reconstruction import _process_random_state_kept

    before = np.random.get_state()[2]  # the position in the key
    with _process_random_state_kept(MLPRegressor()):
        np.random.rand()
    assert np.random.get_state()[2] != before  # the draw stays drawn


def test_seeded_scikeras_fits_reproduce(data):
    X, _ = data
    a = ReconstructionDetector(_keras_regressor(random_state=0)).fit(X).score_samples(X)
    b = ReconstructionDetector(_keras_regressor(random_state=0)).fit(X).score_samples(X)
    np.testing.assert_array_equal(a, b)


def test_scikeras_is_imported_only_by_its_user():
    code = (
        "import sys, skdeepad\n"
        "from sklearn.neural_network import MLPRegressor\n"
        "import numpy as np\n"
        "X = np.random.RandomState(0).normal(size=(50, 3))\n"
        "regressor = MLPRegressor(hidden_layer_sizes=(2,), max_iter=5)\n"
        "skdeepad.ReconstructionDetector(regressor).fit(X)\n"
        "print(sorted({'scikeras', 'tensorflow', 'keras'} & set(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip() == "[]"


def test_bad_regressor_is_a_clear_error(data):
    X, _ = data
    with pytest.raises((TypeError, ValueError), match="regressor"):
        ReconstructionDetector(regressor="mlp").fit(X)


def test_overflowed_errors_are_flagged_and_nan_reconstructions_refused(data):
    from sklearn.base import BaseEstimator, RegressorMixin
    from sklearn.dummy import DummyRegressor

    X, _ = data
    huge = X.copy()
    huge[:8] *= 1e200  # squared errors overflow to inf: the most abnormal
    detector = ReconstructionDetector(
        DummyRegressor(strategy="median"), standardize=False
    ).fit(huge)
    assert np.isfinite(detector.offset_)
    assert np.all(detector.predict(huge[:8]) == -1)

    class Diverged(RegressorMixin, BaseEstimator):
        def fit(self, X, y):
            return self

        def predict(self, X):
            return np.full(np.shape(X), np.nan)

    refused = ReconstructionDetector(Diverged())
    with pytest.raises(ValueError, match="310 training sample.*NaN"):
        refused.fit(X)
    assert not hasattr(refused, "offset_")


def test_a_regressor_that_does_not_reconstruct_x_is_named():
    from sklearn.linear_model import LinearRegression

    class OneOutput(LinearRegression):  # predicts one value per sample
        def predict(self, X):
            return super().predict(X)[:, 0]

    X = np.random.RandomState(0).normal(size=(50, 3))
    with pytest.raises(ValueError, match="OneOutput predicts an array of shape"):
        ReconstructionDetector(OneOutput()).fit(X)


def test_one_feature_fits_a_one_dimensional_target_without_warning():
    import warnings

    X = np.random.RandomState(0).normal(size=(200, 1))
    regressor = MLPRegressor(hidden_layer_sizes=(4,), max_iter=500, random_state=0)
    with warnings.catch_warnings():
        # scikit-learn's DataConversionWarning for a column-vector target
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", message=".*Stochastic Optimizer.*")
        det = ReconstructionDetector(regressor).fit(X)
    assert det.regressor_.n_outputs_ == 1
    scores = det.score_samples([[0.0], [8.0]])
    assert scores.shape == (2,) and scores[0] > scores[1]
