"""Fast parameters for every detector in the test suite.

One table, so that a check_estimator run costs seconds per detector. A detector
missing from it is tested with ``epochs=2``.
"""

FAST_PARAMS = {
    "AutoEncoder": {"hidden_units": (8, 4), "epochs": 2, "batch_size": 32},
    "DeepIsolationForest": {"n_ensemble": 4, "hidden_units": (16, 4)},
    "DeepSVDD": {"hidden_units": (8, 4), "epochs": 2, "batch_size": 32},
    "GANomaly": {"hidden_units": (8, 4), "epochs": 2, "batch_size": 32},
    "VariationalAutoEncoder": {"hidden_units": (8, 2), "epochs": 2, "batch_size": 32},
}


def fast_params(name):
    return FAST_PARAMS.get(name, {"epochs": 2})
