"""Saving detectors and pipelines in a format that runs no code on load.

Loading a pickle runs whatever code the file names. :func:`save` (or
``detector.save``) writes a `skops.io <https://skops.readthedocs.io>`_ zip
archive instead, which :func:`load` reads back:

- ``schema.json`` and ``*.npy``: the detector, or a Pipeline ending with one,
  through :func:`skops.io.dumps`; :func:`skops.io.loads` reads arrays without
  pickle and rebuilds only trusted types: skops's own (scikit-learn's
  estimators, NumPy), skdeepad's detectors, and scikit-learn's trees, whose
  node indices are checked first;
- ``networks/<i>.keras``: each Keras network, a placeholder in the skops tree,
  read with ``safe_mode=True`` after a check that it holds no ``Lambda`` layer
  and names no class outside Keras and skdeepad;
- ``skdeepad.json``: the format and the versions that wrote it.

Anything else (a Keras callback among the parameters, an estimator from
another package) is refused at save with a ``TypeError`` naming it.
"""

import importlib.metadata
import io
import json
import os
import sys
import tempfile
import warnings
import zipfile

import numpy as np

from ._registry import all_detectors

__all__ = ["SaveMixin", "load", "save"]

_MANIFEST = "skdeepad.json"
_FORMAT = "skdeepad-model"
_FORMAT_VERSION = 2
# Packages whose objects may be saved; skops's trusted list then decides which.
_DATA_PACKAGES = ("builtins", "numpy", "scipy", "sklearn")
_TREE = "sklearn.tree._tree.Tree"
# Trusted here, not by skops: a dtype (rebuilt from an empty array read without
# pickle; SimpleImputer keeps one) and trees (their node indices are checked).
_ALSO_TRUSTED = ["numpy.dtype", _TREE]


# The first key of a pickled detector's state when the state holds Keras
# objects (a network, an optimizer): a function of skdeepad.networks._quiet,
# pickled by reference, so that unpickling imports skdeepad.networks (which
# imports Keras with TensorFlow's start-up logs off) before any Keras object.
_QUIET_KERAS = "_skdeepad_quiet_keras"


# The key, last in the same state, of the seed counters of its Keras networks.
_SEED_STATES = "_skdeepad_seed_states"


def _is_keras(value):
    """Whether ``value`` is a Keras object (a network, an optimizer)."""
    return type(value).__module__.partition(".")[0] == "keras"


def _seed_states(value):
    """The seed-generator counters of ``value`` if a Keras model, else none."""
    if not _is_keras(value) or not hasattr(value, "variables"):
        return []
    return [v for v in value.variables if v.path.endswith("seed_generator_state")]


class SaveMixin:
    """``save(path)``: write the fitted detector in skdeepad's safe format.

    Also makes pickles quiet to load: a pickled detector that holds a Keras
    network imports Keras through :mod:`skdeepad.networks` when it is
    unpickled, so a process whose first use of Keras is ``pickle.load`` or
    ``joblib.load`` prints no TensorFlow banner either.
    """

    def __getstate__(self):
        state = super().__getstate__()
        if any(_is_keras(value) for value in state.values()):
            from .networks._quiet import keras_imported

            # Keras's format leaves out the dropout layers' seed counters:
            # kept beside, training goes on with the masks it would have drawn
            seeds = {
                key: [v.numpy() for v in _seed_states(value)]
                for key, value in state.items()
            }
            state = {
                _QUIET_KERAS: keras_imported,
                **state,
                _SEED_STATES: {key: value for key, value in seeds.items() if value},
            }
        return state

    def __setstate__(self, state):
        state = dict(state)
        state.pop(_QUIET_KERAS, None)
        seeds = state.pop(_SEED_STATES, {})
        super().__setstate__(state)
        for key, values in seeds.items():
            for variable, value in zip(
                _seed_states(vars(self).get(key)), values, strict=True
            ):
                variable.assign(value)

    def save(self, path):
        """Save the fitted detector to ``path`` in a format that runs no code on load.

        Same as :func:`skdeepad.save`, with its errors (``NotFittedError``,
        ``TypeError``); read the file back with :func:`skdeepad.load`.

        Parameters
        ----------
        path : str or path-like
            The file to write (overwritten if it exists).
        """
        save(self, path)


