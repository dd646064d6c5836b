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

__all__ = ["ShuffledBatches", "forward", "reconstruction_error", "train_network"]


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


def train_network(
    network,
    train,
    validation,
    *,
    loss,
    learning_rate,
    epochs,
    batch_size,
    early_stopping,
    patience,
    callbacks,
    verbose,
    seed,
):
    """Compile ``network`` and train it with Keras's ``fit``.

    ``train`` and ``validation`` are ``(inputs, targets)`` pairs, ``targets``
    None for a model that computes its own loss; ``validation`` may be None.
    ``loss`` is anything ``keras.Model.compile`` takes, or None. Returns the
    Keras ``History.history`` dict.
    """
    monitor = "val_loss" if validation is not None else "loss"
    all_callbacks = [keras.callbacks.TerminateOnNaN()]
    if early_stopping:
        all_callbacks.append(
            keras.callbacks.EarlyStopping(
                monitor=monitor, patience=patience, restore_best_weights=True
            )
        )
    all_callbacks.extend(callbacks)
    batches = ShuffledBatches(*train, batch_size=batch_size, seed=seed)
    network.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        loss=loss,
        run_eagerly=epochs * len(batches) <= _EAGER_MAX_STEPS,
    )
    if validation is not None and validation[1] is None:
        validation = validation[:1]
    history = network.fit(
        batches,
        shuffle=False,  # ShuffledBatches shuffles, with our seed
        validation_data=validation,
        validation_batch_size=max(batch_size, 1024),
        epochs=epochs,
        verbose={0: 0, 1: 1}.get(verbose, 2),
        callbacks=all_callbacks,
    )
    return {key: [float(v) for v in values] for key, values in history.history.items()}


def forward(network, X):
    """Run ``network`` on ``X`` in inference mode (dropout off); return NumPy.

    A network with several outputs gives a list of arrays.
    """
    outputs = network(X, training=False)
    return keras.tree.map_structure(keras.ops.convert_to_numpy, outputs)


def reconstruction_error(network, X):
    """Each sample's mean squared error between ``network(X)`` and ``X``.

    The mean runs over every axis of a sample: features, time steps and
    channels, or pixels.
    """
    error = (forward(network, X) - X) ** 2
    return error.reshape(len(X), -1).mean(axis=1)
