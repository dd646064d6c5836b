"""Every detector on the JAX and PyTorch Keras backends, where they install.

Each backend runs in a fresh process (Keras picks its backend at import):
every detector fits through the compiled training path (more than the eager
fits' 10 steps), scores finitely, reproduces its scores from a seed, and
round-trips through ``save``/``load``. GANomaly's adversarial train step is
TensorFlow's, so on the others it must refuse with a clear ValueError.
"""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = """
import json, os, sys, tempfile, warnings
import numpy as np
sys.path.insert(0, sys.argv[1])
warnings.simplefilter("ignore")
from tests._params import fast_params
from skdeepad import all_detectors, load

X = np.random.default_rng(0).standard_normal((60, 6))
results = {}
for name, cls in all_detectors():
    params = {**fast_params(name)}
    if "epochs" in params:
        params["epochs"] = 12  # 12 steps: past the eager fits, compiled
    y = None
    if name == "TunedThresholdDetector":
        y = np.ones(60, dtype=int)
        y[:6] = -1
    try:
        def make():
            detector = cls(**params)
            if "random_state" in detector.get_params(deep=False):
                detector.set_params(random_state=0)
            return detector

        scores = make().fit(X, y).score_samples(X)
        again = make().fit(X, y)
        assert np.array_equal(again.score_samples(X), scores), "not reproducible"
        assert np.all(np.isfinite(scores)), "non-finite scores"
        if name != "ReconstructionDetector":
            path = os.path.join(tempfile.mkdtemp(), "d.zip")
            again.save(path)
            assert np.array_equal(load(path).score_samples(X), scores), "save/load"
        results[name] = "ok"
    except Exception as error:
        results[name] = f"{type(error).__name__}: {error}"
print(json.dumps(results))
"""

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_every_detector_runs_on_the_backend(backend):
    if importlib.util.find_spec(backend) is None:
        pytest.skip(f"{backend} is not installed")
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(ROOT)],
        capture_output=True,
        text=True,
        env={**os.environ, "KERAS_BACKEND": backend},
    )
    assert run.returncode == 0, run.stderr[-3000:]
    results = json.loads(run.stdout.strip().splitlines()[-1])
    assert results.pop("GANomaly").startswith(
        "ValueError: GANomaly's adversarial training needs the TensorFlow backend"
    )
    assert results == dict.fromkeys(results, "ok")
    assert len(results) >= 13
