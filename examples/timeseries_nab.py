"""Scoring every step of a time series
===================================

Score every step of a NAB series and draw it with its labelled windows.

The windows are sized from the series: its dominant period ``p`` (TSB-AD's
rule), and windows of half, one and two periods, whose per-step scores are put
on one scale and averaged (a multi-scale detector: the best of the rules
measured on NAB, ``benchmarks/results/nab_v2.md``).

Run with ``python examples/timeseries_nab.py [SERIES.csv] [--output scores.png]``.
Without a path it reads ``realKnownCause/nyc_taxi.csv`` from the NAB data beside
the checkout (``../shared/data/nab``). Needs matplotlib (``pip install
skdeepad[plot]``); takes a few seconds on two cores.
"""

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # draws to a file, no display needed
import matplotlib.pyplot as plt  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from skdeepad import AutoEncoder  # noqa: E402
from skdeepad.metrics import vus_pr  # noqa: E402
from skdeepad.timeseries import WindowedDetector, dominant_period, load_nab  # noqa: E402

NAB = Path(__file__).resolve().parents[2] / "shared" / "data" / "nab"

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument(
    "series", nargs="?", default=NAB / "realKnownCause" / "nyc_taxi.csv"
)
parser.add_argument("--output", default="timeseries_nab.png")
args = parser.parse_args()

data = load_nab(args.series)  # X: (n_steps, 1); y: +1 normal, -1 in a labelled window

# Rows are time steps: the pipeline standardises the series, cuts it into
# windows of p // 2, p and 2p steps every 4 steps, fits an autoencoder on the
# windows of each length and maps their scores back to one score per step.
period = dominant_period(data.X)
detector = make_pipeline(
    StandardScaler(),
    WindowedDetector(
        AutoEncoder(random_state=0),
        window=(period // 2, period, 2 * period),
        stride=4,
        contamination=0.02,
    ),
)
detector.fit(data.X)  # unsupervised: the labels are not used
scores = detector.score_samples(data.X)  # the lower, the more abnormal
flagged = detector.predict(data.X) == -1
print(f"{data.name}: dominant period {period} steps")
if data.y is not None:
    anomalous = data.y == -1
    print(f"per-step ROC-AUC {roc_auc_score(anomalous, -scores):.3f}, "
          f"VUS-PR {vus_pr(anomalous, scores, sliding_window=period):.3f}")
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
