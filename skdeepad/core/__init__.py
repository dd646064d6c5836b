"""The core every detector stands on: the skeleton, training, thresholds, mixins.

- ``_detector``: :func:`atomic_fit` and :class:`BaseDetector`, the skeleton
  (validation, standardisation, seeding, scoring in chunks, ``offset_``,
  persistence) that hands the network to hooks;
- ``_trained``: :class:`BaseDeepDetector`, the training parameters and the
  shared training loop (and the streamed fit of a Dask array);
- ``_labelled``, ``_sequence``: :class:`BaseLabelledDetector` (partial
  labels) and :class:`BaseSequenceDetector` (sequences and images);
- ``_mixins``: :class:`IncrementalMixin` (``partial_fit``) and
  :class:`FeatureScoresMixin` (``feature_scores``);
- ``_thresholds``: :class:`ThresholdMixin`, :func:`offset_from_scores`,
  :func:`finite_scores`, :func:`normalized_average`;
- ``_training``, ``_batches``, ``_streaming``: the Keras side of the loop
  and the mini-batches it trains on, imported at fit only (Keras loads
  there), and the blocks of a streamed fit.

Dependencies point one way: detectors import the core, the core imports the
utilities (``skdeepad._utils``, ``_compat``, ``_docstrings``, ``_labels``)
and :mod:`skdeepad.persistence`'s ``SaveMixin``, never a detector.
"""

from ._detector import BaseDetector, atomic_fit
from ._labelled import BaseLabelledDetector
from ._mixins import FeatureScoresMixin, IncrementalMixin
from ._sequence import BaseSequenceDetector
from ._thresholds import (
    CONTAMINATION_CONSTRAINT,
    ThresholdMixin,
    finite_scores,
    normalized_average,
    offset_from_scores,
    robust_scale,
    robust_zscore,
    scores_of,
)
from ._trained import BaseDeepDetector, trains_on_inputs

__all__ = [
    "CONTAMINATION_CONSTRAINT",
    "BaseDeepDetector",
    "BaseDetector",
    "BaseLabelledDetector",
    "BaseSequenceDetector",
    "FeatureScoresMixin",
    "IncrementalMixin",
    "ThresholdMixin",
    "atomic_fit",
    "finite_scores",
    "normalized_average",
    "offset_from_scores",
    "robust_scale",
    "robust_zscore",
    "scores_of",
    "trains_on_inputs",
]
