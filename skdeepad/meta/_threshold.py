"""Thresholds tuned on labelled data: the counterpart of TunedThresholdClassifierCV."""

import functools
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, OutlierMixin, clone
from sklearn.utils.metadata_routing import (
    UNUSED,
    MetadataRouter,
    MethodMapping,
    _routing_enabled,
    process_routing,
)
from sklearn.utils.validation import check_consistent_length, check_is_fitted

from .._compat import (
    HasMethods,
    Interval,
    StrOptions,
    _fit_context,
    _num_samples,
    _safe_indexing,
    is_scorer,
)
from .._config import DocLinkMixin
from .._labels import check_partial_labels
from .._utils import in_memory, inner_input_tags, rows_are_steps
from .._warnings import warn_at_caller
from ..core import ThresholdMixin, atomic_fit, scores_of
from ..persistence import SaveMixin
from ._utils import (
    own_threshold,
    row_indexable,
    validate_passed_through,
)

__all__ = ["TunedThresholdDetector"]

# Metrics of +1/-1 predictions, by their name in sklearn.metrics (imported at
# fit, keeping `import skdeepad` light); the anomaly (-1) is the positive class.
_ANOMALY_POSITIVE = {"pos_label": -1, "zero_division": 0.0}
_METRICS = {
    "f1": ("f1_score", _ANOMALY_POSITIVE),
    "precision": ("precision_score", _ANOMALY_POSITIVE),
    "recall": ("recall_score", _ANOMALY_POSITIVE),
    "balanced_accuracy": ("balanced_accuracy_score", {}),
    "accuracy": ("accuracy_score", {}),
    "matthews_corrcoef": ("matthews_corrcoef", {}),
}


def _metric(scoring):
    """The callable ``metric(y_true, y_pred)`` that ``scoring`` names."""
    if callable(scoring):
        if is_scorer(scoring):
            raise ValueError(
                "scoring takes a metric, called as scoring(y_true, y_pred) with "
                "+1/-1 labels and predictions, not a scorer such as make_scorer "
                "or get_scorer return (called with an estimator). Pass the metric "
                "itself, e.g. functools.partial(f1_score, pos_label=-1)."
            )
        return scoring
    from sklearn import metrics

    name, kwargs = _METRICS[scoring]
    return functools.partial(getattr(metrics, name), **kwargs)


