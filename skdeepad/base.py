"""The base classes and mixins of skdeepad's detectors, for writing a new one.

A public home for what :mod:`skdeepad.core` holds: derive a detector that
trains a Keras network from :class:`BaseDeepDetector` (or
:class:`BaseSequenceDetector`, :class:`BaseLabelledDetector`), one that does
not train from :class:`BaseDetector`, and fill the hooks that
``skdeepad/core/_detector.py`` and ``skdeepad/core/_trained.py`` describe.
"""

from .core import (
    BaseDeepDetector,
    BaseDetector,
    BaseLabelledDetector,
    BaseSequenceDetector,
    FeatureScoresMixin,
    IncrementalMixin,
    ThresholdMixin,
    atomic_fit,
    offset_from_scores,
    trains_on_inputs,
)

__all__ = [
    "BaseDeepDetector",
    "BaseDetector",
    "BaseLabelledDetector",
    "BaseSequenceDetector",
    "FeatureScoresMixin",
    "IncrementalMixin",
    "ThresholdMixin",
    "atomic_fit",
    "offset_from_scores",
    "trains_on_inputs",
]
