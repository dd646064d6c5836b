"""The package itself: a light import, the registry of detectors, the docstrings."""

import ast
import inspect
import os
import pathlib
import subprocess
import sys

import pytest
from sklearn.base import OutlierMixin

import skdeepad
from skdeepad import WindowedDetector, all_detectors
from skdeepad._registry import DETECTORS
from skdeepad.base import BaseDetector, BaseLabelledDetector, BaseSequenceDetector


def _run_python(code):
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout


def test_import_and_discovery_do_not_import_tensorflow_or_keras():
    out = _run_python(
        "import sys, skdeepad\n"
        "before = {'tensorflow', 'keras'} & set(sys.modules)\n"
        "names = [n for n, _ in skdeepad.all_detectors()]\n"
        "after = {'tensorflow', 'keras'} & set(sys.modules)\n"
        "print(sorted(before), sorted(after), names)"
    )
    assert out.startswith("[] [] ")
    assert "AutoEncoder" in out


def test_all_detectors_finds_concrete_public_detectors():
    detectors = all_detectors()
    names = [name for name, _ in detectors]
    assert names == sorted(names) and len(set(names)) == len(names)
    assert "AutoEncoder" in names and "BaseDeepDetector" not in names
    for name, cls in detectors:
        assert cls.__name__ == name
        assert name in skdeepad.__all__, f"{name} is not exported by skdeepad"
    assert dict(all_detectors("series")) == {"WindowedDetector": WindowedDetector}
    sequence = dict(all_detectors("sequence"))
    assert set(sequence) == {
        "ConvAutoEncoder",
        "Donut",
        "LSTMAutoEncoder",
        "LSTMForecaster",
        "TransformerAutoEncoder",
    }
    tabular = dict(all_detectors("tabular"))
    assert "AutoEncoder" in tabular and not set(tabular) & set(sequence)
    labelled = dict(all_detectors("semi-supervised"))
    assert set(labelled) == {"DevNet", "DeepSAD"}
    meta = dict(all_detectors("meta"))
    assert set(meta) == {
        "DetectorEnsemble",
        "ReconstructionDetector",
        "RefinedDetector",
        "TunedThresholdDetector",
    }
    kinds = [tabular, labelled, sequence, meta, {"WindowedDetector": None}]
    assert sum(len(k) for k in kinds) == len(names)
    assert set().union(*kinds) == set(names)


def test_the_registry_lists_every_public_detector():
    exported = {
        name
        for name in skdeepad.__all__
        if inspect.isclass(obj := getattr(skdeepad, name))
        and issubclass(obj, OutlierMixin)
        and not inspect.isabstract(obj)
    }
    registered = [name for name, _, _ in DETECTORS]
    assert len(registered) == len(set(registered))
    assert set(registered) == exported


def _kind_from_bases(cls):
    for base, kind in [
        (BaseSequenceDetector, "sequence"),
        (BaseLabelledDetector, "semi-supervised"),
        (BaseDetector, "tabular"),
        (WindowedDetector, "series"),
    ]:
        if issubclass(cls, base):
            return kind
    return "meta"


def test_the_registry_writes_down_the_kind_of_each_detector_s_bases():
    for name, _, kind in DETECTORS:
        assert kind == _kind_from_bases(getattr(skdeepad, name)), name


def _relative_imports(path, package):
    """The skdeepad modules ``path`` imports, at module level or in a function."""
    parts = list(package.split("."))
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = parts[: len(parts) - node.level + 1]
            module = ".".join(base + ([node.module] if node.module else []))
            yield module
            yield from (f"{module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "skdeepad"
        ):
            yield node.module


def test_no_import_cycle_between_skdeepad_modules():
    """Imports, lazy ones included, point one way: no module reaches itself."""
    root = pathlib.Path(skdeepad.__file__).parent
    modules = {}
    for path in root.rglob("*.py"):
        name = ".".join(("skdeepad", *path.relative_to(root).with_suffix("").parts))
        is_package = name.endswith(".__init__")
        name = name.removesuffix(".__init__")
        modules[name] = (path, name if is_package else name.rpartition(".")[0])
    graph = {
        name: {
            target
            for target in _relative_imports(path, package)
            # a module's own package (and its parents) are imported first anyway
            if target in modules
            and not name.startswith(target + ".")
            and target != name
        }
        for name, (path, package) in modules.items()
    }
    done, path = set(), []

    def visit(module):
        assert module not in path, " -> ".join([*path[path.index(module) :], module])
        if module in done:
            return
        path.append(module)
        for target in graph[module]:
            visit(target)
        path.pop()
        done.add(module)

    for module in graph:
        visit(module)


def test_all_detectors_rejects_an_unknown_kind():
    import pytest

    with pytest.raises(ValueError, match="kind must be one of"):
        all_detectors("images")


def test_shared_parameter_docs_are_substituted():
    for _, cls in all_detectors():
        if not issubclass(cls, BaseDetector):
            continue
        doc = cls.__doc__
        assert "%(" not in doc
        for param in ("contamination :", "random_state :", "network_ :"):
            assert param in doc, f"{cls.__name__} does not document {param}"


def test_every_detector_has_the_mixin_left_of_base_estimator():
    for name, cls in all_detectors():
        names = [c.__name__ for c in cls.__mro__]
        assert names.index("OutlierMixin") < names.index("BaseEstimator"), name


