"""The bad-input table: every case, when it is given, and what must come of it.

Data, not prose: ``CASES`` lists ``Case(name, stage, make, outcome, match)``.
``make(X)`` turns the suite's good data (40 rows, 6 columns, standard normal)
into the case's input; ``stage`` says whether it goes to ``fit`` or, after a
fit on the good data, to ``score_samples``/``predict``. ``outcome`` is "ok"
(finite float64 scores, one per row) or the exception class, whose message
must match the regular expression ``match`` (it names the problem).
``OVERRIDES`` holds the few detectors for which a case ends otherwise, with
the reason.
"""

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pandas as pd
import scipy.sparse as sp

from skdeepad import all_detectors


class Case(NamedTuple):
    name: str
    stage: str  # "fit" or "predict"
    make: Callable
    outcome: object  # "ok", ValueError or TypeError
    match: str = ""


def _with(value, row=3, column=2):
    def make(X):
        X = X.copy()
        X[row, column] = value
        return X

    return make


def _readonly(X):
    X = X.copy()
    X.setflags(write=False)
    return X


def _frame(X):
    return pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])


def _frame_with(kind):
    def make(X):
        frame = _frame(X)
        labels = np.array(["low", "high"])[(X[:, 0] > 0).astype(int)]
        frame["x0"] = pd.Categorical(labels) if kind == "category" else labels
        return frame

    return make


def _constant_column(X):
    X = X.copy()
    X[:, 1] = 5.0
    return X


def _strings(X):
    X = X.astype(object)
    X[0, 0] = "a"
    return X


_NAN = r"NaN"
_INF = r"infinity|too large"
_NO_ROWS = r"0 sample"
_NO_FEATURES = r"0 feature|empty axis"
_STRINGS = r"could not convert|string"
_SPARSE = r"[Ss]parse"

CASES = [
    # --- at fit
    Case("nan", "fit", _with(np.nan), ValueError, _NAN),
    Case("inf", "fit", _with(np.inf), ValueError, _INF),
    Case("-inf", "fit", _with(-np.inf), ValueError, _INF),
    Case("no rows", "fit", lambda X: X[:0], ValueError, _NO_ROWS),
    Case("no features", "fit", lambda X: X[:, :0], ValueError, _NO_FEATURES),
    Case("one row", "fit", lambda X: X[:1], "ok"),
    Case("one feature", "fit", lambda X: X[:, :1], "ok"),
    Case("a constant column", "fit", _constant_column, "ok"),
    Case("all constant", "fit", lambda X: np.full_like(X, 3.0), "ok"),
    Case("values around 1e30", "fit", lambda X: X * 1e30, "ok"),
    Case("integers", "fit", lambda X: (X * 10).astype(np.int64), "ok"),
    Case("float16", "fit", lambda X: X.astype(np.float16), "ok"),
    Case("booleans", "fit", lambda X: X > 0, "ok"),
    Case("numbers as objects", "fit", lambda X: X.astype(object), "ok"),
    Case("strings", "fit", _strings, ValueError, _STRINGS),
    Case("a list of lists", "fit", lambda X: X.tolist(), "ok"),
    Case("a pandas frame", "fit", _frame, "ok"),
    Case("a categorical column", "fit", _frame_with("category"), ValueError, _STRINGS),
    Case("a string column", "fit", _frame_with("str"), ValueError, _STRINGS),
    Case("a sparse matrix", "fit", sp.csr_matrix, TypeError, _SPARSE),
    Case("Fortran order", "fit", np.asfortranarray, "ok"),
    Case("a strided view", "fit", lambda X: np.repeat(X, 2, axis=0)[::2], "ok"),
    Case("read-only", "fit", _readonly, "ok"),
    Case("1-D", "fit", lambda X: X[:, 0], ValueError, r"2D array|1-D|1D"),
    Case("4-D", "fit", lambda X: X[:, :, None, None], ValueError, r"dim 4|4-D"),
    Case(
        "values around 1e200",
        "fit",
        lambda X: X * 1e200,
        ValueError,
        "too large to standardise",
    ),
    # --- at predict, after a fit on the good data
    Case("nan", "predict", _with(np.nan), ValueError, _NAN),
    Case("inf", "predict", _with(np.inf), ValueError, _INF),
    Case("no rows", "predict", lambda X: X[:0], ValueError, _NO_ROWS),
    Case("one row", "predict", lambda X: X[:1], "ok"),
    Case(
        "a feature less", "predict", lambda X: X[:, :-1], ValueError, r"feature|shape"
    ),
    Case(
        "a feature more",
        "predict",
        lambda X: np.hstack([X, X[:, :1]]),
        ValueError,
        r"feature|shape",
    ),
    Case("values around 1e30", "predict", lambda X: X * 1e30, "ok"),
    Case("values around 1e300", "predict", lambda X: X * 1e300, "ok"),
    Case("integers", "predict", lambda X: (X * 10).astype(np.int64), "ok"),
    Case("float16", "predict", lambda X: X.astype(np.float16), "ok"),
    Case("booleans", "predict", lambda X: X > 0, "ok"),
    Case("strings", "predict", _strings, ValueError, _STRINGS),
    Case("a sparse matrix", "predict", sp.csr_matrix, TypeError, _SPARSE),
    Case("read-only", "predict", _readonly, "ok"),
    Case("Fortran order", "predict", np.asfortranarray, "ok"),
    Case("1-D", "predict", lambda X: X[0], ValueError, r"2D array|1-D|1D"),
    Case(
        "3-D",
        "predict",
        lambda X: np.stack([X, X], axis=2),
        ValueError,
        r"dim 3|3-D|shape",
    ),
]

