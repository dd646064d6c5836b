"""Readers of the network-intrusion data sets: NSL-KDD and UNSW-NB15.

Public through :mod:`skdeepad.datasets`. Neither downloads: both read files the
user already has, in the layouts their publishers distribute.
"""

import numpy as np
from sklearn.utils import Bunch

from ._csv import check_header, check_widths, read_rows

__all__ = ["encode_columns", "load_nsl_kdd", "load_unsw_nb15"]

# The 41 features of KDD Cup 99, in file order (also NSL-KDD's).
KDD_FEATURES = (
    "duration protocol_type service flag src_bytes dst_bytes land wrong_fragment "
    "urgent hot num_failed_logins logged_in num_compromised root_shell su_attempted "
    "num_root num_file_creations num_shells num_access_files num_outbound_cmds "
    "is_host_login is_guest_login count srv_count serror_rate srv_serror_rate "
    "rerror_rate srv_rerror_rate same_srv_rate diff_srv_rate srv_diff_host_rate "
    "dst_host_count dst_host_srv_count dst_host_same_srv_rate dst_host_diff_srv_rate "
    "dst_host_same_src_port_rate dst_host_srv_diff_host_rate dst_host_serror_rate "
    "dst_host_srv_serror_rate dst_host_rerror_rate dst_host_srv_rerror_rate"
).split()
KDD_CATEGORICAL = ("protocol_type", "service", "flag")

# The usual grouping of the KDD Cup 99 / NSL-KDD attacks into four families.
_KDD_FAMILIES = {
    "dos": "back land neptune pod smurf teardrop apache2 mailbomb processtable "
    "udpstorm worm",
    "probe": "ipsweep nmap portsweep satan mscan saint",
    "r2l": "ftp_write guess_passwd imap multihop phf spy warezclient warezmaster "
    "named sendmail snmpgetattack snmpguess xlock xsnoop httptunnel",
    "u2r": "buffer_overflow loadmodule perl rootkit ps sqlattack xterm",
}
KDD_FAMILY = {
    attack: family
    for family, names in _KDD_FAMILIES.items()
    for attack in names.split()
}

UNSW_CATEGORICAL = ("proto", "service", "state")
_UNSW_NOT_FEATURES = ("id", "label", "attack_cat")


def encode_columns(columns, names, categorical_names, categorical, categories):
    """Encode text columns as numbers, in column order.

    Parameters
    ----------
    columns : list of ndarray
        One array of strings per column.
    names : list of str
        The columns' names.
    categorical_names : collection of str
        The names of the categorical columns; every other column must be
        numeric.
    categorical : {"onehot", "ordinal"}
        One column per category (named ``"name=value"``), or one integer code
        per column.
    categories : dict of str to list of str, or None
        The categories of each categorical column, e.g. from the training
        file, so that a test file gets the same columns. A value outside them
        gets all-zero indicators ("onehot") or the code -1 ("ordinal"). None
        takes the sorted values found in ``columns``.

    Returns
    -------
    X : ndarray of shape (n_rows, n_features), float64
    feature_names : list of str
    categories : dict of str to list of str
    """
    if categorical not in ("onehot", "ordinal"):
        raise ValueError(
            f"categorical must be 'onehot' or 'ordinal'; got {categorical!r}."
        )
    given = categories
    blocks, feature_names, categories = [], [], {}
    for name, values in zip(names, columns, strict=True):
        if name not in categorical_names:
            blocks.append(_numeric(values, name)[:, None])
            feature_names.append(name)
            continue
        known = (
            np.unique(values) if given is None else np.asarray(given[name], dtype=str)
        )
        categories[name] = known.tolist()
        index = {value: i for i, value in enumerate(known.tolist())}
        codes = np.array([index.get(value, -1) for value in values], dtype=np.int64)
        if categorical == "ordinal":
            blocks.append(codes[:, None].astype(np.float64))
            feature_names.append(name)
        else:
            blocks.append((codes[:, None] == np.arange(len(known))).astype(np.float64))
            feature_names += [f"{name}={value}" for value in known]
    n_rows = len(columns[0]) if columns else 0
    X = np.hstack(blocks) if blocks else np.empty((n_rows, 0))
    return X, feature_names, categories


def _numeric(values, name):
    try:
        numbers = np.asarray(values, dtype=np.float64)
    except ValueError:
        bad = str(next(v for v in values if not _is_number(v)))
        raise ValueError(
            f"column {name!r} must be numeric; it holds {bad!r}."
        ) from None
    if not np.isfinite(numbers).all():  # "nan" and "inf" parse as floats
        bad = str(values[int(np.flatnonzero(~np.isfinite(numbers))[0])])
        raise ValueError(f"column {name!r} must hold finite numbers; it holds {bad!r}.")
    return numbers


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def _check_categories(categories, categorical_names):
    if categories is None:
        return
    missing = [name for name in categorical_names if name not in categories]
    if missing:
        raise ValueError(
            f"categories must give the values of {list(categorical_names)}; "
            f"missing {missing}."
        )
    for name in categorical_names:
        values = categories[name]
        if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
            raise TypeError(
                f"categories[{name!r}] must be a list of the column's values; "
                f"got {values!r}."
            )


