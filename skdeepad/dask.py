"""Scoring data that outgrows one machine, with Dask (the ``dask`` extra).

:func:`score_samples`, :func:`decision_function` and :func:`predict` take a
fitted detector and a ``dask.array.Array`` or ``dask.dataframe.DataFrame`` and
return the same kind of collection, lazily: each block (partition) is scored
where it lives, by :meth:`score_samples` of the detector, which goes into the
task graph once (one key, sent to each worker once) rather than into every
task. The results equal in-memory scoring of the same rows: a detector scores
rows independently, in chunks that do not change the scores.

Searching parameters on a cluster needs nothing from skdeepad: joblib's Dask
backend runs ``GridSearchCV``'s fits on the workers::

    from dask.distributed import Client
    import joblib
    client = Client("scheduler-address:8786")
    with joblib.parallel_backend("dask"):
        GridSearchCV(AutoEncoder(), grid, scoring="roc_auc").fit(X, y)

Training on data larger than memory: :func:`fit` streams a Dask array (and
``detector.fit(dask_array)`` calls it for the autoencoders). The
standardisation statistics take one pass (Dask's mean and variance over all
blocks); then each epoch visits the blocks in a fresh order and the rows of a
block in a fresh order, computing one block at a time, so memory holds one
block, not the data (and, for early stopping, a validation set of at most one
block's size). A Dask array rather than a generator or a ``tf.data`` pipeline
because it knows its length and its blocks (epochs, shuffling by block, the
statistics pass, the validation rows and the training scores need both) and
runs on any Keras backend. Data arriving in batches: ``partial_fit``.

Dask is imported when these functions are called, not with skdeepad.
"""

import numpy as np

__all__ = ["decision_function", "fit", "predict", "score_samples"]


def score_samples(detector, X):
    """Score a Dask collection with a fitted detector, block by block.

    Parameters
    ----------
    detector : fitted skdeepad detector
        Any fitted detector of skdeepad (or estimator with ``score_samples``).
    X : dask.array.Array of shape (n_samples, ...) or dask.dataframe.DataFrame
        The samples. An array is rechunked so that each block holds whole
        samples (every column); a DataFrame is scored partition by partition.

    Returns
    -------
    scores : dask.array.Array or dask.dataframe.Series of float64
        The normality scores, lazily: ``.compute()`` them. The lower, the more
        abnormal.

    Examples
    --------
    >>> import dask.array as da, numpy as np
    >>> from skdeepad import AutoEncoder
    >>> from skdeepad.dask import score_samples
    >>> X = np.random.default_rng(0).normal(size=(300, 4))
    >>> det = AutoEncoder(epochs=2, random_state=0).fit(X)
    >>> lazy = score_samples(det, da.from_array(X, chunks=100))
    >>> np.array_equal(lazy.compute(), det.score_samples(X))
    True
    """
    return _apply(detector, X, "score_samples", np.float64)


def decision_function(detector, X):
    """``score_samples - offset_`` of a Dask collection, block by block.

    Parameters
    ----------
    detector : fitted skdeepad detector
        Any fitted detector of skdeepad.
    X : dask.array.Array or dask.dataframe.DataFrame
        The samples, as for :func:`score_samples`.

    Returns
    -------
    decision : dask.array.Array or dask.dataframe.Series of float64
        Negative for outliers, lazily.
    """
    return _apply(detector, X, "decision_function", np.float64)


def predict(detector, X):
    """+1 inlier / -1 outlier labels of a Dask collection, block by block.

    Parameters
    ----------
    detector : fitted skdeepad detector
        Any fitted detector of skdeepad.
    X : dask.array.Array or dask.dataframe.DataFrame
        The samples, as for :func:`score_samples`.

    Returns
    -------
    labels : dask.array.Array or dask.dataframe.Series of int64
        +1 for inliers, -1 for outliers, lazily.
    """
    return _apply(detector, X, "predict", np.int64)


def _apply(detector, X, method, dtype):
    import dask
    import dask.array as da
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(detector)
    # One graph key for the detector: shipped to each worker once.
    shipped = dask.delayed(detector, pure=True, traverse=False)
    if isinstance(X, da.Array):
        if X.ndim < 2:
            raise ValueError(f"X must have at least 2 dimensions; got {X.ndim}.")
        X = X.rechunk({axis: -1 for axis in range(1, X.ndim)})
        return X.map_blocks(
            _call,
            shipped,
            method,
            dtype=dtype,
            drop_axis=list(range(1, X.ndim)),
            meta=np.empty((0,), dtype=dtype),
        )
    if hasattr(X, "map_partitions") and hasattr(X, "npartitions"):
        return X.map_partitions(_call_frame, shipped, method, meta=(method, dtype))
    raise TypeError(
        "X must be a dask.array.Array or a dask.dataframe.DataFrame; got "
        f"{type(X).__module__}.{type(X).__name__}. Score in-memory data with the "
        "detector's own methods."
    )


def _call(block, detector, method):
    if len(block) == 0:
        return np.empty((0,), dtype=np.int64 if method == "predict" else np.float64)
    return getattr(detector, method)(block)