_SEQUENCE = (
    "a sequence detector reads 3-D (n_samples, timesteps, channels) arrays; "
    "with one channel more than at fit it is a ValueError naming both shapes"
)
_WINDOWED = "WindowedDetector needs at least `window` time steps (4 here)"
_INNER = (
    "TunedThresholdDetector passes X to its inner detector, here scikit-learn's "
    "IsolationForest, which takes missing values, infinities, sparse matrices "
    "and values too large to standardise"
)
_REFINED = (
    "RefinedDetector passes X to its inner detectors, here an AutoEncoder and "
    "an IsolationForest, which take sparse matrices"
)
_IMAGES = "ConvAutoEncoder reads 4-D arrays as images (n, height, width, channels)"
_FORECAST = "LSTMForecaster reads the steps before the last: a sequence needs two"
_THRESHOLD = "TunedThresholdDetector cross-validates: it needs two rows at least"
_MISSING = (
    "Donut reads NaN as a missing value: left out in training, imputed at scoring"
)
_DENSIFIED = "the tabular detectors densify sparse input one chunk of rows at a time"

# (detector, stage, case name) -> (outcome, match, reason)
OVERRIDES = {
    **{
        (name, "predict", "3-D"): (ValueError, r"shape|channel", _SEQUENCE)
        for name in (
            "ConvAutoEncoder",
            "Donut",
            "LSTMAutoEncoder",
            "LSTMForecaster",
            "TransformerAutoEncoder",
        )
    },
    ("WindowedDetector", "fit", "one row"): (ValueError, r"window", _WINDOWED),
    ("WindowedDetector", "predict", "one row"): (ValueError, r"window", _WINDOWED),
    ("TunedThresholdDetector", "fit", "one row"): (
        ValueError,
        r"minimum of 2",
        _THRESHOLD,
    ),
    **{
        ("TunedThresholdDetector", stage, case): ("ok", "", _INNER)
        for stage in ("fit", "predict")
        for case in ("nan", "inf", "-inf", "a sparse matrix")
    },
    **{("Donut", stage, "nan"): ("ok", "", _MISSING) for stage in ("fit", "predict")},
    ("TunedThresholdDetector", "fit", "values around 1e200"): ("ok", "", _INNER),
    **{
        (name, stage, "a sparse matrix"): ("ok", "", _DENSIFIED)
        for name, _ in all_detectors("tabular") + all_detectors("semi-supervised")
        for stage in ("fit", "predict")
    },
    **{
        ("RefinedDetector", stage, "a sparse matrix"): ("ok", "", _REFINED)
        for stage in ("fit", "predict")
    },
    ("ConvAutoEncoder", "fit", "4-D"): ("ok", "", _IMAGES),
    ("LSTMForecaster", "fit", "one feature"): (
        ValueError,
        r"at least 2 steps",
        _FORECAST,
    ),
}


def expected(detector_name, case):
    """The ``(outcome, match)`` a detector must give for ``case``."""
    outcome, match, _ = OVERRIDES.get(
        (detector_name, case.stage, case.name), (case.outcome, case.match, "")
    )
    return outcome, match
