"""Metrics for anomaly detectors, scikit-learn style: ``metric(y_true, y_score)``.

One convention throughout: ``y_score`` holds normality scores, the higher the
more normal, as ``score_samples`` and ``decision_function`` return; labels are
0/1 with 1 = anomaly (PyOD's and ADBench's) or +1/-1 with -1 = anomaly
(``predict``'s), read from the values; anything else raises ValueError. Every
metric treats the anomalies as the positive class.

- Tabular: :func:`anomaly_roc_auc`, :func:`anomaly_average_precision`.
  ``scoring="roc_auc"`` is right only for +1/-1 labels and silently inverted
  for 0/1 labels; these are right for both.
- Time series (labels and scores in time order): :func:`vus_pr` and
  :func:`vus_roc` (Volume Under the Surface, as TSB-AD computes it),
  :func:`range_precision`, :func:`range_recall`, :func:`range_f1` and
  :func:`range_precision_recall_f1` (Tatbul et al., 2018), :func:`event_recall`.

Scorers for ``GridSearchCV(scoring=...)`` and ``cross_val_score``:
``anomaly_roc_auc_scorer``, ``anomaly_average_precision_scorer``,
``vus_pr_scorer`` and ``vus_roc_scorer`` call the detector's
``decision_function`` (else ``score_samples``). Other options make other
scorers, e.g. ``make_scorer(vus_pr, sliding_window=20,
response_method=("decision_function", "score_samples"))``. A test fold must
hold both classes: for tabular data use ``StratifiedKFold(shuffle=True)``.

Examples
--------
>>> from sklearn.model_selection import StratifiedKFold, cross_val_score
>>> from sklearn.ensemble import IsolationForest
>>> from skdeepad.datasets import make_anomalies
>>> from skdeepad.metrics import anomaly_roc_auc_scorer
>>> X, y = make_anomalies(random_state=0)
>>> y01 = (y == -1).astype(int)  # 1 = anomaly, as in ADBench
>>> cv = StratifiedKFold(3, shuffle=True, random_state=0)
>>> scores = cross_val_score(
...     IsolationForest(random_state=0), X, y01, cv=cv, scoring=anomaly_roc_auc_scorer
... )
>>> bool(scores.min() > 0.9)
True
"""

from ._range import (
    event_recall,
    range_f1,
    range_precision,
    range_precision_recall_f1,
    range_recall,
)
from ._ranking import (
    anomaly_average_precision,
    anomaly_average_precision_scorer,
    anomaly_roc_auc,
    anomaly_roc_auc_scorer,
)
from ._vus import vus_pr, vus_pr_scorer, vus_roc, vus_roc_scorer

__all__ = [
    "anomaly_average_precision",
    "anomaly_average_precision_scorer",
    "anomaly_roc_auc",
    "anomaly_roc_auc_scorer",
    "event_recall",
    "range_f1",
    "range_precision",
    "range_precision_recall_f1",
    "range_recall",
    "vus_pr",
    "vus_pr_scorer",
    "vus_roc",
    "vus_roc_scorer",
]
