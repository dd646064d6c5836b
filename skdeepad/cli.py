"""The ``skdeepad`` command line.

- ``skdeepad benchmark`` compares every skdeepad detector with scikit-learn's
  IsolationForest and LocalOutlierFactor and a kNN distance on built-in or
  user data and prints a table of ROC-AUC, average precision and fit seconds
  per setting: unsupervised (fit on all rows) and clean (fit on half of the
  normal rows, scored on the rest).
- ``skdeepad fit DATA --detector NAME --save MODEL [--param key=value ...]``
  fits a detector on a CSV, Parquet or NPZ file and saves it in skdeepad's
  safe format. Every column is a feature except the ``--label`` column, the
  ``--drop`` columns (repeatable) and the ``--id`` column; features must be
  numeric: text columns are refused with their names listed, not one-hot
  encoded (leave them out with ``--drop``, or encode them as numbers first).
  A detector that learns from labels (DevNet, DeepSAD, Donut,
  TunedThresholdDetector) is fitted on the ``--label`` column: 1 = anomaly
  and 0 = normal, or -1 anomaly and +1 normal; an empty cell is unlabelled.
- ``skdeepad score MODEL DATA --output scores.csv`` scores a file with a saved
  detector: one row per sample with ``score`` (``score_samples``),
  ``decision`` and ``label`` (+1 inlier, -1 outlier), preceded by the
  ``--id`` column when one is named. A model fitted with pandas on a .csv or
  .parquet file reads its feature columns by name and leaves the others out.
  The model does not remember the id column: name it again with ``--id`` at
  score time.

Exit status: 0 on success, 1 when the data, the model or an output file
cannot be used or a detector fails on the data (the message says why, on
standard error; ``--traceback`` shows Python's traceback instead, with the
detector's own error chained), 2 for a wrong command line.
"""

import argparse
import ast
import csv
import os
import sys
from pathlib import Path

from ._csv import PANDAS_MISSING
from ._tables import read_table

__all__ = ["main"]


def _build_parser():
    parser = argparse.ArgumentParser(
        prog="skdeepad", description="Deep anomaly detection for scikit-learn."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--traceback",
        action="store_true",
        help="on an error, show Python's traceback instead of the one-line message",
    )
    bench = commands.add_parser(
        "benchmark",
        parents=[common],
        help="compare detectors on outlier-detection data",
        description=(
            "Fit every method on every data set and print ROC-AUC, average "
            "precision (anomalies as the positive class) and fit seconds, one "
            "table per setting: 'unsupervised' fits on all rows and scores them; "
            "'clean' fits on a random half of the normal rows and scores the "
            "other half and every anomaly. Without --data, uses tasks built "
            "from data scikit-learn ships."
        ),
    )
    bench.add_argument(
        "--data",
        nargs="+",
        metavar="FILE",
        help=".npz (arrays X and y) or .csv files; labels 1 = anomaly and "
        "0 = normal, or +1 normal and -1 anomaly",
    )
    bench.add_argument(
        "--label", metavar="COLUMN", help="the label column of CSV files"
    )
    bench.add_argument(
        "--detectors",
        nargs="+",
        metavar="NAME",
        help="methods to run (names or comma-separated lists); default: all",
    )
    bench.add_argument(
        "--random-state",
        type=_seed,
        default=0,
        help="seed of every method (default 0)",
    )
    bench.add_argument(
        "--setting",
        choices=["unsupervised", "clean", "both"],
        default="both",
        help="which setting to run (default both)",
    )
    bench.add_argument(
        "--seed",
        type=_seed,
        help="seed of the clean setting's split (default: --random-state)",
    )
    bench.add_argument("--output", metavar="CSV", help="also write the rows to CSV")
    bench.add_argument(
        "--no-progress", action="store_true", help="do not show a progress bar"
    )

    fit = commands.add_parser(
        "fit",
        parents=[common],
        help="fit a detector on a data file and save it",
        description="Fit a detector on DATA (.csv with a header, .parquet, or "
        ".npz with an array X) and save it in skdeepad's safe format (load it "
        "with skdeepad.load or `skdeepad score`). Every column other than "
        "--label, --drop and --id is a feature and must be numeric: text "
        "columns are refused with their names listed, not one-hot encoded "
        "(leave them out with --drop, or encode them as numbers first). .npz "
        "files take none of these options. A detector that learns from labels "
        "(DevNet, DeepSAD, Donut, TunedThresholdDetector) is fitted on the "
        "--label column: 1 = anomaly and 0 = normal, or -1 anomaly and +1 "
        "normal; an empty cell is unlabelled. Other detectors ignore it.",
    )
    fit.add_argument("data", metavar="DATA", help="a .csv, .parquet or .npz file")
    fit.add_argument(
        "--detector",
        required=True,
        metavar="NAME",
        help="a detector class, e.g. AutoEncoder",
    )
    fit.add_argument("--save", required=True, metavar="MODEL", help="the file to write")
    fit.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a detector parameter, as a Python literal where it "
        "parses as one (epochs=20, hidden_units=(16,4)); repeatable",
    )
    _add_column_options(
        fit,
        "an id column (e.g. order_id), left out of the features; the model "
        "does not remember it: name it again with `skdeepad score --id`",
    )
    fit.add_argument("--quiet", action="store_true", help="no progress bar")

    score = commands.add_parser(
        "score",
        parents=[common],
        help="score a data file with a saved detector",
        description="Score every row of DATA with the detector saved in MODEL and "
        "write score, decision and label (+1 inlier, -1 outlier) as CSV, after "
        "the --id column if one is named. A model fitted with pandas on a .csv "
        "or .parquet file remembers its feature columns: they are read by name "
        "and other columns left out. Otherwise every column other than "
        "--label, --drop and --id is a feature, as at fit.",
    )
    score.add_argument(
        "model", metavar="MODEL", help="a file written by `skdeepad fit`"
    )
    score.add_argument("data", metavar="DATA", help="a .csv, .parquet or .npz file")
    score.add_argument(
        "--output", metavar="CSV", help="where to write (default: stdout)"
    )
    _add_column_options(
        score,
        "an id column (e.g. order_id), written as the output's first column to "
        "join the scores back on; left out of the features",
    )
    return parser


