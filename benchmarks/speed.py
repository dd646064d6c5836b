"""Speed benchmark: training and scoring throughput of skdeepad's detectors.

One run, on the same data (standard normal rows) and the same network (a dense
32-64-32-64-32 autoencoder: hidden 64-32, ReLU, no dropout, no batch norm, batch
256, 3 epochs, standardisation and early stopping off), times:

- ``skdeepad.AutoEncoder.fit`` and a plain ``keras.Model.fit`` of the identical
  network with Keras's defaults, and PyOD's ``AutoEncoder`` with the same
  architecture where PyOD is installed (a benchmark-only dependency; in a
  process of its own);
- the first epoch (tracing included) apart from the later ones (steady state);
- ``score_samples`` on the scoring set, and the peak growth of the process's
  resident memory while it scores (sampled every 5 ms);
- the fit of every other tabular and semi-supervised detector (seconds per
  epoch, or per fit for those that do not train);
- what ``import skdeepad`` adds to importing scikit-learn (fresh processes);
- fit time at several sizes, to show how it grows;
- the AutoEncoder's fit on each Keras backend that is installed (TensorFlow,
  JAX, PyTorch), each in a fresh process with ``KERAS_BACKEND`` set.

Each fit compared in the ratios is the best of ``--repeats`` runs (after a first
fit that traces), as ``timeit`` advises for noisy machines. It prints Markdown:
ratios first (ours / plain Keras, ours / PyOD), seconds after.

    python benchmarks/speed.py > benchmarks/results/speed.md
    python benchmarks/speed.py --rows 2000 --score-rows 5000 --sizes 1000,2000 \\
        --other-rows 500   # a quick smoke run
"""

import argparse
import importlib.util
import json
import os
import resource
import subprocess
import sys
import threading
import time
import warnings

import keras
import numpy as np

N_FEATURES = 32
HIDDEN = (64, 32)
BATCH = 256
EPOCHS = 3


class EpochTimes(keras.callbacks.Callback):
    """A Keras callback recording the wall time of every epoch.

    ``seconds`` holds every epoch's, ``later`` those of the epochs after the
    first of each fit (no tracing).
    """

    def __init__(self):
        super().__init__()
        self.seconds = []
        self.later = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)
        if epoch > 0:
            self.later.append(self.seconds[-1])


def ours(X, epochs=EPOCHS, callbacks=None):
    from skdeepad import AutoEncoder

    det = AutoEncoder(
        hidden_units=HIDDEN, dropout=0.0, batch_norm=False, epochs=epochs,
        batch_size=BATCH, standardize=False, early_stopping=False,
        callbacks=callbacks, random_state=0,
    )
    start = time.perf_counter()
    det.fit(X)
    return det, time.perf_counter() - start


def plain_keras(X, callbacks=None):
    model = keras.Sequential(
        [
            keras.Input((X.shape[1],)),
            keras.layers.Dense(HIDDEN[0], activation="relu"),
            keras.layers.Dense(HIDDEN[1], activation="relu"),
            keras.layers.Dense(HIDDEN[0], activation="relu"),
            keras.layers.Dense(X.shape[1]),
        ]
    )
    model.compile(optimizer="adam", loss="mse")
    start = time.perf_counter()
    model.fit(
        X, X, batch_size=BATCH, epochs=EPOCHS, verbose=0, callbacks=callbacks or []
    )
    return time.perf_counter() - start


# PyOD's fits run in a process of their own: importing PyTorch's compiler
# (which PyOD's optimiser does) after TensorFlow can crash the process.
_PYOD_FITS = """
import json, sys, time
import numpy as np
from pyod.models.auto_encoder import AutoEncoder
rows, n_features, hidden, epochs, batch, fits = json.loads(sys.argv[1])
X = np.random.default_rng(0).standard_normal((rows, n_features)).astype(np.float32)
times = []
for _ in range(fits):
    det = AutoEncoder(
        hidden_neuron_list=hidden, epoch_num=epochs, batch_size=batch,
        dropout_rate=0.0, batch_norm=False, preprocessing=False, verbose=0,
        random_state=0,
    )
    start = time.perf_counter()
    det.fit(X)
    times.append(time.perf_counter() - start)
print(json.dumps(times))
"""


def pyod_fits(rows, repeats):
    """Seconds of PyOD's AutoEncoder fits in a fresh process: (first, best of later).

    The data are those of ``main`` (the first draw of ``default_rng(0)``).
    (None, None) when the process fails, with its last line of errors.
    """
    config = [rows, N_FEATURES, list(HIDDEN), EPOCHS, BATCH, 1 + repeats]
    run = subprocess.run(
        [sys.executable, "-c", _PYOD_FITS, json.dumps(config)],
        capture_output=True, text=True,
    )
    if run.returncode != 0:
        errors = run.stderr.strip().splitlines() or [f"exit status {run.returncode}"]
        print(f"PyOD's fits failed: {errors[-1]}", file=sys.stderr)
        return None, None
    times = json.loads(run.stdout.strip().splitlines()[-1])
    return times[0], min(times[1:])


