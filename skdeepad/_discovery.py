"""Find every public detector by walking the package."""

import importlib
import inspect
import pkgutil

__all__ = ["all_detectors"]

# Subpackages that hold no detector and would import Keras if walked.
_NOT_WALKED = ("networks",)


def all_detectors():
    """Return every public detector class of skdeepad.

    Detectors are found by importing each public module of the package and
    collecting the concrete subclasses of
    :class:`~skdeepad.base.BaseDeepDetector`; a new detector module is picked up
    without editing a list. Walking imports no Keras.

    Returns
    -------
    detectors : list of (str, type)
        ``(name, class)`` pairs, sorted by name.

    Examples
    --------
    >>> from skdeepad import all_detectors
    >>> dict(all_detectors())["AutoEncoder"].__name__
    'AutoEncoder'
    """
    from .base import BaseDeepDetector

    found = {}
    for module in _public_modules("skdeepad"):
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(cls, BaseDeepDetector)
                and not inspect.isabstract(cls)
                and not name.startswith("_")
            ):
                found[name] = cls
    return sorted(found.items())


def _public_modules(package_name):
    """Import and yield the public modules below a package, depth first.

    Unlike ``pkgutil.walk_packages``, a private or excluded subpackage is
    skipped before it is imported.
    """
    package = importlib.import_module(package_name)
    yield package
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_") or info.name in _NOT_WALKED:
            continue
        full_name = f"{package_name}.{info.name}"
        if info.ispkg:
            yield from _public_modules(full_name)
        else:
            yield importlib.import_module(full_name)