class TunedThresholdDetector(
    DocLinkMixin, ThresholdMixin, SaveMixin, OutlierMixin, BaseEstimator
):
    """An outlier detector whose threshold is tuned by cross-validation on labels.

    The outlier-detection counterpart of scikit-learn's
    :class:`~sklearn.model_selection.TunedThresholdClassifierCV`: it fits the
    inner ``detector`` and sets ``offset_``, the threshold of
    :meth:`decision_function` and :meth:`predict`, to the value that
    maximises ``scoring`` on labelled samples held out by cross-validation,
    instead of from the detector's ``contamination``.

    Without labelled anomalies (``y`` None, or no -1 in it) there is nothing
    to tune on: ``offset_`` falls back to the fitted inner detector's own
    threshold, with a ``UserWarning`` saying so, and the detector behaves as
    its inner detector does.

    The threshold is searched as a fraction of the training scores (a
    contamination): in each fold, every held-out sample gets the fraction of
    that fold's training scores below its own score; the fraction that
    maximises ``scoring`` over all held-out labelled samples is chosen, and
    ``offset_`` flags the final detector's training samples whose fraction
    is at most the chosen one (it lies midway between the highest of their
    scores and the lowest of the others). A fraction carries over from the
    fold models to the final one, whose scores may be on another scale (a
    deep detector's often are). With ``cv="prefit"``, :meth:`predict` on the
    tuning data scores ``best_score_`` exactly.

    Parameters
    ----------
    detector : estimator
        The outlier detector to tune: anything with ``fit`` and
        ``score_samples`` (the lower, the more abnormal), e.g. a skdeepad
        detector, scikit-learn's ``IsolationForest`` or a ``Pipeline``
        ending in one. It is fitted with ``fit(X, y)``, so a detector that
        learns from labels (:class:`DevNet`, :class:`DeepSAD`) uses them.

    scoring : str or callable, default="f1"
        The metric to maximise, of the labels +1/-1 and the predictions:
        "f1", "precision" or "recall" of the anomalies (-1 is the positive
        class), "balanced_accuracy", "accuracy", "matthews_corrcoef", or a
        callable ``scoring(y_true, y_pred) -> float``, larger is better (a
        metric such as ``functools.partial(fbeta_score, beta=2,
        pos_label=-1)``, not a scorer of ``make_scorer``). A name is
        computed for every threshold at once; a callable is called once per
        distinct threshold, as many as the labelled samples.

    cv : int, cross-validation generator, iterable or "prefit", default=5
        An int is the number of folds of a
        :class:`~sklearn.model_selection.StratifiedKFold` on the labels. With
        "prefit", ``detector`` is already fitted: ``fit`` only tunes the
        threshold on ``(X, y)``, without cross-validation (use data the
        detector was not fitted on).

        A detector that scores the rows as the time steps of one series (a
        :class:`~skdeepad.timeseries.WindowedDetector`) needs folds of
        consecutive steps, such as a
        :class:`~sklearn.model_selection.TimeSeriesSplit`'s; other splits
        are refused.

    Attributes
    ----------
    detector_ : estimator
        The detector fitted on all of ``X`` (``detector`` itself with
        ``cv="prefit"``).

    offset_ : float
        The tuned threshold on :meth:`score_samples`; without labelled
        anomalies, the inner detector's threshold (see Notes).

    contamination_ : float
        The chosen fraction of training samples flagged as outliers; without
        labelled anomalies, the fraction of training samples below the inner
        detector's threshold.

    best_score_ : float
        The value of ``scoring`` at ``contamination_`` over the held-out
        labelled samples; NaN without labelled anomalies.

    n_features_in_ : int
        The number of features seen in :meth:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        The feature names seen in :meth:`fit`, defined only when ``X`` had
        string column names.

    See Also
    --------
    sklearn.model_selection.TunedThresholdClassifierCV : The same for
        classifiers.

    Notes
    -----
    ``y`` follows skdeepad's label convention: -1 a known anomaly, +1 a
    known normal sample, 0 unlabelled (fitted on, but not used to score a
    threshold). Tuning needs labelled anomalies and labelled normal samples
    among the samples that ``cv`` holds out: with an int ``cv``, at least
    ``cv`` of each, one per fold.

    Without any labelled anomaly, ``fit`` warns and keeps the inner
    detector's threshold: its ``offset_`` (a scikit-learn or skdeepad
    detector, or the last step of a ``Pipeline``), else the shift between
    its ``score_samples`` and ``decision_function`` on the training data. A
    detector with neither has no threshold of its own, and ``fit`` raises a
    ValueError asking for labels.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.ensemble import IsolationForest
    >>> from skdeepad import TunedThresholdDetector
    >>> rng = np.random.RandomState(0)
    >>> X = np.vstack([rng.normal(size=(300, 2)), rng.uniform(-6, 6, size=(30, 2))])
    >>> y = np.r_[np.ones(300, dtype=int), -np.ones(30, dtype=int)]
    >>> det = TunedThresholdDetector(IsolationForest(random_state=0)).fit(X, y)
    >>> bool(0.0 < det.contamination_ < 0.5)
    True
    >>> det.predict([[0.0, 0.0], [5.0, 5.0]])
    array([ 1, -1])
    """

    _parameter_constraints: dict = {
        "detector": [HasMethods(["fit", "score_samples"])],
        "scoring": [StrOptions(set(_METRICS)), callable],
        "cv": [
            Interval(Integral, 2, None, closed="left"),
            "cv_object",
            StrOptions({"prefit"}),
        ],
    }

    # groups are the splitter's, passed on by hand or by metadata routing (as
    # RFECV's): this class does not request them for itself, so an outer
    # search's groups do not reach it unless its own cv splits by group
    __metadata_request__fit = {"groups": UNUSED}

    def __init__(self, detector, *, scoring="f1", cv=5):
        self.detector = detector
        self.scoring = scoring
        self.cv = cv

    @property
    def _rows_are_steps(self):
        """Whether the inner detector scores rows as the steps of a series."""
        return rows_are_steps(self.detector)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # y is optional: without labelled anomalies the inner threshold stays.
        tags.target_tags.required = False
        # X goes to the inner detector as it is: what it takes, this takes.
        allow_nan, sparse = inner_input_tags([self.detector])
        tags.input_tags.allow_nan, tags.input_tags.sparse = allow_nan, sparse
        return tags

    @_fit_context(prefer_skip_nested_validation=False)
    @atomic_fit
    def fit(self, X, y=None, *, groups=None):
        """Fit the detector and tune its threshold on the labels ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The training data.
        y : array-like of shape (n_samples,), default=None
            -1 a known anomaly, +1 a known normal sample, 0 unlabelled.
            Without any -1 (or None), the threshold is not tuned: it is the
            inner detector's own, with a ``UserWarning``.
        groups : array-like of shape (n_samples,), default=None
            Each sample's group, for a ``cv`` that splits by group (such as
            :class:`~sklearn.model_selection.GroupKFold`), so that the
            samples of one group (a machine, a patient) are never both fitted
            on and held out. An int ``cv`` (a stratified split, which would
            ignore them) and ``cv="prefit"`` refuse it. With scikit-learn's
            metadata routing on, groups reach ``cv`` as routed metadata, and
            an outer search passes its groups here only when ``cv`` splits by
            group.

        Returns
        -------
        self : object
            The fitted detector.
        """
        X = in_memory(X)  # a Dask DataFrame: its rows are taken
        validate_passed_through(self, X, min_samples=2)
        labels = check_partial_labels(y, _num_samples(X))
        prefit = isinstance(self.cv, str)  # "prefit"
        if prefit:
            check_is_fitted(self.detector)
        if groups is not None:
            self._check_groups(groups, labels)
        metric = _metric(self.scoring)
        if not np.any(labels == -1):
            return self._fit_without_anomalies(X, y, prefit)
        X = row_indexable(X)
        if prefit:
            self._check_label_counts(labels, 1, "")
            detector = self.detector
            scores = scores_of(detector, X)
            ranks, rows = _fractions_below(scores, scores), np.arange(len(labels))
        else:
            ranks, rows = self._held_out_fractions(X, y, labels, groups)
            detector = clone(self.detector).fit(X, y)
            scores = scores_of(detector, X)
        labelled = labels[rows] != 0
        fraction, best_score = _best_fraction(
            ranks[labelled], labels[rows][labelled], metric, self.scoring
        )
        self.detector_ = detector
        self.offset_ = _offset_flagging(scores, fraction)
        self.contamination_ = float(np.mean(scores < self.offset_))
        self.best_score_ = best_score
        if self.contamination_ == 1.0:
            warn_at_caller(
                f"{type(self).__name__}: the tuned threshold flags every training "
                f"sample ({self.scoring!r} {best_score:.3g}): no threshold on the "
                "held-out scores did better, which happens when they rank the "
                "labelled anomalies as normal. Check the detector (more epochs, "
                "another detector) before using its predictions."
            )
        return self

    def _fit_without_anomalies(self, X, y, prefit):
        """Keep the inner detector's threshold: no labelled anomaly to tune on."""
        detector = self.detector if prefit else clone(self.detector).fit(X, y)
        scores = scores_of(detector, X)
        offset = own_threshold(detector, X, scores)
        if offset is None:
            raise ValueError(
                f"{type(self).__name__} found no labelled anomalies (-1) in y to "
                f"tune a threshold on, and its detector "
                f"{type(detector).__name__} has no threshold of its own (no "
                "offset_ nor decision_function). Pass y with labelled anomalies."
            )
        warn_at_caller(
            f"{type(self).__name__}: y holds no labelled anomalies (-1), so the "
            "threshold is not tuned; offset_ is the inner detector's own "
            "threshold. Pass y with -1 for known anomalies to tune it."
        )
        self.detector_ = detector
        self.offset_ = offset
        self.contamination_ = float(np.mean(scores < offset))
        self.best_score_ = float("nan")
        return self

    def _check_groups(self, groups, labels):
        """Refuse groups that ``cv`` would not split by, or not one per sample."""
        if isinstance(self.cv, str):  # "prefit"
            raise ValueError(
                f"{type(self).__name__}(cv='prefit') splits no folds, so it "
                "takes no groups; pass groups with a cv that splits by "
                "group, such as GroupKFold."
            )
        if isinstance(self.cv, Integral):
            raise ValueError(
                f"{type(self).__name__}(cv={self.cv}) splits by a StratifiedKFold, "
                "which ignores groups; pass a splitter that keeps each group on "
                f"one side, such as cv=StratifiedGroupKFold({self.cv}) or "
                f"GroupKFold({self.cv})."
            )
        values = np.asarray(groups)
        if values.ndim != 1:
            raise ValueError(
                f"groups must be 1-D, one group per sample; got shape {values.shape}."
            )
        check_consistent_length(labels, values)

    def get_metadata_routing(self):
        """Get the metadata routing of this object: ``fit``'s groups go to ``cv``.

        See scikit-learn's User Guide on metadata routing.

        Returns
        -------
        routing : MetadataRouter
            The routing of ``fit``'s ``groups`` to ``cv.split`` (none with
            ``cv="prefit"``).
        """
        from sklearn.model_selection import check_cv

        router = MetadataRouter(owner=type(self).__name__)
        if not isinstance(self.cv, str):  # "prefit" splits nothing
            router.add(
                splitter=check_cv(self.cv),
                method_mapping=MethodMapping().add(caller="fit", callee="split"),
            )
        return router

    def _check_consecutive(self, *folds):
        for rows in folds:
            rows = np.asarray(rows)
            if len(rows) > 1 and not np.all(np.diff(rows) == 1):
                raise ValueError(
                    f"{type(self).__name__}: {type(self.detector).__name__} "
                    "scores the rows as the time steps of one series, so each "
                    "training and test fold of cv must be consecutive steps, "
                    "in order; this cv joins steps that are apart. Use "
                    "cv=TimeSeriesSplit(...) or cv='prefit'."
                )

    def _held_out_fractions(self, X, y, labels, groups):
        """Each held-out sample's fraction of its fold's training scores below it.

        Returns the fractions and the rows they belong to.
        """
        from sklearn.model_selection import check_cv

        cv = check_cv(self.cv, labels, classifier=True)
        if isinstance(self.cv, Integral):  # stratified: one of each per fold
            n_splits = cv.get_n_splits(X, labels)
            self._check_label_counts(labels, n_splits, ", one per fold of cv")
        else:
            self._check_label_counts(labels, 1, "")
        if _routing_enabled():
            given = {} if groups is None else {"groups": groups}
            split_params = process_routing(self, "fit", **given).splitter.split
        else:
            split_params = {"groups": groups}
        ranks, rows = [], []
        for train, test in cv.split(X, labels, **split_params):
            if self._rows_are_steps:
                self._check_consecutive(train, test)
            X_train = _safe_indexing(X, train)
            detector = clone(self.detector).fit(X_train, _safe_indexing(y, train))
            ranks.append(
                _fractions_below(
                    scores_of(detector, X_train),
                    scores_of(detector, _safe_indexing(X, test)),
                )
            )
            rows.append(test)
        rows = np.concatenate(rows)
        held_out = labels[rows]
        for label, name in [(-1, "anomaly (-1)"), (1, "normal sample (+1)")]:
            if not np.any(held_out == label):
                raise ValueError(
                    f"{type(self).__name__} tunes its threshold on the samples "
                    f"that cv holds out, and those hold no labelled {name}. Use a "
                    "cv whose test folds cover the labelled samples."
                )
        return np.concatenate(ranks), rows

    def _check_label_counts(self, labels, needed, why):
        for label, name in [(-1, "anomalies (-1)"), (1, "normal samples (+1)")]:
            count = int(np.sum(labels == label))
            if count < needed:
                raise ValueError(
                    f"{type(self).__name__} needs at least {needed} labelled "
                    f"{name}{why}; y has {count}. Label more samples"
                    f"{' or lower cv' if why else ''}."
                )

    def score_samples(self, X):
        """Return the inner detector's normality scores of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The samples to score.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            The normality scores; the lower, the more abnormal.
        """
        check_is_fitted(self)
        return scores_of(self.detector_, X)


