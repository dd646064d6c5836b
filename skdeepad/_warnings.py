"""Warnings that point at the user's line, past skdeepad's and scikit-learn's frames."""

import os
import sys
import warnings

import sklearn

__all__ = ["warn_at_caller"]

# Frames under these folders are the library's, not the caller's: the detector's
# own methods and scikit-learn's fit wrappers (``_fit_context``, ``Pipeline``).
_LIBRARY_DIRS = tuple(
    os.path.dirname(module.__file__) + os.sep
    for module in (sys.modules[__package__], sklearn)
)


def warn_at_caller(message, category=UserWarning):
    """``warnings.warn`` with the stack level of the first frame outside the library.

    A fixed ``stacklevel`` breaks whenever a decorator or a wrapper is added
    between the caller and the warning; this one counts the frames instead.
    """
    frame, level = sys._getframe(1), 2  # level 1 is this function
    while frame is not None and frame.f_code.co_filename.startswith(_LIBRARY_DIRS):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)
