"""The registry: every public detector of skdeepad, written down with its kind.

:data:`DETECTORS` lists each detector's name, the family subpackage that
exports it and its kind; :func:`all_detectors` reads it, the common tests
check every detector it names, and :func:`skdeepad.load` trusts exactly
these classes (besides a few of scikit-learn's). A new detector is added
here by hand; ``tests/test_package.py`` fails if one exported by
``skdeepad`` is missing.

This module imports no other skdeepad module: a class is imported by its
module path when asked for, so the core (through persistence) can read the
registry without importing a detector.
"""

import importlib

__all__ = ["DETECTORS", "KINDS", "all_detectors"]

KINDS = ("tabular", "semi-supervised", "sequence", "series", "meta")

# (name, module exporting it, kind), by family.
DETECTORS = (
    ("AutoEncoder", "skdeepad.tabular", "tabular"),
    ("DAGMM", "skdeepad.tabular", "tabular"),
    ("DTE", "skdeepad.tabular", "tabular"),
    ("DeepIsolationForest", "skdeepad.tabular", "tabular"),
    ("DeepSVDD", "skdeepad.tabular", "tabular"),
    ("GANomaly", "skdeepad.tabular", "tabular"),
    ("ICL", "skdeepad.tabular", "tabular"),
    ("LUNAR", "skdeepad.tabular", "tabular"),
    ("VariationalAutoEncoder", "skdeepad.tabular", "tabular"),
    ("DeepSAD", "skdeepad.labelled", "semi-supervised"),
    ("DevNet", "skdeepad.labelled", "semi-supervised"),
    ("ConvAutoEncoder", "skdeepad.sequence", "sequence"),
    ("Donut", "skdeepad.sequence", "sequence"),
    ("LSTMAutoEncoder", "skdeepad.sequence", "sequence"),
    ("LSTMForecaster", "skdeepad.sequence", "sequence"),
    ("TransformerAutoEncoder", "skdeepad.sequence", "sequence"),
    ("WindowedDetector", "skdeepad.sequence", "series"),
    ("DetectorEnsemble", "skdeepad.meta", "meta"),
    ("ReconstructionDetector", "skdeepad.meta", "meta"),
    ("RefinedDetector", "skdeepad.meta", "meta"),
    ("TunedThresholdDetector", "skdeepad.meta", "meta"),
)


def all_detectors(kind=None):
    """Return every public detector class of skdeepad.

    The detectors are those of the registry, a list written down in
    ``skdeepad/_registry.py``; reading it imports the detectors' modules but
    no Keras.

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
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS} or None; got {kind!r}.")
    return sorted(
        (name, getattr(importlib.import_module(module), name))
        for name, module, entry_kind in DETECTORS
        if kind in (None, entry_kind)
    )
