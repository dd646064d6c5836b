"""The labelled layer: detectors that learn from a few labelled samples.

:class:`BaseLabelledDetector` validates ``y`` as partial labels (-1 known
anomaly, +1 known normal, 0 unlabelled) and hands them to the hooks.
"""

import numpy as np

from .._labels import check_partial_labels
from ._trained import BaseDeepDetector

__all__ = ["BaseLabelledDetector"]


class BaseLabelledDetector(BaseDeepDetector):
    """Base class for deep detectors that learn from a few labelled samples.

    ``fit(X, y)`` reads ``y`` as partial labels (-1 known anomaly, +1 known
    normal, 0 unlabelled; see :meth:`fit`), validated once here, and hands them
    to ``_fit_network`` and ``_training_data`` as an int8 array; ``y=None``
    gives all zeros, and a ``y`` of only known anomalies is a ValueError. The
    early-stopping validation set takes the same fraction of each label's
    rows, rounded down, so a handful of labelled anomalies stays in training.
    """

    def _validate_labels(self, y, X):
        labels = check_partial_labels(y, X.shape[0])
        if np.all(labels < 0):
            raise ValueError(
                f"{type(self).__name__} needs unlabelled or normal samples besides "
                "the labelled anomalies; every sample in y is labelled a known "
                "anomaly (-1)."
            )
        return labels