def load_nsl_kdd(path, *, categorical="onehot", categories=None):
    """Load an NSL-KDD file (``KDDTrain+.txt`` / ``KDDTest+.txt`` layout).

    Each line holds the 41 features of KDD Cup 99, comma-separated without a
    header, then the attack's name (``normal`` for normal traffic) and, in
    the ``+`` files, the difficulty level (the number of 21 classifiers that
    labelled the record correctly). Nothing is downloaded.

    Parameters
    ----------
    path : str or path-like
        The file.
    categorical : {"onehot", "ordinal"}, default="onehot"
        How the three text columns (``protocol_type``, ``service``, ``flag``)
        become numbers: one indicator column per value (named
        ``"service=http"``), or one integer code each.
    categories : dict of str to list of str, default=None
        The values of the three text columns to encode, usually
        ``load_nsl_kdd(train_path).categories``, so that the test file gets
        the training file's columns; a value not among them gets all-zero
        indicators ("onehot") or -1 ("ordinal"). None takes the values found
        in this file.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``X`` (float64), ``y`` (+1 normal, -1 attack), ``attack`` (the
        attack's name), ``family`` (``"normal"``, ``"dos"``, ``"probe"``,
        ``"r2l"``, ``"u2r"``, or ``"unknown"`` for a name outside the usual
        grouping), ``difficulty`` (int, -1 where the file has no such
        column), ``feature_names`` and ``categories``.

    Examples
    --------
    >>> from skdeepad.datasets import load_nsl_kdd
    >>> train = load_nsl_kdd("KDDTrain+.txt")  # doctest: +SKIP
    >>> test = load_nsl_kdd(
    ...     "KDDTest+.txt", categories=train.categories
    ... )  # doctest: +SKIP
    """
    _check_categories(categories, KDD_CATEGORICAL)
    rows, lines = _read_rows(path)
    width = len(rows[0])
    bad = next(
        (i for i, row in enumerate(rows) if len(row) != width or width not in (42, 43)),
        None,
    )
    if bad is not None:
        raise ValueError(
            f"{path}: an NSL-KDD file has 41 features, the attack label and the "
            f"difficulty (43 comma-separated values per line, or 42 without the "
            f"difficulty); line {lines[bad]} has {len(rows[bad])}."
        )
    table = np.array(rows, dtype=str)
    X, feature_names, categories = encode_columns(
        list(table[:, :41].T), KDD_FEATURES, KDD_CATEGORICAL, categorical, categories
    )
    # KDD Cup 99's own files end each label with a dot ("normal.")
    attack = np.char.rstrip(np.char.strip(table[:, 41]), ".")
    if table.shape[1] == 43:
        try:
            difficulty = table[:, 42].astype(int)
        except ValueError:
            raise ValueError(
                f"{path}: the difficulty (the 43rd value of a line) must be an integer."
            ) from None
    else:
        difficulty = np.full(len(table), -1)
    family = np.array(
        ["normal" if a == "normal" else KDD_FAMILY.get(a, "unknown") for a in attack]
    )
    return Bunch(
        X=X,
        y=np.where(attack == "normal", 1, -1),
        attack=attack,
        family=family,
        difficulty=difficulty,
        feature_names=feature_names,
        categories=categories,
    )


def load_unsw_nb15(path, *, categorical="onehot", categories=None):
    """Load a UNSW-NB15 training or testing set (``UNSW_NB15_training-set.csv`` layout).

    A CSV file with a header: ``id``, the flow features (three of them text:
    ``proto``, ``service``, ``state``), ``attack_cat`` (the attack's
    category, ``Normal`` for normal traffic) and ``label`` (0 normal, 1
    attack). ``id`` is dropped. Nothing is downloaded.

    Parameters
    ----------
    path : str or path-like
        The file.
    categorical : {"onehot", "ordinal"}, default="onehot"
        How ``proto``, ``service`` and ``state`` become numbers, as in
        :func:`load_nsl_kdd`.
    categories : dict of str to list of str, default=None
        The values of the three text columns to encode, usually the training
        set's ``categories``; as in :func:`load_nsl_kdd`.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``X`` (float64), ``y`` (+1 normal, -1 attack, from ``label``),
        ``attack`` and ``family`` (both the ``attack_cat`` column, stripped:
        UNSW-NB15's categories are its families), ``feature_names`` and
        ``categories``.

    Examples
    --------
    >>> from skdeepad.datasets import load_unsw_nb15
    >>> train = load_unsw_nb15("UNSW_NB15_training-set.csv")  # doctest: +SKIP
    """
    _check_categories(categories, UNSW_CATEGORICAL)
    (header, *rows), (_, *lines) = _read_rows(path)
    check_header(path, header)
    missing = [c for c in (*UNSW_CATEGORICAL, "label", "attack_cat") if c not in header]
    if missing:
        raise ValueError(
            f"{path}: a UNSW-NB15 training/testing CSV needs a header with the "
            f"columns proto, service, state, attack_cat and label; missing {missing}."
        )
    if not rows:
        raise ValueError(f"{path}: the file has a header but no data row.")
    check_widths(path, header, rows, lines)
    table = np.array(rows, dtype=str).reshape(len(rows), len(header))
    column = {name: table[:, j] for j, name in enumerate(header)}
    names = [name for name in header if name not in _UNSW_NOT_FEATURES]
    X, feature_names, categories = encode_columns(
        [column[name] for name in names],
        names,
        UNSW_CATEGORICAL,
        categorical,
        categories,
    )
    label = _numeric(column["label"], "label")
    if not set(np.unique(label)) <= {0.0, 1.0}:
        raise ValueError(
            f"{path}: the label column must hold 0 (normal) or 1 (attack)."
        )
    attack = np.char.strip(column["attack_cat"])
    return Bunch(
        X=X,
        y=np.where(label == 1, -1, 1),
        attack=attack,
        family=attack.copy(),
        feature_names=feature_names,
        categories=categories,
    )


def _read_rows(path):
    """``(rows, lines)`` of a non-empty CSV file (:func:`~skdeepad._csv.read_rows`)."""
    rows, lines = read_rows(path)
    if not rows:
        raise ValueError(f"{path}: the file is empty.")
    return rows, lines
