"""Saving detectors in a format that runs no code on load.

``pickle`` and ``joblib`` round-trip every detector, but loading a pickle runs
whatever code the file names. :meth:`SaveMixin.save` and :func:`load` use a
zip archive instead:

- ``skdeepad.json``: the format, the versions of skdeepad, Keras (and its
  backend) and scikit-learn that wrote it, and the detector as plain JSON: its
  class name, parameters and fitted attributes;
- ``arrays/<i>.npy``: each NumPy array, read back with ``allow_pickle=False``;
- ``networks/<i>.keras``: each Keras network, in Keras's own format, read back
  with ``safe_mode=True`` after a check that it holds no ``Lambda`` layer and
  names no class outside Keras and skdeepad.

Only a fixed list of classes is rebuilt: skdeepad's detectors, and the
scikit-learn classes they hold (``StandardScaler``, and ``IsolationForest``
with its trees for :class:`~skdeepad.DeepIsolationForest`). They are rebuilt
from their attributes, without calling any method of theirs. Anything else
(a Keras callback among the parameters, a scikit-learn regressor inside
:class:`~skdeepad.ReconstructionDetector`) is refused at save time with a
``TypeError``: use pickle or joblib for those, from trusted sources only.
"""

import importlib.metadata
import io
import json
import math
import os
import sys
import tempfile
import warnings
import zipfile

import numpy as np

from ._compat import tree_class
from ._registry import all_detectors

__all__ = ["SaveMixin", "load"]

_MANIFEST = "skdeepad.json"
_FORMAT = "skdeepad-model"
_FORMAT_VERSION = 1


class SaveMixin:
    """``save(path)``: write the detector in skdeepad's safe format."""

    def save(self, path):
        """Save the detector to ``path`` in a format that runs no code on load.

        Parameters, fitted attributes, NumPy arrays and Keras networks go in
        one zip archive (see :mod:`skdeepad.persistence`); read it back with
        :func:`skdeepad.load`. An unfitted detector saves its parameters.

        Parameters
        ----------
        path : str or path-like
            The file to write (overwritten if it exists).

        Raises
        ------
        TypeError
            If the detector holds an object the format does not rebuild (a
            Keras callback among the parameters, a scikit-learn regressor):
            the message names it. Pickle or joblib can save those.
        """
        _save(self, path)


def load(path):
    """Load a detector written by :meth:`~skdeepad.AutoEncoder.save`.

    Nothing in the file is run: arrays are read with ``allow_pickle=False``,
    Keras networks with ``safe_mode=True`` after a check that they hold no
    ``Lambda`` layer, and only skdeepad's detectors and the scikit-learn
    classes they hold are rebuilt.

    Parameters
    ----------
    path : str or path-like
        A file written by ``save``.

    Returns
    -------
    detector : estimator
        The detector, fitted if it was when saved: its scores are those of
        the saved detector.

    Raises
    ------
    ValueError
        If the file is not a skdeepad model (truncated, foreign, or of a
        newer format), or holds something that would run code on load.

    Warns
    -----
    UserWarning
        If the file was written with other versions of skdeepad, Keras or
        scikit-learn than the ones loading it: scores may differ.

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> from skdeepad import AutoEncoder, load
    >>> X = np.random.default_rng(0).normal(size=(200, 4))
    >>> det = AutoEncoder(epochs=3, random_state=0).fit(X)
    >>> path = os.path.join(tempfile.mkdtemp(), "detector.zip")
    >>> det.save(path)
    >>> np.array_equal(load(path).score_samples(X), det.score_samples(X))
    True
    """
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        raise ValueError(
            f"{os.fspath(path)!r} is not a skdeepad model file (not a zip "
            f"archive, or a truncated one): {error}."
        ) from None
    with archive:
        manifest = _read_manifest(archive, path)
        _warn_on_versions(manifest, path)
        return _Reader(archive, path).decode(manifest["detector"], "detector")


# --------------------------------------------------------------------- writing
def _save(detector, path):
    writer = _Writer()
    manifest = {
        "format": _FORMAT,
        "format_version": _FORMAT_VERSION,
        "versions": _versions(),
        "detector": writer.encode(detector, type(detector).__name__),
    }
    if writer.networks:
        manifest["versions"]["keras_backend"] = _keras_backend()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_MANIFEST, json.dumps(manifest, indent=1))
        for name, data in writer.files.items():
            archive.writestr(name, data)


