"""Fraudulent orders in a CSV file, in a Pipeline
==============================================

An autoencoder on a CSV of e-commerce orders, inside a Pipeline with MinMaxScaler.

Writes a CSV of synthetic orders (amount, items, discount, minutes on site,
hour of day; 2% fraudulent), reads it back with pandas, fits
``make_pipeline(MinMaxScaler(), AutoEncoder())`` and reports the orders it
flags and which features explain them. Run with
``python examples/ecommerce_pipeline.py [--csv orders.csv]``.
"""

import argparse
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from skdeepad import AutoEncoder


def write_orders(path, n_orders=3000, fraud=0.02, seed=0):
    """Write synthetic orders to ``path``; the ``fraud`` column is 1 for fraud."""
    rng = np.random.default_rng(seed)
    items = rng.poisson(3, n_orders) + 1
    orders = pd.DataFrame(
        {
            "amount": items * rng.lognormal(3, 0.4, n_orders),
            "items": items,
            "discount": rng.beta(1, 8, n_orders),
            "minutes_on_site": rng.gamma(4, 3, n_orders),
            "hour": rng.normal(15, 3, n_orders).clip(0, 23.9),
        }
    )
    bad = rng.random(n_orders) < fraud
    # Fraud: large baskets bought in a hurry at night with big discounts.
    orders.loc[bad, "amount"] *= rng.uniform(4, 8, bad.sum())
    orders.loc[bad, "minutes_on_site"] = rng.uniform(0.2, 1.5, bad.sum())
    orders.loc[bad, "hour"] = rng.uniform(1, 5, bad.sum())
    orders.loc[bad, "discount"] = rng.uniform(0.4, 0.7, bad.sum())
    orders["fraud"] = bad.astype(int)
    orders.to_csv(path, index=False)
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", help="an orders CSV with a 'fraud' column")
    parser.add_argument(
        "--epochs", type=int, default=10, help="the AutoEncoder's default"
    )
    args = parser.parse_args(argv)
    path = args.csv or write_orders(Path(tempfile.mkdtemp()) / "orders.csv")

    orders = pd.read_csv(path)
    X, y = orders.drop(columns="fraud"), np.where(orders["fraud"] == 1, -1, 1)
    pipeline = make_pipeline(
        MinMaxScaler(),
        AutoEncoder(
            hidden_units=(8, 3),
            standardize=False,
            contamination=0.02,
            epochs=args.epochs,
            random_state=0,
        ),
    ).set_output(transform="pandas")  # the detector sees column names
    pipeline.fit(X)  # unsupervised: the fraud column is only used to evaluate
    flagged = pipeline.predict(X) == -1
    auc = roc_auc_score(y, pipeline.score_samples(X))
    print(
        f"ROC-AUC {auc:.3f}; flagged {flagged.sum()} of {len(X)} orders, "
        f"{(flagged & (y == -1)).sum()} of the {(y == -1).sum()} frauds"
    )

    # Which features make the flagged orders abnormal (in the scaled space)?
    shares = pipeline[-1].feature_scores(pipeline[:-1].transform(X))
    print("mean share of the anomaly score, flagged orders:")
    print(shares[flagged].mean().sort_values(ascending=False).round(4).to_string())
    return auc


if __name__ == "__main__":
    main()
