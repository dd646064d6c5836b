"""The ``skdeepad`` command line.

``skdeepad benchmark`` compares every skdeepad detector with scikit-learn's
IsolationForest and LocalOutlierFactor on built-in or user data and prints a
table of ROC-AUC, average precision and fit seconds.
"""

import argparse
import csv
from pathlib import Path

__all__ = ["main"]


def _build_parser():
    parser = argparse.ArgumentParser(
        prog="skdeepad", description="Deep anomaly detection for scikit-learn."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    bench = commands.add_parser(
        "benchmark",
        help="compare detectors on outlier-detection data",
        description=(
            "Fit every method on every data set and print ROC-AUC, average "
            "precision (anomalies as the positive class) and fit seconds. "
            "Without --data, uses tasks built from data scikit-learn ships."
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
        "--random-state", type=int, default=0, help="seed of every method (default 0)"
    )
    bench.add_argument("--output", metavar="CSV", help="also write the rows to CSV")
    bench.add_argument(
        "--no-progress", action="store_true", help="do not show a progress bar"
    )
    return parser


def _select(methods, requested, parser):
    if not requested:
        return methods
    names = [n for item in requested for n in item.split(",") if n]
    unknown = [n for n in names if n not in methods]
    if unknown:
        parser.error(
            f"unknown detector(s) {', '.join(unknown)}; choose from "
            f"{', '.join(methods)}"
        )
    return {n: methods[n] for n in names}


def _benchmark(args, parser):
    from .benchmark import available_methods, format_table, run_benchmark
    from .datasets import builtin_tasks, load_file

    methods = _select(available_methods(args.random_state), args.detectors, parser)
    if args.data:
        try:
            tasks = {Path(p).stem: load_file(p, args.label) for p in args.data}
        except (OSError, ValueError) as exc:
            parser.error(str(exc))
    else:
        tasks = builtin_tasks(args.random_state)

    progress = None
    if not args.no_progress:
        from keras.utils import Progbar

        bar = Progbar(len(tasks) * len(methods), stateful_metrics=["roc_auc"])
        done = iter(range(1, len(tasks) * len(methods) + 1))

        def progress(row):
            bar.update(next(done), values=[("roc_auc", row["roc_auc"])])

    rows = run_benchmark(tasks, methods, progress=progress)
    print(format_table(rows))
    if args.output:
        with open(args.output, "w", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return 0


def main(argv=None):
    """Run the command line; return the exit status."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command == "benchmark":
        return _benchmark(args, parser)
    return 2  # pragma: no cover - argparse rejects unknown commands
