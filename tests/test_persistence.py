"""Persistence: pickle and joblib round trips, and the safe format of
``detector.save(path)`` / ``skdeepad.save(pipeline, path)`` /
``skdeepad.load(path)``, for every detector and for pipelines."""

import copy
import io
import json
import pickle
import subprocess
import sys
import zipfile

import joblib
import numpy as np
import pytest
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.exceptions import NotFittedError

import skdeepad
from skdeepad import load

from .test_reliability import NAMES, X_GOOD, fitted, make_detector

# ReconstructionDetector's fast regressor, an MLPRegressor, keeps an
# AdamOptimizer that skops does not trust, so save refuses it (a Ridge saves).
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


def test_a_pickled_detector_trains_on_as_the_original_does():
    from skdeepad import AutoEncoder

    rng = np.random.RandomState(0)
    X, more = rng.normal(size=(120, 4)), rng.normal(size=(60, 4))
    detector = AutoEncoder(hidden_units=(4, 2), dropout=0.2, epochs=2, random_state=0)
    detector.fit(X)
    again = pickle.loads(pickle.dumps(detector))
    for model in (detector, again):  # dropout masks drawn as if never pickled
        model.partial_fit(more)
    np.testing.assert_array_equal(again.score_samples(X), detector.score_samples(X))


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


def test_an_unfitted_detector_or_pipeline_is_refused(tmp_path):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    with pytest.raises(NotFittedError, match="AutoEncoder"):
        make_detector("AutoEncoder").save(tmp_path / "d.zip")
    with pytest.raises(NotFittedError):
        skdeepad.save(
            make_pipeline(StandardScaler(), make_detector("AutoEncoder")),
            tmp_path / "p.zip",
        )
    assert not (tmp_path / "d.zip").exists() and not (tmp_path / "p.zip").exists()


def test_only_detectors_and_pipelines_ending_with_one_are_saved(tmp_path):
    from sklearn.ensemble import IsolationForest
    from sklearn.pipeline import make_pipeline

    with pytest.raises(TypeError, match="got sklearn.*IsolationForest"):
        skdeepad.save(IsolationForest().fit(X_GOOD), tmp_path / "d.zip")
    pipeline = make_pipeline(make_detector("AutoEncoder"), IsolationForest())
    with pytest.raises(TypeError, match="Pipeline whose last step"):
        skdeepad.save(pipeline, tmp_path / "p.zip")


def test_a_reconstruction_detector_with_a_trusted_regressor_round_trips(tmp_path):
    from sklearn.linear_model import Ridge

    detector = skdeepad.ReconstructionDetector(regressor=Ridge()).fit(X_GOOD)
    detector.save(tmp_path / "d.zip")
    np.testing.assert_array_equal(
        load(tmp_path / "d.zip").score_samples(X_GOOD), detector.score_samples(X_GOOD)
    )


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
        TypeError, match=r"ReconstructionDetector.regressor_._optimizer.*AdamOptimizer"
    ):
        fitted("ReconstructionDetector").save(tmp_path / "d.zip")
    import keras

    detector = make_detector("AutoEncoder").set_params(
        callbacks=[keras.callbacks.History()]
    )
    detector.fit(X_GOOD)
    with pytest.raises(TypeError, match=r"AutoEncoder.callbacks\[0\].*History"):
        detector.save(tmp_path / "d.zip")
    assert not (tmp_path / "d.zip").exists()


