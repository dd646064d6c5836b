"""Detectors of sequences (and images), and of whole series step by step.

Samples are 2-D ``(n_samples, timesteps)`` or 3-D ``(n_samples, timesteps,
channels)`` arrays (:class:`~skdeepad.base.BaseSequenceDetector`):
:class:`ConvAutoEncoder` (images too), :class:`LSTMAutoEncoder`,
:class:`LSTMForecaster`, :class:`TransformerAutoEncoder`, :class:`Donut`.
:class:`WindowedDetector` scores every step of one long series with any of
them, through the window helpers of ``_windows`` (public in
:mod:`skdeepad.timeseries`).
"""

from ._conv import ConvAutoEncoder
from ._donut import Donut
from ._forecaster import LSTMForecaster
from ._lstm import LSTMAutoEncoder
from ._transformer import TransformerAutoEncoder
from ._windowed import WindowedDetector

__all__ = [
    "ConvAutoEncoder",
    "Donut",
    "LSTMAutoEncoder",
    "LSTMForecaster",
    "TransformerAutoEncoder",
    "WindowedDetector",
]
