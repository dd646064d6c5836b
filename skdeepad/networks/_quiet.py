"""Import Keras with TensorFlow's C++ start-up messages kept off the terminal.

Imported first by :mod:`skdeepad.networks`, the first of skdeepad's modules to
import Keras. On the TensorFlow backend, importing it prints a banner about
CPU instructions, "failed call to cuInit" on machines without a GPU, and
absl's "All log messages before absl::InitializeLog()" line, twice; each
process of a ``GridSearchCV(n_jobs=2)`` or of the command line did so. Here:

- ``TF_CPP_MIN_LOG_LEVEL`` defaults to ``"3"`` (TensorFlow's C++ logs off) when
  the environment does not set it; a value the user set is left as it is;
- standard error (the file descriptor, where TensorFlow's C++ code writes) is
  sent to the null device for the import alone, unless Keras was already
  imported. An error of the import still raises, as usual.
"""

import contextlib
import os
import sys

__all__ = []


def keras_imported():
    """Nothing to do: by the time this is found, Keras has been imported quietly.

    A pickled detector's state refers to this function first (see
    :class:`skdeepad.persistence.SaveMixin`), so unpickling imports this
    module, and with it Keras, before the detector's networks. Pickles name it
    by its module and name: keep both, or old pickles no longer load.
    """


@contextlib.contextmanager
def _stderr_silenced():
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (AttributeError, OSError, ValueError):  # no real stderr: nothing to hide
        yield
        return
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)


if "keras" not in sys.modules:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    with _stderr_silenced():
        import keras  # noqa: F401
