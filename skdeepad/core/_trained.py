"""The trained-detector layer: training parameters and the shared Keras loop.

:class:`BaseDeepDetector` adds to the skeleton (:class:`BaseDetector`) the
parameters of training (epochs, batch size, learning rate, early stopping,
callbacks) and the loop itself: ``_fit_network`` defaults to :meth:`_train`,
which splits off the early-stopping validation set and runs
:func:`~skdeepad.core._training.train_network`. A detector fills small hooks:

- ``_build_network(input_shape, seed)``: return an uncompiled ``keras.Model``;
- optionally ``_score_batch(X)`` (default: the autoencoder's mean squared
  reconstruction error), ``_training_data(X, y)`` (default: the
  autoencoder's ``(X, X)``) and the class attribute ``_loss`` (default
  ``"mse"``);
- optionally ``_fit_network(network, X, y, rng)``: a detector that
  initialises its network from the data or trains a wrapper around it
  overrides this one hook, never ``fit``;
- optionally ``_batches(inputs, targets, batch_size, seed)``, the Keras
  ``PyDataset`` of training batches (default: shuffled mini-batches, an
  epoch of ``_rows_per_epoch`` rows, a class attribute: None for one pass
  over the data).

The detectors trained on ``(X, X)`` alone also fit on a Dask array block by
block (:meth:`BaseDeepDetector._fit_streamed`).
"""

import math
from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_random_state

from .._compat import Interval
from .._utils import by_channel, draw_seed, scaler_from_chunks
from .._warnings import warn_at_caller
from ._detector import BaseDetector

__all__ = ["BaseDeepDetector", "trains_on_inputs"]