class _Network:
    """Stands for a Keras network in the skops tree: its entry in the archive."""

    def __init__(self, entry):
        self.entry = entry


def save(estimator, path):
    """Save a fitted detector, or a Pipeline ending with one, to ``path``.

    Parameters, fitted attributes and arrays go through :func:`skops.io.dumps`;
    Keras networks go beside them in Keras's own format (see
    :mod:`skdeepad.persistence`). Read the file back with :func:`load`.

    Parameters
    ----------
    estimator : detector or Pipeline
        A fitted skdeepad detector, or a fitted
        :class:`~sklearn.pipeline.Pipeline` whose last step is one (its other
        steps scikit-learn transformers, such as a ``ColumnTransformer``).
    path : str or path-like
        The file to write (overwritten if it exists).

    Raises
    ------
    sklearn.exceptions.NotFittedError
        If the estimator is not fitted.
    TypeError
        If it is not a detector or a Pipeline ending with one, or holds an
        object the format does not rebuild (a Keras callback among the
        parameters, an estimator from another package): the message names
        where. Pickle or joblib can save those.

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import MinMaxScaler
    >>> from skdeepad import AutoEncoder, load, save
    >>> X = np.random.default_rng(0).normal(size=(200, 4))
    >>> pipe = make_pipeline(MinMaxScaler(), AutoEncoder(epochs=3, random_state=0))
    >>> path = os.path.join(tempfile.mkdtemp(), "pipeline.zip")
    >>> save(pipe.fit(X), path)
    >>> np.array_equal(load(path).score_samples(X), pipe.score_samples(X))
    True
    """
    import skops.io
    from sklearn.utils.validation import check_is_fitted

    if not _holds_a_detector(estimator):
        raise TypeError(
            "skdeepad.save saves a skdeepad detector or a Pipeline whose last "
            f"step is one; got {_name(type(_last_step(estimator)))}."
        )
    check_is_fitted(estimator)
    trusted, networks, found = _trusted_types(), {}, {}

    def encode(value, where):
        if _is_keras_model(value):
            entry = f"networks/{len(networks)}.keras"
            networks[entry] = _network_bytes(value)
            return _Network(entry)
        name = _name(type(value))
        found.setdefault(name, where)
        if callable(value) and hasattr(value, "__name__"):
            # skops names a function by itself (__main__.<lambda>), not its type
            module = getattr(value, "__module__", None)
            found.setdefault(f"{module}.{value.__name__}", where)
        if name.split(".")[0] not in _DATA_PACKAGES and name not in trusted:
            raise TypeError(_unsaveable(where, name))
        return value

    data = skops.io.dumps(
        _map(estimator, encode, type(estimator).__name__),
        compression=zipfile.ZIP_DEFLATED,
    )
    untrusted = sorted(set(skops.io.get_untrusted_types(data=data)) - set(trusted))
    if untrusted:
        # one met on the walk names its place (a KD-tree, not the metric inside)
        name = next((name for name in untrusted if name in found), untrusted[0])
        raise TypeError(_unsaveable(found.get(name, type(estimator).__name__), name))
    manifest = {"format": _FORMAT, "format_version": _FORMAT_VERSION}
    manifest["versions"] = _versions(with_backend=bool(networks))
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_MANIFEST, json.dumps(manifest, indent=1))
        for entry, network in networks.items():
            archive.writestr(entry, network)
    with open(path, "wb") as file:
        file.write(buffer.getvalue())


