"""Live scoring speed: StreamScorer on a ConvAutoEncoder window of 64.

Fits ``WindowedDetector(ConvAutoEncoder(epochs=5), window=64,
aggregate="first")`` on 2,000 steps of a noisy sine, then scores the next
steps live: one step per ``update`` call, and in groups of 10 and 100 steps
(a stream read every few seconds), against batch ``score_samples`` of the same
steps; prints steps per second after the first scoring update (which compiles
the network for its batch size, timed apart) and the largest difference from
batch scores.

    OMP_NUM_THREADS=1 taskset -c 0 python benchmarks/stream.py

Results: benchmarks/results/stream.md.
"""

import time

import numpy as np

from skdeepad import ConvAutoEncoder
from skdeepad.timeseries import StreamScorer, WindowedDetector

WINDOW = 64


def main():
    rng = np.random.default_rng(0)
    t = np.arange(12_000)
    series = (np.sin(2 * np.pi * t / 100) + 0.1 * rng.standard_normal(len(t)))[:, None]
    detector = WindowedDetector(
        ConvAutoEncoder(epochs=5, random_state=0), window=WINDOW, aggregate="first"
    ).fit(series[:2000])
    live, batch = series[2000:], None
    print("group  steps  first update (s)  seconds  steps/s  max |live - batch|")
    for group, n_steps in ((1, 1000), (10, 5000), (100, 10_000)):
        steps = live[:n_steps]
        scorer = StreamScorer(detector)
        scorer.update(series[2000 - WINDOW + 1 : 2000])  # the window fills first
        # the first update that scores compiles the network for its batch size
        start = time.perf_counter()
        scores = [scorer.update(steps[:group])]
        first = time.perf_counter() - start
        start = time.perf_counter()
        scores += [
            scorer.update(steps[i : i + group]) for i in range(group, n_steps, group)
        ]
        seconds = time.perf_counter() - start
        batch = detector.score_samples(series[2000 - WINDOW + 1 : 2000 + n_steps])
        # the first update also returns the scores of the window - 1 steps before it
        difference = np.max(np.abs(np.concatenate(scores) - batch))
        print(
            f"{group:5d}  {n_steps:5d}  {first:16.3f}  {seconds:7.2f}  "
            f"{(n_steps - group) / seconds:7.0f}  {difference:.1e}"
        )
    start = time.perf_counter()
    detector.score_samples(live)
    seconds = time.perf_counter() - start
    print(
        f"batch score_samples of {len(live)} steps: {len(live) / seconds:.0f} steps/s"
    )


if __name__ == "__main__":
    main()
