"""A detector fitted on the training rows another detector finds most normal."""

import math
from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, OutlierMixin
from sklearn.utils.validation import check_is_fitted

from .._compat import HasMethods, Interval, _fit_context, _num_samples, _safe_indexing
from .._config import DocLinkMixin
from .._docstrings import fill_doc
from .._utils import in_memory, inner_input_tags, rows_are_steps, seeded_clones
from ..core import (
    CONTAMINATION_CONSTRAINT,
    ThresholdMixin,
    atomic_fit,
    offset_from_scores,
    scores_of,
)
from ..persistence import SaveMixin
from ._utils import (
    last_step,
    row_indexable,
    training_scores,
    validate_passed_through,
)

__all__ = ["RefinedDetector"]


@fill_doc
class RefinedDetector(
    DocLinkMixin, ThresholdMixin, SaveMixin, OutlierMixin, BaseEstimator
):
    """A detector trained on the rows a first detector finds most normal.

    Data fitted with its anomalies in it (the unsupervised setting) teaches a
    detector that learns "normal", an autoencoder say, to reconstruct the
    anomalies too. ``RefinedDetector`` first fits ``refiner`` on all of
    ``X``, leaves out of the training set the ``drop_fraction`` of rows it
    scores as most abnormal, and fits ``detector`` on the rest.
    ``score_samples`` is the refined detector's: the rows left out, which it
    was not trained on, it scores as new data.

    This is the data refinement of Yoon et al. (2022) in its simplest form:
    one refiner, one round. A refiner that errs elsewhere than the detector
    works best; the default, scikit-learn's ``IsolationForest``, is fast and
    robust to the anomalies it is fitted with.

    Parameters
    ----------
    detector : estimator or None, default=None
        The detector trained on the refined rows: anything with ``fit`` and
        ``score_samples`` (the lower, the more abnormal), e.g. a skdeepad
        detector, a scikit-learn one, or a ``Pipeline`` ending in one. None
        uses ``AutoEncoder()``; to reach its parameters (``set_params(
        detector__epochs=5)``, a grid search), pass it explicitly.

    refiner : estimator or None, default=None
        The detector that picks the rows to leave out, fitted on all of
        ``X``; its scores of the training rows rank them: its
        ``negative_outlier_factor_`` if it keeps one (``LocalOutlierFactor``,
        with or without ``novelty``, also as a Pipeline's last step), else
        its ``score_samples`` of ``X``. None uses ``IsolationForest()``.

    drop_fraction : float, default=0.3
        The fraction of training rows, the lowest by the refiner's scores,
        that ``detector`` is not trained on, in [0, 0.5]; 0 trains it on
        every row. It need not match the data's contamination: leaving out
        some normal rows costs little, keeping anomalies costs more (see
        Notes).

    contamination : 'auto' or float, default='auto'
        The expected proportion of outliers in the training data; it sets
        ``offset_``, the threshold of :meth:`decision_function` and
        :meth:`predict`, from the refined detector's scores of all the
        training rows (for a kept row, the detector's
        ``negative_outlier_factor_`` where it keeps one, as
        ``LocalOutlierFactor(novelty=True)`` does): a float in (0, 0.5] takes
        that percentile of them, 'auto' the lower fence of Tukey's boxplot
        rule, ``Q1 - 1.5 * (Q3 - Q1)``.

    random_state : int, RandomState instance or None, default=None
        With an int or a RandomState, ``refiner`` and ``detector``, if they
        take a ``random_state``, each get their own seed drawn from it
        (their own values are replaced). None leaves them as they are.

    Attributes
    ----------
    refiner_ : estimator
        The refiner, fitted on all training rows.

    detector_ : estimator
        The detector, fitted on the rows kept.

    kept_ : ndarray of shape (n_samples,), dtype bool
        Which training rows ``detector_`` was fitted on.

    offset_ : float
        The threshold on :meth:`score_samples`.

    %(feature_attributes)s

    See Also
    --------
    DetectorEnsemble : averages several detectors' scores instead.

    Notes
    -----
    On ADBench's classical datasets fitted with their anomalies (the
    unsupervised setting, ``benchmarks/results/refined.md``), an
    AutoEncoder trained on the 70% of rows an IsolationForest finds most
    normal ranks the anomalies better than the AutoEncoder or the
    IsolationForest alone. Fitted on clean data (the clean-train setting)
    there is nothing to refine: fit the detector alone.

    The rows left out are scored by a detector that has not seen them,
    like new data, while the rows kept are scored by one trained on them:
    the refiner's choice carries into the scores of the training rows.

    A detector that scores the rows as the time steps of a series
    (:class:`~skdeepad.timeseries.WindowedDetector`) cannot have rows taken
    out of its training data, and is refused with a ``TypeError``.

    References
    ----------
    .. [1] Yoon, J., Sohn, K., Li, C.-L., Arik, S. O., Lee, C.-Y. and
       Pfister, T. "Self-supervise, refine, repeat: improving unsupervised
       anomaly detection." Transactions on Machine Learning Research, 2022.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepad import AutoEncoder, RefinedDetector
    >>> rng = np.random.default_rng(0)
    >>> X = np.vstack([rng.normal(size=(300, 4)), rng.normal(5, 0.1, size=(30, 4))])
    >>> det = RefinedDetector(AutoEncoder(epochs=5), random_state=0).fit(X)
    >>> int(det.kept_.sum())
    231
    >>> det.predict([[0.0, 0.0, 0.0, 0.0], [5.0, 5.0, 5.0, 5.0]])
    array([ 1, -1])
    """

    _parameter_constraints: dict = {
        "detector": [HasMethods(["fit", "score_samples"]), None],
        "refiner": [HasMethods(["fit"]), None],
        "drop_fraction": [Interval(Real, 0, 0.5, closed="both")],
        "contamination": CONTAMINATION_CONSTRAINT,
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        detector=None,
        *,
        refiner=None,
        drop_fraction=0.3,
        contamination="auto",
        random_state=None,
    ):
        self.detector = detector
        self.refiner = refiner
        self.drop_fraction = drop_fraction
        self.contamination = contamination
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # X goes to both inner detectors as it is: what both take, this takes.
        allow_nan, sparse = inner_input_tags(self._estimators())
        tags.input_tags.allow_nan, tags.input_tags.sparse = allow_nan, sparse
        return tags

    def _estimators(self):
        """The refiner and the detector, the defaults built where None."""
        from sklearn.ensemble import IsolationForest

        from ..tabular import AutoEncoder

        refiner = IsolationForest() if self.refiner is None else self.refiner
        detector = AutoEncoder() if self.detector is None else self.detector
        return refiner, detector

    @_fit_context(prefer_skip_nested_validation=False)
    @atomic_fit
    def fit(self, X, y=None):
        """Fit the refiner on ``X``, then the detector on the rows it keeps.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            The training data, anomalies possibly among it.
        y : None
            Ignored; present for API consistency.

        Returns
        -------
        self : object
            The fitted detector.
        """
        X = in_memory(X)  # a Dask DataFrame: its rows are taken
        validate_passed_through(self, X, min_samples=1)
        X = row_indexable(X)
        refiner, detector = seeded_clones(self._estimators(), self.random_state)
        for role, est in [("refiner", refiner), ("detector", detector)]:
            if rows_are_steps(est):
                raise TypeError(
                    f"{type(self).__name__} leaves training rows out, but its "
                    f"{role} {type(est).__name__} scores the rows as the time "
                    "steps of one series, whose order and continuity are data. "
                    "Refine the windows instead, or fit it on its own."
                )
        refiner.fit(X, y=None)  # y=None: a FrozenEstimator's fit needs one
        if not (
            hasattr(refiner, "score_samples")
            or hasattr(last_step(refiner), "negative_outlier_factor_")
        ):
            raise TypeError(
                f"The refiner {type(refiner).__name__} has no score_samples nor "
                "negative_outlier_factor_ to rank the training rows by; pass an "
                "outlier detector, e.g. IsolationForest()."
            )
        # the lowest scores, ties in row order; NaN scores first
        ranking = training_scores(refiner, X)
        n_rows = _num_samples(X)
        kept = np.ones(n_rows, dtype=bool)
        # the fraction's rows, rounded down (0.29 of 100 rows is 29, not 28)
        n_dropped = math.floor(round(self.drop_fraction * n_rows, 9))
        kept[np.argsort(ranking, kind="stable")[:n_dropped]] = False
        X_kept = _safe_indexing(X, np.flatnonzero(kept))
        detector.fit(X_kept, y=None)
        # a kept row as the detector scores its training rows (LocalOutlierFactor
        # leaves it out of its neighbours); a dropped one as a new row
        scores = np.empty(n_rows)
        scores[kept] = training_scores(detector, X_kept)
        if not kept.all():
            dropped = _safe_indexing(X, np.flatnonzero(~kept))
            scores[~kept] = scores_of(detector, dropped)
        self.refiner_, self.detector_, self.kept_ = refiner, detector, kept
        self.offset_ = offset_from_scores(scores, self.contamination)
        return self

    def score_samples(self, X):
        """Return the refined detector's normality scores of ``X``.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            The samples to score.

        Returns
        -------
        scores : ndarray of shape (n_samples,), dtype float64
            The normality scores; the lower, the more abnormal.
        """
        check_is_fitted(self)
        return scores_of(self.detector_, X)
