"""Every deep detector under a global Keras dtype policy other than float32.

A user who set ``keras.config.set_floatx("float64")`` or the
``mixed_float16`` dtype policy for other models fits skdeepad's detectors too: the
custom training steps must not mix dtypes (a TensorFlow error), and DAGMM's
Cholesky must not run in half precision.
"""

import warnings

import keras
import numpy as np
import pytest

from skdeepad import all_detectors
from skdeepad.core import BaseDetector

from ._params import fast_params

DEEP = [(name, cls) for name, cls in all_detectors() if issubclass(cls, BaseDetector)]


@pytest.fixture(params=["float64", "mixed_float16", "mixed_bfloat16"])
def policy(request):
    floatx, before = keras.config.floatx(), keras.config.dtype_policy()
    if request.param == "float64":
        keras.config.set_floatx("float64")  # the policy follows floatx
    keras.config.set_dtype_policy(request.param)
    try:
        yield request.param
    finally:
        keras.config.set_floatx(floatx)
        keras.config.set_dtype_policy(before)


def _output_dtypes(model):
    """The dtypes of a model's outputs, and of its nested models' outputs."""
    dtypes = {f"{model.name}:{i}": t.dtype for i, t in enumerate(model.outputs)}
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            dtypes |= _output_dtypes(layer)
    return dtypes


@pytest.mark.parametrize("name, cls", DEEP, ids=[name for name, _ in DEEP])
def test_detectors_fit_and_score_under_the_policy(name, cls, policy):
    if name == "GANomaly" and keras.backend.backend() != "tensorflow":
        pytest.skip("GANomaly trains on TensorFlow only")
    X = np.random.default_rng(0).standard_normal((60, 6))
    detector = cls(**fast_params(name), random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # DevNet and DeepSAD without labels
        scores = detector.fit(X).score_samples(X)
    assert scores.dtype == np.float64
    assert np.all(np.isfinite(scores))
    # Keras's mixed-precision advice: a model's outputs in float32 at least, so
    # that its loss and the scores made from them are not rounded to float16's
    # three digits (under float64, float64)
    networks = [detector.network_] + [
        value for value in vars(detector).values() if isinstance(value, keras.Model)
    ]
    dtypes = {}
    for network in networks:
        dtypes |= _output_dtypes(network)
    expected = "float64" if policy == "float64" else "float32"
    assert dtypes and set(dtypes.values()) == {expected}, dtypes


# From float16 outputs, 2,000 rows got 299 (ICL) and 1,310 (DeepSVDD) distinct
# scores; exp(log_var) in the VAE's KL term and DAGMM's sums of squares overflowed
# float16 on these values ("diverged", whatever the learning rate). Those parts
# now run in float32 at least, as Keras advises for a model's outputs.
@pytest.mark.parametrize(
    "name, distinct",
    [
        ("VariationalAutoEncoder", 1000),
        ("DAGMM", 1000),
        ("ICL", 1900),
        ("DeepSVDD", 1900),
        ("LUNAR", 1900),  # 758 from its float16 score layers
    ],
)
def test_half_precision_fits_and_scores_skewed_data(name, distinct, policy):
    if policy == "float64":
        pytest.skip("the half-precision policies")
    cls = dict(all_detectors())[name]
    X = np.random.RandomState(0).lognormal(sigma=2.0, size=(2000, 8))
    scores = cls(epochs=2, random_state=0).fit(X).score_samples(X)
    assert np.all(np.isfinite(scores)) and len(np.unique(scores)) > distinct