class _Writer:
    """Encodes objects as JSON, collecting arrays and networks as files."""

    def __init__(self):
        self.files = {}
        self.networks = 0

    def encode(self, value, where):
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, np.bool_):
            return bool(value)
        if isinstance(value, (int, np.integer)):
            return int(value)
        if isinstance(value, (float, np.floating)):
            value = float(value)
            return value if math.isfinite(value) else {"float": repr(value)}
        if isinstance(value, np.ndarray):
            return self._array(value, where)
        if isinstance(value, list):
            return [self.encode(v, f"{where}[{i}]") for i, v in enumerate(value)]
        if isinstance(value, tuple):
            return {
                "tuple": [self.encode(v, f"{where}[{i}]") for i, v in enumerate(value)]
            }
        if isinstance(value, dict):
            if not all(isinstance(key, str) for key in value):
                raise TypeError(
                    f"Cannot save {where}: a dict with keys other than strings."
                )
            return {
                "dict": {k: self.encode(v, f"{where}[{k!r}]") for k, v in value.items()}
            }
        if _is_keras_model(value):
            return {"network": self._network(value)}
        if isinstance(value, tree_class()):
            state = {
                "n_features": value.n_features,
                "n_outputs": value.n_outputs,
                "n_classes": value.n_classes.tolist(),
                "state": self.encode(value.__getstate__(), f"{where}.tree"),
            }
            return {"tree": state}
        name = _allowed_names().get(type(value))
        if name is None:
            raise TypeError(
                f"Cannot save {where} safely: a {type(value).__module__}."
                f"{type(value).__qualname__} is neither data nor one of the "
                "classes skdeepad's format rebuilds "
                f"({', '.join(sorted(_allowed_classes()))}). "
                "Set it to a plain value before saving (parameters such as callbacks "
                "only matter during fit), or use pickle/joblib, whose files run code "
                "when loaded."
            )
        state = {k: self.encode(v, f"{where}.{k}") for k, v in vars(value).items()}
        return {"object": name, "state": state}

    def _array(self, array, where):
        is_object = array.dtype == object
        if is_object:
            if not all(isinstance(item, str) for item in array.flat):
                raise TypeError(
                    f"Cannot save {where}: an object array of other than strings."
                )
            array = array.astype(str)
        buffer = io.BytesIO()
        np.save(buffer, array, allow_pickle=False)
        name = f"arrays/{len(self.files)}.npy"
        self.files[name] = buffer.getvalue()
        return {"array": name, "object": is_object}

    def _network(self, network):
        name = f"networks/{len(self.files)}.keras"
        with tempfile.TemporaryDirectory() as tmp:
            file = os.path.join(tmp, "network.keras")
            network.save(file)
            with open(file, "rb") as f:
                self.files[name] = f.read()
        self.networks += 1
        return name


# --------------------------------------------------------------------- reading
def _read_manifest(archive, path):
    try:
        manifest = json.loads(archive.read(_MANIFEST))
    except KeyError:
        raise ValueError(
            f"{os.fspath(path)!r} is not a skdeepad model file: it has no {_MANIFEST}."
        ) from None
    except (ValueError, zipfile.BadZipFile) as error:
        raise ValueError(
            f"{os.fspath(path)!r} is damaged: its {_MANIFEST} cannot be read ({error})."
        ) from None
    if not isinstance(manifest, dict) or manifest.get("format") != _FORMAT:
        raise ValueError(f"{os.fspath(path)!r} is not a skdeepad model file.")
    if manifest.get("format_version") != _FORMAT_VERSION:
        raise ValueError(
            f"{os.fspath(path)!r} has format version "
            f"{manifest.get('format_version')!r}; this skdeepad reads version "
            f"{_FORMAT_VERSION}."
        )
    return manifest


def _warn_on_versions(manifest, path):
    saved, now = manifest.get("versions", {}), _versions()
    if "keras_backend" in saved:
        now["keras_backend"] = _keras_backend()
    differ = [
        f"{name} {saved[name]} (now {now[name]})"
        for name in now
        if name in saved and saved[name] != now[name]
    ]
    if differ:
        warnings.warn(
            f"{os.fspath(path)!r} was saved with {', '.join(differ)}: the loaded "
            "detector may score differently.",
            UserWarning,
            stacklevel=3,
        )


