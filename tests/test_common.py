"""scikit-learn's estimator checks, run on every detector of ``all_detectors()``."""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from skdeepad import all_detectors

from ._params import fast_params

DETECTORS = [cls(**fast_params(name), random_state=0) for name, cls in all_detectors()]

# Every check passes: a detector that cannot pass one lists it here with the
# reason, e.g. {"check_name": "why"}.
EXPECTED_FAILED_CHECKS = {}


def test_every_detector_is_checked():
    assert {type(d).__name__ for d in DETECTORS} >= {
        "AutoEncoder", "DeepIsolationForest", "DeepSVDD", "GANomaly",
        "VariationalAutoEncoder",
    }


@parametrize_with_checks(
    DETECTORS,
    expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS.get(
        type(est).__name__, {}
    ),
)
def test_sklearn_compatible_detector(estimator, check):
    check(estimator)
