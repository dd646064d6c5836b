"""The one place that imports scikit-learn's private helpers.

scikit-learn does not promise these names; keeping them here means a rename in a
future release is fixed in one file.
"""

from sklearn.base import _fit_context
from sklearn.utils import _safe_indexing
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    RealNotInt,
    StrOptions,
    validate_params,
)
from sklearn.utils.metaestimators import _BaseComposition
from sklearn.utils.validation import _num_samples

__all__ = [
    "HasMethods",
    "Interval",
    "RealNotInt",
    "StrOptions",
    "_BaseComposition",
    "_fit_context",
    "_num_samples",
    "_safe_indexing",
    "is_scorer",
    "neighbors_training_rows",
    "validate_params",
]


def neighbors_training_rows(neighbors):
    """The rows a fitted ``NearestNeighbors`` searches, as it keeps them.

    scikit-learn stores them as the private ``_fit_X`` (an array with
    ``algorithm="brute"``, in the dtype of the rows fitted).
    """
    return neighbors._fit_X


def is_scorer(obj):
    """Whether ``obj`` is a scorer of ``make_scorer`` or ``get_scorer``.

    Called as ``scorer(estimator, X, y)``; scikit-learn's scorers share the
    private base class ``_BaseScorer``.
    """
    from sklearn.metrics._scorer import _BaseScorer

    return isinstance(obj, _BaseScorer)
