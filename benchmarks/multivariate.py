"""Multivariate time-series benchmark on seeded synthetic series, no download.

The collection (:func:`collection`): 16 series of 2,000 to 5,000 steps and 3 to
8 channels from :func:`make_series`, four of each anomaly type:

- "point": a spike of 1 to 3 steps, 4 to 6 training standard deviations, on
  one channel (a global outlier);
- "contextual": half a period of one channel with its periodic part inverted:
  every value lies in the channel's normal range, wrong only for the phase;
- "collective": one period of one channel oscillating at twice its frequency,
  same amplitude (a pattern anomaly);
- "correlation": two periods in which one channel's share of the slow
  component common to all channels is replaced by an independent one, faded
  in and out: each channel alone looks normal, their relation does not.

Every channel is ``A sin(2 pi t / P + phase)`` plus its weights on two shared
components (a slow AR(1) walk and a slower sinusoid) plus noise, so the
channels are correlated. The first 30% of a series holds no anomaly (the
training part); 4 anomalies lie in the rest, one per equal slot.

Protocol (TSB-AD's multivariate one, with metrics on the test part): each
series is standardised per channel with its training part's statistics; every
method is fitted on the training part (``--fit prefix``, the default; TSB-AD's
semi-supervised setting) or on the whole series (``--fit whole``, the
unsupervised one), scores the whole series, and is measured on the steps after
the training part (the training steps are in-sample for a prefix fit). Methods
as in ``nab.py``: skdeepad's sequence detectors and DeepIsolationForest inside
a ``WindowedDetector``; baselines Sub-PCA, kNN and IsolationForest on the
flattened windows, and the moving z-score, the largest over the channels.
Windows of ``--window`` steps (``--window-rule period``: channel 0's dominant
period); VUS uses channel 0's dominant period as its largest buffer, as TSB-AD.

    python benchmarks/multivariate.py run [--methods A,B] [--series a,b] [--seed N]
    python benchmarks/multivariate.py report > benchmarks/results/multivariate.md
    python benchmarks/multivariate.py compare --output A.csv --against B.csv

``run`` appends one CSV row per (series, method) to ``--output`` (default
``benchmarks/results/multivariate.csv``) and skips pairs already there.
"""

import argparse
import csv
import sys
from collections import namedtuple
from pathlib import Path

import numpy as np
from scipy.signal import lfilter

from skdeepad import all_detectors

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nab  # noqa: E402
from series_baselines import METRICS, dominant_period  # noqa: E402

HERE = Path(__file__).resolve().parent
DEFAULT_OUTPUT = HERE / "results" / "multivariate.csv"
KINDS = ("point", "contextual", "collective", "correlation")
FIELDS = [
    "series",
    "kind",
    "n",
    "channels",
    "anomalous",
    "method",
    "window",
    "period",
    *METRICS,
    "fit_seconds",
    "status",
]

Series = namedtuple("Series", "name X y train_end anomalies")


def _standard(x):
    return (x - x.mean()) / x.std()


