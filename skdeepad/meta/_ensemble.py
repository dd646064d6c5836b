"""Several outlier detectors as one: their scores on one scale, averaged."""

import numpy as np
from scipy.special import ndtr, ndtri
from sklearn.base import OutlierMixin, is_outlier_detector
from sklearn.utils import Bunch
from sklearn.utils.validation import check_is_fitted, validate_data

from .._compat import StrOptions, _BaseComposition, _fit_context
from .._config import DocLinkMixin
from .._docstrings import fill_doc
from .._utils import FLOAT_DTYPES, in_memory, rows_are_steps, seeded_clones
from ..core import (
    CONTAMINATION_CONSTRAINT,
    ThresholdMixin,
    atomic_fit,
    normalized_average,
    offset_from_scores,
    robust_scale,
    robust_zscore,
    scores_of,
)
from ..persistence import SaveMixin
from ._utils import training_scores

__all__ = ["DetectorEnsemble"]


@fill_doc
class DetectorEnsemble(
    DocLinkMixin, ThresholdMixin, SaveMixin, OutlierMixin, _BaseComposition
):
    """An ensemble of outlier detectors: normalised scores, averaged.

    Each member is cloned and fitted on ``X``. Its scores are put on one scale
    learned from its own training scores (``normalization``), then the
    members' normalised scores are averaged (weighted by ``weights``). The
    ensemble thresholds its combined scores like every skdeepad detector:
    ``offset_`` comes from ``contamination`` over the combined training
    scores.

    Members are named, as in scikit-learn's ``VotingClassifier``: with
    ``estimators=[("ae", AutoEncoder()), ...]``, ``set_params(ae__epochs=5)``
    reaches the member, and so does ``GridSearchCV`` (``"ae__epochs"``).

    Parameters
    ----------
    estimators : list of (str, estimator) or None, default=None
        The named members. Any outlier detector with ``fit`` and
        ``score_samples`` (the lower, the more abnormal) is a member: every
        skdeepad tabular detector, scikit-learn's ``IsolationForest``,
        ``OneClassSVM``, ``EllipticEnvelope``, and ``LocalOutlierFactor``
        with ``novelty=True`` (the only setting in which it scores new data).
        None uses ``[("dte", DTE()), ("deepisolationforest",
        DeepIsolationForest()), ("icl", ICL())]``: among the savable
        members, the smallest combination that scored at least as well as
        the others on the development datasets in both the clean-train and
        the unsupervised setting (benchmarks/results/ensemble_tuning.md);
        DTE learns the density of the normal data, ICL how its features go
        together, and the forests isolate what stands out even when
        anomalies are in the training data. Pass the list explicitly to tune
        the members' parameters, or to drop ICL for a faster fit. A member
        set to ``"drop"`` (``set_params(icl="drop")``, or as a value in a
        grid search) is left out, as in ``VotingClassifier``; one at least
        must stay.

    normalization : {"zscore", "rank"}, default="zscore"
        How a member's scores are put on the common scale, from its training
        scores:

        - "zscore": ``(score - median) / scale``, the scale a robust spread of
          the training scores (the interquartile range / 1.349; the median
          absolute deviation, the standard deviation or 1 where that is 0);
        - "rank": the empirical distribution function of the training scores
          (mid-ranks, linearly interpolated), in [0, 1]; scores beyond the
          training range are squeezed into the last half-rank by an
          exponential tail, so they stay ordered.

        "zscore" ranked better in the clean-train setting (ADBench development
        sets, seeds 0-2, ``benchmarks/results/ensemble_tuning.md``): a member
        that finds a sample far out keeps that weight in the average, where
        ranks cap it at 0.

        A member's NaN or -inf score counts as its lowest possible score (the
        most abnormal), in training as in scoring.

    weights : array-like of shape (n_estimators,) or None, default=None
        Non-negative weights of the members in the average; None weighs them
        equally. A member of weight 0 is fitted but left out of the scores,
        a way to switch members off in a grid search.

    contamination : 'auto' or float, default='auto'
        The expected proportion of outliers in the training data; it sets
        ``offset_``, the threshold of :meth:`decision_function` and
        :meth:`predict`, from the combined training scores: a float in
        (0, 0.5] takes that percentile of them, 'auto' the lower fence of
        Tukey's boxplot rule, ``Q1 - 1.5 * (Q3 - Q1)``. On the bounded scale
        of ``normalization="rank"`` that fence would lie below every score,
        so there 'auto' takes it on the standard normal quantiles of the
        combined scores and maps it back (``offset_ = Phi(q1 - 1.5 * (q3 -
        q1))``, ``q = Phi^-1(Q)``).

    random_state : int, RandomState instance or None, default=None
        With an int or a RandomState, each member that takes a
        ``random_state`` gets its own seed drawn from it (members' own
        ``random_state`` values are replaced), so the ensemble is
        reproducible and no two members share a seed. None leaves the
        members' ``random_state`` as they are.

    Attributes
    ----------
    estimators_ : list of estimators
        The fitted clones of the members, in the order of ``estimators``.

    named_estimators_ : sklearn.utils.Bunch
        The fitted members by name.

    reference_scores_ : list of ndarray of shape (n_samples,)
        Each member's training scores, sorted: the reference its scores are
        normalised against. For a member that keeps the scores of its
        training rows in ``negative_outlier_factor_`` (LocalOutlierFactor),
        those; for the others, ``score_samples`` of the training data.

    weights_ : ndarray of shape (n_members,) or None
        The members' weights at fit (``None``: equal). Scoring uses these and
        the normalization of the fit: ``weights`` and ``normalization`` set
        afterwards take effect at the next fit, as ``offset_`` is learnt
        from them.

    offset_ : float
        The threshold on :meth:`score_samples`.

    n_features_in_ : int
        The number of features seen in :meth:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        The feature names seen in :meth:`fit`, defined only when ``X`` had
        string column names.

    See Also
    --------
    TunedThresholdDetector : tunes one detector's threshold on labels.

    Notes
    -----
    Members see ``X`` as given (validated, as float): a member that needs
    standardised features standardises them itself, as skdeepad's deep
    detectors do. ``LocalOutlierFactor`` with ``novelty=False`` cannot score
    new data and is refused with a ``TypeError``; with ``novelty=True`` its
    reference is ``negative_outlier_factor_`` (each training row left out of
    its own neighbours), not ``score_samples`` of the training rows, which
    would make them look more normal than new data.

    The default members score higher than DTE and DeepIsolationForest alone
    on ADBench's classical datasets in both settings, but fit about twice as
    long, ICL being the slowest on small data; on very narrow tables (a
    handful of features, where ICL has few windows to match) the pair
    ``[("dte", DTE()), ("deepisolationforest", DeepIsolationForest())]``
    did better on the built-in tasks of ``skdeepad benchmark``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.ensemble import IsolationForest
    >>> from skdeepad import AutoEncoder, DetectorEnsemble
    >>> X = np.random.default_rng(0).normal(size=(200, 4))
    >>> det = DetectorEnsemble(
    ...     [("ae", AutoEncoder(epochs=5)), ("iforest", IsolationForest())],
    ...     random_state=0,
    ... ).fit(X)
    >>> det.predict([[0.0, 0.0, 0.0, 0.0], [6.0, -6.0, 6.0, -6.0]])
    array([ 1, -1])
    >>> det.set_params(ae__epochs=10).get_params()["ae__epochs"]
    10
    """

    _parameter_constraints: dict = {
        "estimators": [list, None],
        "normalization": [StrOptions({"rank", "zscore"})],
        "weights": ["array-like", None],
        "contamination": CONTAMINATION_CONSTRAINT,
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        estimators=None,
        *,
        normalization="zscore",
        weights=None,
        contamination="auto",
        random_state=None,
    ):
        self.estimators = estimators
        self.normalization = normalization
        self.weights = weights
        self.contamination = contamination
        self.random_state = random_state

    def get_params(self, deep=True):
        """Get the parameters of the ensemble and, with ``deep``, of its members.

        Parameters
        ----------
        deep : bool, default=True
            Whether to include each member (by its name) and its parameters
            (``name__parameter``).

        Returns
        -------
        params : dict
            Parameter names mapped to their values.
        """
        return self._get_params("estimators", deep=deep)

    def set_params(self, **params):
        """Set the parameters of the ensemble or of its members.

        Parameters
        ----------
        **params : keyword arguments
            ``estimators``, a member by its name (replacing it), a member's
            parameter as ``name__parameter``, or one of the ensemble's own.

        Returns
        -------
        self : DetectorEnsemble
            This ensemble.
        """
        self._set_params("estimators", **params)
        return self

    @property
    def named_estimators_(self):
        check_is_fitted(self)
        return Bunch(**dict(zip(self._names, self.estimators_, strict=True)))

    @_fit_context(prefer_skip_nested_validation=False)
    @atomic_fit
    def fit(self, X, y=None):
        """Fit every member on ``X`` and learn the scale of its scores.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The training data, mostly normal.
        y : None
            Ignored; present for API consistency.

        Returns
        -------
        self : object
            The fitted ensemble.
        """
        names, members, weights, kept = self._checked_members()
        X = validate_data(self, in_memory(X), dtype=FLOAT_DTYPES)
        # Seeded by position, "drop" ones included, so that dropping a member
        # leaves the others' seeds (and scores) as a weight of 0 does.
        seeded = seeded_clones(members, self.random_state)
        fitted = [member for member, keep in zip(seeded, kept, strict=True) if keep]
        names = [name for name, keep in zip(names, kept, strict=True) if keep]
        training = []
        for member in fitted:
            member.fit(X, y=None)  # y=None: a FrozenEstimator's fit needs one
            # finite: one NaN would make the median and spread of its scale NaN
            training.append(training_scores(member, X))
        self.estimators_, self._names = fitted, names
        self.weights_, self._normalization = weights, self.normalization
        self.reference_scores_ = [np.sort(scores) for scores in training]
        combined = self._combine(training)
        if self.normalization == "rank" and self.contamination == "auto":
            # Tukey's fence on the bounded rank scale lies below every score:
            # take it on the normal quantiles of the ranks, then map it back.
            self.offset_ = float(ndtr(offset_from_scores(ndtri(combined), "auto")))
        else:
            self.offset_ = offset_from_scores(combined, self.contamination)
        return self

    def score_samples(self, X):
        """Return the members' normalised scores, averaged.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The samples to score.

        Returns
        -------
        scores : ndarray of shape (n_samples,), dtype float64
            The normality scores; the lower, the more abnormal.
        """
        check_is_fitted(self)
        X = validate_data(self, in_memory(X), dtype=FLOAT_DTYPES, reset=False)
        # Rows in one canonical order: a float32 network rounds a row differently
        # next to other rows, which normalising would magnify. Not for a member
        # that scores the rows as the time steps of a series (a
        # WindowedDetector): their order is the data.
        in_order = np.arange(len(X))
        canonical = np.lexsort(X.T[::-1]) if len(X) > 1 else in_order
        scores = np.empty((len(self.estimators_), len(X)))
        with np.errstate(over="ignore"):  # a member's float32 cast of huge rows
            for i, member in enumerate(self.estimators_):
                order = in_order if rows_are_steps(member) else canonical
                scores[i, order] = scores_of(member, X[order])
        return self._combine(scores)

    def _combine(self, member_scores):
        # The weights and normalization of the fit, which offset_ was learnt on.
        return normalized_average(
            member_scores,
            self.reference_scores_,
            normalize=_rank if self._normalization == "rank" else robust_zscore,
            weights=self.weights_,
        )

    def __setstate__(self, state):
        # Ensembles pickled before the fit kept its weights and normalization.
        if "reference_scores_" in state and "weights_" not in state:
            state = {**state, "_normalization": state["normalization"]}
            weights = state["weights"]
            state["weights_"] = (  # a copy, as fit makes
                None if weights is None else np.array(weights, dtype=np.float64)
            )
        super().__setstate__(state)

    @property
    def _rows_are_steps(self):
        """Whether a member scores rows as the steps of a series (keep their order)."""
        members = getattr(self, "estimators_", None)
        if members is None:
            try:
                members = [member for _, member in self.estimators]
            except (TypeError, ValueError):  # not (name, member) pairs: fit says
                return False
        return any(map(rows_are_steps, members))

    def _checked_members(self):
        """Names and members as given ("drop" ones too), kept ones' weights, kept."""
        estimators = self.estimators
        if estimators is None:
            estimators = _default_members()
        if not estimators:
            raise ValueError(
                "estimators must hold at least one (name, detector) pair; got []."
            )
        for item in estimators:
            if not (
                isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str)
            ):
                raise TypeError(
                    "estimators must be a list of (name, detector) pairs; "
                    f"got {item!r}."
                )
        names, members = zip(*estimators, strict=True)
        self._validate_names(names)
        weights = self._checked_weights(len(members))
        kept = [not (isinstance(m, str) and m == "drop") for m in members]
        if not any(kept):
            raise ValueError(
                "Every member of the ensemble is 'drop'; at least one must stay."
            )
        for name, member, keep in zip(names, members, kept, strict=True):
            if keep:
                _check_member(name, member)
        dropped = [name for name, keep in zip(names, kept, strict=True) if not keep]
        if weights is not None:
            weights = weights[kept]
            if not weights.sum() > 0:
                raise ValueError(
                    f"weights must not be all 0 over the members kept; got "
                    f"{self.weights!r} with {dropped} dropped."
                )
        return list(names), list(members), weights, kept

    def _checked_weights(self, n_members):
        """The weights, one per member ("drop" ones included), as float64."""
        if self.weights is None:
            return None
        try:
            # a copy: the weights of the fit, whatever becomes of the array passed
            weights = np.array(self.weights, dtype=np.float64)
        except (TypeError, ValueError) as error:
            raise ValueError(
                f"weights must be numbers, one per member; got {self.weights!r}."
            ) from error
        if weights.shape != (n_members,):
            raise ValueError(
                f"weights must have one value per member ({n_members}); got "
                f"{self.weights!r}."
            )
        if not (np.all(np.isfinite(weights)) and np.all(weights >= 0)) or not (
            weights.sum() > 0
        ):
            raise ValueError(
                f"weights must be finite, non-negative and not all 0; got "
                f"{self.weights!r}."
            )
        return weights


