"""Meta-detectors, built around another estimator.

:class:`TunedThresholdDetector` tunes any detector's threshold on labelled
data; :class:`ReconstructionDetector` makes any regressor that learns
``X -> X`` (a scikeras model, an ``MLPRegressor``) a detector;
:class:`DetectorEnsemble` combines detectors' scores on one scale;
:class:`RefinedDetector` fits a detector on the rows another finds most normal.
"""

from ._ensemble import DetectorEnsemble
from ._reconstruction import ReconstructionDetector
from ._refined import RefinedDetector
from ._threshold import TunedThresholdDetector

__all__ = [
    "DetectorEnsemble",
    "ReconstructionDetector",
    "RefinedDetector",
    "TunedThresholdDetector",
]
