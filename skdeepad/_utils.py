"""Small helpers shared by the core and the detectors: seeds, dtypes, layouts.

Nothing here imports Keras or another skdeepad module.
"""

import numpy as np
from sklearn.base import clone
from sklearn.preprocessing import StandardScaler
from sklearn.utils import check_random_state, get_tags

__all__ = [
    "FLOAT_DTYPES",
    "MAX_SEED",
    "by_channel",
    "draw_seed",
    "in_memory",
    "inner_input_tags",
    "is_dask_array",
    "is_dask_frame",
    "rows_are_steps",
    "scaler_from_chunks",
    "seeded_clones",
    "string_names",
]

# Seeds handed to Keras must fit in an int32 on every backend; networks count
# up from the seed they get, so leave room above it.
MAX_SEED = 2**30

# The dtypes input validation keeps (anything else is converted to the first).
FLOAT_DTYPES = [np.float64, np.float32]


def draw_seed(rng):
    """Draw an int seed for Keras or NumPy from the ``RandomState`` ``rng``."""
    return int(rng.randint(MAX_SEED))


def seeded_clones(estimators, random_state):
    """Clones of ``estimators``, each seeded from ``random_state`` if it takes one.

    With an int or a RandomState, a seed is drawn for every estimator, in
    order (so that the seeds do not shift when one takes none), and set as
    its ``random_state``. An estimator without one of its own (a
    ``Pipeline``) has each nested ``random_state`` (``step__random_state``)
    set instead, from a generator of that seed, in the order of their names.
    None leaves their seeds, and NumPy's global generator, as they are. A
    ``FrozenEstimator`` (fitted already, its parameters fixed) and a string
    (an ensemble's ``"drop"``) are left as they are, their seeds drawn too.
    """
    from sklearn.frozen import FrozenEstimator  # scikit-learn >= 1.6

    clones = [
        estimator if isinstance(estimator, str) else clone(estimator)
        for estimator in estimators
    ]
    if random_state is not None:
        rng = check_random_state(random_state)
        for estimator in clones:
            seed = draw_seed(rng)  # drawn all the same: the next seeds stay
            if isinstance(estimator, str | FrozenEstimator):
                continue
            if "random_state" in estimator.get_params(deep=False):
                estimator.set_params(random_state=seed)
                continue
            nested = sorted(
                key
                for key in estimator.get_params(deep=True)
                if key.endswith("__random_state")
            )
            if nested:
                inner = check_random_state(seed)
                estimator.set_params(**{key: draw_seed(inner) for key in nested})
    return clones


def by_channel(X):
    """View ``X`` as 2-D rows of its last axis, the axis the scaler works on."""
    return X.reshape(-1, X.shape[-1])


def scaler_from_chunks(chunks):
    """A ``StandardScaler`` fitted by ``partial_fit`` on each dense 2-D chunk.

    The streamed fit and sparse input standardise this way, one chunk in
    memory at a time; the scaler equals one fitted on all the rows at once up
    to floating-point rounding, and treats constant features the same way.
    """
    scaler, sample = StandardScaler(), None
    for chunk in chunks:
        scaler.partial_fit(chunk)
        if sample is None and len(chunk):
            sample = chunk[0]
    return checked_scaler(scaler, sample)


def checked_scaler(scaler, sample=None):
    """``scaler``, a fitted ``StandardScaler``, if its statistics are finite.

    Values beyond ~1e154 make the variance overflow to inf or NaN, and the
    standardised values NaN, or as large as the raw ones (scikit-learn reads
    an infinite variance as a constant feature's, and keeps its scale 1).

    ``sample``, a row of the data, centres the constant features exactly:
    scikit-learn keeps their scale 1 and their mean as summed, which is off
    by the rounding of the sum (950,272 for a feature constant at 1e20), so
    the network would see that error as a large constant input.
    """
    statistics = (scaler.mean_, scaler.var_, scaler.scale_)
    if not all(np.all(np.isfinite(values)) for values in statistics):
        raise ValueError(
            "X's values are too large to standardise: their variance overflows "
            "float64. Rescale X (divide it by a large constant) first."
        )
    if sample is not None:
        sample = np.asarray(sample, dtype=np.float64)
        constant = _constant_features(scaler) & np.isfinite(sample)
        scaler.mean_ = np.where(constant, sample, scaler.mean_)
    return scaler


def _constant_features(scaler):
    """The features a fitted ``StandardScaler`` keeps at scale 1 as constant.

    Its own test: a variance within the rounding error of its computation,
    ``n * eps * var + (n * mean * eps) ** 2``. (A scale of exactly 1 is no
    test: a feature standardised before has a variance of 1 up to rounding.)
    """
    n = np.asarray(scaler.n_samples_seen_, dtype=np.float64)
    eps = np.finfo(np.float64).eps
    bound = n * eps * scaler.var_ + (n * scaler.mean_ * eps) ** 2
    return (scaler.scale_ == 1.0) & (scaler.var_ <= bound)


def inner_input_tags(estimators):
    """``(allow_nan, sparse)``: what every one of ``estimators`` takes as input.

    An object without scikit-learn tags is taken to refuse both.
    """
    allow_nan = sparse = True
    for estimator in estimators:
        try:
            tags = get_tags(estimator).input_tags
        except Exception:  # no scikit-learn tags at all
            return False, False
        allow_nan, sparse = allow_nan and tags.allow_nan, sparse and tags.sparse
    return allow_nan, sparse


def takes_sequences(estimator):
    """Whether ``estimator`` takes 3-D input, one sequence a sample (its
    ``three_d_array`` tag); an object without scikit-learn tags takes rows."""
    try:
        return bool(get_tags(estimator).input_tags.three_d_array)
    except Exception:  # no scikit-learn tags at all
        return False


def is_dask_array(X):
    """Whether ``X`` is a Dask array, without importing Dask."""
    return type(X).__module__.startswith("dask.") and hasattr(X, "chunks")


def is_dask_frame(X):
    """Whether ``X`` is a Dask DataFrame, without importing Dask."""
    return type(X).__module__.startswith("dask") and hasattr(X, "to_dask_array")


def in_memory(X):
    """A Dask DataFrame computed into a pandas one (its names kept); else ``X``.

    For the estimators that need every row in memory (the meta-detectors,
    the series detector, the detectors that do not stream).
    """
    return X.compute() if is_dask_frame(X) else X


def string_names(columns):
    """``columns`` as an object array if they are all strings, else None: the
    names scikit-learn keeps as ``feature_names_in_``; names of both kinds
    are a TypeError, as scikit-learn's validation raises."""
    columns = list(columns)
    strings = [isinstance(name, str) for name in columns]
    if columns and all(strings):
        return np.asarray(columns, dtype=object)
    if any(strings):
        kinds = sorted({type(name).__name__ for name in columns})
        raise TypeError(
            "Feature names are only supported if all input features have string "
            f"names, but your input has {kinds} as feature name / column name "
            "types. Convert them all to strings (X.columns = X.columns.astype(str)) "
            "or all to another type."
        )
    return None


def rows_are_steps(estimator):
    """Whether ``estimator`` scores its rows as the time steps of one series.

    True for a :class:`~skdeepad.timeseries.WindowedDetector`, whose class
    says so (``_rows_are_steps``), and for a Pipeline ending in one or a
    meta-detector holding one (theirs forward the question): the order of
    the rows it gets is data, never to be changed.
    """
    if hasattr(estimator, "steps"):  # a Pipeline: its last step scores
        return rows_are_steps(estimator.steps[-1][1])
    return bool(getattr(estimator, "_rows_are_steps", False))
