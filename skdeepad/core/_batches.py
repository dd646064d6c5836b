"""Mini-batches for the training loop: Keras ``PyDataset`` s the detectors train on.

Imported only when a model is fitted (it imports Keras). Each class shuffles
with a private ``numpy.random.Generator``, never a global random state.
"""

import math

import keras
import numpy as np

__all__ = ["BalancedBatches", "BlockBatches", "ShuffledBatches"]


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
    rows_per_epoch : int or None, default=None
        The rows an epoch holds. None: each epoch is one pass over the
        samples. An int: the samples are drawn as a stream of passes, each
        in a fresh order, and every epoch takes the stream's next
        ``rows_per_epoch`` rows, so a small data set is passed over several
        times an epoch and a large one over a few epochs, every sample as
        often as any other (give or take one).
    """

    def __init__(self, inputs, targets, batch_size, seed, rows_per_epoch=None):
        super().__init__()
        self.inputs = inputs
        self.targets = targets
        self.batch_size = batch_size
        self.rows_per_epoch = rows_per_epoch
        self._rng = np.random.default_rng(seed)
        self._stream = np.empty(0, dtype=np.int64)
        self._order = self._next_order()

    def _next_order(self):
        """The rows of the next epoch, in order."""
        if self.rows_per_epoch is None:
            return self._rng.permutation(len(self.inputs))
        while len(self._stream) < self.rows_per_epoch:
            fresh = self._rng.permutation(len(self.inputs))
            self._stream = np.concatenate([self._stream, fresh])
        order = self._stream[: self.rows_per_epoch]
        self._stream = self._stream[self.rows_per_epoch :]
        return order

    @property
    def _epoch_rows(self):
        if self.rows_per_epoch is None:
            return len(self.inputs)
        return self.rows_per_epoch

    def __len__(self):
        return math.ceil(self._epoch_rows / self.batch_size)

    def __getitem__(self, index):
        rows = self._order[index * self.batch_size : (index + 1) * self.batch_size]
        rows.sort()  # gathering sorted rows is faster; the batch is a set anyway
        if self.targets is None:
            return (self.inputs[rows],)
        return self.inputs[rows], self.targets[rows]

    def on_epoch_end(self):
        self._order = self._next_order()

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

        n_rows, size = self._epoch_rows, self.batch_size
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
            batches = batches.apply(tf.data.experimental.assert_cardinality(len(self)))
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
    synthetic. With labelled anomalies and ``synthetic < 1``, each batch
    holds at least one of them, and with ``synthetic > 0`` at least one
    synthetic anomaly where it has room for both. Targets are 1 for an
    anomaly, 0 otherwise.

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
        if synthetic < 1:  # a small batch still shows a labelled anomaly
            self.n_synthetic = min(self.n_synthetic, self.n_anomalous - 1)
            if synthetic > 0 and self.n_anomalous > 1:  # and a synthetic one
                self.n_synthetic = max(self.n_synthetic, 1)
        self.epoch = 0
        low = inputs.min(axis=0).astype(np.float64)
        high = inputs.max(axis=0).astype(np.float64)
        margin = 0.1 * (high - low)
        self.box = (low - margin, high + margin)
        if self.n_synthetic and not np.all(np.isfinite(self.box)):
            raise ValueError(
                "The network's inputs span more than float32 holds, so the "
                "synthetic anomalies drawn from their range would be infinite; "
                "use standardize=True."
            )
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
