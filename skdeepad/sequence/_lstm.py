"""LSTM (or GRU) sequence-to-sequence autoencoder outlier detector."""

from numbers import Real

from .._compat import Interval, StrOptions
from .._docstrings import fill_doc
from .._units import check_units
from ..core import (
    BaseDeepDetector,
    BaseSequenceDetector,
    FeatureScoresMixin,
    IncrementalMixin,
)

__all__ = ["LSTMAutoEncoder"]


@fill_doc
class LSTMAutoEncoder(IncrementalMixin, FeatureScoresMixin, BaseSequenceDetector):
    """Outlier detection of sequences by an LSTM autoencoder's reconstruction error.

    An LSTM encoder reads each sequence into a code (its last output); an
    LSTM decoder fed that code at every step rebuilds the sequence (LSTM-ED,
    Malhotra et al. 2016). Trained on mostly normal sequences, it rebuilds
    normal ones well. The anomaly score is the mean squared reconstruction
    error over the sequence's time steps and channels.

    Parameters
    ----------
    hidden_units : tuple of int, default=(64,)
        The encoder's LSTM state sizes; the last is the code's width. The
        decoder runs them in reverse order.

    cell : {"lstm", "gru"}, default="lstm"
        The recurrent layer: Keras's ``LSTM`` or ``GRU``.

    dropout : float, default=0.0
        The dropout rate on the inputs of every recurrent layer, in [0, 1).

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
    LSTMForecaster : Scores sequences by the error of a forecast.
    skdeepad.timeseries.WindowedDetector : Scores each step of a long series.

    Notes
    -----
    %(sequence_input)s

    References
    ----------
    .. [1] Malhotra, P., Ramakrishnan, A., Anand, G., Vig, L., Agarwal, P.
       and Shroff, G. "LSTM-based encoder-decoder for multi-sensor anomaly
       detection." ICML Anomaly Detection Workshop, 2016.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepad import LSTMAutoEncoder
    >>> t = np.linspace(0, 2 * np.pi, 16)
    >>> rng = np.random.RandomState(0)
    >>> X = np.sin(t + rng.uniform(0, 2 * np.pi, size=(200, 1)))
    >>> det = LSTMAutoEncoder(hidden_units=(16,), epochs=30, random_state=0).fit(X)
    >>> det.predict([np.sin(t), rng.normal(scale=2.0, size=16)])
    array([ 1, -1])
    """

    _parameter_constraints: dict = {
        **BaseDeepDetector._parameter_constraints,
        "hidden_units": [tuple, list],
        "cell": [StrOptions({"lstm", "gru"})],
        "dropout": [Interval(Real, 0, 1, closed="left")],
    }

    def __init__(
        self,
        *,
        hidden_units=(64,),
        cell="lstm",
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
        self.hidden_units = hidden_units
        self.cell = cell
        self.dropout = dropout

    def _build_network(self, input_shape, seed):
        from ..networks import build_recurrent_autoencoder

        return build_recurrent_autoencoder(
            input_shape,
            check_units(self.hidden_units),
            cell=self.cell,
            dropout=self.dropout,
            seed=seed,
        )
