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

Dask is imported when these functions are called, not with skdeepad.
"""

import numpy as np

__all__ = ["decision_function", "predict", "score_samples"]


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
