"""scikit-learn's estimator checks, run on every detector of ``all_detectors()``."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skdeepad import all_detectors

from ._params import fast_params

DETECTORS = [
    cls(**fast_params(name)).set_params(
        **({"random_state": 0} if "random_state" in cls().get_params() else {})
    )
    for name, cls in all_detectors()
]

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
        "AutoEncoder", "ConvAutoEncoder", "DeepIsolationForest", "DeepSVDD",
        "GANomaly", "LSTMAutoEncoder", "LSTMForecaster", "TransformerAutoEncoder",
        "VariationalAutoEncoder", "WindowedDetector",
    }


@parametrize_with_checks(
    DETECTORS,
    expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS.get(
        type(est).__name__, {}
    ),
)
def test_sklearn_compatible_detector(estimator, check):
    check(estimator)
