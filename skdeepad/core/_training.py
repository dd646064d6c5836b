"""Keras-side pieces of the training loop, imported only when a model is fitted.

Nothing here may be imported by ``import skdeepad``: this module imports Keras,
and with it the backend (TensorFlow by default).
"""

import math

import keras
import numpy as np

# A fit of at most this many gradient steps runs eagerly: tracing the train
# and test functions costs seconds (3-4 s for a small Transformer, ~1 s for a
# dense autoencoder), more than a handful of eager steps.
_EAGER_MAX_STEPS = 10

# Gradient steps per call of the compiled train function: fewer Python round
# trips per epoch, the same steps in the same order (results are unchanged).
# PyTorch's backend refuses more than one. Chosen by benchmarks/speed.py.
_STEPS_PER_EXECUTION = 16

__all__ = [
    "BalancedBatches",
    "BlockBatches",
    "DivergenceGuard",
    "ShuffledBatches",
    "TrainingDiverged",
    "forward",
    "reconstruction_error",
    "squared_errors",
    "train_network",
]


class ShuffledBatches(keras.utils.PyDataset):
    """Mini-batches of in-memory arrays, reshuffled every epoch by our own seed.

    Keras's own ``shuffle=True`` draws from global random states (NumPy's on
    JAX, TensorFlow's on TensorFlow, PyTorch's on PyTorch); this sequence uses a
    private ``numpy.random.Generator`` instead, so a seeded fit is reproducible
    and leaves every global random state untouched, on every backend.

    Parameters
    ----------
    inputs : ndarray
        The network's inputs, one row a sample.
    targets : ndarray or None
        The targets, one row a sample, or None for a network with no target.
    batch_size : int
        Samples per batch; the last batch of an epoch may be smaller, never empty.
    seed : int
        Seeds the order of the samples.
    """

    def __init__(self, inputs, targets, batch_size, seed):
        super().__init__()
        self.inputs = inputs
        self.targets = targets
        self.batch_size = batch_size
        self._rng = np.random.default_rng(seed)
        self._order = self._rng.permutation(len(inputs))

    def __len__(self):
        return math.ceil(len(self.inputs) / self.batch_size)

    def __getitem__(self, index):
        rows = self._order[index * self.batch_size : (index + 1) * self.batch_size]
        rows.sort()  # gathering sorted rows is faster; the batch is a set anyway
        if self.targets is None:
            return (self.inputs[rows],)
        return self.inputs[rows], self.targets[rows]

    def on_epoch_end(self):
        self._order = self._rng.permutation(len(self.inputs))

    def tf_dataset(self, repeat=False):
        """The same batches in the same order, as a ``tf.data.Dataset``.

        For the TensorFlow backend: each epoch's rows are gathered at once
        inside TensorFlow rather than batch by batch by a Python generator,
        which halves the cost of an epoch of a small network (at the price of
        one gathered copy of the training data). Each pass over the dataset
        (Keras makes one per epoch) draws the next order, as
        ``on_epoch_end`` does. With ``repeat``, the dataset holds every
        epoch's batches, one epoch after the other (Keras then reads
        ``len(self)`` batches per epoch from one iterator).
        """
        import tensorflow as tf

        n_rows, size = len(self.inputs), self.batch_size
        inputs = tf.convert_to_tensor(self.inputs)
        same = self.targets is self.inputs
        targets = None
        if not same and self.targets is not None:
            targets = tf.convert_to_tensor(self.targets)

        def next_order():
            # Keras's fit calls a PyDataset's on_epoch_end before the first
            # epoch as after each: the same orders on every backend.
            self.on_epoch_end()
            order = self._order.copy()
            full = n_rows // size * size
            order[:full] = np.sort(order[:full].reshape(-1, size), axis=1).ravel()
            order[full:].sort()
            return order

        def epoch(_):
            rows = tf.numpy_function(next_order, [], tf.int64, stateful=True)
            rows = tf.ensure_shape(rows, [n_rows])
            if targets is None:
                rows = tf.data.Dataset.from_tensor_slices(tf.gather(inputs, rows))
            else:
                rows = tf.data.Dataset.from_tensor_slices(
                    (tf.gather(inputs, rows), tf.gather(targets, rows))
                )
            return rows.batch(size)

        epochs = tf.data.Dataset.from_tensors(0)
        batches = (epochs.repeat() if repeat else epochs).flat_map(epoch)
        if same:
            batches = batches.map(lambda batch: (batch, batch))
        elif self.targets is None:
            batches = batches.map(lambda batch: (batch,))
        if not repeat:
            batches = batches.apply(
                tf.data.experimental.assert_cardinality(len(self))
            )
        return batches.prefetch(tf.data.AUTOTUNE)


