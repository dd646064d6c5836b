import keras
import numpy as np
import pytest

from skdeepad import GANomaly
from skdeepad.networks import (
    GANomalyTrainer,
    build_ganomaly_discriminator,
    build_ganomaly_generator,
)


@pytest.fixture(scope="module")
def X():
    return np.random.RandomState(0).normal(size=(150, 5))


@pytest.fixture(scope="module")
def fitted(X):
    return GANomaly(hidden_units=(8, 3), epochs=4, batch_size=32, random_state=0).fit(X)


def test_generator_is_encoder_decoder_encoder(fitted):
    names = [layer.name for layer in fitted.network_.layers]
    assert {"encoder", "decoder", "reencoder"} <= set(names)
    assert [tuple(o.shape) for o in fitted.network_.outputs] == [
        (None, 5),
        (None, 3),
        (None, 3),
    ]


def test_score_is_the_gap_between_the_codes(X, fitted):
    Z = fitted.scaler_.transform(X).astype(np.float32)
    _, z, z_hat = fitted.network_.predict(Z, verbose=0)
    np.testing.assert_allclose(
        -fitted.score_samples(X), np.mean((z - z_hat) ** 2, axis=1), rtol=1e-5
    )


def test_both_players_are_trained(fitted):
    assert set(fitted.history_) == {"loss", "d_loss", "val_loss"}
    assert fitted.n_iter_ == 4
    assert all(np.isfinite(v).all() for v in fitted.history_.values())


def test_generator_weights_change_with_the_contextual_weight(X, fitted):
    other = GANomaly(hidden_units=(8, 3), epochs=4, batch_size=32,
                     contextual_weight=1.0, random_state=0).fit(X)
    assert not np.allclose(other.score_samples(X), fitted.score_samples(X))


def test_training_refuses_other_backends(monkeypatch):
    trainer = GANomalyTrainer(build_ganomaly_generator(4, (6, 2)),
                              build_ganomaly_discriminator(4, (6, 2)))
    monkeypatch.setattr(keras.backend, "backend", lambda: "jax")
    with pytest.raises(ValueError, match="TensorFlow backend.*'jax'"):
        trainer.compile(optimizer=keras.optimizers.Adam())



class _DiscriminatorWeights(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.before = self.model.discriminator.get_weights()

    def on_train_end(self, logs=None):
        self.after = self.model.discriminator.get_weights()


def test_learning_rate_callbacks_reach_the_discriminator(X):
    # it trains with a copy of the generator's optimiser: a scheduler that
    # sets the generator's rate to 0 must stop both players
    weights = _DiscriminatorWeights()
    to_zero = keras.callbacks.LearningRateScheduler(lambda epoch, rate: 0.0)
    GANomaly(hidden_units=(8, 3), epochs=2, batch_size=32, early_stopping=False,
             callbacks=[weights, to_zero], random_state=0).fit(X)
    for before, after in zip(weights.before, weights.after, strict=True):
        np.testing.assert_array_equal(before, after)


def test_trains_with_a_learning_rate_schedule(X):
    trainer = GANomalyTrainer(build_ganomaly_generator(5, (6, 2), seed=0),
                              build_ganomaly_discriminator(5, (6, 2), seed=1))
    schedule = keras.optimizers.schedules.ExponentialDecay(1e-3, 10, 0.5)
    trainer.compile(optimizer=keras.optimizers.Adam(schedule))
    history = trainer.fit(X.astype("float32"), epochs=2, batch_size=32, verbose=0)
    assert np.isfinite(history.history["d_loss"]).all()
