"""Every plot of skdeepad
======================

Draw every skdeepad plot and save them as PNG files (the user guide's images).

Run with ``python examples/plots.py`` (writes ``docs/images/``; under a minute
on two cores), or ``--output DIR --epochs 2`` for a quick look.
"""

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from skdeepad import AutoEncoder, ConvAutoEncoder, WindowedDetector  # noqa: E402
from skdeepad.datasets import make_anomalies  # noqa: E402
from skdeepad.plotting import (  # noqa: E402
    FeatureScoresDisplay,
    ScoreDistributionDisplay,
    SeriesScoresDisplay,
    TrainingHistoryDisplay,
)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--output", default=Path(__file__).parents[1] / "docs" / "images"
    )
    parser.add_argument("--epochs", type=int, default=60)
    args = parser.parse_args()
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)

    # Tabular: 8 correlated features, 5% global anomalies.
    X, y = make_anomalies(1000, 8, kind="global", random_state=0)
    frame = pd.DataFrame(X, columns=[f"sensor_{i}" for i in range(8)])
    detector = AutoEncoder(
        hidden_units=(16, 4), epochs=args.epochs, early_stopping=True, random_state=0
    )
    detector.fit(frame)

    ScoreDistributionDisplay.from_estimator(detector, frame, y)
    plt.savefig(out / "score_distribution.png", dpi=90, bbox_inches="tight")
    TrainingHistoryDisplay.from_estimator(detector)
    plt.savefig(out / "training_history.png", dpi=90, bbox_inches="tight")
    FeatureScoresDisplay.from_estimator(detector, frame, samples=3)
    plt.savefig(out / "feature_scores.png", dpi=90, bbox_inches="tight")

    # A series: a noisy seasonal signal with a level shift and a spike.
    rng = np.random.default_rng(0)
    steps = np.arange(1500)
    series = np.sin(2 * np.pi * steps / 96) + 0.1 * rng.standard_normal(len(steps))
    labels = np.ones(len(steps), dtype=int)
    series[900:940] += 1.5
    labels[900:940] = -1
    series[1200] += 4
    labels[1198:1203] = -1
    windowed = WindowedDetector(
        ConvAutoEncoder(epochs=max(args.epochs // 3, 1), random_state=0), window=48
    ).fit(series[:, None])
    SeriesScoresDisplay.from_estimator(windowed, series[:, None], labels)
    plt.savefig(out / "series_scores.png", dpi=90, bbox_inches="tight")
    plt.close("all")
    print(f"wrote {sorted(p.name for p in out.glob('*.png'))} to {out}")


if __name__ == "__main__":
    main()
