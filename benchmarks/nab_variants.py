"""Window variants of the AutoEncoder on NAB, on development or held-out series.

The 36 labelled NAB series, sorted by path, are split in two: every other one,
from the first, is a development series (where variants are compared), the
rest are held out. Each variant scores each series as ``nab.py`` does
(standardised, fitted on the whole series, windows every 4 steps, window
scores averaged per step, VUS-PR with the period as buffer), around the
series' dominant period ``p``:

- "AE period": ``WindowedDetector(AutoEncoder(), window=p)``;
- "AE period max": the same, each step taking its windows' lowest score;
- "AE period/2", "AE 2period": windows of ``p // 2`` (at least 4) or ``2p``
  (at most 600) steps;
- "AE multiscale": the three, each one's step scores robust-z-scored (median,
  IQR / 1.349) and averaged;
- "AE period dropout0": ``AutoEncoder(dropout=0.0)`` on windows of ``p``;
- "AE period +kNN": the robust z-scores of "AE period" and "kNN period" summed;
- "kNN period", "kNN multiscale": the kNN baseline the same ways;
- "LUNAR period", "LUNAR multiscale": ``LUNAR()`` (a network that learns to
  weigh the distances to the nearest windows) the same ways;
- "AE multiscale +kNN multiscale": the two multi-scale scores summed;
- "VAE multiscale", "DeepSVDD multiscale", "ICL multiscale": those detectors
  with their defaults the same way;
- any variants joined by " + " (e.g. "AE multiscale + DeepSVDD multiscale"):
  their scores summed (each multi-scale score is already a mean of robust
  z-scores, so the terms are on one scale).

    cd benchmarks
    python nab_variants.py --seed 0 --part dev "AE period" "AE multiscale" ...

Results: benchmarks/results/nab_v2.md ("Window variants").
"""

import argparse
import warnings
from pathlib import Path

import numpy as np
from nab import DEFAULT_DATA
from series_baselines import KNNDistance, dominant_period, series_metrics

from skdeepad import ICL, LUNAR, AutoEncoder, DeepSVDD, VariationalAutoEncoder
from skdeepad.core import robust_zscore
from skdeepad.timeseries import WindowedDetector, load_nab


def robust(scores):
    """``scores`` robust-z-scored against themselves (the training steps' here)."""
    return robust_zscore(scores, scores)


def anomaly_scores(detector, window, series, aggregate="mean"):
    windowed = WindowedDetector(detector, window=window, stride=4, aggregate=aggregate)
    return -windowed.fit(series).score_samples(series)


def variants(seed):
    def ae(**params):
        return AutoEncoder(random_state=seed, **params)

    def lunar():
        return LUNAR(random_state=seed)

    def scales(p):
        return (max(p // 2, 4), p, min(2 * p, 600))

    def multiscale(make, series, p):
        return np.mean(
            [robust(anomaly_scores(make(), w, series)) for w in scales(p)], axis=0
        )

    return {
        "AE period": lambda s, p: anomaly_scores(ae(), p, s),
        "AE period max": lambda s, p: anomaly_scores(ae(), p, s, aggregate="max"),
        "AE period/2": lambda s, p: anomaly_scores(ae(), scales(p)[0], s),
        "AE 2period": lambda s, p: anomaly_scores(ae(), scales(p)[2], s),
        "AE multiscale": lambda s, p: multiscale(ae, s, p),
        "AE period dropout0": lambda s, p: anomaly_scores(ae(dropout=0.0), p, s),
        "AE period +kNN": lambda s, p: (
            robust(anomaly_scores(ae(), p, s))
            + robust(anomaly_scores(KNNDistance(), p, s))
        ),
        "kNN period": lambda s, p: anomaly_scores(KNNDistance(), p, s),
        "kNN multiscale": lambda s, p: multiscale(KNNDistance, s, p),
        "LUNAR period": lambda s, p: anomaly_scores(lunar(), p, s),
        "LUNAR multiscale": lambda s, p: multiscale(lunar, s, p),
        "AE multiscale +kNN multiscale": lambda s, p: (
            multiscale(ae, s, p) + multiscale(KNNDistance, s, p)
        ),
        "VAE multiscale": lambda s, p: multiscale(
            lambda: VariationalAutoEncoder(random_state=seed), s, p
        ),
        "DeepSVDD multiscale": lambda s, p: multiscale(
            lambda: DeepSVDD(random_state=seed), s, p
        ),
        "ICL multiscale": lambda s, p: multiscale(lambda: ICL(random_state=seed), s, p),
    }


def resolve(names, known):
    """Map each requested name to its scoring function; " + " sums variants."""
    resolved = {}
    for name in names:
        parts = [part.strip() for part in name.split(" + ")]
        unknown = [part for part in parts if part not in known]
        if unknown:
            raise KeyError(unknown)
        terms = [known[part] for part in parts]
        resolved[name] = lambda s, p, terms=terms: sum(term(s, p) for term in terms)
    return resolved


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("variants", nargs="+")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--part", choices=("dev", "held-out", "all"), default="dev")
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    args = parser.parse_args()
    known = variants(args.seed)
    try:
        chosen = resolve(args.variants, known)
    except KeyError as error:
        parser.error(f"unknown variants {error.args[0]}; known: {sorted(known)}")
    labelled = []
    for path in sorted(Path(args.data).glob("*/*.csv")):
        data = load_nab(path)
        if data.y is not None and np.any(data.y == -1):
            labelled.append(data)
    part = {"dev": labelled[0::2], "held-out": labelled[1::2], "all": labelled}
    results = {name: [] for name in args.variants}
    for data in part[args.part]:
        series = (data.X - data.X.mean()) / max(data.X.std(), 1e-12)
        period = dominant_period(series[:, 0])
        for name in args.variants:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                scores = chosen[name](series, period)
            metrics = series_metrics(data.y == -1, scores, period)
            results[name].append(metrics["vus_pr"])
        print(data.name, {n: round(v[-1], 3) for n, v in results.items()}, flush=True)
    for name, values in results.items():
        print(
            f"seed {args.seed}, {args.part} ({len(values)} series): {name} "
            f"VUS-PR {np.mean(values):.4f}"
        )


if __name__ == "__main__":
    main()
