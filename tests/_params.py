"""Fast parameters for every detector in the test suite.

One table, so that a check_estimator run costs seconds per detector. A detector
missing from it is tested with ``epochs=2``.
"""

FAST_PARAMS = {
    "AutoEncoder": {"hidden_units": (8, 4), "epochs": 2, "batch_size": 32},
}


def fast_params(name):
    return {"epochs": 2, **FAST_PARAMS.get(name, {})}
