"""Other ways to put DetectorEnsemble's members on one scale, from cached fits.

Reads the caches of ``ensemble_members.py`` (one per setting and seed: each
member's training and test anomaly scores on every dataset) and, for the
members given, prints the mean ROC-AUC of the average of their scores after
each normalisation against the member's training scores: the robust z-score
(DetectorEnsemble's), the plain z-score, the rank, the Gaussian rank, and the
robust z-score capped to [-3, 10] or compressed above 3. Then two rules that
decide how much each member counts from the data alone: weights from each
member's agreement with the others on the training rows (``--agreement``), and
the last member left out below a number of training rows (``--min-rows N``,
repeatable). No member is refitted.

    cd benchmarks
    python ensemble_rules.py --members dte,dif,icl \\
        --cache "ens43icl_{setting}_{seed}.json" [--extra dte,dif,icl,knn] \\
        [--agreement] [--min-rows 500]

Results: benchmarks/results/ensemble_tuning.md.
"""

import argparse
import json

import numpy as np
from ensemble_members import rank, zscore
from scipy.special import ndtri
from scipy.stats import spearmanr
from sklearn.metrics import roc_auc_score
from tune_defaults import DEV_SETS


def plain_z(train, test):
    return (test - train.mean()) / (train.std() or 1.0)


def gaussian_rank(train, test):
    below = np.searchsorted(np.sort(train), test, side="right")
    return ndtri((below + 0.5) / (len(train) + 1))


def capped(train, test):
    return np.clip(zscore(train, test), -3, 10)


def compressed(train, test):
    z = zscore(train, test)
    return np.where(z > 3, 3 + np.log1p(np.maximum(z - 3, 0)), z)


def agreement_weights(train_z):
    """Each member's Spearman correlation, on the training rows, with the mean
    of the other members' robust z-scores, clipped at 0 (all equal if none is
    positive)."""
    weights = np.zeros(len(train_z))
    for i, own in enumerate(train_z):
        others = np.mean([z for j, z in enumerate(train_z) if j != i], axis=0)
        weights[i] = max(np.nan_to_num(spearmanr(own, others)[0]), 0.0)
    return weights if weights.sum() > 0 else np.ones(len(train_z))


def averaged(members, rule):
    """A variant: the mean of the members' scores after ``rule``."""
    return lambda scores: np.mean([rule(*scores[m]) for m in members], axis=0)


def agreement_weighted(members):
    def combine(scores):
        train_z = [zscore(scores[m][0], scores[m][0]) for m in members]
        test_z = [zscore(*scores[m]) for m in members]
        return np.average(test_z, axis=0, weights=agreement_weights(train_z))

    return combine


def last_from(members, min_rows):
    def combine(scores):
        n_train = len(scores[members[0]][0])
        kept = members if n_train >= min_rows else members[:-1]
        return averaged(kept, zscore)(scores)

    return combine


RULES = {
    "robust z": zscore,
    "z": plain_z,
    "rank": rank,
    "Gaussian rank": gaussian_rank,
    "robust z, capped": capped,
    "robust z, compressed": compressed,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", default="dte,dif,icl")
    parser.add_argument("--cache", required=True, help="with {setting} and {seed}")
    parser.add_argument(
        "--extra",
        action="append",
        default=[],
        help="another member list, robust z only (repeatable)",
    )
    parser.add_argument(
        "--agreement",
        action="store_true",
        help="also weight the members by their agreement with the others",
    )
    parser.add_argument(
        "--min-rows",
        type=int,
        action="append",
        default=[],
        help="also leave the last member out below this many training rows",
    )
    parser.add_argument("--seeds", default="0,1,2")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    members = args.members.split(",")
    variants = [(name, averaged(members, rule)) for name, rule in RULES.items()]
    variants += [
        (f"{extra} (robust z)", averaged(extra.split(","), zscore))
        for extra in args.extra
    ]
    if args.agreement:
        variants.append(("weighted by agreement", agreement_weighted(members)))
    variants += [
        (f"{members[-1]} from {n} training rows", last_from(members, n))
        for n in args.min_rows
    ]
    for setting in ("unsupervised", "clean"):
        results = {}
        for seed in seeds:
            with open(args.cache.format(setting=setting, seed=seed)) as file:
                fits = json.load(file)["fits"]
            for dataset, fit in fits.items():
                y = np.asarray(fit["y"])
                scores = {
                    n: tuple(map(np.asarray, s)) for n, s in fit["scores"].items()
                }
                for name, combine in variants:
                    auc = roc_auc_score(y, combine(scores))
                    results.setdefault(name, {}).setdefault(seed, {})[dataset] = auc
        print(f"\n{setting}: mean ROC-AUC, seeds {args.seeds} = mean\n")
        print("| variant | development sets | all sets |\n|---|---|---|")
        for name, by_seed in results.items():
            dev = [
                np.mean([v for d, v in by_seed[s].items() if d in DEV_SETS])
                for s in seeds
            ]
            every = [np.mean(list(by_seed[s].values())) for s in seeds]
            cells = [
                " / ".join(f"{v:.4f}" for v in xs) + f" = {np.mean(xs):.4f}"
                for xs in (dev, every)
            ]
            print(f"| {name} | {cells[0]} | {cells[1]} |")


if __name__ == "__main__":
    main()
