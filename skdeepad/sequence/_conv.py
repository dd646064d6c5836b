"""Convolutional autoencoder outlier detector for sequences and images."""

import math
from numbers import Integral, Real

import numpy as np

from .._compat import Interval
from .._docstrings import fill_doc
from .._units import check_units
from ..core import (
    BaseDeepDetector,
    BaseSequenceDetector,
    FeatureScoresMixin,
    IncrementalMixin,
)

__all__ = ["ConvAutoEncoder"]


@fill_doc
class ConvAutoEncoder(IncrementalMixin, FeatureScoresMixin, BaseSequenceDetector):
    """Outlier detection of sequences or images by a convolutional autoencoder.

    Strided convolutions compress each sequence (1-D convolutions over time)
    or image (2-D convolutions) and transposed convolutions rebuild it.
    Trained on mostly normal samples, it rebuilds normal ones well. The
    anomaly score is the mean squared reconstruction error over the time
    steps (or pixels) and channels.

    Parameters
    ----------
    filters : tuple of int, default=(32, 16)
        The encoder's filters per convolution; each convolution halves the
        length (or height and width), and the decoder mirrors them. Inputs
        whose length is not a multiple of ``2 ** len(filters)`` are padded
        with zeros inside the network, so any length works.

    kernel_size : int, default=5
        The width of every convolution kernel (square for images).

    latent_dim : int or None, default=16
        The width of a dense bottleneck between encoder and decoder; None
        keeps the code convolutional. Without it, the code of ``(32, 16)``
        filters holds as many values as the input, and the network learns
        to rebuild the anomalies too (chosen by measurement on the digits
        benchmark: ``benchmarks/results/images.md``).

    image_shape : tuple of int or None, default=None
        ``(height, width)`` or ``(height, width, channels)``: read each row of
        a 2-D ``X`` as a flattened image of that shape (row-major, channels
        last), e.g. ``(8, 8)`` for scikit-learn's digits, and a 3-D ``X`` as
        ``(n_samples, height, width)`` images of one channel (any other 3-D
        shape is a ValueError). None reads 2-D rows as univariate sequences
        and 3-D ``X`` as multivariate ones.

    activation : str, default="relu"
        The activation of every hidden layer (any Keras activation name).

    dropout : float, default=0.0
        The dropout rate after every hidden layer, in [0, 1).

    batch_norm : bool, default=False
        Whether to batch-normalise every hidden layer.

    %(threshold_parameters)s

    %(training_parameters)s

    Attributes
    ----------
    network_ : keras.Model
        The fitted autoencoder, mapping samples (in the layout of
        ``input_shape_``) to their reconstructions.

    %(common_attributes)s

    %(training_attributes)s

    input_shape_ : tuple of int
        The shape of one sample as the network sees it, ``(timesteps,
        channels)`` or ``(height, width, channels)``, set in :meth:`fit`;
        later inputs must match it.

    n_features_in_ : int
        The length of the second axis of ``X`` seen in :meth:`fit`: the time
        steps, the image height, or the pixels of a flattened image.

    See Also
    --------
    AutoEncoder : The dense autoencoder, for tabular data.
    LSTMAutoEncoder : A recurrent autoencoder of sequences.

    Notes
    -----
    %(sequence_input)s

    Images come as a 4-D ``X`` of shape ``(n_samples, height, width,
    channels)``, or as 2-D rows of flattened pixels with ``image_shape``;
    they are standardised per channel over all pixels.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_digits
    >>> from skdeepad import ConvAutoEncoder
    >>> X, y = load_digits(return_X_y=True)
    >>> det = ConvAutoEncoder(image_shape=(8, 8), epochs=20, random_state=0)
    >>> det = det.fit(X[y == 0])
    >>> scores = det.score_samples(X[y <= 1])
    >>> bool(scores[y[y <= 1] == 0].mean() > scores[y[y <= 1] == 1].mean())
    True
    """

    _parameter_constraints: dict = {
        **BaseDeepDetector._parameter_constraints,
        "filters": [tuple, list],
        "kernel_size": [Interval(Integral, 1, None, closed="left")],
        "latent_dim": [Interval(Integral, 1, None, closed="left"), None],
        "image_shape": [tuple, list, None],
        "activation": [str],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "batch_norm": ["boolean"],
    }

    _layouts = (
        "2-D (n_samples, timesteps), 3-D (n_samples, timesteps, channels) or "
        "4-D (n_samples, height, width, channels)"
    )

    def __init__(
        self,
        *,
        filters=(32, 16),
        kernel_size=5,
        latent_dim=16,
        image_shape=None,
        activation="relu",
        dropout=0.0,
        batch_norm=False,
        contamination="auto",
        standardize=True,
        epochs=100,
        batch_size=256,
        learning_rate=1e-3,
        early_stopping=True,
        validation_fraction=0.1,
        patience=10,
        callbacks=None,
        random_state=None,
        verbose=0,
    ):
        super().__init__(
            contamination=contamination,
            standardize=standardize,
            epochs=epochs,
            batch_size=batch_size,
            learning_rate=learning_rate,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            patience=patience,
            callbacks=callbacks,
            random_state=random_state,
            verbose=verbose,
        )
        self.filters = filters
        self.kernel_size = kernel_size
        self.latent_dim = latent_dim
        self.image_shape = image_shape
        self.activation = activation
        self.dropout = dropout
        self.batch_norm = batch_norm

    def _layout(self, X):
        if X.ndim == 4:
            return X
        if self.image_shape is None or X.ndim not in (2, 3):
            return super()._layout(X)
        shape = check_units(self.image_shape, "image_shape")
        if len(shape) not in (2, 3):
            raise ValueError(
                "image_shape must be (height, width) or (height, width, "
                f"channels); got {self.image_shape!r}."
            )
        shape = shape + (1,) * (3 - len(shape))
        if X.ndim == 3:  # images of one channel, (n, height, width)
            if X.shape[1:] != shape[:2] or shape[2] != 1:
                raise ValueError(
                    f"image_shape={self.image_shape!r} reads images: X of 2-D "
                    "flattened images, 3-D (n_samples, height, width) images of "
                    "one channel or 4-D (n_samples, height, width, channels); got "
                    f"a 3-D X of shape {X.shape}, not of images of that shape "
                    "(set image_shape=None for sequences)."
                )
            return X[..., np.newaxis]
        if X.shape[1] != math.prod(shape):
            raise ValueError(
                f"image_shape={self.image_shape!r} holds {math.prod(shape)} "
                f"values per image, but X has {X.shape[1]} features."
            )
        return X.reshape(len(X), *shape)

    def _build_network(self, input_shape, seed):
        from ..networks import build_conv_autoencoder

        return build_conv_autoencoder(
            input_shape,
            check_units(self.filters, "filters"),
            kernel_size=self.kernel_size,
            latent_dim=self.latent_dim,
            activation=self.activation,
            dropout=self.dropout,
            batch_norm=self.batch_norm,
            seed=seed,
        )
