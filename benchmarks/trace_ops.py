"""Where a small default fit's time goes: tracing the train step, and the steps.

For each detector (defaults, ``random_state=0``) on one built-in task, after a
warm-up fit of the process: the seconds of the whole fit, of the first call of
the compiled train function (it traces the train step before running its
first steps), and of the rest of training. Then the network's ``train_step``
is traced once more on its own and its graph's operations counted, with those
of the forward pass alone and of the forward pass with the loss's gradients;
the rest is the optimiser's update and the loss tracking. Tracing costs about
the same per operation whatever the operation, so the counts say where it goes.

Only detectors trained with Keras's own ``fit`` on ``(inputs, targets)``
batches are counted; the others print "not counted" and why.

    python benchmarks/trace_ops.py --task wine ICL AutoEncoder DTE

Results: benchmarks/results/fit_times.md.
"""

import argparse
import time
import warnings

import keras

import skdeepad
from skdeepad import AutoEncoder
from skdeepad.datasets import builtin_tasks


class _FirstCall(keras.callbacks.Callback):
    """Record when training starts, when its first call returns, and when it ends."""

    def on_train_begin(self, logs=None):
        self.marks = [time.perf_counter()]

    def on_train_batch_end(self, batch, logs=None):
        if len(self.marks) == 1:
            self.marks.append(time.perf_counter())

    def on_train_end(self, logs=None):
        self.marks.append(time.perf_counter())


def count_ops(detector, X):
    """Operations in the traced forward pass, forward and gradients, train step."""
    import tensorflow as tf

    network = detector.network_
    data = detector._training_data(X.astype("float32"), None)
    batch = detector._batches(*data, detector.batch_size, 0)[0]
    x, y = batch[0], batch[1] if len(batch) > 1 else None
    spec = [
        None
        if a is None
        else tf.nest.map_structure(lambda b: tf.TensorSpec(b.shape, b.dtype), a)
        for a in (x, y)
    ]

    def forward(x, y):
        return network(x, training=True)

    def gradients(x, y):
        with tf.GradientTape() as tape:
            loss = network.compute_loss(x=x, y=y, y_pred=network(x, training=True))
        return tape.gradient(loss, network.trainable_variables)

    def train_step(x, y):
        return network.train_step((x, y))

    return [
        len(tf.function(fn).get_concrete_function(*spec).graph.get_operations())
        for fn in (forward, gradients, train_step)
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("detectors", nargs="+")
    parser.add_argument("--task", default="wine", help="a built-in task's name")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    X = builtin_tasks(random_state=0)[args.task].X
    AutoEncoder(epochs=1, random_state=0).fit(X)  # the warm-up fit
    print(
        "| detector | fit s | first call s | rest of training s | forward ops "
        "| + gradients | train step ops | trainable variables |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name in args.detectors:
        timer = _FirstCall()
        start = time.perf_counter()
        detector = getattr(skdeepad, name)(random_state=0, callbacks=[timer]).fit(X)
        seconds = time.perf_counter() - start
        begin, first, end = timer.marks
        try:
            counts = count_ops(detector, (X - X.mean(0)) / (X.std(0) + 1e-12))
            counted = " | ".join(str(c) for c in counts)
        except Exception as error:  # noqa: BLE001 (a diagnostic: say why, go on)
            counted = f"not counted ({type(error).__name__}) | | "
        n_variables = len(detector.network_.trainable_variables)
        print(
            f"| {name} | {seconds:.2f} | {first - begin:.2f} | {end - first:.2f} "
            f"| {counted} | {n_variables} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
