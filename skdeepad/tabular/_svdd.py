"""Deep Support Vector Data Description (Deep SVDD) outlier detector."""

from numbers import Real

import numpy as np

from .._compat import Interval, StrOptions
from .._docstrings import fill_doc
from .._units import resolve_hidden_units
from ..core import BaseDeepDetector

__all__ = ["DeepSVDD", "HypersphereMixin", "initial_center"]

# Centre coordinates closer to 0 than this are pushed out to it (Ruff et al.):
# a coordinate at 0 could be matched by a network whose weights all vanish.
_CENTER_EPS = 0.1


def initial_center(network, X):
    """Set and return the centre of a Deep SVDD network from the data ``X``.

    The mean code of ``X`` under the initial network; coordinates closer to 0
    than 0.1 are pushed out to it.
    """
    from ..core._training import forward

    center = forward(network.get_layer("encoder"), X).mean(axis=0)
    small = np.abs(center) < _CENTER_EPS
    center[small] = np.where(center[small] < 0, -_CENTER_EPS, _CENTER_EPS)
    network.get_layer("distance").center.assign(center)
    return center


class HypersphereMixin:
    """Deep SVDD's network and score, shared with :class:`~skdeepad.DeepSAD`.

    Expects the parameters ``hidden_units``, ``activation`` and
    ``batch_norm``.
    """

    def _build_network(self, input_shape, seed):
        from ..networks import build_deep_svdd

        return build_deep_svdd(
            input_shape[0],
            resolve_hidden_units(self.hidden_units, input_shape[0]),
            activation=self.activation,
            batch_norm=self.batch_norm,
            seed=seed,
        )

    def _score_batch(self, X):
        from ..core._training import forward

        return forward(self.network_, X)

    def _split_and_center(self, network, X, y, rng):
        """Draw the early-stopping split and set the centre from its training rows.

        The rows held out for early stopping only measure the loss, and rows
        labelled anomalous (``y == -1``) are not normal: neither is in the
        centre. Returns the split, for :meth:`_train`, and the centre.
        """
        split = self._split(len(X), y, rng)
        train = split[0] if y is None else split[0][y[split[0]] >= 0]
        return split, initial_center(network, X[train])


@fill_doc
class DeepSVDD(HypersphereMixin, BaseDeepDetector):
    """Outlier detection by the distance to a centre in a learned code space.

    Deep SVDD trains a network to map the training data into a hypersphere of
    minimum volume around a centre ``c``: the one-class objective minimises
    the mean squared distance ``||phi(x) - c||^2``. The centre is the mean
    code of the training rows under the initial network (not the rows held
    out for early stopping), fixed before training. The anomaly score is the
    squared distance to the centre (minus the squared radius for the
    soft-boundary objective).

    Deep SVDD's known failure is the collapse to a constant map, every input
    sent to ``c``. It is prevented as in the paper: no layer has a bias, batch
    normalisation (if any) has no offset, and no coordinate of ``c`` is
    closer to 0 than 0.1.

    Parameters
    ----------
    hidden_units : "auto" or tuple of int, default=(64, 32)
        The encoder's layer widths; the last is the code's dimension. Unlike
        an autoencoder's, the code need not be narrow: a wide one keeps more
        of the data's structure (see Notes). "auto" is the rule of
        :class:`AutoEncoder`.

    objective : {"one-class", "soft-boundary"}, default="one-class"
        "one-class" minimises the mean squared distance to the centre.
        "soft-boundary" learns a radius ``R`` too and penalises only the
        distances beyond it: ``R^2 + mean(max(0, ||phi(x) - c||^2 - R^2)) /
        nu``; ``R`` is set between epochs to the ``1 - nu`` quantile of the
        training distances, from epoch 10 on, and once more for the weights
        kept at the end of training.

    nu : float, default=0.1
        The soft-boundary objective's bound on the fraction of training
        samples outside the sphere, in (0, 1]. Ignored by "one-class".

    activation : str, default="leaky_relu"
        The activation of the hidden layers (any Keras activation name).

    batch_norm : bool, default=False
        Whether to batch-normalise the hidden layers (without offset).

    %(threshold_parameters)s

    %(training_parameters)s

    Attributes
    ----------
    network_ : keras.Model
        The fitted network, mapping samples to their anomaly scores. Its
        nested model ``network_.get_layer("encoder")`` maps samples to their
        codes.

    %(common_attributes)s

    center_ : ndarray of shape (code_dim,)
        The centre ``c`` of the hypersphere, in code space.

    radius_ : float
        The radius ``R`` of the soft-boundary objective, the ``1 - nu``
        quantile of the training rows' distances to the centre under the
        fitted network; 0 for "one-class".

    %(training_attributes)s

    %(feature_attributes)s

    See Also
    --------
    sklearn.svm.OneClassSVM : The kernel one-class SVM.

    Notes
    -----
    ``score_samples`` returns ``R^2 - ||phi(x) - c||^2`` so that, as in
    scikit-learn, the lower the score the more abnormal the sample.

    The defaults ``hidden_units=(64, 32)`` and ``learning_rate=1e-4`` (the
    paper's) were chosen on 15 small ADBench sets, against the autoencoder's
    narrow code and a learning rate of 1e-3: each helps, both together most
    (figures in ``benchmarks/results/tuning.md``).

    References
    ----------
    .. [1] Ruff, L., Vandermeulen, R., Goernitz, N., Deecke, L., Siddiqui, S.
       A., Binder, A., Mueller, E. and Kloft, M. "Deep one-class
       classification." ICML, 2018.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepad import DeepSVDD
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(200, 4))
    >>> det = DeepSVDD(epochs=20, random_state=0).fit(X)
    >>> det.predict([[0.0, 0.0, 0.0, 0.0], [8.0, -8.0, 8.0, -8.0]])
    array([ 1, -1])
    """

    _parameter_constraints: dict = {
        **BaseDeepDetector._parameter_constraints,
        "hidden_units": [StrOptions({"auto"}), tuple, list],
        "objective": [StrOptions({"one-class", "soft-boundary"})],
        "nu": [Interval(Real, 0, 1, closed="right")],
        "activation": [str],
        "batch_norm": ["boolean"],
    }

    def __init__(
        self,
        *,
        hidden_units=(64, 32),
        objective="one-class",
        nu=0.1,
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
        self.objective = objective
        self.nu = nu
        self.activation = activation
        self.batch_norm = batch_norm

    def _training_data(self, X, y):
        return X, np.zeros(len(X), dtype=X.dtype)  # the loss ignores targets

    def _fit_network(self, network, X, y, rng):
        from ..networks import RadiusUpdate, SoftBoundaryLoss

        # the radius, as the centre, comes from the training rows alone
        split, center = self._split_and_center(network, X, y, rng)
        distance = network.get_layer("distance")
        if self.objective == "soft-boundary":
            radius_update = RadiusUpdate(X[split[0]], self.nu)
            loss, callbacks = SoftBoundaryLoss(self.nu), [radius_update]
        else:
            loss, callbacks = SoftBoundaryLoss(1.0), []
        fitted = self._train(
            network, X, y, rng, loss=loss, callbacks=callbacks, split=split
        )
        if self.objective == "soft-boundary":
            # the radius of the weights kept: early stopping restores the best
            # epoch's weights with that epoch's radius, 0 before the warm-up
            radius_update.solve(network)
        radius = float(np.asarray(distance.radius))
        return {**fitted, "center_": center.astype(np.float64), "radius_": radius}
