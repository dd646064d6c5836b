"""Persistence: pickle and joblib round trips, and the safe format of
``detector.save(path)`` / ``skdeepad.load(path)``, for every detector."""

import io
import json
import pickle
import subprocess
import sys
import zipfile

import joblib
import numpy as np
import pytest

import skdeepad
from skdeepad import load

from .test_reliability import NAMES, X_GOOD, fitted, make_detector

# ReconstructionDetector wraps any scikit-learn regressor: the safe format
# cannot rebuild those without running their code, so save refuses them.
SAVED = [name for name in NAMES if name != "ReconstructionDetector"]


@pytest.mark.parametrize("name", NAMES)
def test_pickle_and_joblib_round_trips_score_the_same(name, tmp_path):
    detector = fitted(name)
    expected = detector.score_samples(X_GOOD)
    again = pickle.loads(pickle.dumps(detector))
    np.testing.assert_array_equal(again.score_samples(X_GOOD), expected)
    joblib.dump(detector, tmp_path / "detector.joblib")
    again = joblib.load(tmp_path / "detector.joblib")
    np.testing.assert_array_equal(again.score_samples(X_GOOD), expected)
    np.testing.assert_array_equal(again.predict(X_GOOD), detector.predict(X_GOOD))


def test_pickles_and_saved_files_load_in_a_fresh_process(tmp_path):
    """Every detector's pickle, and saved file, scores the same elsewhere."""
    np.save(tmp_path / "X.npy", X_GOOD)
    for name in NAMES:
        detector = fitted(name)
        np.save(tmp_path / f"{name}.npy", detector.score_samples(X_GOOD))
        with open(tmp_path / f"{name}.pkl", "wb") as f:
            pickle.dump(detector, f)
        if name in SAVED:
            detector.save(tmp_path / f"{name}.zip")
    code = f"""
import pickle, sys, numpy as np, skdeepad
X = np.load(sys.argv[1] + "/X.npy")
for name in {NAMES!r}:
    expected = np.load(sys.argv[1] + "/" + name + ".npy")
    with open(sys.argv[1] + "/" + name + ".pkl", "rb") as f:
        assert np.array_equal(pickle.load(f).score_samples(X), expected), name
    if name in {SAVED!r}:
        loaded = skdeepad.load(sys.argv[1] + "/" + name + ".zip")
        assert np.array_equal(loaded.score_samples(X), expected), name
print("ok")
"""
    run = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.strip().endswith("ok")


@pytest.mark.parametrize("name", SAVED)
def test_save_and_load_score_the_same(name, tmp_path):
    detector = fitted(name)
    detector.save(tmp_path / "detector.zip")
    loaded = load(tmp_path / "detector.zip")
    assert type(loaded) is type(detector)
    assert (
        loaded.get_params(deep=False).keys() == detector.get_params(deep=False).keys()
    )
    np.testing.assert_array_equal(
        loaded.score_samples(X_GOOD), detector.score_samples(X_GOOD)
    )
    np.testing.assert_array_equal(loaded.predict(X_GOOD), detector.predict(X_GOOD))
    assert loaded.offset_ == detector.offset_
    with zipfile.ZipFile(tmp_path / "detector.zip") as archive:
        names = archive.namelist()
    assert "skdeepad.json" in names
    assert not any(n.endswith((".pkl", ".pickle", ".joblib")) for n in names)


def test_an_unfitted_detector_saves_its_parameters(tmp_path):
    detector = make_detector("AutoEncoder").set_params(hidden_units=(7, 3))
    detector.save(tmp_path / "d.zip")
    loaded = load(tmp_path / "d.zip")
    assert loaded.get_params() == detector.get_params()
    assert not hasattr(loaded, "network_")


def test_a_feature_names_frame_round_trips(tmp_path):
    import pandas as pd

    frame = pd.DataFrame(X_GOOD, columns=[f"f{i}" for i in range(6)])
    detector = make_detector("AutoEncoder").fit(frame)
    detector.save(tmp_path / "d.zip")
    loaded = load(tmp_path / "d.zip")
    np.testing.assert_array_equal(loaded.feature_names_in_, detector.feature_names_in_)
    assert loaded.feature_names_in_.dtype == object
    np.testing.assert_array_equal(
        loaded.score_samples(frame), detector.score_samples(frame)
    )


def test_what_the_format_cannot_rebuild_is_refused_at_save(tmp_path):
    with pytest.raises(
        TypeError, match=r"ReconstructionDetector.regressor.*MLPRegressor"
    ):
        fitted("ReconstructionDetector").save(tmp_path / "d.zip")
    import keras

    detector = make_detector("AutoEncoder").set_params(
        callbacks=[keras.callbacks.History()]
    )
    with pytest.raises(TypeError, match=r"AutoEncoder.callbacks\[0\].*History"):
        detector.save(tmp_path / "d.zip")


