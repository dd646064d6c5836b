"""A user's own Keras model, as scikeras's KerasRegressor builds it."""


def bottleneck_model(meta, width=1):
    """A dense autoencoder with a ``width``-unit bottleneck, compiled for MSE."""
    import keras

    n_features = meta["n_features_in_"]
    model = keras.Sequential(
        [
            keras.Input((n_features,)),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(width),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(n_features),
        ]
    )
    model.compile(loss="mse", optimizer=keras.optimizers.Adam(0.01))
    return model
