"""Numpydoc for every public name: numpydoc's own validator, a few checks.

Every public class and function of skdeepad's public modules, and the public
methods of the classes, must have a docstring with a summary, every parameter
documented, and a Returns section where something is returned. The abstract
base classes document their parameters on the concrete detectors.
"""

import importlib
import inspect

import pytest

numpydoc_validate = pytest.importorskip("numpydoc.validate")

MODULES = [
    "skdeepad",
    "skdeepad.datasets",
    "skdeepad.timeseries",
    "skdeepad.plotting",
    "skdeepad.persistence",
    "skdeepad.dask",
    "skdeepad.metrics",
]
CHECKS = {"GL08", "PR01", "PR02", "RT01", "SS01"}
METHODS = [
    "fit",
    "score_samples",
    "decision_function",
    "predict",
    "save",
    "feature_scores",
    "plot",
    "from_estimator",
    "from_predictions",
]
ABSTRACT = {"BaseDeepDetector", "BaseLabelledDetector", "BaseSequenceDetector"}


def _public_names():
    names = set()
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            obj = getattr(module, name)
            if not (inspect.isclass(obj) or inspect.isfunction(obj)):
                continue
            qualified = f"{obj.__module__}.{obj.__qualname__}"
            if name not in ABSTRACT:
                names.add(qualified)
            if inspect.isclass(obj):
                names.update(
                    f"{qualified}.{method}"
                    for method in METHODS
                    if callable(getattr(obj, method, None))
                )
    return sorted(names)


@pytest.mark.parametrize("name", _public_names())
def test_docstring(name):
    errors = [
        f"{code}: {message}"
        for code, message in numpydoc_validate.validate(name)["errors"]
        if code in CHECKS
    ]
    assert not errors, "\n".join(errors)