def _fractions_below(reference, scores):
    """The fraction of ``reference`` strictly below each of ``scores``."""
    return np.searchsorted(np.sort(reference), scores, side="left") / len(reference)


def _best_fraction(ranks, labels, metric, scoring=None):
    """The fraction of training scores below a sample that flags it, best by ``metric``.

    A sample is flagged (-1) when its rank is at most the fraction. The
    candidates are the distinct ranks, from the lowest; the first best (the
    smallest fraction) wins. Returns ``(fraction, score)``. A built-in
    ``scoring`` (its name) is computed for every candidate at once, equal to
    ``metric``'s values; a callable is called once per candidate.
    """
    candidates = np.unique(ranks)
    values = _metric_of_every_candidate(scoring, candidates, ranks, labels)
    if values is None:
        values = [metric(labels, np.where(ranks <= rank, -1, 1)) for rank in candidates]
    values = np.asarray(values, dtype=np.float64)
    if np.all(np.isnan(values)):
        raise ValueError("scoring returned NaN at every threshold tried.")
    best = int(np.nanargmax(values))  # a NaN is no best
    return float(candidates[best]), float(values[best])


def _metric_of_every_candidate(scoring, candidates, ranks, labels):
    """The built-in metric ``scoring`` of flagging ``ranks <= c``, for each c.

    From the confusion counts of every candidate at once, by the formulas
    scikit-learn's metrics use on them, so the values equal theirs exactly
    (the counts are integers). None for a callable, or labels of one class.
    """
    if not isinstance(scoring, str):
        return None
    anomalous = labels[np.argsort(ranks, kind="stable")] == -1
    n, positives = len(labels), int(anomalous.sum())
    negatives = n - positives
    if positives == 0 or negatives == 0:
        return None
    flagged = np.searchsorted(np.sort(ranks), candidates, side="right")
    tp = np.cumsum(anomalous)[flagged - 1].astype(np.float64)
    fp = flagged - tp
    tn = negatives - fp
    flagged = flagged.astype(np.float64)
    if scoring == "f1":
        return 2 * tp / (positives + flagged)
    if scoring == "precision":
        return tp / flagged
    if scoring == "recall":
        return tp / positives
    if scoring == "accuracy":
        return (tp + tn) / n
    if scoring == "balanced_accuracy":
        return (tp / positives + tn / negatives) / 2
    # matthews_corrcoef
    cov_true_pred = (tp + tn) * n - (positives * flagged + negatives * (n - flagged))
    cov_pred = n**2 - (flagged**2 + (n - flagged) ** 2)
    cov_true = n**2 - float(positives**2 + negatives**2)
    product = cov_pred * cov_true
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(product == 0, 0.0, cov_true_pred / np.sqrt(product))


def _offset_flagging(scores, fraction):
    """The offset under which the training ``scores`` of rank <= ``fraction`` fall.

    ``score < offset`` holds for every training score whose fraction of the
    scores strictly below it is at most ``fraction`` (ties fall together),
    and for no other: midway between the highest of those and the lowest of
    the others, or just above the highest when every score is flagged.
    """
    flagged = _fractions_below(scores, scores) <= fraction
    low = scores[flagged].max()  # the lowest score has rank 0: never empty
    if flagged.all():
        return float(np.nextafter(low, np.inf))
    high = scores[~flagged].min()
    middle = low / 2 + high / 2  # halves first: no overflow at the float range's ends
    return float(middle if middle > low else high)
