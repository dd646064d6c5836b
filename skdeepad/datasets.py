"""Outlier-detection data sets: built-in tasks and ADBench-format files.

Labels follow skdeepad's public convention: ``y = +1`` for inliers and
``y = -1`` for outliers, the labels :meth:`predict` returns. Files that mark
anomalies with 1 and normal rows with 0 (ADBench's format) are converted.
"""

from pathlib import Path

import numpy as np
from sklearn import datasets as _sk
from sklearn.utils import Bunch, check_random_state

__all__ = ["builtin_tasks", "load_csv", "load_file", "load_npz", "make_outlier_task"]


def make_outlier_task(X, y, anomaly_classes, *, anomaly_fraction=0.05, random_state=0):
    """Turn a classification data set into an outlier-detection task.

    Rows of ``anomaly_classes`` become the anomalies, subsampled so that they
    make up ``anomaly_fraction`` of the result; every other row is normal.

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
    if not 0 < anomaly_fraction < 1:
        raise ValueError(f"anomaly_fraction must be in (0, 1); got {anomaly_fraction}.")
    rng = check_random_state(random_state)
    is_anomaly = np.isin(y, anomaly_classes)
    normal, anomalies = X[~is_anomaly], X[is_anomaly]
    if len(anomalies) == 0 or len(normal) == 0:
        raise ValueError(
            f"anomaly_classes={list(anomaly_classes)} must select some, not all, rows."
        )
    n_anomalies = max(1, round(anomaly_fraction / (1 - anomaly_fraction) * len(normal)))
    n_anomalies = min(n_anomalies, len(anomalies))
    anomalies = anomalies[np.sort(rng.choice(len(anomalies), n_anomalies, replace=False))]
    X_task = np.concatenate([normal, anomalies]).astype(np.float64)
    y_task = np.concatenate([np.ones(len(normal), int), -np.ones(n_anomalies, int)])
    return X_task, y_task


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
    already skdeepad's (-1 = anomaly).
    """
    labels = np.asarray(labels)
    values = set(np.unique(labels).tolist())
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
        1 = anomaly and 0 = normal, or skdeepad's +1/-1).

    Returns
    -------
    data : Bunch
        ``X`` (float64) and ``y`` (+1 normal, -1 anomaly).
    """
    with np.load(path, allow_pickle=False) as archive:
        missing = {"X", "y"} - set(archive.files)
        if missing:
            raise ValueError(
                f"{path}: an .npz data file needs arrays 'X' and 'y'; "
                f"missing {sorted(missing)}, found {archive.files}."
            )
        X, y = archive["X"], archive["y"]
    return Bunch(X=np.asarray(X, dtype=np.float64), y=_to_inlier_labels(y, path))


def load_csv(path, label):
    """Load a numeric CSV file with a header row and a label column.

    Parameters
    ----------
    path : str or path-like
        The CSV file; every column but ``label`` is a numeric feature.
    label : str
        The name of the label column (1 = anomaly and 0 = normal, or +1/-1).

    Returns
    -------
    data : Bunch
        ``X`` (float64), ``y`` (+1 normal, -1 anomaly) and ``feature_names``.
    """
    table = np.genfromtxt(path, delimiter=",", names=True, dtype=np.float64)
    names = list(table.dtype.names or ())
    if label not in names:
        raise ValueError(f"{path}: no label column {label!r}; the columns are {names}.")
    features = [name for name in names if name != label]
    X = np.column_stack([table[name] for name in features]).reshape(len(table), -1)
    if np.isnan(X).any():
        raise ValueError(f"{path}: the features hold empty or non-numeric values.")
    return Bunch(X=X, y=_to_inlier_labels(table[label], path), feature_names=features)


def load_file(path, label=None):
    """Load ``path`` by its suffix: ``.npz`` or ``.csv`` (which needs ``label``)."""
    suffix = Path(path).suffix.lower()
    if suffix == ".npz":
        return load_npz(path)
    if suffix == ".csv":
        if label is None:
            raise ValueError(f"{path}: a CSV file needs the name of its label column.")
        return load_csv(path, label)
    raise ValueError(f"{path}: unsupported file type {suffix!r}; use .npz or .csv.")
