"""Transformer (self-attention) autoencoder outlier detector for sequences."""

from numbers import Integral, Real

from .._compat import Interval
from .._docstrings import fill_doc
from ..core import (
    BaseDeepDetector,
    BaseSequenceDetector,
    FeatureScoresMixin,
    IncrementalMixin,
)

__all__ = ["TransformerAutoEncoder"]


@fill_doc
class TransformerAutoEncoder(
    IncrementalMixin, FeatureScoresMixin, BaseSequenceDetector
):
    """Outlier detection of sequences by a Transformer autoencoder.

    Self-attention blocks with a sinusoidal position encoding read each
    sequence; the steps are pooled into one code of ``latent_dim`` values,
    from which blocks of the same kind rebuild the sequence. The bottleneck
    keeps attention from copying its input, so the network learns what
    normal sequences share. The anomaly score is the mean squared
    reconstruction error over the time steps and channels.

    Parameters
    ----------
    model_dim : int, default=32
        The width of every time step inside the attention blocks; a multiple
        of ``num_heads``.

    num_heads : int, default=4
        The attention heads of every block.

    num_layers : int, default=2
        The Transformer blocks of the encoder, and of the decoder.

    ff_units : int, default=64
        The hidden width of each block's feed-forward network.

    latent_dim : int, default=16
        The width of the code the whole sequence is compressed to.

    dropout : float, default=0.0
        The dropout rate on attention weights and block outputs, in [0, 1).

    %(threshold_parameters)s

    %(training_parameters)s

    Attributes
    ----------
    network_ : keras.Model
        The fitted autoencoder, mapping sequences to their reconstructions.

    %(common_attributes)s

    %(training_attributes)s

    %(sequence_attributes)s

    See Also
    --------
    LSTMAutoEncoder : A recurrent autoencoder of sequences.
    ConvAutoEncoder : A convolutional autoencoder of sequences and images.

    Notes
    -----
    %(sequence_input)s

    References
    ----------
    .. [1] Vaswani, A. et al. "Attention is all you need." NeurIPS, 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepad import TransformerAutoEncoder
    >>> t = np.linspace(0, 2 * np.pi, 16)
    >>> rng = np.random.RandomState(0)
    >>> X = np.sin(t + rng.uniform(0, 2 * np.pi, size=(200, 1)))
    >>> det = TransformerAutoEncoder(epochs=30, random_state=0).fit(X)
    >>> det.predict([np.sin(t), rng.normal(scale=2.0, size=16)])
    array([ 1, -1])
    """

    _parameter_constraints: dict = {
        **BaseDeepDetector._parameter_constraints,
        "model_dim": [Interval(Integral, 1, None, closed="left")],
        "num_heads": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "ff_units": [Interval(Integral, 1, None, closed="left")],
        "latent_dim": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
    }

    def __init__(
        self,
        *,
        model_dim=32,
        num_heads=4,
        num_layers=2,
        ff_units=64,
        latent_dim=16,
        dropout=0.0,
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
        self.model_dim = model_dim
        self.num_heads = num_heads
        self.num_layers = num_layers
        self.ff_units = ff_units
        self.latent_dim = latent_dim
        self.dropout = dropout

    def _build_network(self, input_shape, seed):
        from ..networks import build_transformer_autoencoder

        if self.model_dim % self.num_heads:
            raise ValueError(
                f"model_dim must be a multiple of num_heads; got model_dim="
                f"{self.model_dim} and num_heads={self.num_heads}."
            )
        return build_transformer_autoencoder(
            input_shape,
            model_dim=self.model_dim,
            num_heads=self.num_heads,
            num_layers=self.num_layers,
            ff_units=self.ff_units,
            latent_dim=self.latent_dim,
            dropout=self.dropout,
            seed=seed,
        )
