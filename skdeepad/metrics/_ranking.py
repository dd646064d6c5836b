"""ROC-AUC and average precision of normality scores, anomalies the positive class."""

from sklearn.metrics import average_precision_score, make_scorer, roc_auc_score

from ._validation import check_binary_target, check_scores

__all__ = [
    "anomaly_average_precision",
    "anomaly_average_precision_scorer",
    "anomaly_roc_auc",
    "anomaly_roc_auc_scorer",
]

_RESPONSE = ("decision_function", "score_samples")


def _anomaly_target_and_score(y_true, y_score, metric):
    is_anomaly = check_binary_target(y_true, metric)
    return is_anomaly, -check_scores(y_score, len(is_anomaly))


def anomaly_roc_auc(y_true, y_score):
    """Area under the ROC curve of normality scores, the anomalies as positives.

    ``roc_auc_score(y, scores)`` is right only for +1/-1 labels, where +1 (the
    normal class) is the positive class that high scores should rank first. With
    0/1 labels, 1 = anomaly, it silently returns ``1 - AUC``. This function
    reads either convention and negates the scores, so both give the same value.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        0/1 labels with 1 = anomaly, or +1/-1 labels with -1 = anomaly (as
        ``predict`` returns). Both classes must be present.
    y_score : array-like of shape (n_samples,)
        Normality scores, the higher the more normal, such as ``score_samples``
        or ``decision_function`` of a fitted detector.

    Returns
    -------
    auc : float
        The probability that a random anomaly scores lower than a random normal
        sample (ties count one half): 1 is a perfect ranking, 0.5 chance.

    Raises
    ------
    ValueError
        If ``y_true`` holds one class only (a cross-validation fold without
        anomalies: use ``StratifiedKFold(shuffle=True)``), labels of another
        convention, or scores that are not finite or not one per label.

    See Also
    --------
    anomaly_average_precision : Average precision with the same conventions.

    Examples
    --------
    >>> from skdeepad.metrics import anomaly_roc_auc
    >>> scores = [0.9, 0.8, 0.1, 0.7]  # higher = more normal
    >>> anomaly_roc_auc([0, 0, 1, 0], scores)
    1.0
    >>> anomaly_roc_auc([1, 1, -1, 1], scores)
    1.0
    """
    is_anomaly, anomaly_score = _anomaly_target_and_score(y_true, y_score, "ROC-AUC")
    return float(roc_auc_score(is_anomaly, anomaly_score))


def anomaly_average_precision(y_true, y_score):
    """Average precision of normality scores, the anomalies as positives.

    The anomalies are ranked from the lowest score up; average precision is
    ``sum_k (R_k - R_{k-1}) P_k`` over the thresholds of that ranking, with
    ``P_k`` and ``R_k`` the precision and recall of the anomalies flagged at the
    k-th threshold, as :func:`sklearn.metrics.average_precision_score` computes
    it. Chance level is the fraction of anomalies.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        0/1 labels with 1 = anomaly, or +1/-1 labels with -1 = anomaly (as
        ``predict`` returns). Both classes must be present.
    y_score : array-like of shape (n_samples,)
        Normality scores, the higher the more normal, such as ``score_samples``
        or ``decision_function`` of a fitted detector.

    Returns
    -------
    average_precision : float
        1 when every anomaly ranks first; about the fraction of anomalies for
        a random ranking, and lower for one worse than chance.

    Raises
    ------
    ValueError
        If ``y_true`` holds one class only (a cross-validation fold without
        anomalies: use ``StratifiedKFold(shuffle=True)``), labels of another
        convention, or scores that are not finite or not one per label.

    See Also
    --------
    anomaly_roc_auc : ROC-AUC with the same conventions.

    Examples
    --------
    >>> from skdeepad.metrics import anomaly_average_precision
    >>> scores = [0.9, 0.2, 0.1, 0.7]  # higher = more normal
    >>> anomaly_average_precision([0, 0, 1, 0], scores)
    1.0
    >>> round(anomaly_average_precision([0, 0, 1, 1], scores), 3)
    0.833
    """
    is_anomaly, anomaly_score = _anomaly_target_and_score(
        y_true, y_score, "average precision"
    )
    return float(average_precision_score(is_anomaly, anomaly_score))


anomaly_roc_auc_scorer = make_scorer(anomaly_roc_auc, response_method=_RESPONSE)
anomaly_average_precision_scorer = make_scorer(
    anomaly_average_precision, response_method=_RESPONSE
)
