"""Partial labels: -1 known anomaly, +1 known normal, 0 unlabelled."""

import numpy as np
import pytest

from skdeepad import DeepSAD, DevNet
from skdeepad._labels import check_partial_labels


def test_none_means_all_unlabelled():
    labels = check_partial_labels(None, 4)
    assert labels.dtype == np.int8 and labels.tolist() == [0, 0, 0, 0]


@pytest.mark.parametrize(
    "y, expected",
    [
        ([-1, 0, 1, 1], [-1, 0, 1, 1]),
        ([-3, 0, 2, 7], [-1, 0, 1, 1]),  # any negative / positive integer
        (np.array([-1.0, 0.0, 1.0, 0.0]), [-1, 0, 1, 0]),
        (np.array([-1, 0, 1, 0], dtype=object), [-1, 0, 1, 0]),
    ],
)
def test_labels_by_sign(y, expected):
    assert check_partial_labels(y, 4).tolist() == expected


@pytest.mark.parametrize(
    "y, message",
    [
        (["a", "b", "c", "d"], "integer labels"),
        # numbers as text, which NumPy would read as numbers: refused as text
        (["-1", "0", "1", "0"], "got text, e.g. '-1'"),
        (np.array([b"-1", b"0", b"1", b"0"]), "got text, e.g. b'-1'"),
        (np.array([0, "1", -1, 0], dtype=object), "got text, e.g. '1'"),
        ([0.5, 0, 1, -1], "integer labels"),
        ([np.nan, 0, 1, -1], "integer labels"),
        ([True, False, False, False], "boolean"),
        (np.array([True, False, False, False], dtype=object), "boolean"),
        (np.array(["2020-01-01"] * 4, dtype="datetime64[ns]"), "integer labels"),
        ([0, 1, -1], "inconsistent numbers of samples"),
    ],
)
def test_bad_labels_are_a_clear_value_error(y, message):
    with pytest.raises(ValueError, match=message):
        check_partial_labels(y, 4)


@pytest.mark.parametrize("cls", [DevNet, DeepSAD])
def test_detectors_reject_bad_labels_before_training(cls):
    X = np.random.RandomState(0).normal(size=(20, 3))
    with pytest.raises(ValueError, match="integer labels"):
        cls(epochs=1).fit(X, ["x"] * 20)
    with pytest.raises(ValueError, match="inconsistent numbers"):
        cls(epochs=1).fit(X, np.zeros(19))
    assert not hasattr(cls(), "network_")


@pytest.mark.parametrize("cls", [DevNet, DeepSAD])
def test_labels_only_anomalies_is_a_clear_value_error(cls):
    X = np.random.RandomState(0).normal(size=(20, 3))
    with pytest.raises(
        ValueError, match="every sample in y is labelled a known anomaly"
    ):
        cls(epochs=1).fit(X, -np.ones(20))


def test_fit_documents_the_convention_once_for_all_detectors():
    from skdeepad import AutoEncoder

    for cls in (DevNet, DeepSAD, AutoEncoder):
        assert "``-1``: a known anomaly" in cls.fit.__doc__


def _zero_one_labels(n_samples, n_anomalies):
    y = np.zeros(n_samples, dtype=int)
    y[:n_anomalies] = 1
    return y


@pytest.mark.parametrize(
    "y, warns",
    [
        (_zero_one_labels(20, 2), True),  # ADBench's: 1 = anomaly, a minority
        (_zero_one_labels(20, 9), True),
        (_zero_one_labels(20, 10), False),  # half or more 1s: known normals
        (np.where(_zero_one_labels(20, 2) == 1, -1, 0), False),
        (np.r_[-1, _zero_one_labels(19, 2)], False),  # a -1: this convention
        (np.zeros(20, dtype=int), False),
    ],
)
def test_zero_one_labels_with_few_ones_warn(y, warns):
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_partial_labels(y, 20)
    messages = [str(w.message) for w in caught]
    assert any("np.where(y == 1, -1, 0)" in m for m in messages) == warns, messages


@pytest.mark.parametrize(
    "name", ["DevNet", "DeepSAD", "Donut", "TunedThresholdDetector"]
)
def test_detectors_taking_y_warn_at_the_callers_line_on_zero_one_labels(name):
    from skdeepad import all_detectors

    from ._params import fast_params

    X = np.random.RandomState(0).normal(size=(40, 8))
    detector = dict(all_detectors())[name](**fast_params(name))
    with pytest.warns(UserWarning, match=r"np\.where\(y == 1, -1, 0\)") as record:
        try:
            detector.fit(X, _zero_one_labels(40, 4))
        except ValueError:
            pass  # TunedThresholdDetector: no -1 to tune on and no threshold
    ours = [w for w in record if "np.where(y == 1" in str(w.message)]
    assert ours[0].filename == __file__


def test_a_pandas_boolean_column_is_refused_as_boolean():
    pd = pytest.importorskip("pandas")
    y = pd.Series([True, False, False, False], dtype="boolean")
    with pytest.raises(ValueError, match="boolean"):
        check_partial_labels(y, 4)