class BlockBatches(keras.utils.PyDataset):
    """Mini-batches of data held in blocks, one block in memory at a time.

    For training on more data than memory (the streamed fit of a Dask
    array): each epoch visits the blocks in a fresh order and the rows of
    each block in a fresh order, all drawn from a private generator, so
    consecutive batches come from the same block and each block is loaded
    once per epoch.
    Targets are the inputs (autoencoders).

    Parameters
    ----------
    sizes : sequence of int
        The rows of each block.
    load_block : callable
        ``load_block(i)`` returns block ``i`` as the network's input.
    batch_size : int
        Samples per batch; a block's last batch may be smaller.
    seed : int
        Seeds the orders.
    """

    def __init__(self, sizes, load_block, batch_size, seed):
        super().__init__()
        self.sizes = [int(n) for n in sizes]
        self.load_block = load_block
        self.batch_size = batch_size
        self._rng = np.random.default_rng(seed)
        self._batches = [max(math.ceil(n / batch_size), 1) for n in self.sizes]
        self._loaded = (None, None)
        self._draw_orders()

    def _draw_orders(self):
        blocks = self._rng.permutation(len(self.sizes))
        self._plan = [(b, i) for b in blocks for i in range(self._batches[b])]
        self._rows = {b: self._rng.permutation(self.sizes[b]) for b in blocks}

    def __len__(self):
        return sum(self._batches)

    def __getitem__(self, index):
        block, i = self._plan[index]
        if self._loaded[0] != block:
            self._loaded = (block, self.load_block(block))
        rows = self._rows[block][i * self.batch_size : (i + 1) * self.batch_size]
        inputs = self._loaded[1][np.sort(rows)]
        return inputs, inputs

    def on_epoch_end(self):
        self._draw_orders()


