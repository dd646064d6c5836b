"""GANomaly: an encoder-decoder-encoder generator, a discriminator, and their trainer.

The generator and discriminator are plain functional models; the adversarial
train step lives in :class:`GANomalyTrainer`, which wraps them for training
only. Its ``train_step`` uses ``tf.GradientTape``: training runs on the
TensorFlow backend only. The trained generator is a plain model and runs on
every backend.
"""

import itertools

import keras
from keras import ops

from .._dtypes import output_dtype
from ._saving import WrapperConfig
from .dense import dense_stack, seeded_dense

__all__ = [
    "GANomalyTrainer",
    "build_ganomaly_discriminator",
    "build_ganomaly_generator",
]


def build_ganomaly_generator(
    n_features, hidden_units=(64, 8), *, activation="relu", seed=0, name="generator"
):
    """Build GANomaly's generator: encoder, decoder and a second encoder.

    The encoder maps ``x`` to a code ``z`` of ``hidden_units[-1]``
    dimensions, the decoder (mirrored) reconstructs ``x_hat`` and the second
    encoder, of the same shape as the first, maps ``x_hat`` to ``z_hat``.
    The three are nested models named ``"encoder"``, ``"decoder"`` and
    ``"reencoder"``.

    Returns
    -------
    model : keras.Model
        An uncompiled model mapping ``x`` to ``[x_hat, z, z_hat]``.
    """
    seeds = itertools.count(seed)
    *widths, code_dim = hidden_units

    def encoder(encoder_name):
        x_in = keras.Input(shape=(n_features,))
        x = dense_stack(
            x_in, widths, activation=activation, seeds=seeds, name=encoder_name
        )
        code = seeded_dense(
            code_dim, seeds=seeds, dtype=output_dtype(), name=f"{encoder_name}_code"
        )(x)
        return keras.Model(x_in, code, name=encoder_name)

    first, second = encoder("encoder"), encoder("reencoder")
    code_in = keras.Input(shape=(code_dim,))
    x = dense_stack(
        code_in, widths[::-1], activation=activation, seeds=seeds, name="decoder"
    )
    x_hat = seeded_dense(
        n_features, seeds=seeds, dtype=output_dtype(), name="decoder_out"
    )(x)
    decoder = keras.Model(code_in, x_hat, name="decoder")

    inputs = keras.Input(shape=(n_features,), name="inputs")
    z = first(inputs)
    x_hat = decoder(z)
    return keras.Model(inputs, [x_hat, z, second(x_hat)], name=name)


def build_ganomaly_discriminator(
    n_features,
    hidden_units=(64, 8),
    *,
    activation="leaky_relu",
    seed=0,
    name="discriminator",
):
    """Build GANomaly's discriminator.

    Returns
    -------
    model : keras.Model
        An uncompiled model mapping ``x`` to ``[logit, features]``: the logit
        of "real" and the last hidden layer's features (matched by the
        generator's adversarial loss).
    """
    seeds = itertools.count(seed)
    inputs = keras.Input(shape=(n_features,), name="inputs")
    features = dense_stack(
        inputs, hidden_units, activation=activation, seeds=seeds, name="features"
    )
    logit = seeded_dense(1, seeds=seeds, dtype=output_dtype(), name="logit")(features)
    # the features matched by the generator's loss, in float32 at least too
    features = keras.layers.Identity(dtype=output_dtype(), name="features_out")(
        features
    )
    return keras.Model(inputs, [logit, features], name=name)