# --------------------------------------------------------------- pipelines
class _Doubler(TransformerMixin, BaseEstimator):
    """A transformer from outside scikit-learn: its code would run on load."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return 2 * np.asarray(X, dtype=float)


def _orders():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    return pd.DataFrame({
        "amount": rng.normal(size=80),
        "items": rng.normal(size=80),
        "country": rng.choice(["DE", "FR", "IT"], size=80),
    })


def _pipeline(numeric):
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    columns = ColumnTransformer([
        ("numbers", numeric, ["amount", "items"]),
        ("text", OneHotEncoder(sparse_output=False, handle_unknown="ignore"),
         ["country"]),
    ])
    return make_pipeline(columns, make_detector("AutoEncoder"))


def test_a_pipeline_with_a_column_transformer_round_trips(tmp_path):
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import MinMaxScaler, StandardScaler

    frame = _orders()
    numeric = make_pipeline(SimpleImputer(), StandardScaler(), MinMaxScaler())
    pipeline = _pipeline(numeric).fit(frame)
    skdeepad.save(pipeline, tmp_path / "p.zip")
    loaded = load(tmp_path / "p.zip")
    assert [name for name, _ in loaded.steps] == ["columntransformer", "autoencoder"]
    np.testing.assert_array_equal(
        loaded.score_samples(frame), pipeline.score_samples(frame)
    )
    np.testing.assert_array_equal(loaded.predict(frame), pipeline.predict(frame))
    unseen = frame.assign(country="ES")  # the encoder's handle_unknown kept
    np.testing.assert_array_equal(
        loaded.score_samples(unseen), pipeline.score_samples(unseen)
    )


@pytest.mark.parametrize(
    ("func", "name"), [(lambda x: x, "<lambda>"), (np.ndarray.copy, "method_descr")]
)
def test_a_function_in_a_pipeline_is_refused_where_it_is(tmp_path, func, name):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    pipeline = make_pipeline(FunctionTransformer(func), fitted("AutoEncoder"))
    pipeline.steps[0][1].fit(X_GOOD)
    where = rf"Cannot save Pipeline\.steps\[0\]\[1\]\.func safely.*{name}"
    with pytest.raises(TypeError, match=where):
        skdeepad.save(pipeline, tmp_path / "p.zip")


def test_an_untrusted_pipeline_step_is_refused(tmp_path):
    from sklearn.preprocessing import StandardScaler

    frame = _orders()
    where = r"Pipeline.steps\[0\]\[1\].transformers\[0\]\[1\].*_Doubler"
    with pytest.raises(TypeError, match=where):
        skdeepad.save(_pipeline(_Doubler()).fit(frame), tmp_path / "p.zip")
    # Named in a file by hand, the same class is refused at load.
    skdeepad.save(_pipeline(StandardScaler()).fit(frame), tmp_path / "p.zip")

    def doubler(name, data):
        if name != "schema.json":
            return data
        return data.replace(b'"StandardScaler"', b'"_Doubler"').replace(
            b'"sklearn.preprocessing._data"', b'"tests.test_persistence"'
        )

    _rewrite(tmp_path / "p.zip", doubler)
    refused = r"Refusing to load.*'tests\.test_persistence\._Doubler'"
    with pytest.raises(ValueError, match=refused):
        load(tmp_path / "p.zip")


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
    def os_system(name, data):
        if name != "schema.json":
            return data
        schema = json.loads(data)
        schema.update({"__module__": "os", "__class__": "system"})
        return json.dumps(schema).encode()

    _rewrite(saved, os_system)
    with pytest.raises(ValueError, match="Refusing to load.*'os.system'"):
        load(saved)


def _corrupt_first_node(name, data):
    """Point the first tree's root outside the tree."""
    if not name.endswith(".npy"):
        return data
    array = np.load(io.BytesIO(data), allow_pickle=False)
    if array.dtype.names is None or "left_child" not in array.dtype.names:
        return data
    array["left_child"][0] = 10**6
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def test_a_tree_pointing_outside_itself_is_refused(tmp_path):
    """A tree's node indices are read without bounds checks at predict time."""
    path = tmp_path / "d.zip"
    fitted("DeepIsolationForest").save(path)
    _rewrite(path, _corrupt_first_node)
    with pytest.raises(ValueError, match="Refusing to load.*nodes point outside it"):
        load(path)


def test_a_file_that_holds_no_detector_is_refused(saved, tmp_path):
    import skops.io

    with zipfile.ZipFile(saved) as archive:
        manifest = archive.read("skdeepad.json")
    path = tmp_path / "dict.zip"
    path.write_bytes(skops.io.dumps({"not": "a detector"}))
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("skdeepad.json", manifest)
    message = r"not a skdeepad model file: it holds a builtins\.dict"
    with pytest.raises(ValueError, match=message):
        load(path)


def test_trees_held_in_an_object_array_are_checked_too(tmp_path):
    """A gradient boosting keeps its trees in an object array."""
    from sklearn.ensemble import GradientBoostingRegressor
    from sklearn.multioutput import MultiOutputRegressor

    from skdeepad import ReconstructionDetector

    boosting = MultiOutputRegressor(GradientBoostingRegressor(n_estimators=2))
    detector = ReconstructionDetector(regressor=boosting).fit(X_GOOD)
    path = tmp_path / "d.zip"
    detector.save(path)
    np.testing.assert_array_equal(
        load(path).score_samples(X_GOOD), detector.score_samples(X_GOOD)
    )
    _rewrite(path, _corrupt_first_node)
    with pytest.raises(ValueError, match="Refusing to load.*nodes point outside it"):
        load(path)


