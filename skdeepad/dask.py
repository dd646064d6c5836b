"""Scoring data that outgrows one machine, with Dask (the ``dask`` extra).

:func:`score_samples`, :func:`decision_function` and :func:`predict` take a
fitted detector and a ``dask.array.Array`` or ``dask.dataframe.DataFrame`` and
return the same kind of collection, lazily: each block (partition) is scored
where it lives, by :meth:`score_samples` of the detector, which goes into the
task graph once (one key, sent to each worker once) rather than into every
task. The results equal in-memory scoring of the same rows: a detector scores
rows independently, in chunks that do not change the scores. A detector that
scores its rows as the steps of one series (a
:class:`~skdeepad.timeseries.WindowedDetector`, or a Pipeline ending in one)
needs the series in one block; several are refused, as each block would be
scored alone.

Searching parameters on a cluster needs nothing from skdeepad: joblib's Dask
backend runs ``GridSearchCV``'s fits on the workers::

    from dask.distributed import Client
    import joblib
    client = Client("scheduler-address:8786")
    with joblib.parallel_backend("dask"):
        GridSearchCV(AutoEncoder(), grid, scoring="roc_auc").fit(X, y)

Training on data larger than memory: ``detector.fit(dask_array)`` streams a
Dask array for the autoencoders (the base class's streamed fit; :func:`fit`
checks the detector first). The standardisation statistics take one pass
(``StandardScaler.partial_fit`` block by block, so they equal an in-memory
fit's); then each epoch visits the blocks in a fresh order and the rows of a
block in a fresh order, computing one block at a time, so memory holds one
block, not the data (and, for early stopping, a validation set of at most one
block's size). A Dask array rather than a generator or a ``tf.data`` pipeline
because it knows its length and its blocks (epochs, shuffling by block, the
statistics pass, the validation rows and the training scores need both) and
runs on any Keras backend. Data arriving in batches: ``partial_fit``.

Dask is imported when these functions are called, not with skdeepad.
"""

import numpy as np

from ._utils import is_dask_frame, rows_are_steps

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
    blocks = X.numblocks[0] if hasattr(X, "numblocks") else getattr(X, "npartitions", 1)
    if rows_are_steps(detector) and blocks > 1:
        raise ValueError(
            f"{type(detector).__name__} scores its rows as the time steps of one "
            f"series, which the {blocks} blocks of X would cut apart (each "
            f"scored alone, windows across their edges lost). Score the series "
            f"whole: detector.{method}(X.compute()), or X in one block."
        )
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
    (AutoEncoder, ConvAutoEncoder, LSTMAutoEncoder, TransformerAutoEncoder);
    ``detector.fit(X)`` does the same, this function only checks first that
    the detector and ``X`` are of these kinds. Standardisation statistics
    come from one pass of :meth:`sklearn.preprocessing.StandardScaler.partial_fit`
    over the blocks, so they equal an in-memory fit's; batches are drawn
    block by block (blocks, and rows within a block, shuffled every epoch
    from ``random_state``). With ``early_stopping``, a random
    ``validation_fraction`` of the rows, but at most as many as the largest
    block holds (memory holds one block, and this set), is computed once and
    held out of training to monitor the validation loss, as in an in-memory
    fit. ``offset_`` comes from the training scores, computed block by block.
    The result scores like an in-memory fit, not identically (the batches
    differ).

    Parameters
    ----------
    detector : skdeepad detector
        An unfitted (or fitted: it is refitted) detector of the kinds above.
    X : dask.array.Array of shape (n_samples, n_features) or (n, steps, channels), \
            or dask.dataframe.DataFrame
        The training data; its blocks along the first axis (a DataFrame's
        partitions) are what memory holds at a time. A DataFrame's column
        names are kept as ``feature_names_in_``.

    Returns
    -------
    detector : skdeepad detector
        The fitted detector.
    """
    import dask.array as da

    from .core import trains_on_inputs

    if not (isinstance(X, da.Array) or is_dask_frame(X)):
        raise TypeError(
            "X must be a dask.array.Array or a dask.dataframe.DataFrame; got "
            f"{type(X).__name__}."
        )
    if not trains_on_inputs(detector):
        raise ValueError(
            f"skdeepad.dask.fit trains the autoencoders (trained on (X, X) by the "
            f"shared loop); {type(detector).__name__} needs more of the data than "
            "one block."
        )
    return detector.fit(X)
