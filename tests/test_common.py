"""scikit-learn's estimator checks, run on every detector of ``all_detectors()``."""

import pytest
from sklearn.ensemble import IsolationForest
from sklearn.utils.estimator_checks import parametrize_with_checks

from skdeepad import WindowedDetector, all_detectors

from ._params import fast_params


def _seeded(detector):
    if "random_state" in detector.get_params(deep=False):
        detector.set_params(random_state=0)
    return detector


DETECTORS = [_seeded(cls(**fast_params(name))) for name, cls in all_detectors()]
# and a multi-scale WindowedDetector: one inner detector per window length
DETECTORS.append(
    WindowedDetector(IsolationForest(n_estimators=10, random_state=0), window=(2, 4))
)

_ROWS_ARE_TIME_STEPS = (
    "WindowedDetector scores each row (time step) from the window around it, "
    "so a row's score depends on the rows next to it, by design"
)
# A detector that cannot pass a check lists it here with the reason.
EXPECTED_FAILED_CHECKS = {
    "WindowedDetector": {
        "check_methods_subset_invariance": _ROWS_ARE_TIME_STEPS,
        "check_methods_sample_order_invariance": _ROWS_ARE_TIME_STEPS,
    },
}


def test_every_detector_is_checked():
    assert {type(d).__name__ for d in DETECTORS} >= {
        "AutoEncoder",
        "ConvAutoEncoder",
        "DeepIsolationForest",
        "DeepSVDD",
        "GANomaly",
        "LSTMAutoEncoder",
        "LSTMForecaster",
        "TransformerAutoEncoder",
        "VariationalAutoEncoder",
        "WindowedDetector",
        "DeepSAD",
        "DevNet",
        "ReconstructionDetector",
        "TunedThresholdDetector",
        "DAGMM",
        "Donut",
        "DTE",
    }


# The checks' y holds no labelled anomalies: TunedThresholdDetector says, each
# time, that it keeps its inner detector's threshold (tests/test_threshold.py).
@pytest.mark.filterwarnings(
    "ignore:TunedThresholdDetector. y holds no labelled anomalies:UserWarning"
)
@parametrize_with_checks(
    DETECTORS,
    expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS.get(
        type(est).__name__, {}
    ),
)
def test_sklearn_compatible_detector(estimator, check):
    check(estimator)
