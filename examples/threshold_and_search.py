"""Thresholds, ROC-AUC and a grid search
=====================================

Pick a threshold, evaluate with ROC-AUC, grid-search a detector.

On a planted-anomaly task (``make_anomalies``), with labels for a part of the
data: ``contamination`` sets the threshold when the anomaly rate is known;
``TunedThresholdDetector`` learns it from labels; ``GridSearchCV`` with
``scoring="roc_auc"`` picks the architecture. Run with
``python examples/threshold_and_search.py``.
"""

import argparse

from sklearn.metrics import f1_score, roc_auc_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold, train_test_split

from skdeepad import AutoEncoder, TunedThresholdDetector
from skdeepad.datasets import make_anomalies


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=50)
    args = parser.parse_args(argv)
    X, y = make_anomalies(2000, 10, kind="local", contamination=0.05, random_state=0)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.5, stratify=y, random_state=0
    )

    # 1. A known anomaly rate: contamination puts offset_ at that quantile.
    detector = AutoEncoder(contamination=0.05, epochs=args.epochs, random_state=0)
    detector.fit(X_train)
    f1 = f1_score(y_test, detector.predict(X_test), pos_label=-1)
    auc = roc_auc_score(y_test, detector.score_samples(X_test))
    print(f"contamination=0.05: F1 {f1:.3f}, ROC-AUC {auc:.3f}")

    # 2. Labels: a threshold tuned by cross-validation for F1 on the outliers.
    tuned = TunedThresholdDetector(
        AutoEncoder(epochs=args.epochs, random_state=0), scoring="f1", cv=3
    ).fit(X_train, y_train)
    f1 = f1_score(y_test, tuned.predict(X_test), pos_label=-1)
    print(f"tuned threshold: F1 {f1:.3f}")

    # 3. The architecture by cross-validated ROC-AUC (y: +1 inlier, -1 outlier).
    search = GridSearchCV(
        AutoEncoder(epochs=args.epochs, random_state=0),
        {"hidden_units": [(16, 2), (32, 8)], "dropout": [0.0, 0.2]},
        scoring="roc_auc",
        cv=StratifiedKFold(3, shuffle=True, random_state=0),
    ).fit(X_train, y_train)
    best = search.best_estimator_
    print(
        f"best {search.best_params_}: test ROC-AUC "
        f"{roc_auc_score(y_test, best.score_samples(X_test)):.3f}"
    )
    return search.best_params_


if __name__ == "__main__":
    main()
