"""Scoring every step of a time series
===================================

Score every step of a NAB series and draw it with its labelled windows.

Run with ``python examples/timeseries_nab.py [SERIES.csv] [--output scores.png]``.
Without a path it reads ``realKnownCause/nyc_taxi.csv`` from the NAB data beside
the checkout (``../shared/data/nab``). Needs matplotlib (``pip install
skdeepad[plot]``); takes about half a minute on two cores.
"""

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # draws to a file, no display needed
import matplotlib.pyplot as plt  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from skdeepad import ConvAutoEncoder  # noqa: E402
from skdeepad.timeseries import WindowedDetector, load_nab  # noqa: E402

NAB = Path(__file__).resolve().parents[2] / "shared" / "data" / "nab"

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument(
    "series", nargs="?", default=NAB / "realKnownCause" / "nyc_taxi.csv"
)
parser.add_argument("--output", default="timeseries_nab.png")
args = parser.parse_args()

data = load_nab(args.series)  # X: (n_steps, 1); y: +1 normal, -1 in a labelled window

# Rows are time steps: the pipeline standardises the series, cuts it into
# windows of 48 steps every 4 steps, fits the autoencoder on the windows and
# maps window scores back to one score per step.
detector = make_pipeline(
    StandardScaler(),
    WindowedDetector(ConvAutoEncoder(epochs=20, random_state=0), window=48, stride=4,
                     contamination=0.02),
)
detector.fit(data.X)  # unsupervised: the labels are not used
scores = detector.score_samples(data.X)  # the lower, the more abnormal
flagged = detector.predict(data.X) == -1
if data.y is not None:
    print(f"{data.name}: per-step ROC-AUC {roc_auc_score(data.y == -1, -scores):.3f}")
print(f"flagged {flagged.sum()} of {len(scores)} steps")

fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(12, 6))
top.plot(data.timestamp, data.X[:, 0], lw=0.6, color="black", label="value")
top.scatter(data.timestamp[flagged], data.X[flagged, 0], s=6, color="red",
            label="flagged", zorder=3)
bottom.plot(data.timestamp, -scores, lw=0.6, color="tab:blue", label="anomaly score")
bottom.axhline(-detector[-1].offset_, color="red", ls="--", lw=0.8, label="threshold")
for start, end in data.windows or []:
    for ax in (top, bottom):
        ax.axvspan(start, end, color="orange", alpha=0.3, lw=0)
top.set_title(f"{data.name}: labelled anomaly windows in orange")
top.legend(loc="upper left")
bottom.legend(loc="upper left")
fig.tight_layout()
fig.savefig(args.output, dpi=100)
print(f"wrote {args.output}")