def import_seconds(repeats=5):
    """Median seconds that ``import skdeepad`` adds to importing scikit-learn."""
    code = (
        "import time; t0 = time.perf_counter(); import sklearn.base, "
        "sklearn.preprocessing, sklearn.utils.validation; t1 = time.perf_counter(); "
        "import skdeepad, sys; t2 = time.perf_counter(); "
        "print(t1 - t0, t2 - t1, 'tensorflow' in sys.modules)"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()
        for _ in range(repeats)
    ]
    sklearn_s = float(np.median([float(r[0]) for r in runs]))
    ours_s = float(np.median([float(r[1]) for r in runs]))
    return sklearn_s, ours_s, runs[0][2] == "True"


def rss_mb():
    """The process's resident memory now, in MiB (Linux's /proc)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def peak_rss_growth_mb(func):
    """Run ``func()``; return its seconds and the peak growth of resident memory.

    A thread samples the resident memory every 5 ms while ``func`` runs.
    """
    before, peak, done = rss_mb(), [0.0], threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], rss_mb())
            time.sleep(0.005)

    sampler = threading.Thread(target=sample)
    sampler.start()
    start = time.perf_counter()
    func()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    return seconds, max(peak[0], rss_mb()) - before


def other_detectors(n_rows):
    """Seconds per epoch (or per fit) of every other tabular or labelled detector."""
    from skdeepad import all_detectors

    X = (
        np.random.default_rng(1)
        .standard_normal((n_rows, N_FEATURES))
        .astype(np.float32)
    )
    rows = []
    for kind in ("tabular", "semi-supervised"):
        for name, cls in all_detectors(kind):
            if name == "AutoEncoder":
                continue
            params = {"random_state": 0}
            if "epochs" in cls().get_params():
                params |= {"epochs": EPOCHS, "early_stopping": False}
            det = cls(**params)
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # DevNet without labels
                det.fit(X)
            seconds = time.perf_counter() - start
            epochs = getattr(det, "n_iter_", None)
            rows.append((name, seconds, epochs))
    return rows


def backend_fit(rows, repeats):
    """Print, as JSON, the AutoEncoder's fit times on this process's backend."""
    X = np.random.default_rng(0).standard_normal((rows, N_FEATURES)).astype(np.float32)
    first = ours(X)[1]
    times = EpochTimes()
    best = min(ours(X, callbacks=[times])[1] for _ in range(repeats))
    print(
        json.dumps(
            {"first": first, "best": best, "steady": float(np.median(times.later))}
        )
    )


def backend_table(rows, repeats):
    """The AutoEncoder's fit on every installed Keras backend, a fresh process each."""
    results = []
    for backend, module in (
        ("tensorflow", "tensorflow"),
        ("jax", "jax"),
        ("torch", "torch"),
    ):
        if importlib.util.find_spec(module) is None:
            continue
        run = subprocess.run(
            [
                sys.executable,
                __file__,
                "--backend-fit",
                "--rows",
                str(rows),
                "--repeats",
                str(repeats),
            ],
            capture_output=True,
            text=True,
            env={**os.environ, "KERAS_BACKEND": backend},
        )
        if run.returncode != 0:
            results.append((backend, None, run.stderr.strip().splitlines()[-1]))
            continue
        results.append((backend, json.loads(run.stdout.strip().splitlines()[-1]), None))
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--score-rows", type=int, default=1_000_000)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--other-rows", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--backend-fit", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.backend_fit:
        return backend_fit(args.rows, args.repeats)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((args.rows, N_FEATURES)).astype(np.float32)

    sklearn_s, import_s, tf_loaded = import_seconds()

    first = EpochTimes()
    det, ours_s = ours(X, callbacks=[first])  # the process's first fit: traces
    steady = EpochTimes()
    ours_again_s = min(ours(X, callbacks=[steady])[1] for _ in range(args.repeats))
    keras_times = EpochTimes()
    keras_s = min(plain_keras(X, callbacks=[keras_times]) for _ in range(args.repeats))
    pyod_s = pyod_first_s = None
    if importlib.util.find_spec("pyod"):
        pyod_first_s, pyod_s = pyod_fits(args.rows, args.repeats)

    X_score = rng.standard_normal((args.score_rows, N_FEATURES)).astype(np.float32)
    det.score_samples(X_score[:1000])  # warm up the scoring path
    score_s, score_mb = peak_rss_growth_mb(lambda: det.score_samples(X_score))

    sizes = [int(s) for s in args.sizes.split(",")]
    growth = []
    for n in sizes:
        data = rng.standard_normal((n, N_FEATURES)).astype(np.float32)
        growth.append((n, ours(data)[1]))
    others = other_detectors(args.other_rows)
    backends = backend_table(args.rows, args.repeats)

    n, d = X.shape
    samples = n * EPOCHS
    steady_ours = np.median(steady.later) if steady.later else ours_again_s
    steady_keras = np.median(keras_times.later) if keras_times.later else keras_s
    print(
        f"# Speed benchmark\n\n{n:,} x {d} rows, hidden {HIDDEN}, batch {BATCH}, "
        f"{EPOCHS} epochs; scoring {args.score_rows:,} rows. "
        f"Python {sys.version.split()[0]}.\n"
    )
    print("## Ratios\n")
    print("| measure | value | target |\n|---|---:|---:|")
    print(f"| AutoEncoder fit throughput / plain keras.Model.fit | "
          f"{keras_s / ours_again_s:.2f}x | >= 1.5x |")
    if pyod_s is not None:
        print(
            "| AutoEncoder fit throughput / PyOD AutoEncoder | "
            f"{pyod_s / ours_again_s:.2f}x | >= 5x |"
        )
        print(
            f"| the same, first fits in the process | {pyod_first_s / ours_s:.2f}x | |"
        )
    print(f"| score_samples rows/s | {args.score_rows / score_s:,.0f} | >= 1,000,000 |")
    print(f"| `import skdeepad` on top of scikit-learn | {import_s:.3f} s "
          f"(TensorFlow loaded: {tf_loaded}) | < 0.3 s |")
    (n_small, t_small), (n_big, t_big) = growth[-2], growth[-1]
    print(f"| fit time at {n_big:,} / at {n_small:,} rows | {t_big / t_small:.1f}x "
          f"| <= {1.2 * n_big / n_small:.0f}x |")
    print("\n## Seconds\n")
    print("| measure | seconds | samples/s |\n|---|---:|---:|")
    print(f"| skdeepad AutoEncoder fit, first in the process | {ours_s:.2f} | "
          f"{samples / ours_s:,.0f} |")
    print(
        f"| skdeepad AutoEncoder fit, best of {args.repeats} later ones | "
        f"{ours_again_s:.2f} | {samples / ours_again_s:,.0f} |"
    )
    print(f"| first epoch (first fit) / later epochs (steady) | "
          f"{first.seconds[0]:.2f} / {steady_ours:.2f} | {n / steady_ours:,.0f} |")
    print(
        f"| plain keras.Model.fit, best of {args.repeats} (after ours) | "
        f"{keras_s:.2f} | {samples / keras_s:,.0f} |"
    )
    print(
        f"| plain keras, later epochs | {steady_keras:.2f} | {n / steady_keras:,.0f} |"
    )
    if pyod_s is not None:
        print(f"| PyOD AutoEncoder fit, first in the process | {pyod_first_s:.2f} | "
              f"{samples / pyod_first_s:,.0f} |")
        print(
            f"| PyOD AutoEncoder fit, best of {args.repeats} later ones | "
            f"{pyod_s:.2f} | {samples / pyod_s:,.0f} |"
        )
    print(f"| score_samples, {args.score_rows:,} rows | {score_s:.2f} | "
          f"{args.score_rows / score_s:,.0f} |")
    input_mb = X_score.nbytes / 2**20
    print(f"| peak memory growth while scoring (the input is {input_mb:.0f} MiB) | "
          f"{score_mb:.0f} MiB | |")
    print(f"| importing scikit-learn | {sklearn_s:.3f} | |")
    for rows, seconds in growth:
        print(f"| AutoEncoder fit, {rows:,} rows | {seconds:.2f} | "
              f"{rows * EPOCHS / seconds:,.0f} |")
    print(f"\n## Other detectors ({args.other_rows:,} x {N_FEATURES} rows, defaults, "
          f"{EPOCHS} epochs without early stopping)\n")
    print("| detector | fit seconds | seconds per epoch |\n|---|---:|---:|")
    for name, seconds, epochs in others:
        per_epoch = f"{seconds / epochs:.2f}" if epochs else "(no training loop)"
        print(f"| {name} | {seconds:.2f} | {per_epoch} |")
    print(f"\n## AutoEncoder fit by Keras backend ({n:,} x {d} rows, {EPOCHS} epochs, "
          f"a fresh process each)\n")
    print(
        "| backend | first fit s | best of later fits s | samples/s | later epochs s |"
    )
    print("|---|---:|---:|---:|---:|")
    for backend, times, error in backends:
        if times is None:
            print(f"| {backend} | failed: {error} | | | |")
            continue
        print(f"| {backend} | {times['first']:.2f} | {times['best']:.2f} | "
              f"{samples / times['best']:,.0f} | {times['steady']:.2f} |")


if __name__ == "__main__":
    main()
