"""Deep Semi-supervised Anomaly Detection (Deep SAD)."""

from numbers import Real

import numpy as np

from .._compat import Interval, StrOptions
from .._docstrings import fill_doc
from ..core import BaseLabelledDetector
from ..tabular._svdd import HypersphereMixin

__all__ = ["DeepSAD"]


@fill_doc
class DeepSAD(HypersphereMixin, BaseLabelledDetector):
    """Deep SVDD that also learns from a few labelled anomalies and normals.

    Deep SAD (Ruff et al., 2020) trains the network of :class:`DeepSVDD` to
    map unlabelled samples close to a centre ``c`` in code space, as Deep
    SVDD does, and labelled samples by their label: a known normal sample
    costs ``eta * ||phi(x) - c||^2`` (pulled in), a known anomaly
    ``eta / (||phi(x) - c||^2 + 1e-6)`` (pushed out). The anomaly score is
    the squared distance to the centre. Without labels (``y=None`` or all
    zeros) it is exactly :class:`DeepSVDD` with the one-class objective.

    The centre is the mean code, under the initial network, of the training
    samples not labelled anomalous (the rows held out for early stopping
    excluded). The network has no bias and the centre no
    coordinate near 0, which prevents the collapse to a constant map.

    Parameters
    ----------
    hidden_units : "auto" or tuple of int, default=(64, 32)
        The encoder's layer widths; the last is the code's dimension. "auto"
        is the rule of :class:`AutoEncoder`.

    eta : float, default=1.0
        The weight of the labelled samples' terms against the unlabelled
        ones'; above 1 puts more trust in the labels.

    activation : str, default="leaky_relu"
        The activation of the hidden layers (any Keras activation name).

    batch_norm : bool, default=False
        Whether to batch-normalise the hidden layers (without offset).

    %(threshold_parameters)s

    %(training_parameters)s

    Attributes
    ----------
    network_ : keras.Model
        The fitted network, mapping samples to their anomaly scores (squared
        distances). Its nested model ``network_.get_layer("encoder")`` maps
        samples to their codes.

    %(common_attributes)s

    center_ : ndarray of shape (code_dim,)
        The centre ``c`` of the hypersphere, in code space.

    %(training_attributes)s

    %(feature_attributes)s

    See Also
    --------
    DeepSVDD : The unsupervised method Deep SAD extends.
    DevNet : Learns anomaly scores directly from a few labelled anomalies.

    Notes
    -----
    ``fit(X, y)`` takes partial labels: -1 a known anomaly, +1 a known
    normal sample, 0 unlabelled (see :meth:`fit`). ``score_samples`` returns
    ``-||phi(x) - c||^2``: the lower, the more abnormal. ``contamination``
    sets ``offset_`` from the scores of all training samples, labelled ones
    included.

    The defaults are Deep SVDD's measured ones (``hidden_units=(64, 32)``,
    ``learning_rate=1e-4``, see :class:`DeepSVDD`); ``eta=1`` is the paper's.

    References
    ----------
    .. [1] Ruff, L., Vandermeulen, R. A., Goernitz, N., Binder, A., Mueller,
       E., Mueller, K.-R. and Kloft, M. "Deep semi-supervised anomaly
       detection." ICLR, 2020.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepad import DeepSAD
    >>> rng = np.random.RandomState(0)
    >>> X = np.vstack([rng.normal(size=(200, 4)), rng.normal(4, 1, size=(10, 4))])
    >>> y = np.zeros(len(X), dtype=int)
    >>> y[[200, 201, 202]] = -1  # three known anomalies, the rest unlabelled
    >>> det = DeepSAD(epochs=20, random_state=0).fit(X, y)
    >>> det.predict([[0.0, 0.0, 0.0, 0.0], [4.0, 4.0, 4.0, 4.0]])
    array([ 1, -1])
    """

    _parameter_constraints: dict = {
        **BaseLabelledDetector._parameter_constraints,
        "hidden_units": [StrOptions({"auto"}), tuple, list],
        "eta": [Interval(Real, 0, None, closed="neither")],
        "activation": [str],
        "batch_norm": ["boolean"],
    }

    def __init__(
        self,
        *,
        hidden_units=(64, 32),
        eta=1.0,
        activation="leaky_relu",
        batch_norm=False,
        contamination="auto",
        standardize=True,
        epochs=100,
        batch_size=256,
        learning_rate=1e-4,
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
        self.eta = eta
        self.activation = activation
        self.batch_norm = batch_norm

    def _training_data(self, X, y):
        return X, y.astype(X.dtype)

    def _fit_network(self, network, X, y, rng):
        from ..networks import DeepSADLoss

        split, center = self._split_and_center(network, X, y, rng)
        fitted = self._train(
            network, X, y, rng, loss=DeepSADLoss(self.eta), split=split
        )
        return {**fitted, "center_": center.astype(np.float64)}
