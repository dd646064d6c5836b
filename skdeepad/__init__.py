"""skdeepad: deep anomaly detection as first-class scikit-learn estimators.

Every detector follows scikit-learn's outlier-detection API: ``fit(X)``,
``score_samples(X)`` (float64, the lower the more abnormal),
``decision_function(X)`` (negative for outliers) and ``predict(X)`` (+1 inlier,
-1 outlier). Importing this package does not import TensorFlow or Keras: they
load at the first ``fit``.

The detectors live in family subpackages (``tabular``, ``sequence``,
``labelled``, ``meta``) standing on ``core`` (the base classes, the training
loop, thresholds); every public name is re-exported here.
"""

from ._registry import all_detectors
from .core import BaseDeepDetector, BaseLabelledDetector, BaseSequenceDetector
from .labelled import DeepSAD, DevNet
from .meta import (
    DetectorEnsemble,
    ReconstructionDetector,
    RefinedDetector,
    TunedThresholdDetector,
)
from .persistence import load, save
from .sequence import (
    ConvAutoEncoder,
    Donut,
    LSTMAutoEncoder,
    LSTMForecaster,
    TransformerAutoEncoder,
    WindowedDetector,
)
from .tabular import (
    DAGMM,
    DTE,
    ICL,
    LUNAR,
    AutoEncoder,
    DeepIsolationForest,
    DeepSVDD,
    GANomaly,
    VariationalAutoEncoder,
)

__version__ = "0.1.0"

__all__ = [
    "AutoEncoder",
    "BaseDeepDetector",
    "BaseLabelledDetector",
    "BaseSequenceDetector",
    "ConvAutoEncoder",
    "DAGMM",
    "DTE",
    "DeepIsolationForest",
    "DeepSAD",
    "DeepSVDD",
    "DetectorEnsemble",
    "DevNet",
    "Donut",
    "GANomaly",
    "ICL",
    "LSTMAutoEncoder",
    "LSTMForecaster",
    "LUNAR",
    "ReconstructionDetector",
    "RefinedDetector",
    "TransformerAutoEncoder",
    "TunedThresholdDetector",
    "VariationalAutoEncoder",
    "WindowedDetector",
    "__version__",
    "all_detectors",
    "load",
    "save",
]
