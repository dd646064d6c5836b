"""Training under a tf.distribute strategy: fit inside its scope.

MirroredStrategy over two logical CPUs, in a fresh process (logical devices
must be set before TensorFlow starts): the network's variables are mirrored,
training runs, and the scores rank the samples as the single-device fit does.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import json, os, sys, tempfile, warnings
warnings.simplefilter("ignore")
import numpy as np
import tensorflow as tf
from scipy.stats import spearmanr

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(
    cpu, [tf.config.LogicalDeviceConfiguration()] * 2
)
sys.path.insert(0, sys.argv[1])
import skdeepad

X = np.random.default_rng(0).standard_normal((1500, 6))
strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
out = {"replicas": strategy.num_replicas_in_sync}
for cls in (skdeepad.AutoEncoder, skdeepad.DeepSVDD, skdeepad.LSTMAutoEncoder):
    # batches of 256 (not the AutoEncoder's 32): each replica's batch-norm
    # statistics then come from 128 rows, close to the whole batch's
    single = cls(epochs=4, batch_size=256, random_state=0).fit(X)
    with strategy.scope():
        mirrored = cls(epochs=4, batch_size=256, random_state=0).fit(X)
    scores = mirrored.score_samples(X)
    path = os.path.join(tempfile.mkdtemp(), "d.zip")
    mirrored.save(path)
    out[cls.__name__] = {
        "variable": type(mirrored.network_.trainable_variables[0].value).__name__,
        "epochs": mirrored.n_iter_,
        "finite": bool(np.all(np.isfinite(scores))),
        "rank": float(spearmanr(scores, single.score_samples(X))[0]),
        "reloaded": bool(np.array_equal(skdeepad.load(path).score_samples(X), scores)),
    }
print(json.dumps(out))
"""


def test_fit_inside_a_mirrored_strategy_scope():
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(Path(__file__).resolve().parents[1])],
        capture_output=True, text=True,
        env={**os.environ, "KERAS_BACKEND": "tensorflow"},
    )
    assert run.returncode == 0, run.stderr[-3000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out.pop("replicas") == 2
    for name, result in out.items():
        assert result["variable"] == "MirroredVariable", name
        assert result["epochs"] == 4 and result["finite"] and result["reloaded"], name
        assert result["rank"] > 0.98, (name, result["rank"])
