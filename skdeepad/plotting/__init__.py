"""Plots in scikit-learn's Display style (matplotlib, the ``plot`` extra).

Each display is built ``from_estimator`` (or ``from_predictions``) and drawn
with ``.plot(ax=...)``; it keeps what it drew (``ax_``, ``figure_`` and the
artists) for further styling, as scikit-learn's ``RocCurveDisplay`` does.
matplotlib is imported when a plot is drawn, not with this module.

- :class:`ScoreDistributionDisplay`: the distribution of ``score_samples``
  with the threshold ``offset_`` and, given labels, the two classes apart;
- :class:`TrainingHistoryDisplay`: the training (and validation) loss by epoch;
- :class:`FeatureScoresDisplay`: each feature's share of chosen samples'
  anomaly scores (``feature_scores``);
- :class:`SeriesScoresDisplay`: a time series above its scores, with the
  threshold and the labelled anomalous steps shaded.
"""

from ._distribution import ScoreDistributionDisplay
from ._features import FeatureScoresDisplay
from ._history import TrainingHistoryDisplay
from ._series import SeriesScoresDisplay

__all__ = [
    "FeatureScoresDisplay",
    "ScoreDistributionDisplay",
    "SeriesScoresDisplay",
    "TrainingHistoryDisplay",
]
