"""Deviation Networks (DevNet): anomaly scores learned from a few labelled anomalies."""

from numbers import Integral, Real

import numpy as np

from .._compat import Interval
from .._docstrings import fill_doc
from .._units import check_units
from .._warnings import warn_at_caller
from ..core import BaseLabelledDetector

__all__ = ["DevNet"]


@fill_doc
class DevNet(BaseLabelledDetector):
    """Anomaly scores learned end to end from a few labelled anomalies.

    DevNet (Pang et al., 2019) trains a network to output an anomaly score
    directly, with the deviation loss against a standard Gaussian prior of
    reference scores: unlabelled and normal samples are pulled to the prior's
    mean (score 0), anomalies pushed at least ``margin`` standard deviations
    above it. Batches are balanced, half anomalies and half other samples,
    so a handful of labelled anomalies is seen at every step. Unlabelled
    samples are treated as normal: they are, but for a small contamination.
    Unlike the paper, most of each batch's anomalies are by default
    synthetic, uniform over the data's range (``synthetic``), which makes
    DevNet useful with very few labels.

    DevNet needs labelled anomalies (``y == -1``, see :meth:`fit`). Given
    none (``y=None``, as in an unsupervised pipeline), it warns and draws
    stand-in anomalies uniformly from the bounding box of the data (widened
    by 10%), learning to tell the data from uniform noise.

    Parameters
    ----------
    hidden_units : tuple of int, default=(20,)
        The hidden layers' widths; a linear unit outputs the score. The
        default is the paper's network.

    margin : float, default=5.0
        The deviation, in standard deviations of the prior, that labelled
        anomalies are pushed beyond (the paper's ``a``).

    synthetic : float, default=0.8
        The fraction of each batch's anomalous half drawn uniformly from the
        bounding box of the data (widened by 10%) instead of from the
        labelled anomalies: synthetic anomalies teach the network what is
        far from all data, the labelled ones what known anomalies look like.
        0 is the paper's DevNet. Without labelled anomalies all are
        synthetic. A batch too small for the fraction still holds one
        labelled anomaly (and, with ``synthetic > 0``, one synthetic where
        there is room). See Notes for the measurement behind the default.

    n_members : int, default=5
        The number of scoring networks, each with its own initial weights,
        trained side by side on the same batches (one Keras model); the score
        is their mean. With a handful of labels one network's score varies
        much with its initialisation; the mean varies less.

    alpha : float, default=0.05
        The weight of the L2 penalty on the hidden layers' kernels (the
        paper's is 0.01; see Notes).

    activation : str, default="relu"
        The activation of the hidden layers (any Keras activation name).

    %(threshold_parameters)s

    %(training_parameters)s

    Attributes
    ----------
    network_ : keras.Model
        The fitted scoring network, mapping samples to the anomaly scores of
        its ``n_members`` members.

    %(common_attributes)s

    %(training_attributes)s

    %(feature_attributes)s

    See Also
    --------
    DeepSAD : Learns from labelled anomalies and normals, and from none.
    TunedThresholdDetector : Picks the threshold from labels.

    Notes
    -----
    ``score_samples`` returns the negated mean output of the members:
    normal samples score about 0, anomalies like the labelled ones towards
    ``-margin``.

    An epoch passes once over the samples not labelled anomalous, in batches
    of ``batch_size - batch_size // 2`` of them, each with
    ``batch_size // 2`` anomalies. The defaults ``epochs=50``,
    ``batch_size=512``, ``hidden_units=(20,)`` and ``margin=5`` are the
    paper's, but the paper's epoch is a fixed 20 batches: on more than
    5,120 samples, an epoch here takes more steps than the paper's. Early
    stopping is off because a validation set keeps too few labelled
    anomalies to measure the loss on.

    ``synthetic=0.8``, ``n_members=5`` and ``alpha=0.05`` were chosen on
    development ADBench datasets with 1% of the training anomalies labelled
    (1 to 12 labels; every variant in
    ``benchmarks/results/semi_supervised.md``, with the figures): against
    the paper's sampler (``synthetic=0``), synthetic anomalies only, other
    mixes, ``alpha=0.01`` and a single network.

    References
    ----------
    .. [1] Pang, G., Shen, C. and van den Hengel, A. "Deep anomaly detection
       with deviation networks." KDD, 2019.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepad import DevNet
    >>> rng = np.random.RandomState(0)
    >>> X = np.vstack([rng.normal(size=(300, 4)), rng.normal(4, 1, size=(10, 4))])
    >>> y = np.zeros(len(X), dtype=int)
    >>> y[[300, 301, 302]] = -1  # three known anomalies, the rest unlabelled
    >>> det = DevNet(epochs=20, random_state=0).fit(X, y)
    >>> det.predict([[0.0, 0.0, 0.0, 0.0], [4.0, 4.0, 4.0, 4.0]])
    array([ 1, -1])
    """

    # Scores sit near 0, where float32 rounding that varies with the batch
    # size shows (1e-7 seen): score in fixed-shape, zero-padded chunks.
    _predict_batch_size = 1024
    _pad_predict_batches = True

    _parameter_constraints: dict = {
        **BaseLabelledDetector._parameter_constraints,
        "hidden_units": [tuple, list],
        "margin": [Interval(Real, 0, None, closed="neither")],
        "synthetic": [Interval(Real, 0, 1, closed="both")],
        "n_members": [Interval(Integral, 1, None, closed="left")],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "activation": [str],
    }

    def __init__(
        self,
        *,
        hidden_units=(20,),
        margin=5.0,
        synthetic=0.8,
        n_members=5,
        alpha=0.05,
        activation="relu",
        contamination="auto",
        standardize=True,
        epochs=50,
        batch_size=512,
        learning_rate=1e-3,
        early_stopping=False,
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
        self.margin = margin
        self.synthetic = synthetic
        self.n_members = n_members
        self.alpha = alpha
        self.activation = activation

    def _build_network(self, input_shape, seed):
        from ..networks import build_devnet

        return build_devnet(
            input_shape[0],
            check_units(self.hidden_units),
            activation=self.activation,
            l2=self.alpha,
            n_members=self.n_members,
            seed=seed,
        )

    def _training_data(self, X, y):
        return X, (y < 0).astype(X.dtype)

    def _batches(self, inputs, targets, batch_size, seed):
        from ..core._batches import BalancedBatches

        return BalancedBatches(
            inputs, targets, max(batch_size, 2), seed, synthetic=self.synthetic
        )

    def _fit_network(self, network, X, y, rng):
        from ..networks import DeviationLoss

        if not np.any(y < 0):
            warn_at_caller(
                "DevNet got no labelled anomaly (y == -1), so it learns to tell "
                "the data from uniform random points instead. Label the known "
                "anomalies -1 (ADBench and PyOD mark them 1)."
            )
        return self._train(network, X, y, rng, loss=DeviationLoss(self.margin))

    def _score_batch(self, X):
        from ..core._training import forward

        scores = forward(self.network_, X)
        return scores if scores.ndim == 1 else scores.mean(axis=1)
