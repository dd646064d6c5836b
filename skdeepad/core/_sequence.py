"""The sequence layer: input layouts of the detectors of sequences and images.

:class:`BaseSequenceDetector` changes only input validation: 2-D univariate
or 3-D multivariate sequences (images where a detector says), standardised
per channel, with the per-sample shape kept as ``input_shape_``.
"""

import math
import weakref

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

    _pad_predict_batches = True
    # At most about this many values in the widest tensor of a forward pass
    # (rows x _values_per_sample()): 64 MiB of float32. The defaults on
    # windows of 64 steps keep 1,024 rows.
    _predict_pass_values = 2**24
    # The sample layouts in the message when an array has an unknown one.
    _layouts = "2-D (n_samples, timesteps) or 3-D (n_samples, timesteps, channels)"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.sparse = False
        return tags

    @property
    def _predict_batch_size(self):
        """Rows per forward pass: 1024, fewer for long or wide samples.

        Every pass gets exactly this many rows (the last padded), so that a
        sample's score does not depend on the samples scored with it; the
        number follows from the fitted sample shape and the network's widths
        alone. Scoring one window of 8,192 steps no longer costs a pass of
        1,024 of them.
        """
        if not hasattr(self, "input_shape_"):
            return 1024
        per_sample = max(int(self._values_per_sample()), 1)
        return int(min(1024, max(self._predict_pass_values // per_sample, 1)))

    def _values_per_sample(self):
        """Values one sample holds in the widest tensor of a forward pass.

        From the fitted network: the sample itself or the largest output of
        any of its layers (of nested models too), per sample.
        """
        return max(math.prod(self.input_shape_), _widest_output(self.network_))

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


# Each network's widest output, found once: a live stream scores one window
# at a time and reads the pass size at every call. Weak keys: a network
# let go is dropped.
_WIDEST = weakref.WeakKeyDictionary()


def _widest_output(network):
    """The most values one sample holds in a tensor of ``network``'s forward pass.

    The output of any layer (of nested models too), or a self-attention
    layer's scores, heads x steps x steps.
    """
    try:
        return _WIDEST[network]
    except (KeyError, TypeError):  # TypeError: a network that takes no weakref
        pass
    import keras

    widest = 0
    for layer in network.layers:
        if isinstance(layer, keras.Model):
            widest = max(widest, _widest_output(layer))
            continue
        try:
            outputs = keras.tree.flatten(layer.output)
        except (AttributeError, ValueError):  # a layer never called
            continue
        for output in outputs:
            widest = max(widest, math.prod(d or 1 for d in output.shape[1:]))
            if isinstance(layer, keras.layers.MultiHeadAttention):
                steps = output.shape[1] or 1
                widest = max(widest, layer.num_heads * steps * steps)
    try:
        _WIDEST[network] = widest
    except TypeError:
        pass
    return widest
