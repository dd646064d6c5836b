"""Reliability: bad input, training faults, persistence and concurrency, for
every detector of ``all_detectors()``.

The bad-input cases are the table in ``tests/_bad_inputs.py``.
"""

import functools
import sys
import warnings

import numpy as np
import pytest
from sklearn.base import clone

from skdeepad import all_detectors

from ._bad_inputs import CASES, expected
from ._params import fast_params

NAMES = [name for name, _ in all_detectors()]
X_GOOD = np.random.default_rng(0).standard_normal((40, 6))


def make_detector(name):
    detector = dict(all_detectors())[name](**fast_params(name))
    if "random_state" in detector.get_params(deep=False):
        detector.set_params(random_state=0)
    return detector


def labels_for(name, n_rows):
    """y for fit: labelled anomalies for TunedThresholdDetector to tune on."""
    if name != "TunedThresholdDetector":
        return None
    y = np.ones(n_rows, dtype=int)
    y[: max(n_rows // 10, 2)] = -1  # one per fold of its cv=2
    return y


def fit(detector, X):
    name = type(detector).__name__
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # DevNet without labels, tiny fits
        return detector.fit(X, labels_for(name, _n_rows(X)))


def _n_rows(X):
    return X.shape[0] if hasattr(X, "shape") and len(X.shape) else len(X)


@functools.cache
def fitted(name):
    return fit(make_detector(name), X_GOOD)


def assert_outcome(run, outcome, match, n_rows):
    if outcome == "ok":
        scores = run()
        assert scores.dtype == np.float64
        assert scores.shape == (n_rows,)
        assert np.all(np.isfinite(scores)), scores
    else:
        with pytest.raises(outcome, match=match):
            run()


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.stage}-{c.name}")
@pytest.mark.parametrize("name", NAMES)
def test_bad_input(name, case):
    outcome, match = expected(name, case)
    X = case.make(X_GOOD.copy())
    if case.stage == "fit":
        detector = make_detector(name)

        def run():
            return fit(detector, X).score_samples(X)

    else:
        detector = fitted(name)

        def run():
            scores = detector.score_samples(X)
            labels = detector.predict(X)
            assert set(np.unique(labels)) <= {-1, 1}
            return scores

    assert_outcome(run, outcome, match, _n_rows(X))


# ------------------------------------------------------------ property-based
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra.numpy import arrays  # noqa: E402

_SETTINGS = settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
_FINITE = st.floats(allow_nan=False, allow_infinity=False, width=64)


@pytest.mark.parametrize("name", NAMES)
@_SETTINGS
@given(data=st.data())
def test_finite_input_never_scores_nan(name, data):
    """Any finite float64 rows, tiny to 1e308, get finite scores and +1/-1 labels."""
    detector = fitted(name)
    n_rows = data.draw(st.integers(4, 12), label="rows")
    X = data.draw(arrays(np.float64, (n_rows, X_GOOD.shape[1]), elements=_FINITE))
    scores = detector.score_samples(X)
    assert scores.dtype == np.float64 and scores.shape == (n_rows,)
    assert np.all(np.isfinite(scores))
    assert set(np.unique(detector.predict(X))) <= {-1, 1}


@pytest.mark.parametrize("name", NAMES)
@_SETTINGS
@given(data=st.data())
def test_missing_values_are_named(name, data):
    """A NaN anywhere in X is a ValueError naming NaN, at predict time."""
    detector = fitted(name)
    if detector.__sklearn_tags__().input_tags.allow_nan:
        pytest.skip(f"{name} takes missing values")
    X = X_GOOD[:8].copy()
    row = data.draw(st.integers(0, X.shape[0] - 1), label="row")
    column = data.draw(st.integers(0, X.shape[1] - 1), label="column")
    X[row, column] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        detector.score_samples(X)


_DTYPES = st.sampled_from([np.float64, np.float32, np.int32, np.bool_])


@pytest.mark.parametrize("name", NAMES)
@settings(
    max_examples=3,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=st.data())
def test_fit_on_any_small_numeric_array(name, data):
    """Fits on 8-20 rows of 2-6 columns of any numeric dtype score finitely."""
    shape = (
        data.draw(st.integers(8, 20), label="rows"),
        data.draw(st.integers(2, 6), label="columns"),
    )
    dtype = data.draw(_DTYPES, label="dtype")
    X = data.draw(arrays(np.int64, shape, elements=st.integers(-1000, 1000)))
    X = X.astype(dtype)
    scores = fit(make_detector(name), X).score_samples(X)
    assert scores.dtype == np.float64 and np.all(np.isfinite(scores))


# ------------------------------------------------------------ parameters
@pytest.mark.parametrize("name", NAMES)
def test_invalid_parameters_are_named(name):
    """scikit-learn's own check: each parameter of a wrong type or value is an
    InvalidParameterError naming it, raised by ``fit``."""
    from sklearn.utils.estimator_checks import check_param_validation

    check_param_validation(name, make_detector(name))


_BAD_VALUES = [
    ("hidden_units", (0,), r"hidden_units"),
    ("hidden_units", (-4, 2), r"hidden_units"),
    ("hidden_units", ("a",), r"hidden_units"),
    ("activation", "no-such-function", r"no-such-function"),
]


@pytest.mark.parametrize(("param", "value", "match"), _BAD_VALUES)
@pytest.mark.parametrize("name", NAMES)
def test_invalid_values_within_the_type_are_named(name, param, value, match):
    detector = make_detector(name)
    if param not in detector.get_params(deep=False):
        pytest.skip(f"{name} has no {param}")
    detector.set_params(**{param: value})
    with pytest.raises(ValueError, match=match):
        fit(detector, X_GOOD)


# ------------------------------------------------------------ training faults
TRAINED = [
    n for n in NAMES if "learning_rate" in make_detector(n).get_params(deep=False)
]


# Detectors whose training loss is bounded whatever the weights: no learning
# rate makes it diverge, so there is no divergence to report.
_BOUNDED_LOSS = {
    "ICL": "a cross-entropy over unit-norm embeddings, at most log(windows) + 2 / tau",
}


@pytest.mark.parametrize("name", TRAINED)
def test_divergence_is_a_clear_error_and_leaves_the_detector_as_it_was(name):
    if name in _BOUNDED_LOSS:
        pytest.skip(f"{name}'s loss cannot diverge: {_BOUNDED_LOSS[name]}")
    detector = clone(fitted(name))
    fit(detector, X_GOOD)
    before = detector.score_samples(X_GOOD)
    detector.set_params(learning_rate=1e6, epochs=5)
    with pytest.raises(ValueError, match=rf"{name} diverged.*learning_rate"):
        fit(detector, X_GOOD + 1)
    np.testing.assert_array_equal(detector.score_samples(X_GOOD), before)

    unfitted = clone(detector)
    with pytest.raises(ValueError, match="diverged"):
        fit(unfitted, X_GOOD + 1)
    assert not any(k.endswith("_") and not k.startswith("_") for k in vars(unfitted))


def _interrupt(*args, **kwargs):
    raise KeyboardInterrupt


def _interrupt_at_the_end_of_fit(monkeypatch):
    """Make the threshold, the last step of every fit, interrupt it."""
    import skdeepad.core._detector
    import skdeepad.meta._reconstruction
    import skdeepad.meta._threshold
    import skdeepad.sequence._windowed

    for module in (
        skdeepad.core._detector,
        skdeepad.meta._reconstruction,
        skdeepad.sequence._windowed,
    ):
        monkeypatch.setattr(module, "offset_from_scores", _interrupt)
    monkeypatch.setattr(skdeepad.meta._threshold, "_offset_flagging", _interrupt)


@pytest.mark.parametrize("name", NAMES)
def test_an_interrupted_fit_keeps_the_previous_fit(name, monkeypatch):
    """KeyboardInterrupt at the very end of fit, when every other fitted
    attribute is already set: the detector is left as before the call."""
    detector = fit(make_detector(name), X_GOOD)
    state = dict(vars(detector))
    before = detector.score_samples(X_GOOD)
    _interrupt_at_the_end_of_fit(monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        fit(detector, X_GOOD[:, :3] + 1)
    assert vars(detector).keys() == state.keys()
    assert all(vars(detector)[k] is v for k, v in state.items())
    monkeypatch.undo()
    np.testing.assert_array_equal(detector.score_samples(X_GOOD), before)

    unfitted = make_detector(name)
    _interrupt_at_the_end_of_fit(monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        fit(unfitted, X_GOOD)
    assert vars(unfitted) == vars(make_detector(name))


@pytest.mark.parametrize("name", TRAINED)
def test_an_interrupt_during_training_keeps_the_previous_fit(name):
    """KeyboardInterrupt from a Keras callback in the middle of training."""
    import keras

    class Interrupt(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            raise KeyboardInterrupt

    detector = fit(make_detector(name), X_GOOD)
    before = detector.score_samples(X_GOOD)
    network = detector.network_
    detector.set_params(callbacks=[Interrupt()], epochs=3)
    with pytest.raises(KeyboardInterrupt):
        fit(detector, X_GOOD * 2)
    assert detector.network_ is network
    np.testing.assert_array_equal(detector.score_samples(X_GOOD), before)


# ------------------------------------------------------------ concurrency
@pytest.mark.parametrize("name", NAMES)
def test_eight_threads_score_as_one(name):
    from concurrent.futures import ThreadPoolExecutor

    detector = fitted(name)
    X = np.random.default_rng(1).standard_normal((64, X_GOOD.shape[1]))
    serial = detector.score_samples(X)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: detector.score_samples(X), range(16)))
    for result in results:
        np.testing.assert_array_equal(result, serial)


# ------------------------------------------------------------ memory
def _speed_benchmark():
    """benchmarks/speed.py as a module, for its memory sampler."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "speed.py"
    spec = importlib.util.spec_from_file_location("speed_benchmark", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_scoring_five_million_rows_holds_little_more_than_the_scores():
    """Peak memory while scoring 5,000,000 rows stays within a small multiple
    of the scores (38 MiB) plus one chunk: nothing the size of the input is
    copied (it is 76 MiB here, standardised chunk by chunk)."""
    detector = make_detector("AutoEncoder")
    rng = np.random.default_rng(0)
    fit(detector, rng.standard_normal((2000, 4)))
    X = rng.standard_normal((5_000_000, 4), dtype=np.float32)
    # Warm up on one full chunk (262,144 rows of 4 features): the first pass
    # at that size grows TensorFlow's and the C allocator's pools for good.
    detector.score_samples(X[:600_000])
    scores = []
    _, growth = _speed_benchmark().peak_rss_growth_mb(
        lambda: scores.append(detector.score_samples(X))
    )
    output = scores[0].nbytes / 2**20
    assert np.all(np.isfinite(scores[0]))
    assert growth < 3 * output + 64, f"peak growth {growth:.0f} MiB"


# TunedThresholdDetector's IsolationForest casts to float32 itself (scikit-learn's)
@pytest.mark.parametrize("name", sorted(set(NAMES) - {"TunedThresholdDetector"}))
def test_rows_beyond_float32_are_flagged(name):
    """A row too large for the networks' float32 is an outlier, never an inlier."""
    detector = fitted(name)
    far = X_GOOD[:8].copy()
    far[[3, 5]] = [np.full(6, 1e39), np.r_[1e39, np.zeros(5)]]
    rows = [3, 5]
    scores = detector.score_samples(far)
    assert np.all(np.isfinite(scores))
    assert np.all(scores[rows] < detector.score_samples(X_GOOD).min())
    assert np.all(detector.predict(far)[rows] == -1)


def test_constant_features_are_centred_exactly():
    # scikit-learn sums a feature constant at 1e20 to a mean off by ~1e6, and
    # keeps its scale 1: the network saw that error as a huge constant input
    import scipy.sparse as sp

    from skdeepad import AutoEncoder

    da = pytest.importorskip("dask.array")

    X = np.random.default_rng(0).normal(size=(500, 4))
    X[:, 0], X[:, 1] = 1e20, 0.1
    fits = {
        "in memory": AutoEncoder(epochs=1, random_state=0).fit(X),
        "partial_fit": AutoEncoder(random_state=0).partial_fit(X[:250]).partial_fit(
            X[250:]
        ),
        "sparse": AutoEncoder(epochs=1, random_state=0).fit(sp.csr_matrix(X)),
        "streamed": AutoEncoder(epochs=1, random_state=0).fit(
            da.from_array(X, chunks=(100, 4))
        ),
    }
    for how, detector in fits.items():
        centred = detector.scaler_.transform(X)
        assert np.array_equal(centred[:, :2], np.zeros((500, 2))), how
        assert np.all(np.isfinite(detector.score_samples(X))), how
        assert np.abs(detector.score_samples(X)).max() < 100, how  # 2e11 before


def test_a_feature_of_unit_variance_is_not_taken_for_constant():
    # a feature standardised before has a variance of 1 up to rounding, and
    # a scale of exactly 1, as a constant feature has
    from sklearn.preprocessing import StandardScaler

    from skdeepad._utils import checked_scaler

    X = StandardScaler().fit_transform(np.random.default_rng(1).normal(size=(50, 2)))
    scaler = StandardScaler().fit(X)
    scaler.var_[0] = np.nextafter(1.0, 2.0)
    scaler.scale_[0] = np.sqrt(scaler.var_[0])
    assert scaler.scale_[0] == 1.0
    mean = scaler.mean_.copy()
    np.testing.assert_array_equal(checked_scaler(scaler, X[0]).mean_, mean)