def load(path):
    """Load a detector or pipeline written by :func:`save`.

    Nothing in the file is run: :func:`skops.io.loads` rebuilds only trusted
    types and reads arrays without pickle; Keras networks are read with
    ``safe_mode=True`` after a check that they hold no ``Lambda`` layer and
    name no class outside Keras and skdeepad and no function but Keras's
    activations and losses.

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save` or ``detector.save``.

    Returns
    -------
    estimator : detector or Pipeline
        What was saved, fitted: its scores are those of the saved one.

    Raises
    ------
    ValueError
        If the file is not a skdeepad model (truncated, foreign, or of another
        format version), or holds something that would run code on load.

    Warns
    -----
    UserWarning
        If the file was written with other versions of skdeepad, Keras,
        scikit-learn or skops than the ones loading it: scores may differ.

    See Also
    --------
    save : its example saves and loads a pipeline.
    """
    where = repr(os.fspath(path))
    with open(path, "rb") as file:
        data = file.read()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise ValueError(
            f"{where} is not a skdeepad model file (not a zip archive, or a "
            f"truncated one): {error}."
        ) from None
    with archive:
        _check_manifest(archive, where)
        estimator = _skops_loads(data, where)
        if not _holds_a_detector(estimator):
            raise ValueError(
                f"{where} is not a skdeepad model file: it holds a "
                f"{_name(type(_last_step(estimator)))}, not a skdeepad detector "
                "or a Pipeline ending in one."
            )

        def decode(value, at):
            if isinstance(value, _Network):
                return _load_network(archive, value.entry, f"{where}: {at}")
            if _name(type(value)) == _TREE:
                _check_tree(value, f"{where}: {at}")
            _check_tree_widths(value, f"{where}: {at}")
            return value

        return _map(estimator, decode, type(estimator).__name__)


def _last_step(estimator):
    """A Pipeline's last step (None for none), or ``estimator`` itself."""
    from sklearn.pipeline import Pipeline

    if isinstance(estimator, Pipeline):
        steps = getattr(estimator, "steps", None)
        return steps[-1][1] if isinstance(steps, list) and steps else None
    return estimator


def _holds_a_detector(estimator):
    """Whether ``estimator`` is a skdeepad detector or a Pipeline ending in one."""
    return type(_last_step(estimator)) in _trusted_detectors()


def _skops_loads(data, where):
    """``skops.io.loads`` with skdeepad's trusted types; errors as ValueError."""
    import skops.io
    from skops.io.exceptions import UntrustedTypesFoundException

    try:
        return skops.io.loads(data, trusted=_trusted_types())
    except UntrustedTypesFoundException as error:
        refused = f"it holds types skdeepad's format does not rebuild. {error}"
    except ValueError as error:  # numpy refuses an .npy that needs unpickling
        if "allow_pickle" not in str(error):
            raise ValueError(f"{where} is damaged: {error}") from None
        refused = f"an array in it is not a plain NumPy array ({error})"
    except Exception as error:  # a missing entry, a malformed schema
        raise ValueError(f"{where} is damaged: {error!r}") from None
    raise ValueError(f"Refusing to load {where}: {refused}")


def _map(value, leaf, where, memo=None):
    """Copy ``value``, descending into containers and estimators, with ``leaf``
    applied to every object met (``where`` names its place).

    An object met twice is copied once, so the copy shares it where the
    original does (a prefit detector that is also the fitted one: one
    network in the file, one object after loading).
    """
    from sklearn.base import BaseEstimator

    memo = {} if memo is None else memo
    if id(value) in memo:
        return memo[id(value)][1]
    original, value = value, leaf(value, where)

    def inner(item, at):
        return _map(item, leaf, at, memo)

    if type(value) is np.ndarray and value.dtype == object:  # a boosting's trees
        copy = np.empty(value.shape, dtype=object)
        for index in np.ndindex(value.shape):
            copy[index] = inner(value[index], f"{where}[{', '.join(map(str, index))}]")
    elif type(value) in (list, tuple):
        copy = type(value)(inner(v, f"{where}[{i}]") for i, v in enumerate(value))
    elif type(value) is dict:
        copy = {k: inner(v, f"{where}[{k!r}]") for k, v in value.items()}
    elif isinstance(value, BaseEstimator):
        copy = type(value).__new__(type(value))
        memo[id(original)] = (original, copy)  # before its attributes: cycles
        attributes = vars(value).items()
        copy.__dict__.update((k, inner(v, f"{where}.{k}")) for k, v in attributes)
    else:
        copy = value
    memo[id(original)] = (original, copy)  # the original kept: its id stays its
    return copy