def _seed(text):
    """A seed: an int from 0 to 2**32 - 1, as NumPy's generators take."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError(
            f"a seed is a non-negative integer below 2**32; got {text!r}"
        )
    return value


def _select(methods, requested, parser):
    if not requested:
        return methods
    names = [n for item in requested for n in item.split(",") if n]
    if not names:
        parser.error("--detectors names no detector")
    unknown = [n for n in names if n not in methods]
    if unknown:
        parser.error(
            f"unknown detector(s) {', '.join(unknown)}; choose from "
            f"{', '.join(methods)}"
        )
    return {n: methods[n] for n in names}


def _benchmark(args, parser):
    from .benchmark import SETTINGS, available_methods, format_table, run_benchmark
    from .datasets import builtin_tasks

    settings = SETTINGS if args.setting == "both" else (args.setting,)
    seed = args.random_state if args.seed is None else args.seed
    methods = {
        setting: _select(
            available_methods(args.random_state, setting), args.detectors, parser
        )
        for setting in settings
    }
    if args.output:
        _check_writable(args.output, inputs=args.data or ())
    if args.data:
        tasks = _data_tasks(args.data, args.label)
    else:
        tasks = builtin_tasks(args.random_state)

    progress = None
    if not args.no_progress:
        from . import networks  # noqa: F401, I001  (imports Keras quietly)

        from keras.utils import Progbar

        total = len(tasks) * sum(len(m) for m in methods.values())
        bar = Progbar(total, stateful_metrics=["roc_auc"])
        done = iter(range(1, total + 1))

        def progress(row):
            bar.update(next(done), values=[("roc_auc", row["roc_auc"])])

    rows = []
    for setting in settings:
        rows += run_benchmark(
            tasks, methods[setting], setting=setting, seed=seed, progress=progress
        )
    for setting in settings:
        if len(settings) > 1 or setting != "unsupervised":
            print(f"\n{_SETTING_TITLES[setting]}\n")
        print(format_table([r for r in rows if r["setting"] == setting]))
    if args.output:
        with open(args.output, "w", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return 0


def _check_writable(output, *, option="--output", inputs=()):
    """Refuse, before the run, an ``--output`` that could not be written, or
    that is one of the command's ``inputs`` (it would be overwritten)."""
    path = Path(output)
    folder = path.resolve().parent
    if path.is_dir():
        raise _UsageError(f"{option} {output}: a folder, not a file")
    if not folder.is_dir():
        raise _UsageError(f"{option} {output}: no such folder")
    target = path if path.exists() else folder
    if not os.access(target, os.W_OK):
        raise _UsageError(f"{option} {output}: not writable")
    for source in inputs:
        if path.exists() and Path(source).exists() and path.samefile(source):
            raise _UsageError(
                f"{option} {output}: the command reads this file ({source}); "
                "writing there would overwrite it"
            )


