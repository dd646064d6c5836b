"""Reference VUS-ROC / VUS-PR values from TSB-AD, the fixtures of tests/test_metrics.py.

TSB-AD (Liu and Paparrizos, NeurIPS 2024; ``pip install tsb-ad``) is the reference
implementation of the Volume Under the Surface (Paparrizos et al., VLDB 2022), but
it depends on PyTorch with CUDA and transformers. Its evaluation code needs only
NumPy and scikit-learn, so the fixtures were made in a scratch environment::

    python -m venv /tmp/tsbad
    /tmp/tsbad/bin/pip install --no-deps tsb-ad==1.5
    /tmp/tsbad/bin/pip install "numpy<2" scikit-learn scipy
    /tmp/tsbad/bin/python benchmarks/make_vus_fixtures.py

It prints ``VUS_FIXTURES``, pasted into tests/test_metrics.py. TSB-AD scores are
anomaly scores (the higher, the more abnormal); skdeepad's are normality scores,
so the test passes ``-anomaly_score``. The cases need only NumPy and are rebuilt
by the test from this file.
"""

import numpy as np

# (seed, n_samples, sliding_window); seed 3 has tied scores, seed 4 anomalies at
# both ends of the series, n < 250 (seed 1, 4) repeats thresholds.
CASES = [(0, 300, 100), (1, 200, 10), (2, 500, 25), (3, 400, 7), (4, 240, 50)]


def make_case(seed, n_samples):
    """Return ``(labels, anomaly_score)``: 0/1 labels, a few anomaly windows."""
    rng = np.random.default_rng(seed)
    labels = np.zeros(n_samples, dtype=np.int64)
    for _ in range(2 + seed % 3):
        start = int(rng.integers(0, n_samples - 20))
        labels[start : start + int(rng.integers(1, 15))] = 1
    if seed == 4:
        labels[:3] = 1
        labels[-2:] = 1
    signal = 0.3 + 0.4 * seed  # from barely visible (seed 0) to clear (seed 4)
    anomaly_score = rng.random(n_samples) + signal * labels * rng.random(n_samples)
    if seed == 3:
        anomaly_score = np.round(anomaly_score, 1)
    return labels, anomaly_score


def main():
    import TSB_AD
    from TSB_AD.evaluation.basic_metrics import generate_curve

    version = getattr(TSB_AD, "__version__", None)
    if version is None:
        from importlib.metadata import version as dist_version

        version = dist_version("tsb-ad")
    print(f"# tsb-ad {version}, numpy {np.__version__}")
    print("VUS_FIXTURES = [")
    print("    # (seed, n, sliding_window, label sum, score sum, VUS-ROC, VUS-PR)")
    for seed, n_samples, window in CASES:
        labels, score = make_case(seed, n_samples)
        # As TSB_AD.evaluation.metrics.get_metrics calls it (version="opt", thre=250).
        values = generate_curve(labels.astype(int), score, window, "opt", 250)[6:]
        mem = generate_curve(labels.astype(int), score, window, "opt_mem", 250)[6:]
        assert np.allclose(values, mem, rtol=0, atol=1e-12), (values, mem)
        print(
            f"    ({seed}, {n_samples}, {window}, {int(labels.sum())}, "
            f"{float(score.sum())!r}, {float(values[0])!r}, {float(values[1])!r}),"
        )
    print("]")


if __name__ == "__main__":
    main()