class _Reader:
    """Decodes what :class:`_Writer` encoded, rebuilding only allowed classes."""

    def __init__(self, archive, path):
        self.archive = archive
        self.path = os.fspath(path)

    def _file(self, name):
        try:
            return self.archive.read(name)
        except KeyError:
            raise ValueError(f"{self.path!r} is damaged: it lacks {name}.") from None
        except (zipfile.BadZipFile, EOFError, OSError) as error:
            raise ValueError(
                f"{self.path!r} is damaged: {name} cannot be read ({error})."
            ) from None

    def decode(self, value, where):
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        if isinstance(value, list):
            return [self.decode(v, f"{where}[{i}]") for i, v in enumerate(value)]
        if not isinstance(value, dict) or len(value) == 0:
            raise ValueError(f"{self.path!r} is damaged: {where} is not understood.")
        if "float" in value:
            return float(value["float"])
        if "tuple" in value:
            return tuple(
                self.decode(v, f"{where}[{i}]") for i, v in enumerate(value["tuple"])
            )
        if "dict" in value:
            return {
                k: self.decode(v, f"{where}[{k!r}]") for k, v in value["dict"].items()
            }
        if "array" in value:
            return self._array(value, where)
        if "network" in value:
            return self._network(value["network"], where)
        if "tree" in value:
            return self._tree(value["tree"], where)
        if "object" in value:
            cls = _allowed_classes().get(value["object"])
            if cls is None:
                raise ValueError(
                    f"Refusing to load {self.path!r}: {where} is a "
                    f"{value['object']!r}, not one of the classes skdeepad's "
                    "format rebuilds."
                )
            state = {
                k: self.decode(v, f"{where}.{k}") for k, v in value["state"].items()
            }
            obj = cls.__new__(cls)
            obj.__dict__.update(state)
            return obj
        raise ValueError(f"{self.path!r} is damaged: {where} is not understood.")

    def _array(self, value, where):
        try:
            array = np.load(io.BytesIO(self._file(value["array"])), allow_pickle=False)
        except ValueError as error:
            raise ValueError(
                f"Refusing to load {self.path!r}: {where} is not a plain NumPy "
                "array (an array of Python objects would be unpickled, running "
                f"code): {error}"
            ) from None
        return array.astype(object) if value.get("object") else array

    def _tree(self, value, where):
        tree = tree_class()(
            value["n_features"],
            np.asarray(value["n_classes"], dtype=np.intp),
            value["n_outputs"],
        )
        tree.__setstate__(self.decode(value["state"], f"{where}.tree"))
        return tree

    def _network(self, name, where):
        import keras

        from . import networks  # noqa: F401  (registers skdeepad's Keras layers)

        data = self._file(name)
        _check_network_config(data, f"{self.path!r}: {where}")
        with tempfile.TemporaryDirectory() as tmp:
            file = os.path.join(tmp, "network.keras")
            with open(file, "wb") as f:
                f.write(data)
            try:
                return keras.saving.load_model(file, compile=False, safe_mode=True)
            except Exception as error:
                raise ValueError(
                    f"{self.path!r} is damaged: {where} cannot be loaded ({error})."
                ) from None


def _check_network_config(data, where):
    """Refuse a Keras network that holds a Lambda layer or names foreign classes."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as network:
            config = json.loads(network.read("config.json"))
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise ValueError(f"{where} is not a Keras network file ({error}).") from None

    def walk(node):
        if isinstance(node, dict):
            if node.get("class_name") in ("Lambda", "TFOpLambda", "__lambda__"):
                raise ValueError(
                    f"Refusing to load {where}: the network holds a "
                    f"{node['class_name']} layer, whose code would run on load."
                )
            module = node.get("module")
            registered = node.get("registered_name") or ""
            if (
                isinstance(module, str)
                and module.split(".")[0] not in ("keras", "builtins")
                and not registered.startswith("skdeepad>")
            ):
                raise ValueError(
                    f"Refusing to load {where}: the network names {module!r}."
                    f"{node.get('class_name')}, a class outside Keras and skdeepad."
                )
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(config)


# --------------------------------------------------------------------- helpers
def _allowed_classes():
    """The classes a saved file may rebuild, by the name the file gives them.

    skdeepad's detectors are those of the registry (``skdeepad._registry``).
    """
    from sklearn.ensemble import IsolationForest
    from sklearn.preprocessing import StandardScaler
    from sklearn.tree import ExtraTreeRegressor

    classes = {f"skdeepad.{name}": cls for name, cls in all_detectors()}
    for cls in (StandardScaler, IsolationForest, ExtraTreeRegressor):
        classes[f"sklearn.{cls.__name__}"] = cls
    return classes


def _allowed_names():
    return {cls: name for name, cls in _allowed_classes().items()}


def _is_keras_model(value):
    keras = sys.modules.get("keras")  # not loaded: value cannot be a network
    return keras is not None and isinstance(value, keras.Model)


def _keras_backend():
    import keras

    return keras.backend.backend()


def _versions():
    return {
        name: importlib.metadata.version(name)
        for name in ("skdeepad", "keras", "scikit-learn")
    }
