"""Fast parameters for every detector in the test suite.

One table, so that a check_estimator run costs seconds per detector. A detector
missing from it is tested with ``epochs=2``.
"""

from sklearn.ensemble import IsolationForest
from sklearn.neural_network import MLPRegressor

from skdeepad import AutoEncoder, ConvAutoEncoder

FAST_PARAMS = {
    "AutoEncoder": {"hidden_units": (8, 4), "epochs": 2, "batch_size": 128},
    "ConvAutoEncoder": {"filters": (4, 2), "epochs": 2, "batch_size": 128},
    "DAGMM": {
        "hidden_units": (8, 2), "estimation_units": (4,), "epochs": 2, "batch_size": 128
    },
    # Two epochs leave DTE's predicted diffusion times near flat on the checks'
    # blobs, so Tukey's fence may flag none; a float contamination flags some.
    "DTE": {
        "hidden_units": (8, 8), "epochs": 2, "batch_size": 128, "contamination": 0.1
    },
    "DeepIsolationForest": {"n_ensemble": 4, "hidden_units": (16, 4)},
    "DeepSAD": {"hidden_units": (8, 4), "epochs": 2, "batch_size": 128},
    # Without labelled anomalies DevNet's stand-in scores are near symmetric on
    # the checks' blobs, so Tukey's fence ("auto") may flag none, which the
    # outlier checks require; a float contamination always flags some.
    "DevNet": {
        "hidden_units": (4,), "epochs": 2, "batch_size": 128, "contamination": 0.1
    },
    # Tukey's fence ("auto") flags few normal training rows (~0.35% of
    # Gaussian ones), maybe none of the checks' 300 blobs, which the outlier
    # checks require; a float contamination always flags some.
    "DetectorEnsemble": {
        "contamination": 0.1,
        "estimators": [
            ("ae", AutoEncoder(hidden_units=(4, 2), epochs=2, batch_size=128)),
            ("iforest", IsolationForest(n_estimators=10)),
        ]
    },
    "DeepSVDD": {"hidden_units": (8, 4), "epochs": 2, "batch_size": 128},
    "Donut": {
        "hidden_units": (8,), "latent_dim": 2, "n_samples": 2, "epochs": 2,
        "batch_size": 128,
    },
    "GANomaly": {"hidden_units": (8, 4), "epochs": 2, "batch_size": 128},
    "ReconstructionDetector": {
        "regressor": MLPRegressor(hidden_layer_sizes=(2,), max_iter=20, random_state=0)
    },
    "RefinedDetector": {
        "detector": AutoEncoder(hidden_units=(4, 2), epochs=2, batch_size=128),
        "refiner": IsolationForest(n_estimators=10),
    },
    "TunedThresholdDetector": {
        "detector": IsolationForest(n_estimators=10, random_state=0), "cv": 2
    },
    "ICL": {"hidden_units": (8, 8, 4), "epochs": 2, "batch_size": 128},
    "LSTMAutoEncoder": {"hidden_units": (4,), "epochs": 2, "batch_size": 128},
    "LUNAR": {"hidden_units": (8, 8), "epochs": 2, "batch_size": 128},
    "LSTMForecaster": {"hidden_units": (4,), "epochs": 2, "batch_size": 128},
    "TransformerAutoEncoder": {
        "model_dim": 4,
        "num_heads": 2,
        "num_layers": 1,
        "ff_units": 4,
        "latent_dim": 2,
        "epochs": 2,
        "batch_size": 128,
    },
    "VariationalAutoEncoder": {"hidden_units": (8, 2), "epochs": 2, "batch_size": 128},
    "WindowedDetector": {
        "detector": ConvAutoEncoder(
            filters=(4, 2), epochs=2, batch_size=128, random_state=0
        ),
        "window": 4,
    },
}


def fast_params(name):
    """A fresh dict of ``name``'s tiny test parameters (callers may add to it)."""
    return dict(FAST_PARAMS.get(name, {"epochs": 2}))
