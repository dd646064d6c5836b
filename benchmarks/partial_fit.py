"""Seconds per ``partial_fit`` call: a detector trained on as batches arrive.

Each detector gets a first batch (which builds its network and traces its
training), then ``--calls`` more batches; prints the median seconds of those later
calls and the rows per second of them all, for batches of 1,000 rows, of
10,000, and of 100 to 2,000 rows drawn at random (32 features; windows of 32
steps for ConvAutoEncoder).

    python benchmarks/partial_fit.py [--calls 10]

Results: benchmarks/results/partial_fit.md.
"""

import argparse
import time

import numpy as np

from skdeepad import AutoEncoder, ConvAutoEncoder


def timed_calls(detector, batches):
    detector.partial_fit(batches[0])
    seconds = []
    for batch in batches[1:]:
        start = time.perf_counter()
        detector.partial_fit(batch)
        seconds.append(time.perf_counter() - start)
    rows = sum(len(batch) for batch in batches[1:])
    return float(np.median(seconds)), rows / sum(seconds)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=10)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    print("detector          rows a call   median s a call  rows/s")
    for name, make, shape in (
        ("AutoEncoder", AutoEncoder, (32,)),
        ("ConvAutoEncoder", ConvAutoEncoder, (32, 1)),
    ):
        for label, low, high in (
            ("1,000", 1_000, 1_000),
            ("10,000", 10_000, 10_000),
            ("100-2,000", 100, 2_000),
        ):
            sizes = rng.integers(low, high + 1, size=args.calls + 1)
            batches = [rng.standard_normal((n, *shape)) for n in sizes]
            seconds, speed = timed_calls(make(random_state=0), batches)
            print(f"{name:<16}  {label:>11}  {seconds:>16.3f}  {speed:>6,.0f}")


if __name__ == "__main__":
    main()