def _data_tasks(paths, label):
    """The tasks of ``--data``: each file by its name, with both classes."""
    import numpy as np

    from .datasets import load_file

    names = [Path(p).stem for p in paths]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise _UsageError(
            f"--data names two files {repeated[0]!r}: the tables name each data "
            "set by its file name; rename one"
        )
    tasks = {}
    for name, path in zip(names, paths, strict=True):
        tasks[name] = data = load_file(path, label)  # its errors: exit status 1
        if len(np.unique(data.y)) < 2:
            raise _UsageError(
                f"{path}: the labels hold one class only; a benchmark needs "
                "anomalies and normal rows"
            )
    return tasks


_SETTING_TITLES = {
    "unsupervised": "Unsupervised setting: fitted on all rows, scored on them",
    "clean": "Clean setting: fitted on half of the normal rows, scored on the "
    "other half and every anomaly",
}


class _Once(argparse.Action):
    """Store an option's value, refusing a second one (``store`` keeps the last)."""

    def __call__(self, parser, namespace, values, option_string=None):
        first = getattr(namespace, self.dest, None)
        if first is not None:
            parser.error(
                f"{option_string} names one column; got {first!r} and {values!r} "
                "(leave other columns out with --drop)"
            )
        setattr(namespace, self.dest, values)


def _add_column_options(parser, id_help):
    parser.add_argument(
        "--label",
        action=_Once,
        metavar="COLUMN",
        help="the label column, left out of the features (once)",
    )
    parser.add_argument(
        "--drop",
        action="append",
        default=[],
        metavar="COLUMN",
        help="a column to leave out of the features; repeatable",
    )
    parser.add_argument("--id", action=_Once, metavar="COLUMN", help=id_help)


class _UsageError(Exception):
    """A problem with the data or the model: exit status 1, the message shown."""


def _parse_params(pairs):
    params = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise _UsageError(f"--param {pair!r}: write it as key=value.")
        if key in params:
            raise _UsageError(f"--param {key} is given twice; give it once.")
        try:
            params[key] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            params[key] = value  # a plain word, e.g. activation=tanh
    return params


def _fit(args):
    from . import all_detectors

    detectors = dict(all_detectors())
    if args.detector not in detectors:
        raise _UsageError(
            f"unknown detector {args.detector!r}; choose from {', '.join(detectors)}."
        )
    cls = detectors[args.detector]
    params = _parse_params(args.param)
    # A detector's name as a value is that detector (WindowedDetector's
    # detector=ConvAutoEncoder); "inner__key" keys set the inner one's.
    params = {
        key: detectors[value]()
        if isinstance(value, str) and value in detectors
        else value
        for key, value in params.items()
    }
    nested = {key: params.pop(key) for key in list(params) if "__" in key}
    valid = cls._parameter_constraints
    unknown = sorted(set(params) - set(valid))
    if unknown:
        raise _UsageError(
            f"{args.detector} has no parameter {', '.join(unknown)}; its parameters "
            f"are {', '.join(sorted(valid))}."
        )
    if "verbose" in valid and "verbose" not in params:
        params["verbose"] = 0 if args.quiet else 1
    try:
        detector = cls(**params).set_params(**nested)
    except TypeError as error:  # a required parameter (a meta-detector's)
        raise _UsageError(f"{args.detector}: {error}") from None
    learns = args.label is not None and _learns_from_labels(detector)
    _check_writable(args.save, option="--save", inputs=[args.data])  # before fitting
    X, _, column = read_table(
        args.data,
        label=args.label,
        drop=args.drop,
        id_column=args.id,
        with_labels=True,
    )
    y = None
    if learns:
        y = _partial_labels(column, f"{args.data}: --label {args.label}")
    detector.fit(X, y)
    # The saved detector is quiet wherever it is loaded, whatever --quiet said.
    detector.set_params(
        **{k: 0 for k in detector.get_params() if k.split("__")[-1] == "verbose"}
    )
    detector.save(args.save)
    learned = ""
    if y is not None:
        counts = [int((y == value).sum()) for value in (-1, 1, 0)]
        learned = " ({} labelled anomalies, {} labelled normal, {} unlabelled)".format(
            *counts
        )
    print(
        f"fitted {args.detector} on {len(X)} rows{learned}; saved to {args.save}",
        file=sys.stderr,
    )
    return 0


