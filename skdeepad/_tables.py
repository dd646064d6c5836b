"""Reading a user's data file for the command line.

:func:`read_table` turns a .csv, .parquet or .npz file into features and ids:
the label, dropped and id columns are left out by name, a saved model's
columns are selected by name, and text columns are refused with their names
listed. pandas is optional: without it, CSV files are read with :mod:`csv`.
"""

from pathlib import Path

from ._csv import PANDAS_MISSING, check_header, check_widths, is_gzip, read_rows

__all__ = ["read_table"]


def read_table(
    path,
    *,
    label=None,
    drop=(),
    id_column=None,
    columns=None,
    with_labels=False,
    allow_text=False,
):
    """The features and ids of a .csv, .parquet or .npz file.

    Returns ``(X, ids)``: ``X`` a DataFrame (an array from .npz, or from CSV
    without pandas), ``ids`` the ``id_column`` values as a list, or None. The
    ``label``, ``drop`` and ``id_column`` columns are left out of ``X``;
    ``columns`` (a saved model's ``feature_names_in_``) selects and orders
    the features by name. ``with_labels=True`` returns ``(X, ids, labels)``,
    ``labels`` the ``label`` column's values as a list (None for an empty
    cell), or None without a ``label``. ``allow_text=True`` keeps text columns
    in ``X`` (a model that encodes them), where pandas reads the file.
    """
    table = _read_table(Path(path), label, drop, id_column, columns, allow_text)
    return table if with_labels else table[:2]


def _read_table(path, label, drop, id_column, columns, allow_text):
    """``(X, ids, labels)`` of the file at ``path``: see :func:`read_table`."""
    if not path.exists():
        raise ValueError(f"{path}: no such file.")
    excluded = list(
        dict.fromkeys(c for c in (label, *drop, id_column) if c is not None)
    )
    suffix = path.suffix.lower()
    if suffix == ".npz":
        from .datasets import _read_npz

        if excluded:
            raise ValueError(
                f"{path}: an .npz file has no column names; --label, --drop and "
                "--id apply to .csv and .parquet files."
            )
        (X,) = _read_npz(path, ["X"])
        return X, None, None
    if suffix not in (".csv", ".parquet", ".pq"):
        raise ValueError(
            f"{path}: unsupported file type {suffix!r}; use .csv, .parquet or .npz."
        )
    try:
        import pandas as pd
    except ImportError:  # pandas is optional: CSV files still load
        if suffix != ".csv":
            raise ValueError(
                f"{path}: reading Parquet needs pandas and pyarrow."
            ) from None
        return _read_csv_without_pandas(path, excluded, id_column, columns, label)
    if suffix == ".csv":
        frame = _read_csv(path, id_column)
    else:
        try:
            frame = pd.read_parquet(path)
        except ImportError as error:
            raise ValueError(
                f"{path}: reading Parquet needs pyarrow (pip install pyarrow): {error}"
            ) from None
    if frame.empty and len(frame.columns):
        raise ValueError(f"{path}: the file has a header but no data row.")
    names = _feature_names(path, list(frame.columns), excluded, columns)
    ids, labels = (
        None if column is None else [None if pd.isna(v) else v for v in frame[column]]
        for column in (id_column, label)
    )
    X = frame[names]
    text = [c for c in names if not pd.api.types.is_numeric_dtype(X[c])]
    if text and not allow_text:
        raise ValueError(_text_columns(path, {c: X[c].tolist() for c in text}))
    return X, ids, labels


def _read_csv(path, id_column):
    """A CSV file as a DataFrame; what pandas cannot read is a ValueError naming it."""
    import warnings
    import zlib

    import pandas as pd

    try:
        with warnings.catch_warnings():
            # With more fields in a row than in the header, pandas would take
            # the first columns as an index (every column read shifted), or with
            # index_col=False drop the last ones with this warning.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(
                path,
                index_col=False,
                # The id column as written: "007" stays "007".
                dtype=None if id_column is None else {id_column: str},
                compression="gzip" if is_gzip(path) else None,  # as read_rows
            )
    except pd.errors.ParserWarning:
        raise ValueError(
            f"{path}: a data row has more fields than the header (a trailing "
            "comma?); each row needs one value per column name."
        ) from None
    except (
        pd.errors.ParserError,
        pd.errors.EmptyDataError,
        UnicodeDecodeError,
        EOFError,
        OSError,  # gzip.BadGzipFile
        zlib.error,
    ) as error:
        raise ValueError(f"{path}: could not be read as CSV ({error}).") from None
    return frame


def _feature_names(path, header, excluded, columns):
    """The feature columns of a table with ``header``, checking every name."""
    missing = [c for c in excluded if c not in header]
    if missing:
        raise ValueError(
            f"{path}: no column {', '.join(map(repr, missing))}; the columns "
            f"are {header}."
        )
    names = [c for c in header if c not in excluded]
    if columns is None:
        return names
    columns = list(columns)
    missing = [c for c in columns if c not in names]
    if missing:
        raise ValueError(
            f"{path}: the model was fitted on the columns {columns}; "
            f"{', '.join(map(repr, missing))} not among the features {names}."
        )
    return columns


def _text_columns(path, values):
    """The message refusing text columns: each name with a value it holds."""

    def example(column):
        for value in column:
            try:
                float(value)
            except (TypeError, ValueError):
                return repr(str(value))
        return "numbers stored as text"

    described = ", ".join(f"{c!r} (e.g. {example(v)})" for c, v in values.items())
    drops = " ".join(f"--drop {c}" for c in values)
    return (
        f"{path}: features must be numeric; text column(s) {described}. Leave "
        f"them out with {drops} (an id column with --id), or encode them as "
        "numbers first."
    )


def _read_csv_without_pandas(path, excluded, id_column, columns, label):
    import numpy as np

    rows, lines = read_rows(path, strip=False)  # names and ids as pandas reads them
    if not rows:
        raise ValueError(f"{path}: an empty file; a CSV file needs a header.")
    (header, *rows), (_, *lines) = rows, lines
    if not rows:
        raise ValueError(f"{path}: the file has a header but no data row.")
    check_header(path, header)  # pandas would rename a repeat ("a.1")
    # a trailing comma: one empty field more than the header, as pandas reads it
    width = len(header) + 1
    rows = [row[:-1] if len(row) == width and not row[-1] else row for row in rows]
    check_widths(path, header, rows, lines)
    names = _feature_names(path, header, excluded, columns)
    position = {c: header.index(c) for c in header}
    ids = None if id_column is None else [r[position[id_column]] for r in rows]
    labels = None
    if label is not None:  # an empty cell is no label
        labels = [r[position[label]].strip() or None for r in rows]
    X = np.empty((len(rows), len(names)), dtype=np.float64)
    text = {}
    for j, name in enumerate(names):
        # missing: what pandas reads as missing ("", "NA", "NULL"...)
        column = [_number_text(r[position[name]]) for r in rows]
        try:
            X[:, j] = [float(v) for v in column]
        except ValueError:
            text[name] = column
    if text:
        raise ValueError(_text_columns(path, text))
    return X, ids, labels


def _number_text(value):
    """A cell as text ``float`` reads: "nan" for what pandas reads as missing."""
    value = value.strip()
    return "nan" if value in PANDAS_MISSING else value