# --------------------------------------------------------------- bad files
@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "detector.zip"
    fitted("AutoEncoder").save(path)
    return path


def _rewrite(path, replace):
    """Rewrite the archive at ``path`` with ``replace(name, data) -> data``."""
    with zipfile.ZipFile(path) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, replace(name, data))


def _edit_manifest(path, change):
    """Rewrite the archive's manifest with ``change(manifest)`` applied."""

    def edit(name, data):
        if name != "skdeepad.json":
            return data
        manifest = json.loads(data)
        change(manifest)
        return json.dumps(manifest)

    _rewrite(path, edit)


def _manifest(path):
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("skdeepad.json"))


def test_a_version_mismatch_warns(saved):
    _edit_manifest(
        saved, lambda m: m["versions"].update({"skdeepad": "0.0.1", "keras": "3.0.0"})
    )
    with pytest.warns(UserWarning, match=r"skdeepad 0\.0\.1 \(now .*keras 3\.0\.0"):
        loaded = load(saved)
    np.testing.assert_array_equal(
        loaded.score_samples(X_GOOD), fitted("AutoEncoder").score_samples(X_GOOD)
    )


def test_the_versions_are_recorded(saved):
    versions = _manifest(saved)["versions"]
    assert versions["skdeepad"] == skdeepad.__version__
    assert {"keras", "scikit-learn", "keras_backend"} <= versions.keys()


def test_a_truncated_file_is_a_clear_error(saved):
    data = saved.read_bytes()
    saved.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="not a skdeepad model file|damaged"):
        load(saved)


def test_a_foreign_file_is_a_clear_error(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(ValueError, match="not a skdeepad model file"):
        load(tmp_path / "notes.txt")
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as archive:
        archive.writestr("data.csv", "a,b\n1,2\n")
    with pytest.raises(ValueError, match="not a skdeepad model file"):
        load(tmp_path / "other.zip")
    with zipfile.ZipFile(tmp_path / "json.zip", "w") as archive:
        archive.writestr("skdeepad.json", json.dumps({"format": "something-else"}))
    with pytest.raises(ValueError, match="not a skdeepad model file"):
        load(tmp_path / "json.zip")


def test_a_newer_format_is_refused(saved):
    _edit_manifest(saved, lambda m: m.update(format_version=99))
    with pytest.raises(ValueError, match="format version 99"):
        load(saved)


def test_a_pickled_array_is_refused(saved):
    """An object array in an .npy would be unpickled on load: refused."""

    def pickled(name, data):
        if not name.endswith(".npy"):
            return data
        buffer = io.BytesIO()
        np.save(buffer, np.array([{"a": 1}], dtype=object), allow_pickle=True)
        return buffer.getvalue()

    _rewrite(saved, pickled)
    with pytest.raises(ValueError, match="Refusing to load.*not a plain NumPy array"):
        load(saved)


def test_a_class_outside_the_allowed_ones_is_refused(saved):
    _edit_manifest(saved, lambda m: m["detector"].update(object="os.system"))
    with pytest.raises(ValueError, match="Refusing to load.*'os.system'"):
        load(saved)


def _network_file(model, tmp_path):
    model.save(tmp_path / "m.keras")
    return (tmp_path / "m.keras").read_bytes()


def test_a_lambda_layer_is_refused(saved, tmp_path):
    import keras

    inputs = keras.Input((6,))
    lambda_model = keras.Model(inputs, keras.layers.Lambda(lambda x: x * 2)(inputs))
    data = _network_file(lambda_model, tmp_path)
    _rewrite(saved, lambda name, old: data if name.endswith(".keras") else old)
    with pytest.raises(ValueError, match="Refusing to load.*Lambda layer"):
        load(saved)


def test_a_network_naming_a_foreign_module_is_refused(saved, tmp_path):
    def foreign(name, data):
        if not name.endswith(".keras"):
            return data
        with zipfile.ZipFile(io.BytesIO(data)) as network:
            entries = {n: network.read(n) for n in network.namelist()}
        config = json.loads(entries["config.json"])
        config["config"]["layers"][1]["module"] = "os"
        entries["config.json"] = json.dumps(config).encode()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as network:
            for n, d in entries.items():
                network.writestr(n, d)
        return buffer.getvalue()

    _rewrite(saved, foreign)
    with pytest.raises(ValueError, match="Refusing to load.*'os'"):
        load(saved)


def test_a_missing_entry_is_a_clear_error(saved):
    with zipfile.ZipFile(saved) as archive:
        entries = {n: archive.read(n) for n in archive.namelist()}
    with zipfile.ZipFile(saved, "w") as archive:
        for name, data in entries.items():
            if not name.endswith(".npy"):
                archive.writestr(name, data)
    with pytest.raises(ValueError, match="damaged: it lacks arrays/"):
        load(saved)
