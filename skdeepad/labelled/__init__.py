"""Semi-supervised detectors of tabular rows: they also learn from a few labels.

``fit(X, y)`` takes partial labels (-1 known anomaly, +1 known normal, 0
unlabelled; :class:`~skdeepad.base.BaseLabelledDetector`): :class:`DevNet`
(deviation networks) and :class:`DeepSAD` (Deep SVDD with labels).
"""

from ._devnet import DevNet
from ._sad import DeepSAD

__all__ = ["DeepSAD", "DevNet"]
