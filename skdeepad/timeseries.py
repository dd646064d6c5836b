"""Time series: sliding windows, per-step scores, a whole-series detector, NAB files.

A detector of sequences scores windows; users of a long series (a sensor, a
server metric) want one score per time step. :func:`sliding_windows` cuts a
series into windows, :func:`window_scores_to_points` maps window scores back
to steps, and :class:`WindowedDetector` does both around any detector, so a
whole series goes in and one score per step comes out (:func:`dominant_period`
sizes its windows from the series); :class:`StreamScorer`
scores a live stream with it as the steps arrive. :func:`load_nab`
reads series in the format of the Numenta Anomaly Benchmark.

The public home of these names; they live in ``skdeepad/sequence/`` and
``skdeepad/_nab.py``.
"""

from ._nab import load_nab
from .sequence._stream import StreamScorer
from .sequence._windowed import WindowedDetector
from .sequence._windows import (
    dominant_period,
    sliding_windows,
    window_scores_to_points,
)

__all__ = [
    "StreamScorer",
    "WindowedDetector",
    "dominant_period",
    "load_nab",
    "sliding_windows",
    "window_scores_to_points",
]
