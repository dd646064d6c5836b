"""Outlier-detection data sets: built-in tasks, generators, loaders.

Labels follow skdeepad's public convention: ``y = +1`` for inliers and
``y = -1`` for outliers, the labels :meth:`predict` returns. Files that mark
anomalies with 1 and normal rows with 0 (ADBench's format) are converted.
Nothing here downloads unless asked: :func:`load_kddcup99` goes through
scikit-learn's ``fetch_kddcup99`` and its cache; :func:`load_nsl_kdd` and
:func:`load_unsw_nb15` read files the user already has.
"""

import numbers
import warnings
import zipfile
from pathlib import Path

import numpy as np
from sklearn import datasets as _sk
from sklearn.utils import Bunch, check_random_state

from ._csv import check_header, check_widths, read_rows
from ._intrusion import encode_columns, load_nsl_kdd, load_unsw_nb15
from ._nab import load_nab

__all__ = [
    "builtin_tasks",
    "load_csv",
    "load_file",
    "load_kddcup99",
    "load_nab",
    "load_npz",
    "load_nsl_kdd",
    "load_unsw_nb15",
    "make_anomalies",
    "make_outlier_task",
]

_ANOMALY_KINDS = ("global", "local", "clustered", "dependency")


def make_outlier_task(X, y, anomaly_classes, *, anomaly_fraction=0.05, random_state=0):
    """Turn a classification data set into an outlier-detection task.

    Rows of ``anomaly_classes`` become the anomalies, subsampled so that they
    make up ``anomaly_fraction`` of the result; every other row is normal.
    Where those classes hold too few rows for that share, all of them are
    kept, with a ``UserWarning`` giving the share they make up.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The features.
    y : ndarray of shape (n_samples,)
        The class labels.
    anomaly_classes : sequence
        The classes whose rows are the anomalies.
    anomaly_fraction : float, default=0.05
        The share of anomalies in the task, in (0, 1).
    random_state : int, RandomState instance or None, default=0
        Seeds the subsampling.

    Returns
    -------
    X_task : ndarray of shape (n_task, n_features)
        The normal rows, then the anomalies.
    y_task : ndarray of shape (n_task,)
        +1 for normal rows, -1 for anomalies.
    """
    if not _is_real(anomaly_fraction) or not 0 < anomaly_fraction < 1:
        raise ValueError(
            f"anomaly_fraction must be a number in (0, 1); got {anomaly_fraction!r}."
        )
    rng = check_random_state(random_state)
    X, y = np.asarray(X), np.asarray(y)
    if y.ndim != 1 or len(X) != len(y):
        raise ValueError(
            f"y must hold one label per row of X ({len(X)}); got shape {y.shape}."
        )
    is_anomaly = np.isin(y, anomaly_classes)
    normal, anomalies = X[~is_anomaly], X[is_anomaly]
    if len(anomalies) == 0 or len(normal) == 0:
        raise ValueError(
            f"anomaly_classes={np.ravel(anomaly_classes).tolist()} must select "
            "some, not all, rows."
        )
    n_anomalies = max(1, round(anomaly_fraction / (1 - anomaly_fraction) * len(normal)))
    if n_anomalies > len(anomalies):
        warnings.warn(
            f"anomaly_classes={np.ravel(anomaly_classes).tolist()} hold "
            f"{len(anomalies)} rows, fewer than the {n_anomalies} that "
            f"anomaly_fraction={anomaly_fraction} asks beside {len(normal)} "
            f"normal rows: they make up "
            f"{len(anomalies) / (len(anomalies) + len(normal)):.3g} of the task.",
            UserWarning,
            stacklevel=2,
        )
        n_anomalies = len(anomalies)
    anomalies = anomalies[
        np.sort(rng.choice(len(anomalies), n_anomalies, replace=False))
    ]
    X_task = np.concatenate([normal, anomalies]).astype(np.float64)
    y_task = np.concatenate([np.ones(len(normal), int), -np.ones(n_anomalies, int)])
    return X_task, y_task