def _trusted_detectors():
    """The skdeepad detector classes a saved file may rebuild."""
    return [cls for _, cls in all_detectors()]


def _trusted_types():
    """The types skops loads beside the ones it trusts by default."""
    return [_name(cls) for cls in (*_trusted_detectors(), _Network)] + _ALSO_TRUSTED


def _unsaveable(where, name):
    return (
        f"Cannot save {where} safely: a {name} is not one of the types "
        "skdeepad's format rebuilds (data, NumPy arrays, skdeepad's detectors, "
        "and the scikit-learn estimators and objects skops.io trusts). If it is "
        "a parameter, set it to a plain value before saving (parameters such as "
        "callbacks only matter during fit). If it is fitted state, such as the "
        "KD-tree or ball tree of a LocalOutlierFactor or a NearestNeighbors "
        "(algorithm='brute' keeps none) or a fitted optimizer, use pickle or "
        "joblib, whose files run code when loaded (open only trusted files)."
    )


def _check_tree(tree, where):
    """Refuse a tree whose node indices point outside it, which would make
    scikit-learn read out of bounds at predict time."""
    import numpy as np

    nodes, index = tree.__getstate__()["nodes"], np.arange(tree.node_count)
    left, right, feature = nodes["left_child"], nodes["right_child"], nodes["feature"]
    leaf = left == -1
    inner_ok = (
        (left > index) & (left < len(nodes)) & (right > index) & (right < len(nodes))
    ) & ((feature >= 0) & (feature < tree.n_features))
    if len(nodes) != tree.node_count or not np.all(
        np.where(leaf, right == -1, inner_ok)
    ):
        raise ValueError(f"Refusing to load {where}: a tree's nodes point outside it.")


def _check_tree_widths(estimator, where):
    """Refuse trees whose features reach beyond the columns they are given.

    A tree reads its nodes' features from the rows with no bounds check, and
    scikit-learn checks the rows' width against the estimator (``n_features_in_``)
    that holds the tree, not against the tree: a tree estimator's ``tree_``
    must be as wide as it, and an ensemble's trees as wide as the columns it
    passes them (all of them, or fewer: a bagging's ``estimators_features_``).
    """
    tree = getattr(estimator, "__dict__", {}).get("tree_")
    if _name(type(tree)) == _TREE and tree.n_features != getattr(
        estimator, "n_features_in_", None
    ):
        raise ValueError(
            f"Refusing to load {where}: its tree is not as wide as its data."
        )
    members = getattr(estimator, "__dict__", {}).get("estimators_")
    if type(members) not in (list, np.ndarray):
        return
    # (not np.asarray of a list: an ensemble member is a sequence of its trees)
    members = list(members.ravel()) if type(members) is np.ndarray else members
    trees = [i for i, member in enumerate(members) if hasattr(member, "tree_")]
    if not trees:
        return
    width = getattr(estimator, "n_features_in_", None)
    features = getattr(estimator, "estimators_features_", None)
    for i in trees:
        given = width
        if width is not None and features is not None:
            given = min(width, len(features[i])) if i < len(features) else None
        if given is None or getattr(members[i], "n_features_in_", None) != given:
            raise ValueError(
                f"Refusing to load {where}: its trees are not as wide as the "
                "columns it gives them."
            )


def _network_bytes(network):
    with tempfile.TemporaryDirectory() as tmp:
        file = os.path.join(tmp, "network.keras")
        network.save(file)
        with open(file, "rb") as f:
            return f.read()


def _load_network(archive, entry, where):
    # first: registers skdeepad's Keras layers, and imports Keras quietly
    from . import networks  # noqa: F401, I001

    import keras

    try:
        data = archive.read(entry)
    except (KeyError, TypeError):
        raise ValueError(f"{where} is damaged: it lacks {entry}.") from None
    _check_network_config(data, where)
    with tempfile.TemporaryDirectory() as tmp:
        file = os.path.join(tmp, "network.keras")
        with open(file, "wb") as f:
            f.write(data)
        try:
            return keras.saving.load_model(file, compile=False, safe_mode=True)
        except Exception as error:
            raise ValueError(f"{where} cannot be loaded ({error}).") from None


