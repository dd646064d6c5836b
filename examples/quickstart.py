"""Quick start
===========

Fit a deep detector, score new data, search its parameters.

Run with ``python examples/quickstart.py``; takes about a minute on two cores.
"""

import numpy as np
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from skdeepad import AutoEncoder
from skdeepad.datasets import builtin_tasks

# Breast-cancer measurements: benign tumours normal, 5% malignant ones planted.
task = builtin_tasks()["breast_cancer"]
X, y = task.X, task.y  # y: +1 normal, -1 anomaly

det = AutoEncoder(hidden_units=(16, 4), contamination=0.05, random_state=0)
det.fit(X)  # unsupervised: y is not used
scores = det.score_samples(X)  # float64, the lower the more abnormal
labels = det.predict(X)  # +1 inlier, -1 outlier
print(f"epochs run: {det.n_iter_}, threshold offset_: {det.offset_:.3f}")
print(f"ROC-AUC: {roc_auc_score(y == -1, -scores):.3f}")
print(f"flagged {np.sum(labels == -1)} of {len(X)} rows, "
      f"{np.sum((labels == -1) & (y == -1))} of them truly anomalous")

# With a few labels, pick the architecture by cross-validated ROC-AUC.
search = GridSearchCV(
    AutoEncoder(epochs=30, random_state=0),
    {"hidden_units": [(16, 4), (32, 8)]},
    scoring="roc_auc",
    cv=StratifiedKFold(3, shuffle=True, random_state=0),
).fit(X, y)
print(f"best: {search.best_params_}, CV ROC-AUC {search.best_score_:.3f}")