class BalancedBatches(keras.utils.PyDataset):
    """Mini-batches half of anomalies, half of the other samples.

    DevNet's sampler: with a handful of labelled anomalies among thousands of
    samples, shuffled batches would rarely show one. Each batch holds
    ``batch_size - batch_size // 2`` of the other samples (an epoch passes
    over each once, in a fresh order) and ``batch_size // 2`` anomalies: a
    ``synthetic`` fraction of them drawn uniformly from the bounding box of
    the data, widened by 10% of its range on each side, the rest labelled
    anomalies drawn with replacement. Without any labelled anomaly, all are
    synthetic. Targets are 1 for an anomaly, 0 otherwise.

    Every draw comes from a private generator seeded by ``(seed, epoch,
    batch)``, so a batch does not depend on the order Keras asks for them.

    Parameters
    ----------
    inputs : ndarray of shape (n_samples, n_features)
        The network's inputs.
    anomalous : ndarray of shape (n_samples,)
        1 for a labelled anomaly, 0 otherwise.
    batch_size : int
        Samples per batch, at least 2.
    seed : int
        Seeds every draw.
    synthetic : float, default=0.0
        The fraction of each batch's anomalies drawn from the bounding box
        when there are labelled anomalies.
    """

    def __init__(self, inputs, anomalous, batch_size, seed, synthetic=0.0):
        super().__init__()
        anomalous = np.asarray(anomalous) > 0
        self.others = inputs[~anomalous]
        self.anomalies = inputs[anomalous]
        self.n_anomalous = max(batch_size // 2, 1)
        self.n_others = max(batch_size - self.n_anomalous, 1)
        self.batch_size = batch_size
        self.seed = seed
        if not anomalous.any():
            synthetic = 1.0
        self.n_synthetic = int(round(synthetic * self.n_anomalous))
        self.epoch = 0
        low, high = inputs.min(axis=0), inputs.max(axis=0)
        margin = 0.1 * (high - low)
        self.box = (low - margin, high + margin)
        self._order = self._permutation()

    def _permutation(self):
        rng = np.random.default_rng([self.seed, self.epoch])
        return rng.permutation(len(self.others))

    def __len__(self):
        return max(math.ceil(len(self.others) / self.n_others), 1)

    def __getitem__(self, index):
        rng = np.random.default_rng([self.seed, self.epoch, index + 1])
        rows = np.sort(self._order[index * self.n_others : (index + 1) * self.n_others])
        n_labelled = self.n_anomalous - self.n_synthetic
        picks = rng.integers(max(len(self.anomalies), 1), size=n_labelled)
        low, high = self.box
        synthetic = rng.uniform(low, high, size=(self.n_synthetic, len(low)))
        anomalies = np.concatenate(
            [self.anomalies[picks], synthetic.astype(self.others.dtype)]
        )
        inputs = np.concatenate([self.others[rows], anomalies])
        targets = np.repeat(
            np.array([0, 1], self.others.dtype), [len(rows), len(anomalies)]
        )
        return inputs, targets

    def on_epoch_end(self):
        self.epoch += 1
        self._order = self._permutation()


def train_network(
    network,
    batches,
    validation,
    *,
    loss,
    learning_rate,
    epochs,
    early_stopping,
    patience,
    callbacks,
    verbose,
    optimizer=None,
):
    """Compile ``network`` and train it with Keras's ``fit``.

    ``batches`` is a ``keras.utils.PyDataset`` of training batches (e.g.
    :class:`ShuffledBatches`, given to Keras as its ``tf_dataset()`` on the
    TensorFlow backend) that shuffles itself and has a ``batch_size``.
    ``validation`` is an ``(inputs, targets)`` pair, ``targets`` None for a
    model that computes its own loss, or None. ``loss`` is anything
    ``keras.Model.compile`` takes, or None. ``optimizer``, when given, is
    reused (its state carries on, for incremental training); by default a
    fresh Adam of ``learning_rate``.
    Returns the Keras ``History.history`` dict.
    """
    monitor = "val_loss" if validation is not None else "loss"
    guard = DivergenceGuard()
    all_callbacks = [guard]
    if early_stopping:
        all_callbacks.append(
            keras.callbacks.EarlyStopping(
                monitor=monitor, patience=patience, restore_best_weights=True
            )
        )
    all_callbacks.extend(callbacks)
    eager = epochs * len(batches) <= _EAGER_MAX_STEPS
    few_batches = _few_batches(batches, eager)
    network.compile(
        optimizer=optimizer or keras.optimizers.Adam(learning_rate=learning_rate),
        loss=loss,
        run_eagerly=eager,
        steps_per_execution=1 if few_batches else _steps_per_execution(eager),
    )
    if not network.optimizer.built:
        # Keras's TensorFlow trainer would create the optimizer's variables
        # while tracing the train function, which makes TensorFlow trace it
        # a second time (~0.3 s per fit); created here, it is traced once.
        network.optimizer.build(network.trainable_variables)
    guard.initial_loss = _loss_on(network, batches[0])
    if validation is not None and validation[1] is None:
        validation = validation[:1]
    validation_batch_size = max(batches.batch_size, 1024)
    data, per_epoch = batches, {}
    if few_batches:
        # Each epoch's batches (and the validation set's) come from one
        # iterator that lasts the whole fit: a fresh tf.data iterator per
        # epoch and per evaluation cost more than the steps of a small data
        # set (100 epochs of 160 rows: 7.8 s, against 1.5 s). The same
        # batches in the same order, so the same results.
        data = batches.tf_dataset(repeat=True)
        per_epoch["steps_per_epoch"] = len(batches)
        if validation is not None:
            validation, per_epoch["validation_steps"] = _repeated(
                validation, validation_batch_size
            )
    elif keras.backend.backend() == "tensorflow" and isinstance(
        batches, ShuffledBatches
    ):
        data = batches.tf_dataset()
    history = network.fit(
        data,
        shuffle=False,  # ShuffledBatches shuffles, with our seed
        validation_data=validation,
        validation_batch_size=None if few_batches else validation_batch_size,
        epochs=epochs,
        verbose={0: 0, 1: 1}.get(verbose, 2),
        callbacks=all_callbacks,
        **per_epoch,
    )
    if guard.diverged:
        raise TrainingDiverged(guard.diverged)
    return {key: [float(v) for v in values] for key, values in history.history.items()}


class TrainingDiverged(ArithmeticError):
    """Raised by :func:`train_network` when the loss diverged; says how."""


class DivergenceGuard(keras.callbacks.Callback):
    """Stop training when the loss diverges, and say how.

    The loss diverged when it is not finite (Keras's ``TerminateOnNaN``), or
    when it exceeds ``factor`` times ``initial_loss``, the untrained
    network's loss on the first batch: training that multiplies its loss by
    a million has left the data behind (a far too large learning rate, say),
    even while the numbers stay finite.
    """

    def __init__(self, factor=1e6):
        super().__init__()
        self.factor = factor
        self.initial_loss = None
        self.diverged = None
        self._epoch = 0

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        loss = float(loss)
        if not math.isfinite(loss):
            self.diverged = f"the training loss became {loss}"
        elif self.initial_loss and loss > self.factor * self.initial_loss:
            self.diverged = (
                f"the training loss grew from {self.initial_loss:.3g} to {loss:.3g}"
            )
        if self.diverged:
            self.diverged += f" at epoch {self._epoch + 1}"
            self.model.stop_training = True

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch


def _loss_on(network, batch):
    """The untrained ``network``'s loss on one batch, computed eagerly."""
    inputs, targets = batch if len(batch) == 2 else (batch[0], None)
    y_pred = network(inputs, training=False)
    loss = network.compute_loss(x=inputs, y=targets, y_pred=y_pred, training=False)
    return abs(float(keras.ops.convert_to_numpy(loss)))


def _few_batches(batches, eager):
    """Whether a compiled TensorFlow fit of ``batches`` reads them from one iterator.

    For in-memory data of at most ``_STEPS_PER_EXECUTION`` batches an epoch,
    where the cost of a tf.data iterator per epoch outweighs the steps. One
    step per execution then: a multi-step execution would read past the end
    of an epoch of the never-ending dataset.
    """
    return (
        not eager
        and keras.backend.backend() == "tensorflow"
        and isinstance(batches, ShuffledBatches)
        and len(batches) <= _STEPS_PER_EXECUTION
        and not _distributed()
    )


def _repeated(validation, batch_size):
    """The validation set as a never-ending ``tf.data.Dataset``, and its batches."""
    import tensorflow as tf

    n_rows = len(validation[0])
    dataset = tf.data.Dataset.from_tensor_slices(tuple(validation))
    dataset = dataset.batch(batch_size).repeat()
    return dataset, math.ceil(n_rows / batch_size)


def _steps_per_execution(eager):
    if eager or keras.backend.backend() == "torch" or _distributed():
        return 1
    return _STEPS_PER_EXECUTION


def _distributed():
    """Whether a ``tf.distribute`` strategy's scope is active.

    Keras's multi-step train function fails under one (a placeholder of its
    while loop goes unfed), so distributed training runs one step per call.
    """
    if keras.backend.backend() != "tensorflow":
        return False
    import tensorflow as tf

    return tf.distribute.has_strategy()


def forward(network, X):
    """Run ``network`` on ``X`` in inference mode (dropout off); return NumPy.

    A network with several outputs gives a list of arrays.
    """
    outputs = network(X, training=False)
    return keras.tree.map_structure(keras.ops.convert_to_numpy, outputs)


def squared_errors(network, X):
    """The squared error between ``network(X)`` and ``X``, value by value.

    Float64, of ``X``'s shape: no overflow where float32 would.
    """
    errors = np.subtract(forward(network, X), X, dtype=np.float64)
    return np.square(errors, out=errors)


def reconstruction_error(network, X):
    """Each sample's mean squared error between ``network(X)`` and ``X``.

    The mean runs over every axis of a sample: features, time steps and
    channels, or pixels.
    """
    return squared_errors(network, X).reshape(len(X), -1).mean(axis=1)
