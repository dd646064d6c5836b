"""Reading CSV files as rows of text: the loaders' and the command line's reader.

Nothing here imports NumPy, Keras or another skdeepad module.
"""

import csv
import gzip
import zlib
from pathlib import Path

__all__ = ["PANDAS_MISSING", "check_header", "check_widths", "is_gzip", "read_rows"]

# The cells pandas.read_csv reads as missing by default: a reader without
# pandas reads them so too, that both agree.
PANDAS_MISSING = {
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND",
    "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
}  # fmt: skip


def read_rows(path, *, comments=False, strip=True):
    """``(rows, lines)``: a CSV file's rows as lists of strings, and the line
    of the file each starts on.

    With ``strip``, values are stripped of surrounding spaces and rows of
    nothing but empty values (``,,``) are skipped; without, values are kept
    as they are, and only blank lines are skipped, as pandas does. With
    ``comments``, so is every row after the first whose first value starts
    with "#" (the first row is kept: NumPy's ``savetxt`` writes its header
    so). Quoted fields are read as :mod:`csv` reads them, a byte-order mark
    is dropped, and a gzip-compressed file (KDD Cup 99's are published so)
    is read through gzip. A file that is not UTF-8 text is a ValueError
    naming it.
    """
    path = Path(path)
    compressed = is_gzip(path)
    opener = gzip.open if compressed else open
    rows, lines = [], []
    try:
        with opener(path, "rt", newline="", encoding="utf-8-sig") as file:
            reader = csv.reader(file)
            for row in reader:
                if strip:
                    row = [value.strip() for value in row]
                    blank = not any(row)
                else:  # a blank line: no value, or one of spaces
                    blank = len(row) <= 1 and not "".join(row).strip()
                if blank or (comments and rows and row[0].startswith("#")):
                    continue
                rows.append(row)
                lines.append(reader.line_num)
    except (UnicodeDecodeError, gzip.BadGzipFile, EOFError, zlib.error) as error:
        what = "a gzip-compressed UTF-8 text file" if compressed else "UTF-8 text"
        raise ValueError(f"{path}: could not be read as {what} ({error}).") from None
    except csv.Error as error:  # a field over csv's size limit, a NUL byte
        raise ValueError(
            f"{path}: line {reader.line_num} could not be read as CSV ({error})."
        ) from None
    return rows, lines


def is_gzip(path):
    """Whether the file at ``path`` starts with gzip's magic number."""
    with Path(path).open("rb") as file:
        return file.read(2) == b"\x1f\x8b"


def check_header(path, names):
    """Raise a ValueError naming the names a header holds more than once."""
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValueError(
            f"{path}: the header names {', '.join(map(repr, repeated))} more "
            "than once; each column needs its own name."
        )


def check_widths(path, names, rows, lines):
    """Raise a ValueError naming the first row of other than ``len(names)``
    fields, by its line in the file."""
    for row, line in zip(rows, lines, strict=True):
        if len(row) != len(names):
            raise ValueError(
                f"{path}: line {line} has {len(row)} fields; the header has "
                f"{len(names)}."
            )