class BaseDeepDetector(BaseDetector):
    """Base class for deep outlier detectors that train a Keras 3 network.

    Subclasses declare their own ``__init__`` (keyword-only, assigning only),
    extend ``_parameter_constraints`` and fill the hooks described in the
    module docstring. Do not instantiate this class directly.
    """

    _parameter_constraints: dict = {
        **BaseDetector._parameter_constraints,
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "patience": [Interval(Integral, 0, None, closed="left")],
        "callbacks": [list, None],
    }

    # The Keras loss the network is compiled with.
    _loss = "mse"
    # The rows of an epoch of the default batches; None: one pass over the data.
    _rows_per_epoch = None

    def __init__(
        self,
        *,
        contamination="auto",
        standardize=True,
        epochs=100,
        batch_size=256,
        learning_rate=1e-3,
        early_stopping=True,
        validation_fraction=0.1,
        patience=10,
        callbacks=None,
        random_state=None,
        verbose=0,
    ):
        super().__init__(
            contamination=contamination,
            standardize=standardize,
            random_state=random_state,
            verbose=verbose,
        )
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.callbacks = callbacks

    # ------------------------------------------------------------------ hooks
    def _score_batch(self, X):
        """Return the anomaly scores of a batch, higher = more abnormal.

        The default, for the autoencoders trained on ``(X, X)``, is each
        sample's mean squared reconstruction error.
        """
        from ._training import reconstruction_error

        return reconstruction_error(self.network_, X)

    def _training_data(self, X, y):
        """Return the ``(inputs, targets)`` the network is trained on.

        ``y`` is None, or the partial labels of a detector that learns from
        them.
        """
        return X, X

    def _epoch_rows(self, n_train):
        """The rows an epoch of ``n_train`` training rows holds: a batch's most."""
        return max(n_train, self._rows_per_epoch or 0)

    def _batches(self, inputs, targets, batch_size, seed):
        """Return the Keras ``PyDataset`` of training batches, one per step."""
        from ._batches import ShuffledBatches

        return ShuffledBatches(
            inputs,
            targets,
            batch_size=batch_size,
            seed=seed,
            rows_per_epoch=self._rows_per_epoch,
        )

    def _fit_network(self, network, X, y, rng):
        """Fit ``network`` on the network-ready ``X`` (and the labels ``y``).

        Returns a dict of the fitted attributes to set besides ``network_``
        and ``scaler_``. The default trains ``network`` on
        ``_training_data(X, y)`` with :meth:`_train`. Override it to initialise
        the network from the data first (Deep SVDD's centre) or to train a
        wrapper (a GAN's discriminator).
        """
        return self._train(network, X, y, rng)

    # --------------------------------------------------------------- training
    def _train(self, model, X, y, rng, *, loss=None, callbacks=(), split=None):
        """Run the shared Keras training loop on ``model``.

        Splits off the early-stopping validation set (or takes ``split``, the
        ``(train, validation)`` rows of :meth:`_split`, for a detector that
        initialises its network from the training rows alone), trains on
        ``_training_data`` with ``loss`` (default: the class's ``_loss``) and
        the extra ``callbacks``, and returns ``{"history_": ...,
        "n_iter_": ...}``. Raises ValueError when the loss diverges.
        """
        train, validation = split or self._split(len(X), y, rng)
        inputs, targets = self._training_data(X[train], _take(y, train))
        batches = self._batches(
            inputs,
            targets,
            batch_size=min(self.batch_size, self._epoch_rows(len(train))),
            seed=draw_seed(rng),
        )
        validation = (
            None
            if validation is None
            else self._training_data(X[validation], _take(y, validation))
        )
        history = self._run_training(
            model, batches, validation, loss=loss, callbacks=callbacks
        )
        return {"history_": history, "n_iter_": len(history["loss"])}

    def _run_training(
        self,
        model,
        batches,
        validation,
        *,
        epochs=None,
        early_stopping=None,
        loss=None,
        callbacks=(),
        optimizer=None,
    ):
        """Train ``model`` with :func:`~skdeepad.core._training.train_network`.

        The one place the detector's settings (epochs, early stopping,
        learning rate, patience, callbacks, verbosity) reach the Keras loop,
        for :meth:`_train`, ``partial_fit`` and the streamed fit. ``epochs``
        and ``early_stopping`` default to the detector's, ``loss`` to the
        class's ``_loss``. Returns the history dict; raises ValueError when
        the loss diverges.
        """
        import keras

        from ._training import TrainingDiverged, train_network

        _check_callbacks(self.callbacks)
        try:
            return train_network(
                model,
                batches,
                validation,
                loss=self._loss if loss is None else loss,
                learning_rate=self.learning_rate,
                epochs=self.epochs if epochs is None else epochs,
                early_stopping=(
                    self.early_stopping if early_stopping is None else early_stopping
                ),
                patience=self.patience,
                callbacks=[*callbacks, *(self.callbacks or ())],
                verbose=self.verbose,
                optimizer=optimizer,
            )
        except TrainingDiverged as diverged:
            raise self._divergence_error(str(diverged)) from None
        finally:
            # Keras leaves each callback holding the model it trained: let
            # go, so that the detector (whose parameter they are) pickles and
            # clones without a second copy of the network. Not by set_model,
            # which does more in some callbacks (TensorBoard's opens writers).
            for callback in self.callbacks or ():
                callback._model = None
                if isinstance(callback, keras.callbacks.CSVLogger):
                    # its closed file and csv writer do not pickle; it opens
                    # them anew when training begins
                    callback.csv_file = callback.writer = None

    def _divergence_hint(self):
        remedy = "" if self.standardize else ", or standardize=True"
        return f" Try a smaller learning_rate (got {self.learning_rate}){remedy}."

    def _split(self, n_samples, y, rng):
        """Return the sorted row indices of training and validation sets.

        The validation set, for early stopping, is None when there is none.
        With labels it takes ``validation_fraction`` of each label's rows,
        rounded down, so a handful of labelled anomalies stays in training.
        """
        groups = (
            [np.arange(n_samples)]
            if y is None
            else [np.flatnonzero(y == label) for label in np.unique(y)]
        )
        sizes = [int(self.validation_fraction * len(rows)) for rows in groups]
        if not self.early_stopping or sum(sizes) in (0, n_samples):
            return np.arange(n_samples), None
        validation = np.sort(
            np.concatenate(
                [
                    rng.permutation(rows)[:size]
                    for rows, size in zip(groups, sizes, strict=True)
                ]
            )
        )
        return np.setdiff1d(np.arange(n_samples), validation), validation

    # -------------------------------------------------------------- streaming
    def _can_stream(self):
        return trains_on_inputs(self)

    def _fit_streamed(self, X):
        """Fit on the Dask array ``X``, one block in memory at a time.

        The scaler is :class:`~sklearn.preprocessing.StandardScaler` updated
        block by block with ``partial_fit``, so it equals an in-memory fit's
        (constant features included); then each epoch visits the blocks in a
        fresh order and the rows of a block in a fresh order. With
        ``early_stopping``, a random ``validation_fraction`` of the rows, at
        most as many as the largest block holds, is computed once and held
        out of training. Every block is checked before training starts.
        ``offset_`` comes from the training scores, computed block by block.
        Called by :meth:`fit`, which makes it atomic.
        """
        from ._streaming import held_out_rows, row_blocks, streamed_batches

        if any(math.isnan(rows) for rows in X.chunks[0]):  # a frame's .values
            X = X.compute_chunk_sizes()
        X = X.rechunk({axis: -1 for axis in range(1, X.ndim)})
        if max(X.chunks[0]) < min(self.batch_size, X.shape[0]):
            warn_at_caller(
                f"{type(self).__name__}: a training batch never spans two blocks, "
                f"and X's blocks hold at most {max(X.chunks[0])} rows, fewer than "
                f"batch_size={self.batch_size}: the batches are that small. Rechunk "
                "X to blocks of at least batch_size rows."
            )
        sample = self._validate_input(X[:2].compute(), reset=True)
        rng = check_random_state(self.random_state)
        # every block checked (NaN, width) before training, standardised or not
        checked = (self._validate_input(block, reset=False) for block in row_blocks(X))
        scaler = None
        if self.standardize:
            scaler = scaler_from_chunks(by_channel(block) for block in checked)
        else:
            for _ in checked:
                pass

        def network_input(values):
            values = self._validate_input(values, reset=False)
            return self._training_input(values, scaler)

        network = self._build_network(sample.shape[1:], seed=draw_seed(rng))
        fraction = self.validation_fraction if self.early_stopping else 0.0
        held = held_out_rows(X, fraction, rng)
        batches = streamed_batches(
            X, held, network_input, self.batch_size, draw_seed(rng)
        )
        validation = None
        if len(held):
            validation = network_input(X[held].compute())
            validation = (validation, validation)
        history = self._run_training(network, batches, validation)
        self.scaler_, self.network_ = scaler, network
        self.history_, self.n_iter_ = history, len(history["loss"])
        # as an in-memory fit's: unclipped, so a diverged network is refused
        scores = [
            self._anomaly_scores(self._validate_input(block, reset=False), scaler)
            for block in row_blocks(X)
        ]
        self._set_offset(-np.concatenate(scores))
        return self


def _check_callbacks(callbacks):
    """Raise a TypeError naming ``callbacks`` unless it holds Keras callbacks."""
    import keras

    for callback in callbacks or ():
        if not isinstance(callback, keras.callbacks.Callback):
            hint = (
                f" (the class itself: pass an instance, {callback.__name__}(...))"
                if isinstance(callback, type)
                else ""
            )
            raise TypeError(
                "callbacks must be a list of keras.callbacks.Callback instances; "
                f"got {callback!r}{hint}."
            )


def trains_on_inputs(detector):
    """Whether ``detector`` is trained by the shared loop on ``(X, X)`` alone.

    Such a detector needs nothing of the data but batches of it: it can be
    trained block by block (``fit`` of a Dask array) or incrementally.
    """
    cls = type(detector)
    return (
        isinstance(detector, BaseDeepDetector)
        and cls._fit_network is BaseDeepDetector._fit_network
        and cls._training_data is BaseDeepDetector._training_data
    )


def _take(y, rows):
    return None if y is None else y[rows]