@pytest.mark.parametrize("also_the_estimator", [False, True])
def test_a_tree_wider_than_the_columns_it_gets_is_refused(
    tmp_path, also_the_estimator
):
    """A node's feature is read from the row without a bounds check."""
    from sklearn.tree._tree import Tree

    detector = copy.deepcopy(fitted("DeepIsolationForest"))  # a shared one
    member = detector.estimators_[0].estimators_[0]
    state = member.tree_.__getstate__()
    state["nodes"] = state["nodes"].copy()
    state["nodes"]["feature"][0] = 2**40
    wide = Tree(2**41, np.array([1], dtype=np.intp), 1)
    wide.__setstate__(state)
    member.tree_ = wide
    if also_the_estimator:
        member.n_features_in_ = 2**41
    path = tmp_path / "d.zip"
    detector.save(path)
    match = "the columns it gives them" if also_the_estimator else "not as wide"
    with pytest.raises(ValueError, match=f"Refusing to load.*{match}"):
        load(path)


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


def _first_layer_changed(**changes):
    """A rewrite of a saved network's first layer node (after its input)."""

    def rewrite(name, data):
        if not name.endswith(".keras"):
            return data
        with zipfile.ZipFile(io.BytesIO(data)) as network:
            entries = {n: network.read(n) for n in network.namelist()}
        config = json.loads(entries["config.json"])
        config["config"]["layers"][1].update(changes)
        entries["config.json"] = json.dumps(config).encode()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as network:
            for n, d in entries.items():
                network.writestr(n, d)
        return buffer.getvalue()

    return rewrite


# What Keras before 3.9 would run or import despite safe_mode (CVE-2025-1550),
# and a Keras function by name that fetches files (CVE-2025-8747).
@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"module": "os"}, "'os'"),
        (
            {"module": "builtins", "class_name": "function", "config": "exec",
             "registered_name": None},
            "'builtins'.function",
        ),
        ({"module": "builtins", "class_name": "dict"}, "'builtins'.dict"),
        (
            {"module": "this", "class_name": "s", "registered_name": "skdeepad>x"},
            "'this'.s",
        ),
        (
            {"module": "skdeepad.networks", "registered_name": "skdeepad>NoSuch"},
            "'skdeepad>NoSuch'",
        ),
        (
            {"module": "keras.utils", "class_name": "function", "config": "get_file",
             "registered_name": None},
            "'keras.utils'.function",
        ),
    ],
)
def test_a_network_naming_a_foreign_object_is_refused(saved, changes, match):
    _rewrite(saved, _first_layer_changed(**changes))
    with pytest.raises(ValueError, match=f"Refusing to load.*{match}"):
        load(saved)


@pytest.mark.parametrize(
    ("suffix", "message"), [(".keras", "damaged: it lacks networks/0.keras"),
                            (".npy", "damaged: .*npy")]
)
def test_a_missing_entry_is_a_clear_error(saved, suffix, message):
    with zipfile.ZipFile(saved) as archive:
        entries = {n: archive.read(n) for n in archive.namelist()}
    with zipfile.ZipFile(saved, "w") as archive:
        for name, data in entries.items():
            if not name.endswith(suffix):
                archive.writestr(name, data)
    with pytest.raises(ValueError, match=message):
        load(saved)


def test_an_object_met_twice_is_saved_once_and_loads_shared(tmp_path):
    """A prefit TunedThresholdDetector's detector is its detector_."""
    from skdeepad import TunedThresholdDetector

    y = np.ones(len(X_GOOD), dtype=int)
    y[:4] = -1
    tuned = TunedThresholdDetector(fitted("AutoEncoder"), cv="prefit").fit(X_GOOD, y)
    path = tmp_path / "d.zip"
    tuned.save(path)
    with zipfile.ZipFile(path) as archive:
        assert [n for n in archive.namelist() if n.startswith("networks/")] == [
            "networks/0.keras"
        ]
    loaded = load(path)
    assert loaded.detector is loaded.detector_
    np.testing.assert_array_equal(
        loaded.score_samples(X_GOOD), tuned.score_samples(X_GOOD)
    )


def test_a_fitted_kd_tree_is_refused_with_the_way_round_it(tmp_path):
    from sklearn.ensemble import IsolationForest
    from sklearn.neighbors import LocalOutlierFactor

    X = np.random.RandomState(0).normal(size=(60, 3))

    def ensemble(algorithm):
        members = [
            ("lof", LocalOutlierFactor(novelty=True, algorithm=algorithm)),
            ("if", IsolationForest(random_state=0)),
        ]
        return skdeepad.DetectorEnsemble(members).fit(X)

    with pytest.raises(TypeError, match="fitted state.*algorithm='brute'"):
        skdeepad.save(ensemble("auto"), tmp_path / "tree.skops")
    # the message names the member whose tree it is
    with pytest.raises(TypeError, match=r"DetectorEnsemble\.estimators_\[0\]\._tree"):
        skdeepad.save(ensemble("auto"), tmp_path / "tree.skops")
    brute = ensemble("brute")
    skdeepad.save(brute, tmp_path / "brute.skops")
    loaded = load(tmp_path / "brute.skops")
    np.testing.assert_array_equal(loaded.score_samples(X), brute.score_samples(X))