def _check_network_config(data, where):
    """Refuse a Keras network that holds a Lambda layer or names foreign classes."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as network:
            config = json.loads(network.read("config.json"))
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise ValueError(f"{where} is not a Keras network file ({error}).") from None

    import keras

    for node in _dicts(config):
        class_name = node.get("class_name")
        if class_name in ("Lambda", "TFOpLambda", "__lambda__"):
            raise ValueError(
                f"Refusing to load {where}: the network holds a "
                f"{class_name} layer, whose code would run on load."
            )
        module, registered = node.get("module"), node.get("registered_name")
        # A function by name (module.config) may be any function of Keras
        # (keras.utils.get_file, say): only activations and losses pass.
        # Keras before 3.9 would import any module named and call builtins
        # (CVE-2025-1550), so neither passes whatever Keras would do.
        if class_name == "function":
            allowed = module in ("keras.activations", "keras.losses")
        elif module is None and registered is None:
            continue  # not a serialised object, or a Keras class by name
        elif str(registered).startswith("skdeepad>"):
            allowed = (
                module is None or str(module).split(".")[0] == "skdeepad"
            ) and keras.saving.get_registered_object(registered) is not None
        else:
            allowed = isinstance(module, str) and module.split(".")[0] == "keras"
        if not allowed:
            kind = "function" if class_name == "function" else "class"
            raise ValueError(
                f"Refusing to load {where}: the network names {module!r}."
                f"{class_name} (registered as {registered!r}), a {kind} that "
                "skdeepad's networks never hold (only Keras's and skdeepad's "
                "classes, and Keras's activations and losses)."
            )


def _dicts(node):
    """Every dict in a JSON tree."""
    if isinstance(node, dict):
        yield node
        node = list(node.values())
    if isinstance(node, list):
        for child in node:
            yield from _dicts(child)


def _check_manifest(archive, where):
    """Refuse a file that is not skdeepad's; warn if other versions wrote it."""
    try:
        manifest = json.loads(archive.read(_MANIFEST))
    except KeyError:
        raise ValueError(f"{where} is not a skdeepad model file.") from None
    except (ValueError, zipfile.BadZipFile) as error:
        raise ValueError(f"{where} is damaged: its {_MANIFEST}: {error}.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != _FORMAT:
        raise ValueError(f"{where} is not a skdeepad model file.")
    saved = manifest.get("versions")
    if not isinstance(saved, dict):
        raise ValueError(f"{where} is damaged: its {_MANIFEST} lists no versions.")
    if manifest.get("format_version") != _FORMAT_VERSION:
        raise ValueError(
            f"{where} has format version {manifest.get('format_version')!r}; "
            f"this skdeepad reads version {_FORMAT_VERSION}."
        )
    now = _versions(with_backend="keras_backend" in saved)
    now = {k: v for k, v in now.items() if k in saved}
    differ = [f"{k} {saved[k]} (now {v})" for k, v in now.items() if saved[k] != v]
    if differ:
        warnings.warn(
            f"{where} was saved with {', '.join(differ)}: the loaded "
            "estimator may score differently.",
            UserWarning,
            stacklevel=3,
        )


def _name(cls):
    """A type's name as skops writes it."""
    return f"{cls.__module__}.{cls.__name__}"


def _is_keras_model(value):
    keras = sys.modules.get("keras")  # not loaded: value cannot be a network
    return keras is not None and isinstance(value, keras.Model)


def _versions(with_backend):
    names = ("skdeepad", "keras", "scikit-learn", "skops")
    versions = {name: importlib.metadata.version(name) for name in names}
    if with_backend:
        from . import networks  # noqa: F401, I001  (imports Keras quietly)

        import keras

        versions["keras_backend"] = keras.backend.backend()
    return versions
