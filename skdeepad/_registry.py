"""Find every public detector by walking the package."""

import importlib
import inspect
import pkgutil

__all__ = ["all_detectors"]

# Subpackages that hold no detector and would import Keras if walked.
_NOT_WALKED = ("networks",)


_KINDS = ("tabular", "semi-supervised", "sequence", "series", "meta")


def all_detectors(kind=None):
    """Return every public detector class of skdeepad.

    Detectors are found by importing each public module of the package and
    collecting its concrete, public outlier detectors; a new detector module
    is picked up without editing a list. Walking imports no Keras.

    Parameters
    ----------
    kind : {"tabular", "semi-supervised", "sequence", "series", "meta"} \
            or None, default=None
        Keep only the detectors of one kind: unsupervised detectors of
        "tabular" rows; "semi-supervised" ones, which also learn from a few
        labels (:class:`~skdeepad.base.BaseLabelledDetector`); detectors of
        "sequence" samples (2-D univariate or 3-D multivariate sequences,
        :class:`~skdeepad.base.BaseSequenceDetector`, including
        :class:`~skdeepad.Donut`, which also takes labels); of whole "series"
        scored step by step (:class:`~skdeepad.timeseries.WindowedDetector`);
        or "meta"-detectors built around another estimator
        (:class:`~skdeepad.TunedThresholdDetector`,
        :class:`~skdeepad.ReconstructionDetector`). None returns them all.

    Returns
    -------
    detectors : list of (str, type)
        ``(name, class)`` pairs, sorted by name.

    Examples
    --------
    >>> from skdeepad import all_detectors
    >>> dict(all_detectors())["AutoEncoder"].__name__
    'AutoEncoder'
    >>> [name for name, _ in all_detectors("series")]
    ['WindowedDetector']
    >>> [name for name, _ in all_detectors("semi-supervised")]
    ['DeepSAD', 'DevNet']
    """
    from sklearn.base import BaseEstimator, OutlierMixin

    if kind is not None and kind not in _KINDS:
        raise ValueError(f"kind must be one of {_KINDS} or None; got {kind!r}.")
    found = {}
    for module in _public_modules("skdeepad"):
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(cls, OutlierMixin)
                and issubclass(cls, BaseEstimator)
                and cls.__module__.startswith("skdeepad.")
                and not inspect.isabstract(cls)
                and not name.startswith("_")
                and kind in (None, _kind(cls))
            ):
                found[name] = cls
    return sorted(found.items())


def _kind(cls):
    from .base import BaseDeepDetector, BaseLabelledDetector, BaseSequenceDetector
    from .timeseries import WindowedDetector

    for base, kind in [
        (BaseSequenceDetector, "sequence"),
        (BaseLabelledDetector, "semi-supervised"),
        (BaseDeepDetector, "tabular"),
        (WindowedDetector, "series"),
    ]:
        if issubclass(cls, base):
            return kind
    return "meta"


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
