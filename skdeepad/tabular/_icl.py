"""Internal contrastive learning (ICL) outlier detector."""

from numbers import Integral, Real

import numpy as np

from .._compat import Interval, StrOptions
from .._docstrings import fill_doc
from .._units import check_units
from ..core import BaseDeepDetector

__all__ = ["ICL"]


@fill_doc
class ICL(BaseDeepDetector):
    """Outlier detection by how well each window of features matches the rest.

    ICL cuts every sample of ``d`` features into ``d - k + 1`` pairs: ``a_j``,
    the ``k`` consecutive features starting at ``j``, and ``b_j``, the other
    ``d - k`` features. Two networks embed the ``b_j`` and the ``a_j``; they
    are trained so that each ``b_j`` is more similar to its own ``a_j`` than
    to the sample's other windows (a contrastive cross-entropy over the
    windows of the same sample). They learn which values of a window go with
    which values of the rest on normal data. The anomaly score of a sample is
    its contrastive loss: the worse its windows match their complements, the
    more abnormal.

    Parameters
    ----------
    window_size : "auto" or int, default="auto"
        The number ``k`` of consecutive features in a window, in ``[1, d -
        1]``. "auto" is the authors' rule: 2 for up to 40 features, 10 for up
        to 160, then ``d - 150`` (never more than 151 windows, nor
        complements wider than 150 features), at most ``d - 1``.

    hidden_units : tuple of int, default=(64, 128, 64)
        The widths of the complement encoder's dense blocks; the last is the
        embedding's dimension. The window encoder's widths are a quarter of
        these but for the last, the same: the authors' ``(200, 400, 200)``
        is this shape, about six times the compute per sample.

    temperature : float, default=1.0
        The softmax temperature ``tau`` the similarities are divided by. The
        authors' 0.1 (0.01 in DeepOD's port) scored lower here (see Notes).

    %(threshold_parameters)s

    %(training_parameters)s

    Attributes
    ----------
    network_ : keras.Model
        The fitted network, mapping samples to their contrastive losses.

    window_size_ : int
        The window size used, ``k``.

    %(common_attributes)s

    %(training_attributes)s

    %(feature_attributes)s

    See Also
    --------
    DeepSVDD : The one-class deep detector.
    AutoEncoder : The reconstruction-error detector.
    sklearn.neighbors.LocalOutlierFactor : A density-based outlier detector.

    Notes
    -----
    ``score_samples`` returns the negated contrastive loss, so that, as in
    scikit-learn, the lower the score the more abnormal the sample.

    The loss of a sample is ``mean_j [log sum_i exp(<f(b_j), g(a_i)> / tau)
    - <f(b_j), g(a_j)> / tau]``. The complement encoder ``f`` is dense blocks
    (tanh first, then leaky ReLU of slope 0.2), the window encoder ``g``
    leaky ReLU blocks; hidden blocks are batch-normalised per window, and
    embeddings are normalised across the windows of a sample, then to unit
    length, as in the authors' code. Only the windows of one sample compete,
    so a sample's score does not depend on the samples scored with it.

    The sample's ``d * (d - k + 1)`` values are gathered window by window,
    so time and memory per sample grow with ``d`` times the number of
    windows (at most 151 with "auto"). One feature is padded with a constant
    0, so the two windows are the feature and the constant.

    An epoch here is 1,024 rows, whatever the size of the data: the samples
    are drawn in passes, each in a fresh order, and an epoch takes the next
    1,024 of them. A small set is passed over several times an epoch (in
    plain passes, a set of 100 rows would get 4 gradient steps an epoch), a
    large one over several epochs, so a fit costs the same number of
    gradient steps at any size (480 with the default epochs and batches).

    The defaults depart from the authors' (``tau = 0.1``, width 200, full
    batches for up to 2000 epochs) to fit in seconds on a CPU: a higher
    temperature, a narrower network and 15 epochs of small batches. They
    were chosen on ADBench's development sets in the clean-train setting
    (``benchmarks/results/icl_tuning.md``).

    References
    ----------
    .. [1] Shenkar, T. and Wolf, L. "Anomaly detection for tabular data with
       internal contrastive learning." ICLR, 2022.

    Examples
    --------
    Normal samples have features that move together; the second sample
    breaks that:

    >>> import numpy as np
    >>> from skdeepad import ICL
    >>> rng = np.random.RandomState(0)
    >>> t = rng.normal(size=(300, 1))
    >>> X = np.hstack([t, -t, 2 * t, t]) + rng.normal(scale=0.1, size=(300, 4))
    >>> det = ICL(epochs=20, random_state=0).fit(X)
    >>> det.predict([[1.0, -1.0, 2.0, 1.0], [1.0, 1.0, -2.0, 1.0]])
    array([ 1, -1])
    """

    _parameter_constraints: dict = {
        **BaseDeepDetector._parameter_constraints,
        "window_size": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
        ],
        "hidden_units": [tuple, list],
        "temperature": [Interval(Real, 0, None, closed="neither")],
    }

    # float32 kernels round differently at different batch sizes, and a
    # sample's score must not depend on the samples scored with it: every
    # forward pass gets _predict_batch_size rows (see the property below).
    _pad_predict_batches = True

    # The rows of an epoch, whatever the data's size: a small data set is
    # passed over several times an epoch, a large one over several epochs.
    _rows_per_epoch = 1024

    def __init__(
        self,
        *,
        window_size="auto",
        hidden_units=(64, 128, 64),
        temperature=1.0,
        contamination="auto",
        standardize=True,
        epochs=15,
        batch_size=32,
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
        self.window_size = window_size
        self.hidden_units = hidden_units
        self.temperature = temperature

    def _build_network(self, input_shape, seed):
        from ..networks import build_icl, icl_window_size

        n_features = input_shape[0]
        window_size = self.window_size
        if window_size == "auto":
            window_size = icl_window_size(n_features)
        elif window_size >= max(n_features, 2):
            raise ValueError(
                "window_size must be less than the number of features, "
                f"{n_features}; got {window_size}."
            )
        return build_icl(
            n_features,
            check_units(self.hidden_units),
            window_size=window_size,
            temperature=self.temperature,
            seed=seed,
        )

    @property
    def _predict_batch_size(self):
        """Rows per forward pass: 1024, fewer on wide data.

        A sample cut into its windows holds ``d * (d - k + 1)`` values; a
        pass holds at most about 4 million of them.
        """
        windows = self.network_.get_layer("windows")
        values = windows.n_features * (windows.n_features - windows.window_size + 1)
        return int(min(1024, max(2**22 // values, 1)))

    def _training_data(self, X, y):
        return X, np.zeros(len(X), dtype=X.dtype)  # the loss ignores targets

    def _fit_network(self, network, X, y, rng):
        from ..networks import ContrastiveLoss

        fitted = self._train(network, X, y, rng, loss=ContrastiveLoss())
        window_size = network.get_layer("windows").window_size
        return {**fitted, "window_size_": window_size}

    def _score_batch(self, X):
        from ..core._training import forward

        return forward(self.network_, X)
