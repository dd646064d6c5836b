"""Dask scoring benchmark: 10M rows on two local workers vs in-process scoring.

Fits an AutoEncoder (32 features, hidden 64-32) on 20,000 rows, then scores
``--rows`` rows of 32 standard normal features twice: in this process with
``score_samples`` on an in-memory array, and with ``skdeepad.dask.score_samples``
on a ``dask.array`` generated chunk by chunk on a LocalCluster of two worker
processes (one thread each, 127.0.0.1). Prints Markdown: seconds, rows/s and
memory (peak growth of this process's resident memory in-process; each
worker's peak resident memory, from ``ru_maxrss``, and the client's growth
with Dask).

    python benchmarks/dask_scoring.py > benchmarks/results/dask_scoring.md
    python benchmarks/dask_scoring.py --rows 200000   # a quick run
"""

import argparse
import resource
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from speed import peak_rss_growth_mb  # noqa: E402

N_FEATURES = 32


def _peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--chunk", type=int, default=500_000)
    args = parser.parse_args()

    import dask.array as da
    import distributed

    from skdeepad import AutoEncoder
    from skdeepad import dask as skdask

    rng = np.random.default_rng(0)
    detector = AutoEncoder(hidden_units=(64, 32), epochs=3, random_state=0)
    detector.fit(rng.standard_normal((20_000, N_FEATURES)))

    X = rng.standard_normal((args.rows, N_FEATURES), dtype=np.float32)
    detector.score_samples(X[: args.chunk])  # warm up the chunk size
    local_s, local_mb = peak_rss_growth_mb(lambda: detector.score_samples(X))
    input_mb = X.nbytes / 2**20
    X = None  # free the input before the cluster starts

    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        lazy_X = da.random.default_rng(0).standard_normal(
            (args.rows, N_FEATURES), chunks=(args.chunk, N_FEATURES), dtype=np.float32
        )
        warm = skdask.score_samples(detector, lazy_X[: 2 * args.chunk])
        warm.compute()  # workers import TensorFlow and unpickle the detector
        before = client.run(_peak_rss_mb)
        result = []
        dask_s, client_mb = peak_rss_growth_mb(
            lambda: result.append(skdask.score_samples(detector, lazy_X).compute())
        )
        after = client.run(_peak_rss_mb)
    scores = result[0]
    assert scores.shape == (args.rows,) and np.all(np.isfinite(scores))

    print("# Dask scoring benchmark\n")
    print(
        f"AutoEncoder (32 features, hidden 64-32), {args.rows:,} rows of "
        f"{N_FEATURES} float32 features ({input_mb:,.0f} MiB), chunks of "
        f"{args.chunk:,} rows; 2 cores. `python benchmarks/dask_scoring.py`.\n"
    )
    print("| way | seconds | rows/s | memory |\n|---|---:|---:|---|")
    print(
        f"| in-process `score_samples` on an in-memory array | {local_s:.2f} | "
        f"{args.rows / local_s:,.0f} | peak growth {local_mb:,.0f} MiB "
        f"(input {input_mb:,.0f} MiB already in memory) |"
    )
    workers = ", ".join(f"{after[w]:,.0f}" for w in sorted(after))
    grown = ", ".join(f"{after[w] - before[w]:+,.0f}" for w in sorted(after))
    print(
        f"| `skdeepad.dask.score_samples`, LocalCluster 2 x 1 thread | {dask_s:.2f} | "
        f"{args.rows / dask_s:,.0f} | workers' peak RSS {workers} MiB ({grown} MiB "
        f"while scoring); client growth {client_mb:,.0f} MiB (the "
        f"{scores.nbytes / 2**20:,.0f} MiB of scores gathered) |"
    )


if __name__ == "__main__":
    main()