def _is_real(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _blobs(random_state):
    """Gaussian clusters with uniform noise as the anomalies."""
    rng = check_random_state(random_state)
    normal, _ = _sk.make_blobs(
        n_samples=950, n_features=8, centers=3, random_state=rng
    )
    low, high = normal.min(axis=0), normal.max(axis=0)
    noise = rng.uniform(low, high, size=(50, normal.shape[1]))
    X = np.concatenate([normal, noise])
    return X, np.concatenate([np.ones(len(normal), int), -np.ones(len(noise), int)])


def builtin_tasks(random_state=0):
    """Return the outlier-detection tasks built from data scikit-learn ships.

    No download: each task comes from a data set bundled with scikit-learn
    (one rare class as the anomalies, 5% of the rows) or from a generator.

    - ``breast_cancer``: benign tumours normal, malignant ones the anomalies;
    - ``wine``: cultivars 0 and 1 normal, cultivar 2 the anomalies;
    - ``digits``: the digits 1 to 9 normal, zeros the anomalies;
    - ``iris``: setosa and versicolor normal, virginica the anomalies;
    - ``blobs``: three Gaussian clusters, uniform noise the anomalies.

    Parameters
    ----------
    random_state : int, default=0
        Seeds the subsampling of the anomalies and the generator.

    Returns
    -------
    tasks : dict of str to Bunch
        Each Bunch has ``X`` (float64) and ``y`` (+1 normal, -1 anomaly).
    """
    sources = {
        "breast_cancer": (_sk.load_breast_cancer, [0]),  # 0 = malignant
        "wine": (_sk.load_wine, [2]),
        "digits": (_sk.load_digits, [0]),
        "iris": (_sk.load_iris, [2]),
    }
    tasks = {}
    for name, (loader, anomaly_classes) in sources.items():
        X, y = loader(return_X_y=True)
        X, y = make_outlier_task(X, y, anomaly_classes, random_state=random_state)
        tasks[name] = Bunch(X=X, y=y)
    X, y = _blobs(random_state)
    tasks["blobs"] = Bunch(X=X, y=y)
    return tasks


def _to_inlier_labels(labels, source):
    """Map anomaly labels to +1 inlier / -1 outlier.

    ``{0, 1}`` labels are ADBench's (1 = anomaly); ``{-1, 1}`` labels are
    already skdeepad's (-1 = anomaly). Labels all 1 could be either: refused.
    """
    labels = np.asarray(labels)
    values = set(np.unique(labels).tolist())
    if values == {1}:
        raise ValueError(
            f"{source}: the labels are all 1, which is ambiguous: every row an "
            "anomaly with 0/1 labels (1 = anomaly), none with +1/-1 labels (-1 = "
            "anomaly). Label normal rows 0 with 0/1 labels."
        )
    if values <= {0, 1}:
        return np.where(labels == 1, -1, 1)
    if values <= {-1, 1}:
        return labels.astype(int)
    raise ValueError(
        f"{source}: labels must be 0/1 (1 = anomaly) or +1/-1 (-1 = anomaly); "
        f"got the values {sorted(values)[:10]}."
    )


def load_npz(path):
    """Load an ADBench-format ``.npz`` file.

    Parameters
    ----------
    path : str or path-like
        A NumPy ``.npz`` archive holding ``X`` (n x d) and ``y`` (n labels,
        1 = anomaly and 0 = normal, or skdeepad's +1/-1; labels all 1, which
        could be either, are a ValueError).

    Returns
    -------
    data : Bunch
        ``X`` (float64) and ``y`` (+1 normal, -1 anomaly).
    """
    X, y = _read_npz(path, ["X", "y"])
    X, y = _checked_arrays(X, y, path)
    return Bunch(X=X, y=_to_inlier_labels(y, path))


def _read_npz(path, names):
    """The arrays ``names`` of the ``.npz`` archive at ``path``, read without pickle.

    A file that is not such an archive (a .npy file's one array, text, a
    truncated archive), lacks one of the arrays or holds one pickled is a
    ValueError naming it.
    """
    listed = " and ".join(map(repr, names))
    try:
        archive = np.load(path, allow_pickle=False)
    except (zipfile.BadZipFile, EOFError) as error:
        raise ValueError(f"{path}: not a readable .npz archive ({error}).") from None
    except ValueError:
        # NumPy reads any other file as pickled data, and suggests unpickling it
        raise ValueError(
            f"{path}: not a readable .npz archive (nor a .npy array: neither "
            "zip nor NumPy format)."
        ) from None
    if not isinstance(archive, np.lib.npyio.NpzFile):  # a .npy file's one array
        keywords = ", ".join(f"{name}={name}" for name in names)
        raise ValueError(
            f"{path}: a single NumPy array (.npy), not an .npz archive of the "
            f"array(s) {listed} (numpy.savez(path, {keywords}) writes one)."
        )
    with archive:
        missing = [name for name in names if name not in archive.files]
        if missing:
            raise ValueError(
                f"{path}: the .npz file needs the array(s) {listed}; missing "
                f"{missing}, found {archive.files}."
            )
        try:
            return [archive[name] for name in names]
        except (zipfile.BadZipFile, EOFError, ValueError) as error:
            raise ValueError(
                f"{path}: could not read {listed} ({error}); they must be "
                "numeric arrays, saved without pickling."
            ) from None


def _checked_arrays(X, y, source):
    """``X`` as a finite 2-D float64 array and ``y`` as 1-D labels, one per row."""
    try:
        X = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{source}: X must hold numbers.") from None
    y = np.asarray(y)
    if X.ndim != 2 or 0 in X.shape:
        raise ValueError(
            f"{source}: X must be a 2-D array of samples by features, with at "
            f"least one of each; got shape {X.shape}."
        )
    if y.ndim != 1 or len(y) != len(X):
        raise ValueError(
            f"{source}: y must hold one label per row of X ({len(X)}); got "
            f"shape {y.shape}."
        )
    if not np.isfinite(X).all():
        raise ValueError(f"{source}: X holds NaN or infinite values.")
    return X, y


def load_csv(path, label):
    """Load a numeric CSV file with a header row and a label column.

    Parameters
    ----------
    path : str or path-like
        The CSV file; every column but ``label`` is a numeric feature.
    label : str
        The name of the label column (1 = anomaly and 0 = normal, or +1/-1;
        labels all 1, which could be either, are a ValueError).

    Returns
    -------
    data : Bunch
        ``X`` (float64), ``y`` (+1 normal, -1 anomaly) and ``feature_names``.
    """
    rows, lines = read_rows(path, comments=True)
    if not rows:
        raise ValueError(f"{path}: an empty file; a CSV file needs a header.")
    # a leading "#" (NumPy's savetxt writes one) is not part of the first name
    (names, *rows), (_, *lines) = rows, lines
    names[0] = names[0].removeprefix("#").strip()
    check_header(path, names)
    if label not in names:
        raise ValueError(f"{path}: no label column {label!r}; the columns are {names}.")
    features = [name for name in names if name != label]
    if not features:
        raise ValueError(f"{path}: no feature column besides the label {label!r}.")
    if not rows:
        raise ValueError(f"{path}: the file has a header but no data row.")
    check_widths(path, names, rows, lines)
    try:
        table = np.array(rows, dtype=np.float64)
    except ValueError:
        # some value is not a number: name the first, column by column
        table = np.column_stack(
            [
                _numbers(path, name, name == label, rows, lines, j)
                for j, name in enumerate(names)
            ]
        )
    column = names.index(label)
    X, y = _checked_arrays(np.delete(table, column, axis=1), table[:, column], path)
    return Bunch(X=X, y=_to_inlier_labels(y, path), feature_names=features)


def _numbers(path, name, is_label, rows, lines, j):
    """Column ``j`` of ``rows`` as float64; a ValueError names its first
    value that is not a number, and that value's line."""
    numbers = np.empty(len(rows))
    for i, row in enumerate(rows):
        try:
            numbers[i] = float(row[j])
        except ValueError:
            what = repr(row[j]) if row[j] else "an empty value"
            raise ValueError(
                f"{path}: the {'label' if is_label else 'feature'} column {name!r} "
                f"must hold numbers; line {lines[i]} holds {what}."
            ) from None
    return numbers


def load_file(path, label=None):
    """Load ``path`` by its suffix: ``.npz`` or ``.csv`` (which needs ``label``).

    Parameters
    ----------
    path : str or path-like
        An ADBench-format ``.npz`` file or a CSV file with a header.
    label : str, default=None
        The label column of a CSV file.

    Returns
    -------
    data : Bunch
        As :func:`load_npz` or :func:`load_csv` return it.
    """
    suffix = Path(path).suffix.lower()
    if suffix == ".npz":
        return load_npz(path)
    if suffix == ".csv":
        if label is None:
            raise ValueError(f"{path}: a CSV file needs the name of its label column.")
        return load_csv(path, label)
    raise ValueError(f"{path}: unsupported file type {suffix!r}; use .npz or .csv.")


def make_anomalies(
    n_samples=1000,
    n_features=8,
    *,
    kind="global",
    contamination=0.05,
    n_clusters=3,
    random_state=None,
):
    """Normal data with planted anomalies of one type (ADBench's four types).

    The normal rows come from a mixture of ``n_clusters`` Gaussians with
    correlated features. The anomalies are of ``kind``:

    - ``"global"``: uniform over the normal data's bounding box, widened by
      10% of its range on each side (far from every cluster);
    - ``"local"``: from the same mixture with each covariance scaled by 5
      (near the clusters, but too spread);
    - ``"clustered"``: a tight group from the mixture with its means scaled
      by 5 (a small cluster of their own);
    - ``"dependency"``: each feature drawn from the normal rows' values of
      that feature independently (every marginal normal, the correlations
      between features broken).

    Parameters
    ----------
    n_samples : int, default=1000
        Rows in all, anomalies included.
    n_features : int, default=8
        Columns.
    kind : {"global", "local", "clustered", "dependency"}, default="global"
        The type of anomaly.
    contamination : float, default=0.05
        The share of anomalies, in (0, 0.5].
    n_clusters : int, default=3
        Gaussians in the normal mixture.
    random_state : int, RandomState instance or None, default=None
        Seeds every draw.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
        The rows, anomalies shuffled among the normal ones.
    y : ndarray of shape (n_samples,)
        +1 normal, -1 anomaly.

    Examples
    --------
    >>> from skdeepad.datasets import make_anomalies
    >>> X, y = make_anomalies(200, 4, kind="local", random_state=0)
    >>> X.shape, int((y == -1).sum())
    ((200, 4), 10)
    """
    if kind not in _ANOMALY_KINDS:
        raise ValueError(f"kind must be one of {_ANOMALY_KINDS}; got {kind!r}.")
    if not _is_real(contamination) or not 0 < contamination <= 0.5:
        raise ValueError(
            f"contamination must be a number in (0, 0.5]; got {contamination!r}."
        )
    sizes = {"n_samples": n_samples, "n_features": n_features, "n_clusters": n_clusters}
    for name, value in sizes.items():
        if not isinstance(value, numbers.Integral) or isinstance(value, bool):
            raise TypeError(f"{name} must be an int; got {value!r}.")
    if n_samples < 3 or n_features < 1 or n_clusters < 1:
        raise ValueError(
            "make_anomalies needs n_samples >= 3 (two normal rows and an anomaly), "
            f"n_features >= 1 and n_clusters >= 1; got {n_samples}, {n_features}, "
            f"{n_clusters}."
        )
    if kind == "dependency" and n_features < 2:
        raise ValueError(
            "kind='dependency' breaks the dependencies between features, which "
            f"needs n_features >= 2; got {n_features}. With one feature, its "
            "anomalies would be copies of normal values."
        )
    rng = check_random_state(random_state)
    # at least one, and never more anomalies than normal rows
    n_anomalies = min(max(int(round(contamination * n_samples)), 1), n_samples // 2)
    n_normal = n_samples - n_anomalies
    means = rng.uniform(-5, 5, size=(n_clusters, n_features))
    mixers = rng.normal(size=(n_clusters, n_features, n_features)) / np.sqrt(n_features)

    def mixture(n, mean_scale=1.0, spread=1.0):
        component = rng.randint(n_clusters, size=n)
        noise = rng.normal(size=(n, n_features))
        rows = np.einsum("nd,nde->ne", noise, mixers[component]) * np.sqrt(spread)
        return rows + mean_scale * means[component]

    normal = mixture(n_normal)
    if kind == "global":
        low, high = normal.min(axis=0), normal.max(axis=0)
        margin = 0.1 * (high - low)
        anomalies = rng.uniform(
            low - margin, high + margin, size=(n_anomalies, n_features)
        )
    elif kind == "local":
        anomalies = mixture(n_anomalies, spread=5.0)
    elif kind == "clustered":
        anomalies = mixture(n_anomalies, mean_scale=5.0, spread=0.1)
    else:
        rows = rng.randint(n_normal, size=(n_anomalies, n_features))
        anomalies = normal[rows, np.arange(n_features)]
    X = np.concatenate([normal, anomalies])
    y = np.concatenate([np.ones(n_normal, dtype=int), -np.ones(n_anomalies, dtype=int)])
    order = rng.permutation(n_samples)
    return X[order], y[order]


def load_kddcup99(
    subset="http",
    *,
    data_home=None,
    percent10=True,
    categorical="onehot",
    download_if_missing=True,
    random_state=0,
):
    """KDD Cup 99 as an outlier-detection task, through scikit-learn.

    Loads with :func:`sklearn.datasets.fetch_kddcup99` (which downloads the
    data into its cache, ``data_home``, the first time, unless
    ``download_if_missing=False``), encodes every column as numbers and maps
    the labels to +1 (``normal.``) and -1 (any attack).

    Parameters
    ----------
    subset : {"http", "smtp", "SA", "SF"} or None, default="http"
        scikit-learn's subsets: ``http`` and ``smtp`` (3 numeric features,
        ADBench's two KDD sets), ``SF`` (4 features, one categorical), ``SA``
        (41 features, normal traffic and a 3,377-row sample of attacks), or
        None for all 41 features of every row.
    data_home : str or path-like, default=None
        scikit-learn's data cache (default ``~/scikit_learn_data``).
    percent10 : bool, default=True
        Load the 10% sample scikit-learn also provides.
    categorical : {"onehot", "ordinal"}, default="onehot"
        How the text columns (protocol type, service, flag) become numbers:
        one column per value (named ``"service=http"``), or one code each.
    download_if_missing : bool, default=True
        Passed on to ``fetch_kddcup99``: False raises an OSError when the
        data is not cached.
    random_state : int, default=0
        Passed on to ``fetch_kddcup99`` (it samples the SA attacks).

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``X`` (float64), ``y`` (+1 normal, -1 attack), ``attack`` (the
        attack's name, ``"normal"`` for normal rows) and ``feature_names``.
    """
    from sklearn.datasets import fetch_kddcup99

    if categorical not in ("onehot", "ordinal"):
        raise ValueError(
            f"categorical must be 'onehot' or 'ordinal'; got {categorical!r}."
        )
    raw = fetch_kddcup99(
        subset=subset,
        data_home=data_home,
        percent10=percent10,
        download_if_missing=download_if_missing,
        random_state=random_state,
    )
    data = np.asarray(raw.data, dtype=object)
    names = list(raw.feature_names)
    text = {
        name for j, name in enumerate(names)
        if len(data) and isinstance(data[0, j], (bytes, str))
    }
    columns = [
        np.array([_text(v) for v in data[:, j]]) if name in text else data[:, j]
        for j, name in enumerate(names)
    ]
    X, feature_names, _ = encode_columns(columns, names, text, categorical, None)
    attack = np.array([_text(t).rstrip(".") for t in raw.target])
    y = np.where(attack == "normal", 1, -1)
    return Bunch(X=X, y=y, attack=attack, feature_names=feature_names)


def _text(value):
    return value.decode() if isinstance(value, bytes) else str(value)
