"""scikit-learn's estimator checks, run on every detector of ``all_detectors()``."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skdeepad import all_detectors

from ._params import fast_params

def _seeded(detector):
    if "random_state" in detector.get_params(deep=False):
        detector.set_params(random_state=0)
    return detector


DETECTORS = [_seeded(cls(**fast_params(name))) for name, cls in all_detectors()]

_ROWS_ARE_TIME_STEPS = (
    "WindowedDetector scores each row (time step) from the window around it, "
    "so a row's score depends on the rows next to it, by design"
)
_NEEDS_LABELS = (
    "TunedThresholdDetector tunes its threshold on labelled anomalies (y == -1) "
    "and raises a ValueError without them; the checks' y holds none"
)
# A detector that cannot pass a check lists it here with the reason.
EXPECTED_FAILED_CHECKS = {
    "WindowedDetector": {
        "check_methods_subset_invariance": _ROWS_ARE_TIME_STEPS,
        "check_methods_sample_order_invariance": _ROWS_ARE_TIME_STEPS,
    },
    "TunedThresholdDetector": dict.fromkeys(
        [
            "check_array_api_input", "check_classifier_data_not_an_array",
            "check_dict_unchanged", "check_dont_overwrite_parameters",
            "check_dtype_object", "check_estimator_sparse_array",
            "check_estimator_sparse_matrix", "check_estimator_sparse_tag",
            "check_estimators_dtypes", "check_estimators_fit_returns_self",
            "check_estimators_nan_inf", "check_estimators_overwrite_params",
            "check_estimators_pickle", "check_f_contiguous_array_estimator",
            "check_fit2d_1feature", "check_fit2d_predict1d",
            "check_fit_check_is_fitted", "check_fit_idempotent",
            "check_fit_score_takes_y", "check_methods_sample_order_invariance",
            "check_methods_subset_invariance", "check_n_features_in",
            "check_n_features_in_after_fitting", "check_outliers_fit_predict",
            "check_outliers_train", "check_pipeline_consistency",
            "check_positive_only_tag_during_fit", "check_readonly_memmap_input",
        ],
        _NEEDS_LABELS,
    ),
}


def test_every_detector_is_checked():
    assert {type(d).__name__ for d in DETECTORS} >= {
        "AutoEncoder", "ConvAutoEncoder", "DeepIsolationForest", "DeepSVDD",
        "GANomaly", "LSTMAutoEncoder", "LSTMForecaster", "TransformerAutoEncoder",
        "VariationalAutoEncoder", "WindowedDetector", "DeepSAD", "DevNet",
        "ReconstructionDetector", "TunedThresholdDetector", "DAGMM", "Donut", "DTE",
    }


@parametrize_with_checks(
    DETECTORS,
    expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS.get(
        type(est).__name__, {}
    ),
)
def test_sklearn_compatible_detector(estimator, check):
    check(estimator)