def test_every_parameter_is_documented_with_its_default():
    import inspect
    import re

    for name, cls in all_detectors():
        for param in inspect.signature(cls).parameters.values():
            if param.default is inspect.Parameter.empty:  # a required parameter
                assert re.search(rf"^    {param.name} : ", cls.__doc__, re.MULTILINE), (
                    f"{name} does not document {param.name}"
                )
                continue
            match = re.search(
                rf"^    {param.name} : .*default=(.*)$", cls.__doc__, re.MULTILINE
            )
            assert match, f"{name} does not document {param.name}"
            documented = match.group(1).strip('"')
            assert documented == str(param.default), (
                f"{name}.{param.name}: documented default {documented}, "
                f"signature default {param.default!r}"
            )


def _run_quietly(code):
    """Run ``code`` in a fresh Python with skdeepad's own log level; it must succeed."""
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env
    )
    assert result.returncode == 0, result.stderr
    return result


def test_a_quiet_fit_prints_nothing_from_tensorflow():
    # TensorFlow's C++ banner, cuInit and absl lines would land on stderr
    code = (
        "import numpy as np; from skdeepad import AutoEncoder; "
        "X = np.random.RandomState(0).normal(size=(64, 3)); "
        "AutoEncoder(epochs=1, random_state=0).fit(X).score_samples(X)"
    )
    result = _run_quietly(code)
    assert result.stdout == "" and result.stderr == ""


def test_the_benchmark_command_with_its_progress_bar_prints_nothing_on_stderr():
    # the progress bar is Keras's: imported bare, it printed TensorFlow's banner
    code = (
        "import sys; from skdeepad.cli import main; "
        "sys.argv = ['skdeepad', 'benchmark', '--detectors', 'IsolationForest', "
        "'--setting', 'unsupervised']; main()"
    )
    result = _run_quietly(code)
    assert "roc_auc" in result.stdout  # the bar ran
    assert result.stderr == ""


def test_loading_a_saved_detector_first_prints_nothing_on_stderr(tmp_path):
    import numpy as np

    from skdeepad import AutoEncoder

    X = np.random.RandomState(0).normal(size=(64, 3))
    AutoEncoder(epochs=1, random_state=0).fit(X).save(tmp_path / "m.zip")
    code = (
        "import numpy as np, skdeepad; "
        f"det = skdeepad.load({str(tmp_path / 'm.zip')!r}); "
        "det.score_samples(np.zeros((2, 3)))"
    )
    result = _run_quietly(code)
    assert result.stderr == ""


@pytest.mark.parametrize("module", ["pickle", "joblib"])
def test_unpickling_a_detector_first_prints_nothing_on_stderr(tmp_path, module):
    # pickle imports the classes of the state's objects: Keras's, bare, printed
    # TensorFlow's banner when no skdeepad module had imported Keras before
    import pickle

    import numpy as np

    from skdeepad import DTE

    X = np.random.RandomState(0).normal(size=(64, 3))
    detector = DTE(epochs=1, random_state=0).fit(X)
    with open(tmp_path / "m.pkl", "wb") as file:
        pickle.dump(detector, file)
    path = str(tmp_path / "m.pkl")
    opened = f"open({path!r}, 'rb')" if module == "pickle" else repr(path)
    code = (
        f"import numpy as np, {module}, sys; "
        f"det = {module}.load({opened}); "
        "assert 'keras' in sys.modules; "
        "print(det.score_samples(np.zeros((2, 3))).tolist())"
    )
    result = _run_quietly(code)
    assert result.stderr == ""
    assert result.stdout.strip() == str(
        detector.score_samples(np.zeros((2, 3))).tolist()
    )


def test_a_pickled_detector_holds_no_trace_of_the_quiet_import():
    import pickle

    import numpy as np

    from skdeepad import AutoEncoder

    detector = AutoEncoder(epochs=1, random_state=0).fit(np.eye(8))
    state = detector.__getstate__()
    assert next(iter(state)) == "_skdeepad_quiet_keras"  # before the network
    loaded = pickle.loads(pickle.dumps(detector))
    assert "_skdeepad_quiet_keras" not in vars(loaded)
    assert set(vars(loaded)) == set(vars(detector))
    assert "_skdeepad_quiet_keras" not in AutoEncoder().__getstate__()  # no network


def test_repeated_small_fits_print_no_retracing_warning():
    """TensorFlow warns "triggered tf.function retracing" when one function is
    traced five times; six fits and scorings of new sizes must not."""
    code = (
        "import numpy as np; from skdeepad import AutoEncoder, DeepSVDD; "
        "X = np.random.RandomState(0).normal(size=(90, 3))\n"
        "for n in range(60, 90, 5):\n"
        "    for cls in (AutoEncoder, DeepSVDD):\n"
        "        det = cls(epochs=1, batch_size=16, random_state=0).fit(X[:n])\n"
        "        det.score_samples(X[: n - 50])\n"
        "        det.partial_fit(X[: n - 40]) if hasattr(det, 'partial_fit') else 0\n"
    )
    result = _run_quietly(code)
    assert "retracing" not in result.stderr + result.stdout
    assert result.stderr == ""


def test_verbose_one_keeps_the_keras_progress_bar():
    code = (
        "import numpy as np; from skdeepad import AutoEncoder; "
        "X = np.random.RandomState(0).normal(size=(64, 3)); "
        "AutoEncoder(epochs=1, verbose=1, random_state=0).fit(X)"
    )
    result = _run_quietly(code)
    assert "/step - loss: " in result.stdout
