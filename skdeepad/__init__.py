"""skdeepad: deep anomaly detection as first-class scikit-learn estimators.

Every detector follows scikit-learn's outlier-detection API: ``fit(X)``,
``score_samples(X)`` (float64, the lower the more abnormal),
``decision_function(X)`` (negative for outliers) and ``predict(X)`` (+1 inlier,
-1 outlier). Importing this package does not import TensorFlow or Keras: they
load at the first ``fit``.
"""

from ._discovery import all_detectors
from .autoencoder import AutoEncoder
from .base import BaseDeepDetector, BaseLabelledDetector, BaseSequenceDetector
from .conv import ConvAutoEncoder
from .dagmm import DAGMM
from .devnet import DevNet
from .donut import Donut
from .ensemble import DetectorEnsemble
from .forecaster import LSTMForecaster
from .ganomaly import GANomaly
from .isolation import DeepIsolationForest
from .lstm import LSTMAutoEncoder
from .persistence import load
from .reconstruction import ReconstructionDetector
from .sad import DeepSAD
from .svdd import DeepSVDD
from .threshold import TunedThresholdDetector
from .timeseries import WindowedDetector
from .transformer import TransformerAutoEncoder
from .variational import VariationalAutoEncoder

__version__ = "0.1.0"

__all__ = [
    "AutoEncoder",
    "BaseDeepDetector",
    "BaseLabelledDetector",
    "BaseSequenceDetector",
    "ConvAutoEncoder",
    "DAGMM",
    "DeepIsolationForest",
    "DeepSAD",
    "DeepSVDD",
    "DetectorEnsemble",
    "DevNet",
    "Donut",
    "GANomaly",
    "LSTMAutoEncoder",
    "LSTMForecaster",
    "ReconstructionDetector",
    "TransformerAutoEncoder",
    "TunedThresholdDetector",
    "VariationalAutoEncoder",
    "WindowedDetector",
    "__version__",
    "all_detectors",
    "load",
]