def _call_frame(frame, detector, method):
    import pandas as pd

    return pd.Series(_call(frame, detector, method), index=frame.index, name=method)


def fit(detector, X):
    """Fit a reconstruction detector on a Dask array, one block in memory at a time.

    For the detectors trained by the base class's own loop on ``(X, X)``
    (AutoEncoder, ConvAutoEncoder, LSTMAutoEncoder, TransformerAutoEncoder).
    Standardisation statistics come from one streaming pass; batches are
    drawn block by block (blocks, and rows within a block, shuffled every
    epoch from ``random_state``). With ``early_stopping``, a random
    ``validation_fraction`` of the rows, but at most as many as the largest
    block holds (memory holds one block, and this set), is computed once and
    held out of training to monitor the validation loss, as in an in-memory
    fit. ``offset_`` comes from the training scores, computed block by block.
    The result scores like an in-memory fit, not identically (the batches
    differ). ``detector.fit(X)`` with a Dask array ``X`` calls this function
    for these detectors.

    Parameters
    ----------
    detector : skdeepad detector
        An unfitted (or fitted: it is refitted) detector of the kinds above.
    X : dask.array.Array of shape (n_samples, n_features) or (n, steps, channels)
        The training data; its blocks along the first axis are what memory
        holds at a time.

    Returns
    -------
    detector : skdeepad detector
        The fitted detector.
    """
    import dask.array as da

    from .base import atomic_fit, trains_on_inputs

    if not isinstance(X, da.Array):
        raise TypeError(f"X must be a dask.array.Array; got {type(X).__name__}.")
    if not trains_on_inputs(detector):
        raise ValueError(
            f"skdeepad.dask.fit trains the autoencoders (trained on (X, X) by the "
            f"shared loop); {type(detector).__name__} needs more of the data than "
            "one block."
        )
    return atomic_fit(_fit)(detector, X)


def _fit(detector, X):
    import dask
    from sklearn.preprocessing import StandardScaler
    from sklearn.utils import check_random_state

    from .base import _draw_seed

    detector._validate_params()
    X = X.rechunk({axis: -1 for axis in range(1, X.ndim)})
    sample = detector._validate_input(X[:2].compute(), reset=True)
    rng = check_random_state(detector.random_state)
    scaler = None
    if detector.standardize:
        channels = X.reshape(-1, X.shape[-1]) if X.ndim > 2 else X
        mean, var = dask.compute(channels.mean(axis=0), channels.var(axis=0))
        scaler = StandardScaler()
        scaler.mean_, scaler.var_ = np.asarray(mean), np.asarray(var)
        scaler.scale_ = np.where(var > 0, np.sqrt(var), 1.0)
        scaler.n_features_in_, scaler.n_samples_seen_ = (
            len(mean),
            int(channels.shape[0]),
        )
    network = detector._build_network(sample.shape[1:], seed=_draw_seed(rng))
    fitted = _train_streamed(detector, network, X, scaler, rng)
    detector.scaler_, detector.network_ = scaler, network
    for key, value in fitted.items():
        setattr(detector, key, value)
    detector._set_offset(score_samples(detector, X).compute())
    return detector


def _train_streamed(detector, network, X, scaler, rng):
    from ._training import BlockBatches
    from .base import _draw_seed

    def network_input(values):
        values = detector._validate_input(values, reset=False)
        return detector._as_network_input(values, scaler)

    starts = np.cumsum([0, *X.chunks[0]])
    held = _held_out(detector, X, rng)
    held_by_block = [
        held[(held >= start) & (held < stop)] - start
        for start, stop in zip(starts[:-1], starts[1:], strict=True)
    ]
    blocks = [
        b for b, size in enumerate(X.chunks[0]) if size > len(held_by_block[b])
    ]

    def load_block(i):
        block = blocks[i]
        values = X[starts[block] : starts[block + 1]].compute()
        return network_input(np.delete(values, held_by_block[block], axis=0))

    batches = BlockBatches(
        [X.chunks[0][b] - len(held_by_block[b]) for b in blocks],
        load_block,
        detector.batch_size,
        _draw_seed(rng),
    )
    validation = None
    if len(held):
        validation = network_input(X[held].compute())
        validation = (validation, validation)
    history = detector._run_training(network, batches, validation)
    return {"history_": history, "n_iter_": len(history["loss"])}


def _held_out(detector, X, rng):
    """The sorted rows held out to monitor early stopping (none without it).

    ``validation_fraction`` of the rows, at most as many as the largest block;
    none when that rounds to no row.
    """
    from .base import _draw_seed

    n_rows = X.shape[0]
    size = min(int(detector.validation_fraction * n_rows), max(X.chunks[0]))
    if not detector.early_stopping or size == 0:
        return np.empty(0, dtype=int)
    # a Generator draws `size` of `n_rows` without permuting all of them
    draws = np.random.default_rng(_draw_seed(rng)).choice(n_rows, size, replace=False)
    return np.sort(draws)
