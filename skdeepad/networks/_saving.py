"""Config of the training models that wrap skdeepad's networks.

DTE, GANomaly, DAGMM and Donut train a ``keras.Model`` around the detector's
network (a trainer with its own loss or training step). A Keras
``ModelCheckpoint`` saves that trainer whole, which needs its config: the
networks it wraps, serialised, and its settings.
"""

import keras

__all__ = ["WrapperConfig"]


class WrapperConfig:
    """``get_config`` / ``from_config`` for a trainer wrapping networks.

    Put it left of ``keras.Model``. ``_networks`` names the ``__init__``
    arguments that are Keras models, kept as attributes of the same name;
    the trainer sets ``self._settings`` to a dict of its other ``__init__``
    arguments.
    """

    _networks = ("network",)

    def get_config(self):
        config = super().get_config()
        for name in self._networks:
            config[name] = keras.saving.serialize_keras_object(getattr(self, name))
        config.update(self._settings)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for name in cls._networks:
            config[name] = keras.saving.deserialize_keras_object(config[name])
        return cls(**config)