def _learns_from_labels(detector):
    """Whether ``detector.fit(X, y)`` learns from partial labels ``y``."""
    from .base import BaseLabelledDetector
    from .meta import TunedThresholdDetector

    return isinstance(detector, BaseLabelledDetector | TunedThresholdDetector)


def _partial_labels(values, source):
    """A label column as partial labels: -1 anomaly, +1 normal, 0 unlabelled.

    The column holds 1 = anomaly and 0 = normal, or -1 anomaly and +1 normal,
    as the benchmark's files do; an empty cell (or NA, NaN) is unlabelled.
    """
    import numpy as np

    from .datasets import _to_inlier_labels

    convention = (
        "1 = anomaly and 0 = normal, or -1 anomaly and +1 normal; an empty cell "
        "is unlabelled"
    )
    y = np.zeros(len(values), dtype=np.int8)
    known, given, bad = [], [], []
    for row, value in enumerate(values):
        # no label: pandas' missing values (with pandas they arrive as NaN)
        if value is None or str(value).strip() in PANDAS_MISSING:
            continue
        try:
            if isinstance(value, bool | np.bool_):  # True: an anomaly or normal?
                raise TypeError
            number = float(value)
        except (TypeError, ValueError):
            bad.append(value)
            continue
        if np.isnan(number):
            continue
        known.append(row)
        given.append(number)
    if bad:
        examples = list(dict.fromkeys(map(str, bad)))[:5]
        raise ValueError(
            f"{source}: labels must be numbers ({convention}); got {examples}. To "
            "fit without the labels, leave the column out with --drop instead."
        )
    given = np.asarray(given)
    if given.size and np.all(given == 1):
        raise ValueError(
            f"{source}: every labelled row is 1, which is ambiguous: 1 is an anomaly "
            "next to 0 = normal, a normal row next to -1 = anomaly. Write -1 for the "
            "known anomalies (leave unlabelled rows empty), or label known normal "
            "rows 0."
        )
    if set(given.tolist()) == {-1, 0}:
        raise ValueError(
            f"{source}: the labels are -1 and 0, two conventions at once "
            f"({convention}). For known anomalies among unlabelled rows, leave "
            "the unlabelled cells empty."
        )
    if given.size:
        y[known] = _to_inlier_labels(given, source)
    return y


def _score(args):
    import numpy as np
    from sklearn.pipeline import Pipeline

    from .persistence import load

    if args.output:
        _check_writable(args.output, inputs=[args.model, args.data])
    detector = load(args.model)
    names = getattr(detector, "feature_names_in_", None)
    X, ids = read_table(
        args.data,
        label=args.label,
        drop=args.drop,
        id_column=args.id,
        columns=names,
        # a Pipeline may encode text columns itself (a ColumnTransformer)
        allow_text=isinstance(detector, Pipeline),
    )
    scores = detector.score_samples(X)
    if hasattr(detector, "offset_"):
        decision = scores - detector.offset_
    else:  # a Pipeline: its last step's offset_, through its own method
        decision = np.asarray(detector.decision_function(X), dtype=np.float64)
    labels = np.where(decision < 0, -1, 1)
    out = open(args.output, "w", newline="") if args.output else sys.stdout
    try:
        # CSV's CRLF in a file; lines as Unix tools read them on stdout
        writer = csv.writer(out, lineterminator="\r\n" if args.output else "\n")
        columns = [scores.tolist(), decision.tolist(), labels.tolist()]
        header = ["score", "decision", "label"]
        if ids is not None:
            columns, header = [ids, *columns], [args.id, *header]
        writer.writerow(header)
        writer.writerows(zip(*columns, strict=True))
    finally:
        if args.output:
            out.close()
    print(
        f"scored {len(scores)} rows: {int((labels == -1).sum())} outliers",
        file=sys.stderr,
    )
    return 0


def main(argv=None):
    """Run the command line; return the exit status."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    commands = {
        "benchmark": lambda args: _benchmark(args, parser),
        "fit": _fit,
        "score": _score,
    }
    try:
        status = commands[args.command](args)
        sys.stdout.flush()  # here, where a closed pipe is caught
        return status
    except BrokenPipeError:
        # the reader of stdout stopped (| head): end quietly, as Unix tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except (_UsageError, ValueError, TypeError, OSError) as error:
        if args.traceback:
            raise
        print(f"skdeepad {args.command}: error: {error}", file=sys.stderr)
        return 1
