"""GANomaly outlier detector."""

from numbers import Real

import numpy as np

from .._compat import Interval, StrOptions
from .._docstrings import fill_doc
from .._units import resolve_hidden_units
from .._utils import draw_seed
from ..core import BaseDeepDetector

__all__ = ["GANomaly"]


@fill_doc
class GANomaly(BaseDeepDetector):
    """Outlier detection by the code gap of an adversarially trained autoencoder.

    GANomaly's generator is an encoder-decoder-encoder: the encoder maps a
    sample ``x`` to a code ``z``, the decoder reconstructs ``x_hat`` and a
    second encoder maps ``x_hat`` to ``z_hat``. It is trained against a
    discriminator that tells samples from reconstructions, on a weighted sum
    of three losses: feature matching against the discriminator
    (adversarial), the L1 reconstruction error (contextual) and the squared
    gap between ``z`` and ``z_hat`` (encoder). Trained on normal data, the
    generator learns to encode and re-encode normal samples consistently;
    the anomaly score of a sample is the mean squared gap between its codes,
    ``mean((z - z_hat) ** 2)``, as in the paper.

    Parameters
    ----------
    hidden_units : "auto" or tuple of int, default="auto"
        The encoders' layer widths; the last is the code's dimension. The
        decoder mirrors them and the discriminator has the same widths.
        "auto" is the rule of :class:`AutoEncoder`.

    adversarial_weight : float, default=1.0
        The weight of the feature-matching loss.

    contextual_weight : float, default=50.0
        The weight of the L1 reconstruction loss.

    encoder_weight : float, default=1.0
        The weight of the code-gap loss.

    activation : str, default="relu"
        The activation of the generator's hidden layers (the discriminator
        uses leaky ReLU).

    %(threshold_parameters)s

    %(training_parameters)s

    Attributes
    ----------
    network_ : keras.Model
        The fitted generator, mapping ``x`` to ``[x_hat, z, z_hat]``. The
        discriminator is used in training only and not kept; ``history_``
        holds its loss too, as ``d_loss``.

    %(common_attributes)s

    %(training_attributes)s

    %(feature_attributes)s

    See Also
    --------
    AutoEncoder : The plain reconstruction-error detector.

    Notes
    -----
    ``score_samples`` returns the negated code gap so that, as in
    scikit-learn, the lower the score the more abnormal the sample.

    Training needs the TensorFlow backend (Keras's default): the adversarial
    train step is written with ``tf.GradientTape``. On the JAX and PyTorch
    backends :meth:`fit` raises a ValueError. A fitted detector scores on
    every backend.

    References
    ----------
    .. [1] Akcay, S., Atapour-Abarghouei, A. and Breckon, T. P. "GANomaly:
       semi-supervised anomaly detection via adversarial training." ACCV, 2018.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeepad import GANomaly
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(200, 4))
    >>> det = GANomaly(epochs=20, random_state=0).fit(X)
    >>> det.predict([[0.0, 0.0, 0.0, 0.0], [8.0, -8.0, 8.0, -8.0]])
    array([ 1, -1])
    """

    _parameter_constraints: dict = {
        **BaseDeepDetector._parameter_constraints,
        "hidden_units": [StrOptions({"auto"}), tuple, list],
        "adversarial_weight": [Interval(Real, 0, None, closed="left")],
        "contextual_weight": [Interval(Real, 0, None, closed="left")],
        "encoder_weight": [Interval(Real, 0, None, closed="left")],
        "activation": [str],
    }

    # The trainer computes its own losses.
    _loss = None

    def __init__(
        self,
        *,
        hidden_units="auto",
        adversarial_weight=1.0,
        contextual_weight=50.0,
        encoder_weight=1.0,
        activation="relu",
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
        self.adversarial_weight = adversarial_weight
        self.contextual_weight = contextual_weight
        self.encoder_weight = encoder_weight
        self.activation = activation

    def _build_network(self, input_shape, seed):
        from ..networks import build_ganomaly_generator

        return build_ganomaly_generator(
            input_shape[0],
            resolve_hidden_units(self.hidden_units, input_shape[0]),
            activation=self.activation,
            seed=seed,
        )

    def _training_data(self, X, y):
        return X, None

    def _fit_network(self, network, X, y, rng):
        from ..networks import GANomalyTrainer, build_ganomaly_discriminator

        discriminator = build_ganomaly_discriminator(
            X.shape[1],
            resolve_hidden_units(self.hidden_units, X.shape[1]),
            seed=draw_seed(rng),
        )
        trainer = GANomalyTrainer(
            network,
            discriminator,
            adversarial_weight=self.adversarial_weight,
            contextual_weight=self.contextual_weight,
            encoder_weight=self.encoder_weight,
        )
        return self._train(trainer, X, y, rng)

    def _score_batch(self, X):
        from ..core._training import forward

        _, z, z_hat = forward(self.network_, X)
        return np.mean((z - z_hat) ** 2, axis=1)
