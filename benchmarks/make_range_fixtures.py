"""Reference range precision / recall values from ``prts`` for tests/test_metrics.py.

``prts`` (Tatbul et al.'s range-based metrics, NeurIPS 2018) pins ``numpy<2``, which
the rest of skdeepad's test environment cannot have, so its values were made once in
a scratch environment and committed::

    python -m venv /tmp/prts
    /tmp/prts/bin/pip install prts==1.0.0.3 scikit-learn
    /tmp/prts/bin/python benchmarks/make_range_fixtures.py

It prints ``RANGE_FIXTURES``, pasted into tests/test_metrics.py. The cases need only
NumPy and are rebuilt by the test from this file.
"""

import itertools

import numpy as np

BIASES = ("flat", "front", "back", "middle")
CARDINALITIES = ("one", "reciprocal")


def random_labels(rng, n, rate):
    """0/1 labels of runs, starting a run with probability ``rate``."""
    labels = np.zeros(n, dtype=int)
    for start in np.flatnonzero(rng.random(n) < rate):
        labels[start : start + rng.integers(1, 12)] = 1
    return labels


def make_case(seed):
    """Return ``(real, pred, alpha)``: 0/1 labels with at least one of each."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(20, 300))
    real = random_labels(rng, n, rng.uniform(0.01, 0.1))
    pred = random_labels(rng, n, rng.uniform(0.01, 0.2))
    real[rng.integers(n)] = pred[rng.integers(n)] = 1
    return real, pred, float(rng.choice([0.0, 0.3, 1.0]))


def cases():
    """``(seed, bias, cardinality)``: three seeds for every option."""
    options = itertools.product(BIASES, CARDINALITIES)
    return [
        (3 * i + k, bias, cardinality)
        for i, (bias, cardinality) in enumerate(options)
        for k in range(3)
    ]


def main():
    import prts

    print("# prts", getattr(prts, "__version__", "1.0.0.3"))
    print("RANGE_FIXTURES = [")
    print("    # (seed, bias, cardinality, precision, recall)")
    for seed, bias, cardinality in cases():
        real, pred, alpha = make_case(seed)
        options = {"cardinality": cardinality, "bias": bias}
        precision = prts.ts_precision(real, pred, alpha=0.0, **options)
        recall = prts.ts_recall(real, pred, alpha=alpha, **options)
        print(f"    ({seed}, {bias!r}, {cardinality!r}, {precision!r}, {recall!r}),")
    print("]")


if __name__ == "__main__":
    main()