def make_series(
    seed, n_channels=5, anomaly_types=KINDS, length=3000, n_anomalies=4, train=0.3
):
    """A seeded multivariate series with labelled anomalies after a clean prefix.

    Returns a ``Series``: ``X`` of shape (length, n_channels), ``y`` (1 =
    anomaly, 0 = normal), ``train_end`` (the first ``train`` fraction of the
    steps holds no anomaly) and ``anomalies``, a list of ``(start, end, kind,
    channel)``, one per equal slot of the rest, kinds taken in turn from
    ``anomaly_types``.
    """
    rng = np.random.default_rng(seed)
    t = np.arange(length)
    period = int(rng.integers(40, 120))
    walk = _standard(lfilter([1.0], [1.0, -0.98], rng.normal(size=length)))
    slow = np.sin(2 * np.pi * t / (period * rng.uniform(2.5, 4.0)))
    amplitude = rng.uniform(0.5, 1.5, n_channels)
    phase = rng.uniform(0, 2 * np.pi, n_channels)
    on_walk = rng.uniform(0.3, 1.0, n_channels) * rng.choice([-1, 1], n_channels)
    on_slow = rng.uniform(0.0, 0.5, n_channels)
    angle = 2 * np.pi * t[:, np.newaxis] / period + phase
    periodic = amplitude * np.sin(angle)
    X = periodic + np.outer(walk, on_walk) + np.outer(slow, on_slow)
    X += rng.normal(size=X.shape) * rng.uniform(0.05, 0.15, n_channels)
    y = np.zeros(length, dtype=int)

    train_end = int(train * length)
    slots = np.linspace(train_end, length, n_anomalies + 1).astype(int)
    sizes = {"contextual": period // 2, "collective": period}
    sizes["correlation"] = 2 * period
    anomalies = []
    for i in range(n_anomalies):
        kind = anomaly_types[i % len(anomaly_types)]
        size = sizes.get(kind, int(rng.integers(1, 4)))
        low, high = slots[i] + 10, max(slots[i + 1] - size - 10, slots[i] + 11)
        start = int(rng.integers(low, high))
        part, ch = slice(start, start + size), int(rng.integers(n_channels))
        if kind == "point":
            spike = rng.uniform(4, 6) * X[:train_end, ch].std()
            X[part, ch] += rng.choice([-1, 1]) * spike
        elif kind == "contextual":
            X[part, ch] -= 2 * periodic[part, ch]
        elif kind == "collective":
            faster = amplitude[ch] * np.sin(2 * angle[part, ch] - phase[ch])
            X[part, ch] += faster - periodic[part, ch]
        else:  # correlation: its own slow walk, faded in and out
            other = _standard(lfilter([1.0], [1.0, -0.98], rng.normal(size=length)))
            fade = np.minimum(
                1.0,
                np.minimum(np.arange(size), size - 1 - np.arange(size)) / (period / 2),
            )
            X[part, ch] += on_walk[ch] * fade * (other[part] - walk[part])
        y[part] = 1
        anomalies.append((start, start + size, kind, ch))
    return Series(f"s{seed:02d}", X, y, train_end, anomalies)


def collection():
    """The benchmark's 16 series: seeds 0-15, four of each kind, fixed shapes."""
    out = []
    for seed in range(16):
        kind = KINDS[seed % len(KINDS)]
        length = 2000 + (seed * 787) % 3001
        n_channels = 3 + seed % 6
        s = make_series(seed, n_channels, (kind,), length)
        out.append(s._replace(name=f"s{seed:02d}_{kind}_{n_channels}ch"))
    return out


def run(args):
    series_list = collection()
    if args.series:
        series_list = [s for s in series_list if s.name in args.series.split(",")]
    done = nab.open_output(args.output, FIELDS)
    for s in series_list:
        train = s.X[: s.train_end]
        X = (s.X - train.mean(axis=0)) / train.std(axis=0)
        window = args.window
        if args.window_rule == "period":
            window = dominant_period(X[:, 0])
        methods = nab.all_methods(
            window, args.stride, args.epochs, args.aggregate, seed=args.seed
        )
        if args.methods:
            methods = {m: methods[m] for m in args.methods.split(",")}
        period = dominant_period(X[:, 0])
        fit_on = X[: s.train_end] if args.fit == "prefix" else X
        test_labels = s.y[s.train_end :] == 1
        for method, factory in methods.items():
            if (s.name, method) in done:
                continue
            row = {
                "series": s.name,
                "kind": s.anomalies[0][2],
                "n": len(X),
                "channels": X.shape[1],
                "anomalous": int(s.y.sum()),
                "method": method,
                "window": window,
                "period": period,
            } | nab.measure(factory, fit_on, X, test_labels, period, start=s.train_end)
            print(" ".join(str(row.get(k, "")) for k in FIELDS), flush=True)
            with open(args.output, "a", newline="") as f:
                csv.DictWriter(f, FIELDS).writerow(row)


def report(args):
    rows, bad = nab.complete_rows(args.output)
    ours = dict(all_detectors("sequence")) | nab.OURS_ON_WINDOWS | nab.OURS_MULTISCALE
    nab.print_tables(rows, ours, nab.BASELINES)
    methods = list(dict.fromkeys(r["method"] for r in rows))
    print("\n### VUS-PR by anomaly kind (mean over its series)\n")
    print("| method | " + " | ".join(KINDS) + " |")
    print("|---|" + "---:|" * len(KINDS))
    for m in methods:
        cells = []
        for kind in KINDS:
            values = [
                float(r["vus_pr"])
                for r in rows
                if r["method"] == m and r["kind"] == kind
            ]
            cells.append(f"{np.mean(values):.3f} ({len(values)})" if values else "")
        print(f"| {m} | " + " | ".join(cells) + " |")
    for r in bad:
        print(f"- {r['series']} / {r['method']}: {r['status']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["run", "report", "compare"])
    parser.add_argument("--output", default=str(DEFAULT_OUTPUT))
    parser.add_argument("--against", help="compare: the second CSV")
    parser.add_argument("--methods", default="")
    parser.add_argument("--series", default="")
    parser.add_argument("--window", type=int, default=32)
    parser.add_argument("--window-rule", default="fixed", choices=["fixed", "period"])
    parser.add_argument("--stride", type=int, default=4)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument(
        "--seed", type=int, default=0, help="random_state of every method"
    )
    parser.add_argument(
        "--aggregate", default="mean", choices=["mean", "min", "max", "first"]
    )
    parser.add_argument("--fit", default="prefix", choices=["prefix", "whole"])
    args = parser.parse_args()
    {"run": run, "report": report, "compare": nab.compare}[args.command](args)


if __name__ == "__main__":
    main()
