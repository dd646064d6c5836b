"""The sequence layer: input layouts of the detectors of sequences and images.

:class:`BaseSequenceDetector` changes only input validation: 2-D univariate
or 3-D multivariate sequences (images where a detector says), standardised
per channel, with the per-sample shape kept as ``input_shape_``.
"""

import numpy as np
from sklearn.utils.validation import validate_data

from .._utils import FLOAT_DTYPES
from ._trained import BaseDeepDetector

__all__ = ["BaseSequenceDetector"]


class BaseSequenceDetector(BaseDeepDetector):
    """Base class for detectors of sequences (and, where a detector says, images).

    Input layouts, one rule for every sequence detector:

    - 2-D ``(n_samples, timesteps)``: univariate sequences, one per row (so
      scikit-learn's tabular tools and checks apply);
    - 3-D ``(n_samples, timesteps, channels)``: multivariate sequences.

    Standardisation is per channel, over all time steps, so it keeps the
    shape of each sequence. The per-sample shape seen in :meth:`fit` is
    stored as ``input_shape_``; later inputs must match it. A subclass that
    takes other layouts (images) overrides :meth:`_layout`.
    """

    _predict_batch_size = 1024
    _pad_predict_batches = True
    # The sample layouts in the message when an array has an unknown one.
    _layouts = "2-D (n_samples, timesteps) or 3-D (n_samples, timesteps, channels)"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.sparse = False
        return tags

    def _layout(self, X):
        """Return validated ``X`` as ``(n_samples, *sample_shape)``."""
        if X.ndim == 2:
            return X[:, :, np.newaxis]
        if X.ndim == 3:
            return X
        raise ValueError(
            f"{type(self).__name__} takes {self._layouts} arrays; got a "
            f"{X.ndim}-D array of shape {X.shape}."
        )

    def _validate_input(self, X, *, reset):
        X = validate_data(
            self,
            X,
            dtype=FLOAT_DTYPES,
            allow_nd=True,
            ensure_all_finite=self._finite_check(),
            reset=reset,
        )
        X = self._layout(X)
        if 0 in X.shape[1:]:
            raise ValueError(f"X has an empty axis: shape {X.shape}.")
        if reset:
            self.input_shape_ = X.shape[1:]
        elif X.shape[1:] != self.input_shape_:
            raise ValueError(
                f"X has samples of shape {X.shape[1:]}, but "
                f"{type(self).__name__} was fitted on samples of shape "
                f"{self.input_shape_}."
            )
        return X