@keras.saving.register_keras_serializable(package="skdeepad")
class GANomalyTrainer(WrapperConfig, keras.Model):
    """Train a GANomaly generator and discriminator adversarially (TensorFlow only).

    Each step updates the generator on ``adversarial_weight * adv +
    contextual_weight * con + encoder_weight * enc`` (feature matching, the L1
    reconstruction error and the L2 gap between the codes), then the
    discriminator on the binary cross-entropy of real against reconstructed
    samples. ``loss`` (the generator's) and ``d_loss`` are reported per epoch;
    validation reports the generator's ``loss``.

    The optimiser given to ``compile`` trains the generator; a copy of it
    trains the discriminator, at the generator's learning rate at every step
    (so that a learning-rate callback, which sets the generator's, reaches
    both; a schedule runs in each, on the same step count).
    """

    _networks = ("generator", "discriminator")

    def __init__(
        self,
        generator,
        discriminator,
        adversarial_weight=1.0,
        contextual_weight=50.0,
        encoder_weight=1.0,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.generator = generator
        self.discriminator = discriminator
        self._loss_weights = (adversarial_weight, contextual_weight, encoder_weight)
        self._settings = dict(
            zip(
                ("adversarial_weight", "contextual_weight", "encoder_weight"),
                self._loss_weights,
                strict=True,
            )
        )
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")

    def compile(self, optimizer, loss=None, **kwargs):
        if keras.backend.backend() != "tensorflow":
            raise ValueError(
                "GANomaly's adversarial training needs the TensorFlow backend; "
                f"the Keras backend is {keras.backend.backend()!r}."
            )
        super().compile(optimizer=optimizer, **kwargs)
        self.d_optimizer = optimizer.__class__.from_config(optimizer.get_config())
        self.optimizer.build(self.generator.trainable_variables)
        self.d_optimizer.build(self.discriminator.trainable_variables)

    def compile_from_config(self, config):
        # what Keras does for a model whose compile is its own (a trainer
        # saved whole by a ModelCheckpoint, loaded again): compile it, the
        # optimiser built on every variable as the training loop builds it
        config = keras.saving.deserialize_keras_object(config)
        config["optimizer"].build(self.trainable_variables)
        self.compile(**config)

    @property
    def metrics(self):
        return [self.loss_tracker, self.d_loss_tracker]

    def call(self, x, training=False):
        return self.generator(x, training=training)

    def compute_loss(
        self, x=None, y=None, y_pred=None, sample_weight=None, training=True
    ):
        """The generator's loss, the ``loss`` that ``fit`` reports."""
        return self._generator_loss(x, training=training)[0]

    def _generator_loss(self, x, training):
        x_hat, z, z_hat = self.generator(x, training=training)
        x = ops.cast(x, x_hat.dtype)  # the input, as the layers saw it
        _, real_features = self.discriminator(x, training=training)
        _, fake_features = self.discriminator(x_hat, training=training)
        w_adv, w_con, w_enc = self._loss_weights
        loss = (
            w_adv * ops.mean(ops.square(real_features - fake_features))
            + w_con * ops.mean(ops.abs(x - x_hat))
            + w_enc * ops.mean(ops.square(z - z_hat))
        )
        return loss, x_hat

    def train_step(self, data):
        import tensorflow as tf

        x = keras.utils.unpack_x_y_sample_weight(data)[0]
        with tf.GradientTape() as tape:
            g_loss, x_hat = self._generator_loss(x, training=True)
        variables = self.generator.trainable_variables
        self.optimizer.apply_gradients(
            zip(tape.gradient(g_loss, variables), variables, strict=True)
        )

        x_hat = ops.stop_gradient(x_hat)
        with tf.GradientTape() as tape:
            real_logit, _ = self.discriminator(x, training=True)
            fake_logit, _ = self.discriminator(x_hat, training=True)
            d_loss = 0.5 * (
                ops.mean(
                    ops.binary_crossentropy(
                        ops.ones_like(real_logit), real_logit, from_logits=True
                    )
                )
                + ops.mean(
                    ops.binary_crossentropy(
                        ops.zeros_like(fake_logit), fake_logit, from_logits=True
                    )
                )
            )
        variables = self.discriminator.trainable_variables
        rate = self.d_optimizer.learning_rate  # a tensor under a schedule
        if isinstance(rate, keras.Variable):
            rate.assign(self.optimizer.learning_rate)
        self.d_optimizer.apply_gradients(
            zip(tape.gradient(d_loss, variables), variables, strict=True)
        )

        self.loss_tracker.update_state(g_loss)
        self.d_loss_tracker.update_state(d_loss)
        return {
            "loss": self.loss_tracker.result(),
            "d_loss": self.d_loss_tracker.result(),
        }

    def test_step(self, data):
        x = keras.utils.unpack_x_y_sample_weight(data)[0]
        g_loss, _ = self._generator_loss(x, training=False)
        self.loss_tracker.update_state(g_loss)
        return {"loss": self.loss_tracker.result()}
