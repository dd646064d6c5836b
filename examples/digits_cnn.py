"""A convolutional autoencoder on images
=====================================

A CNN on images: scikit-learn's 8x8 digits, zeros normal, other digits anomalous.

Run with ``python examples/digits_cnn.py`` (about a minute on two cores).
"""

import argparse

import numpy as np
from sklearn.datasets import load_digits
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

from skdeepad import ConvAutoEncoder


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=100)
    args = parser.parse_args(argv)

    X, digit = load_digits(return_X_y=True)
    X = X / 16.0  # pixels in [0, 1]
    normal = X[digit == 0]
    train, test_normal = train_test_split(normal, test_size=0.3, random_state=0)
    rng = np.random.default_rng(0)
    others = X[digit != 0]
    test_anomalies = others[rng.choice(len(others), 30, replace=False)]
    X_test = np.vstack([test_normal, test_anomalies])
    y_test = np.r_[np.ones(len(test_normal)), -np.ones(len(test_anomalies))]

    # Rows of 64 pixels, read as 8x8 one-channel images by 2-D convolutions.
    detector = ConvAutoEncoder(
        image_shape=(8, 8, 1), epochs=args.epochs, random_state=0
    )
    detector.fit(train)
    auc = roc_auc_score(y_test, detector.score_samples(X_test))  # +1 = normal
    print(
        f"ConvAutoEncoder on digits: ROC-AUC {auc:.3f} "
        f"({len(test_normal)} unseen zeros vs {len(test_anomalies)} other digits)"
    )
    return auc


if __name__ == "__main__":
    main()
