"""LSTM (or GRU) forecaster outlier detector: the worse the forecast, the odder."""

from numbers import Integral, Real

import numpy as np

from .._compat import Interval, StrOptions
from .._docstrings import fill_doc
from .._units import check_units
from ..core import BaseDeepDetector, BaseSequenceDetector

__all__ = ["LSTMForecaster"]


@fill_doc
class LSTMForecaster(BaseSequenceDetector):
    """Outlier detection of sequences by the error of an LSTM's forecast.

    Each sequence of ``timesteps`` steps is split into a history, its first
    ``timesteps - horizon`` steps, and a future, its last ``horizon`` steps.
    An LSTM reads the history and predicts the future (LSTM-AD, Malhotra et
    al. 2015); trained on mostly normal sequences, it predicts normal
    behaviour. The anomaly score is the mean squared forecast error over the
    ``horizon`` predicted steps and the channels.

    Parameters
    ----------
    horizon : int, default=1
        How many final steps of each sequence are forecast from the steps
        before them. Sequences need at least ``horizon + 1`` steps.

    hidden_units : tuple of int, default=(64,)
        The state sizes of the stacked LSTM layers.

    cell : {"lstm", "gru"}, default="lstm"
        The recurrent layer: Keras's ``LSTM`` or ``GRU``.

    dropout : float, default=0.0
        The dropout rate on the inputs of every recurrent layer, in [0, 1).

    %(threshold_parameters)s

    %(training_parameters)s

    Attributes
    ----------
    network_ : keras.Model
        The fitted forecaster, mapping histories ``(n, timesteps - horizon,
        channels)`` to forecasts ``(n, horizon, channels)``.

    %(common_attributes)s

    %(training_attributes)s

    %(sequence_attributes)s

    See Also
    --------
    LSTMAutoEncoder : Scores sequences by their reconstruction error.
    skdeepad.timeseries.WindowedDetector : Scores each step of a long series.

    Notes
    -----
    %(sequence_input)s

    Wrapped in :class:`~skdeepad.timeseries.WindowedDetector`, a window's
    score is the surprise of its last ``horizon`` steps given the steps
    before them.

    References
    ----------
    .. [1] Malhotra, P., Vig, L., Shroff, G. and Agarwal, P. "Long short term
       memory networks for anomaly detection in time series." ESANN, 2015.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepad import LSTMForecaster
    >>> t = np.linspace(0, 2 * np.pi, 16)
    >>> rng = np.random.RandomState(0)
    >>> X = np.sin(t + rng.uniform(0, 2 * np.pi, size=(200, 1)))
    >>> det = LSTMForecaster(hidden_units=(16,), epochs=30, random_state=0).fit(X)
    >>> jump = np.sin(t)
    >>> jump[-1] += 3.0
    >>> det.predict([np.sin(t), jump])
    array([ 1, -1])
    """

    _parameter_constraints: dict = {
        **BaseDeepDetector._parameter_constraints,
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "hidden_units": [tuple, list],
        "cell": [StrOptions({"lstm", "gru"})],
        "dropout": [Interval(Real, 0, 1, closed="left")],
    }

    def __init__(
        self,
        *,
        horizon=1,
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
        self.horizon = horizon
        self.hidden_units = hidden_units
        self.cell = cell
        self.dropout = dropout

    def _build_network(self, input_shape, seed):
        from ..networks import build_recurrent_forecaster

        timesteps, channels = input_shape
        if timesteps <= self.horizon:
            raise ValueError(
                f"{type(self).__name__} forecasts the last horizon={self.horizon} "
                f"step(s) of each sequence from the steps before them, so it needs "
                f"at least {self.horizon + 1} steps; X has {timesteps} feature(s) "
                "(time steps)."
            )
        return build_recurrent_forecaster(
            (timesteps - self.horizon, channels),
            self.horizon,
            check_units(self.hidden_units),
            cell=self.cell,
            dropout=self.dropout,
            seed=seed,
        )

    def _training_data(self, X, y):
        return _split_future(X, self.horizon)

    def _score_batch(self, X):
        from ..core._training import forward

        # The horizon the network was trained with: one set after fit waits
        # for the next fit.
        history, future = _split_future(X, self.network_.output_shape[1])
        # in float64, as the autoencoders' errors: no overflow where float32 would
        error = np.subtract(forward(self.network_, history), future, dtype=np.float64)
        return np.mean(np.square(error, out=error), axis=(1, 2))


def _split_future(X, horizon):
    """The histories and futures (the last ``horizon`` steps) of ``X``."""
    return X[:, :-horizon], X[:, -horizon:]
