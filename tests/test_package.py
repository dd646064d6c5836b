"""The package itself: a light import, discovery of detectors, the docstrings."""

import subprocess
import sys

import skdeepad
from skdeepad import BaseDeepDetector, WindowedDetector, all_detectors


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
        "ConvAutoEncoder", "Donut", "LSTMAutoEncoder", "LSTMForecaster",
        "TransformerAutoEncoder",
    }
    tabular = dict(all_detectors("tabular"))
    assert "AutoEncoder" in tabular and not set(tabular) & set(sequence)
    labelled = dict(all_detectors("semi-supervised"))
    assert set(labelled) == {"DevNet", "DeepSAD"}
    meta = dict(all_detectors("meta"))
    assert set(meta) == {
        "DetectorEnsemble", "ReconstructionDetector", "TunedThresholdDetector"
    }
    kinds = [tabular, labelled, sequence, meta, {"WindowedDetector": None}]
    assert sum(len(k) for k in kinds) == len(names)
    assert set().union(*kinds) == set(names)


def test_all_detectors_rejects_an_unknown_kind():
    import pytest

    with pytest.raises(ValueError, match="kind must be one of"):
        all_detectors("images")


def test_shared_parameter_docs_are_substituted():
    for _, cls in all_detectors():
        if not issubclass(cls, BaseDeepDetector):
            continue
        doc = cls.__doc__
        assert "%(" not in doc
        for param in ("contamination :", "random_state :", "network_ :"):
            assert param in doc, f"{cls.__name__} does not document {param}"


def test_mixin_left_of_base_estimator():
    mro = BaseDeepDetector.__mro__
    names = [c.__name__ for c in mro]
    assert names.index("OutlierMixin") < names.index("BaseEstimator")


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