def _default_members():
    from ..tabular import DTE, ICL, DeepIsolationForest

    return [
        ("dte", DTE()),
        ("deepisolationforest", DeepIsolationForest()),
        ("icl", ICL()),
    ]


def _check_member(name, member):
    """TypeError unless ``member`` is an outlier detector that scores new data."""
    what = f"The member {name!r} ({type(member).__name__})"
    if isinstance(member, type):
        raise TypeError(
            f"{what} is a class; pass an instance, e.g. {member.__name__}()."
        )
    if not (hasattr(member, "fit") and hasattr(member, "score_samples")):
        hint = (
            " LocalOutlierFactor scores new data only with novelty=True."
            if "novelty" in getattr(member, "get_params", dict)()
            else ""
        )
        raise TypeError(
            f"{what} has no fit or no score_samples method: a member must be an "
            f"outlier detector that scores new data.{hint}"
        )
    try:
        detector = is_outlier_detector(member)
    except Exception:  # no scikit-learn tags at all
        detector = False
    if not detector:
        raise TypeError(
            f"{what} is not an outlier detector (its estimator type is not "
            "'outlier_detector'); a member must be one, e.g. IsolationForest()."
        )


def _rank(scores, reference):
    """The interpolated mid-rank distribution function of ``reference`` at ``scores``.

    In [0, 1]. Below the lowest training score it decays exponentially from
    that score's mid-rank towards 0 (above the highest, towards 1), with the
    training scores' robust spread as its length: scores beyond the training
    range keep their order.
    """
    knots, counts = np.unique(reference, return_counts=True)
    cdf = (np.cumsum(counts) - counts / 2) / len(reference)
    out = np.interp(scores, knots, cdf)
    scale = robust_scale(reference)
    below, above = scores < knots[0], scores > knots[-1]
    out[below] = cdf[0] * np.exp((scores[below] - knots[0]) / scale)
    out[above] = 1 - (1 - cdf[-1]) * np.exp((knots[-1] - scores[above]) / scale)
    return out
