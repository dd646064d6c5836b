"""The loader of series in the Numenta Anomaly Benchmark (NAB) format.

Public through :mod:`skdeepad.timeseries` and :mod:`skdeepad.datasets`.
"""

import csv
import json
import os
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

__all__ = ["load_nab"]


def load_nab(path, windows=None):
    """Load one series in the Numenta Anomaly Benchmark (NAB) format.

    A NAB series is a CSV file with the header ``timestamp,value``; its
    labelled anomaly windows are in a JSON file mapping
    ``"<folder>/<file>.csv"`` to a list of ``[start, end]`` timestamp pairs
    (NAB's ``labels/combined_windows.json``). A time step is an anomaly when
    its timestamp falls in a window, ends included.

    Parameters
    ----------
    path : str or path-like
        The CSV file.
    windows : str, path-like or None, default=None
        The windows JSON file. None looks for ``labels/combined_windows.json``
        beside the series' folder, then beside its parent (NAB's own layout,
        ``data/<folder>/<file>.csv`` and ``labels/``), takes the first that
        names the series, and loads no labels when none does.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        - ``timestamp``: ndarray of datetime64, shape (n_steps,);
        - ``X``: ndarray of shape (n_steps, 1), the values, float64 (NaN
          where the file says ``nan``: a missing value);
        - ``y``: ndarray of shape (n_steps,), +1 normal and -1 anomalous steps,
          or None without labels;
        - ``windows``: list of ``(start, end)`` datetime64 pairs, or None;
        - ``name``: the key ``"<folder>/<file>.csv"``.

    Raises
    ------
    ValueError
        If the CSV does not have NAB's layout, a value is not a number, or the
        windows file has no entry for the series.
    """
    path = Path(path)
    # "s.csv" run from its folder has that folder's name; a link keeps its own
    where = Path(os.path.abspath(path))
    name = f"{where.parent.name}/{where.name}"
    with open(path, newline="", encoding="utf-8-sig") as file:  # BOM or not
        rows = [row for row in csv.reader(file) if row]  # blank lines skipped
    if not rows or [cell.strip() for cell in rows[0]] != ["timestamp", "value"]:
        header = rows[0] if rows else "nothing"
        raise ValueError(
            f"{path} is not a NAB series: the header must be 'timestamp,value'; "
            f"got {header!r}."
        )
    ragged = next((i for i, row in enumerate(rows[1:], 2) if len(row) != 2), None)
    if ragged is not None:
        raise ValueError(
            f"{path}: row {ragged} has {len(rows[ragged - 1])} fields; a NAB series "
            "has two, 'timestamp,value'."
        )
    try:
        timestamp = np.array([row[0] for row in rows[1:]], dtype="datetime64[ns]")
        values = np.array([row[1] for row in rows[1:]], dtype=np.float64)
    except (ValueError, IndexError) as error:
        raise ValueError(f"{path}: a row is not 'timestamp,value' ({error}).") from None
    if not len(values):
        raise ValueError(f"{path}: the series has a header but no time step.")
    if np.isinf(values).any():  # NaN is a missing value (Donut takes them)
        raise ValueError(
            f"{path}: the values hold infinity, at row "
            f"{int(np.flatnonzero(np.isinf(values))[0]) + 2}."
        )

    data = Bunch(
        timestamp=timestamp, X=values[:, np.newaxis], y=None, windows=None, name=name
    )
    if windows is None:  # the first labels file found that names the series
        for folder in (where.parent.parent, where.parent.parent.parent):
            candidate = folder / "labels" / "combined_windows.json"
            if candidate.exists() and name in _read_windows(candidate):
                windows = candidate
                break
        else:
            return data
    all_windows = _read_windows(windows)
    if name not in all_windows:
        raise ValueError(f"{windows} has no anomaly windows for {name!r}.")
    try:
        data.windows = [
            (np.datetime64(start, "ns"), np.datetime64(end, "ns"))
            for start, end in all_windows[name]
        ]
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"{windows}: the windows of {name!r} must be [start, end] timestamp "
            f"pairs ({error})."
        ) from None
    anomalous = np.zeros(len(timestamp), dtype=bool)
    for start, end in data.windows:
        anomalous |= (timestamp >= start) & (timestamp <= end)
    data.y = np.where(anomalous, -1, 1)
    return data


def _read_windows(path):
    """The windows file's mapping of series names to windows; {} if not one."""
    with open(path) as file:
        try:
            windows = json.load(file)
        except json.JSONDecodeError as error:
            message = f"{path} is not a JSON file of windows ({error})."
            raise ValueError(message) from None
    return windows if isinstance(windows, dict) else {}
