"""Behaviour every detector inherits from BaseDeepDetector, tested on AutoEncoder."""

import pickle
import random

import joblib
import numpy as np
import pytest
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from skdeepad import AutoEncoder

FAST = {"hidden_units": (8, 2), "epochs": 5, "batch_size": 32}


@pytest.fixture(scope="module")
def data():
    """Gaussian inliers with 10 far-away outliers at the end (+1/-1 labels)."""
    rng = np.random.RandomState(42)
    inliers = rng.normal(size=(290, 6))
    outliers = rng.uniform(6, 9, size=(10, 6)) * rng.choice([-1, 1], size=(10, 6))
    X = np.vstack([inliers, outliers])
    y = np.r_[np.ones(290, int), -np.ones(10, int)]
    return X, y


@pytest.fixture(scope="module")
def fitted(data):
    return AutoEncoder(**FAST, random_state=0).fit(data[0])


def _global_random_states():
    from tensorflow.python.framework import config

    return (
        random.getstate(),
        pickle.dumps(np.random.get_state()),
        config.is_op_determinism_enabled(),
    )


def test_same_seed_same_scores_bit_for_bit(data, fitted):
    again = AutoEncoder(**FAST, random_state=0).fit(data[0])
    np.testing.assert_array_equal(
        again.score_samples(data[0]), fitted.score_samples(data[0])
    )


def test_seeded_fit_with_dropout_is_reproducible_and_seed_matters(data):
    X = data[0]
    a = AutoEncoder(**FAST, dropout=0.2, random_state=1).fit(X).score_samples(X)
    b = AutoEncoder(**FAST, dropout=0.2, random_state=1).fit(X).score_samples(X)
    c = AutoEncoder(**FAST, dropout=0.2, random_state=2).fit(X).score_samples(X)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_seeded_fit_leaves_global_random_states_as_they_were(data):
    import tensorflow as tf  # noqa: F401  (import first: importing may seed)

    random.seed(123)
    np.random.seed(456)
    before = _global_random_states()
    AutoEncoder(**FAST, dropout=0.1, random_state=0).fit(data[0])
    assert _global_random_states() == before


def test_unseeded_fits_differ(data):
    X = data[0]
    a = AutoEncoder(**FAST).fit(X).score_samples(X)
    b = AutoEncoder(**FAST).fit(X).score_samples(X)
    assert not np.array_equal(a, b)


def test_score_chain_and_labels(data, fitted):
    X = data[0]
    scores = fitted.score_samples(X)
    assert scores.dtype == np.float64 and scores.shape == (len(X),)
    np.testing.assert_allclose(fitted.decision_function(X), scores - fitted.offset_)
    labels = fitted.predict(X)
    assert set(np.unique(labels)) <= {-1, 1}
    np.testing.assert_array_equal(labels == -1, fitted.decision_function(X) < 0)


def test_detects_planted_outliers(data, fitted):
    X, y = data
    assert roc_auc_score(y == -1, -fitted.score_samples(X)) > 0.95


@pytest.mark.parametrize("contamination", [0.05, 0.2])
def test_float_contamination_flags_that_share_of_training_data(data, contamination):
    X = data[0]
    det = AutoEncoder(**FAST, contamination=contamination, random_state=0).fit(X)
    assert np.mean(det.predict(X) == -1) == pytest.approx(contamination, abs=0.01)
    assert det.offset_ == pytest.approx(
        np.percentile(det.score_samples(X), 100 * contamination)
    )


def test_auto_contamination_is_tukeys_lower_fence(data, fitted):
    scores = fitted.score_samples(data[0])
    q1, q3 = np.percentile(scores, [25, 75])
    assert fitted.offset_ == pytest.approx(q1 - 1.5 * (q3 - q1))
    # the planted outliers lie far below the fence, most inliers above it
    assert np.all(fitted.predict(data[0][-10:]) == -1)
    assert np.mean(fitted.predict(data[0][:290]) == 1) > 0.9


@pytest.mark.parametrize("contamination", ["auto", 0.2, 0.5])
def test_overflowed_training_scores_keep_the_offset_finite_and_are_flagged(
    contamination,
):
    from skdeepad.core import offset_from_scores

    lowest = -np.finfo(np.float64).max  # an overflowed score (finite_scores)
    scores = np.r_[np.full(4, lowest), -np.linspace(0.1, 1.0, 6)]
    offset = offset_from_scores(scores, contamination)
    assert np.isfinite(offset)
    assert np.all(scores[:4] - offset < 0)  # the overflowed ones are outliers


@pytest.mark.parametrize("n_samples", [1, 2, 3])
def test_tiny_inputs_fit_and_score(n_samples):
    X = np.arange(n_samples * 3, dtype=float).reshape(n_samples, 3)
    det = AutoEncoder(epochs=2, batch_size=256, random_state=0).fit(X)
    assert det.n_iter_ >= 1
    scores = det.score_samples(X)
    assert np.all(np.isfinite(scores))
    assert set(det.predict(X)) <= {-1, 1}


def test_early_stopping_uses_a_validation_split_and_stops(data):
    det = AutoEncoder(
        **{**FAST, "epochs": 200},
        early_stopping=True,
        learning_rate=0.05,
        patience=2,
        random_state=0,
    ).fit(data[0])
    assert set(det.history_) == {"loss", "val_loss"}
    assert det.n_iter_ < 200
    assert len(det.history_["loss"]) == det.n_iter_


def test_without_early_stopping_runs_every_epoch(data):
    det = AutoEncoder(**FAST, early_stopping=False, random_state=0).fit(data[0])
    assert det.n_iter_ == FAST["epochs"]
    assert set(det.history_) == {"loss"}
    assert det.history_["loss"][-1] < det.history_["loss"][0]


def test_user_callbacks_are_called(data):
    import keras

    epochs_seen = []
    callback = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: epochs_seen.append(epoch)
    )
    det = AutoEncoder(**FAST, callbacks=[callback], early_stopping=False).fit(data[0])
    assert epochs_seen == list(range(det.n_iter_))


def test_callbacks_let_go_of_the_network_after_fit(data):
    import keras
    from sklearn.base import clone

    from skdeepad import DTE

    history = keras.callbacks.History()
    det = DTE(epochs=1, callbacks=[history], random_state=0).fit(data[0])
    assert history.model is None and history.history  # kept what it recorded
    # a trainer wrapper Keras cannot serialise was held: pickle and clone failed
    copy = pickle.loads(pickle.dumps(det))
    np.testing.assert_array_equal(
        copy.score_samples(data[0]), det.score_samples(data[0])
    )
    assert clone(det).callbacks[0] is not history


def test_fits_in_a_loop_log_no_retracing_warning():
    import logging

    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger("tensorflow")
    filters = list(logger.filters)
    logger.addHandler(handler)
    try:
        X = np.random.default_rng(0).normal(size=(300, 4))
        for seed in range(8):  # each fit traces its new network's function once
            AutoEncoder(epochs=2, random_state=seed).fit(X)
    finally:
        logger.removeHandler(handler)
    assert not [r for r in records if "retracing" in r.getMessage()]
    assert logger.filters == filters  # the filter lasts the fit only


def test_a_users_history_does_not_add_up_the_fits_epochs(data):
    import keras

    history = keras.callbacks.History()  # Keras never clears it between fits
    det = AutoEncoder(**FAST, callbacks=[history], early_stopping=False)
    det.fit(data[0]).fit(data[0])
    assert det.n_iter_ == len(det.history_["loss"]) == FAST["epochs"]
    det.partial_fit(data[0])
    assert len(det.history_["loss"]) == FAST["epochs"] + 1


def test_a_detector_fitted_with_a_csv_logger_pickles_and_clones(data, tmp_path):
    import keras
    from sklearn.base import clone

    log = tmp_path / "log.csv"
    logger = keras.callbacks.CSVLogger(str(log))
    det = AutoEncoder(**FAST, callbacks=[logger], early_stopping=False).fit(data[0])
    copy = pickle.loads(pickle.dumps(det))  # its closed file did not pickle
    scores = copy.score_samples(data[0])
    np.testing.assert_array_equal(scores, det.score_samples(data[0]))
    clone(det).fit(data[0])  # the copied logger writes the file anew
    assert len(log.read_text().splitlines()) == 1 + FAST["epochs"]


@pytest.mark.parametrize("name", ["AutoEncoder", "DTE", "GANomaly", "DAGMM", "Donut"])
def test_a_model_checkpoint_saves_the_trained_model_whole(data, name, tmp_path):
    # DTE, GANomaly, DAGMM and Donut train a wrapper around network_: Keras
    # needs its config to save it (NotImplementedError after the first epoch)
    import keras

    import skdeepad

    from ._params import fast_params

    X = data[0][:, :, None] if name == "Donut" else data[0]  # windows of 6 steps
    path = tmp_path / "checkpoint.keras"
    det = getattr(skdeepad, name)(
        **fast_params(name),
        callbacks=[keras.callbacks.ModelCheckpoint(str(path))],
        early_stopping=False,
        random_state=0,
    ).fit(X)
    saved = keras.saving.load_model(path)  # the model of the last epoch
    network = {"AutoEncoder": saved, "GANomaly": getattr(saved, "generator", None)}
    network = network.get(name, getattr(saved, "network", None))
    for loaded, fitted in zip(
        network.get_weights(), det.network_.get_weights(), strict=True
    ):
        np.testing.assert_array_equal(loaded, fitted)


@pytest.mark.parametrize("callback", ["EarlyStopping", "a class"])
def test_callbacks_must_be_keras_callback_instances(data, callback):
    import keras

    if callback == "a class":
        callback = keras.callbacks.EarlyStopping
    with pytest.raises(TypeError, match="callbacks must be a list of keras"):
        AutoEncoder(**FAST, callbacks=[callback]).fit(data[0])


def test_verbose_shows_keras_progress(data, capsys):
    AutoEncoder(**{**FAST, "epochs": 1}, verbose=2, random_state=0).fit(data[0])
    assert "loss" in capsys.readouterr().out
    AutoEncoder(**{**FAST, "epochs": 1}, verbose=0, random_state=0).fit(data[0])
    assert "loss" not in capsys.readouterr().out


def test_scoring_in_small_chunks_matches_one_pass(data, fitted):
    X = data[0]
    chunked = pickle.loads(pickle.dumps(fitted))
    chunked._predict_batch_size = 7
    np.testing.assert_allclose(
        chunked.score_samples(X), fitted.score_samples(X), rtol=1e-6
    )


@pytest.mark.parametrize("dumps, loads", [(pickle.dumps, pickle.loads), (None, None)])
def test_pickle_and_joblib_round_trips_give_identical_scores(
    data, fitted, tmp_path, dumps, loads
):
    if dumps is None:
        joblib.dump(fitted, tmp_path / "det.joblib")
        restored = joblib.load(tmp_path / "det.joblib")
    else:
        restored = loads(dumps(fitted))
    np.testing.assert_array_equal(
        restored.score_samples(data[0]), fitted.score_samples(data[0])
    )
    assert restored.offset_ == fitted.offset_
    assert restored.history_ == fitted.history_


def test_pandas_input_keeps_feature_names(data):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(data[0], columns=[f"f{i}" for i in range(6)])
    det = AutoEncoder(**FAST, random_state=0).fit(frame)
    np.testing.assert_array_equal(det.feature_names_in_, frame.columns)
    np.testing.assert_array_equal(
        det.score_samples(frame),
        AutoEncoder(**FAST, random_state=0).fit(data[0]).score_samples(data[0]),
    )
    with pytest.raises(ValueError, match="feature names"):
        det.score_samples(frame.rename(columns={"f0": "other"}))


def test_standardization_makes_raw_scales_work(data):
    X, y = data
    raw = X * np.array([1e4, 1e-3, 1, 50, 1e2, 1e-2]) + 1e3
    det = AutoEncoder(**FAST, random_state=0).fit(raw)
    assert det.scaler_ is not None
    assert roc_auc_score(y == -1, -det.score_samples(raw)) > 0.95
    assert AutoEncoder(**FAST, standardize=False).fit(X).scaler_ is None


def test_wrong_number_of_features_at_predict_time(fitted):
    with pytest.raises(ValueError, match="features"):
        fitted.score_samples(np.zeros((2, 5)))


@pytest.mark.parametrize(
    "params",
    [{"contamination": 0.7}, {"epochs": 0}, {"batch_size": -1}, {"learning_rate": 0}],
)
def test_invalid_parameters_are_rejected_at_fit(data, params):
    with pytest.raises(InvalidParameterError):
        AutoEncoder(**params).fit(data[0])


def test_in_a_pipeline(data):
    X, y = data
    pipe = make_pipeline(StandardScaler(), AutoEncoder(**FAST, random_state=0)).fit(X)
    assert roc_auc_score(y == -1, -pipe.score_samples(X)) > 0.95
    assert set(pipe.predict(X)) == {-1, 1}


def test_grid_search_with_roc_auc(data):
    X, y = data
    search = GridSearchCV(
        AutoEncoder(epochs=5, batch_size=32, random_state=0),
        {"hidden_units": [(8,), (8, 2)]},
        scoring="roc_auc",
        cv=StratifiedKFold(3, shuffle=True, random_state=0),
    ).fit(X, y)
    # The refitted best detector's encoder has the chosen widths.
    network = search.best_estimator_.network_
    encoder = [
        layer.units
        for layer in network.layers
        if "encoder_" in layer.name and hasattr(layer, "units")
    ]
    assert tuple(encoder) == search.best_params_["hidden_units"]
    assert 0.9 < search.best_score_ <= 1.0


def test_divergence_raises_a_clear_error_and_leaves_no_fitted_state(data):
    det = AutoEncoder(**FAST, batch_norm=False, learning_rate=1e6, random_state=0)
    with pytest.raises(ValueError, match="AutoEncoder diverged.*learning_rate"):
        det.fit(data[0])
    assert not hasattr(det, "offset_") and not hasattr(det, "network_")


def test_data_constant_up_to_rounding_fit_without_a_divergence_error():
    # the untrained loss is ~1e-31 there; rounding made it grow a millionfold
    X = np.full((200, 8), 3.0)
    X[::2] += 1e-15
    det = AutoEncoder(**FAST, random_state=0).fit(X)
    assert np.all(np.isfinite(det.score_samples(X)))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_small_unstandardised_data_fit_without_a_divergence_error(seed):
    # batch normalisation in training mode lifts the first loss from ~1e-6
    # (inference) to ~1: growth that is no divergence
    X = np.random.default_rng(seed).standard_normal((200, 2)) * 1e-3
    det = AutoEncoder(standardize=False, epochs=2, random_state=seed).fit(X)
    assert np.all(np.isfinite(det.score_samples(X)))


def test_the_divergence_guard_reads_growth_from_a_floor():
    from skdeepad.core._training import DivergenceGuard

    guard = DivergenceGuard()
    guard.set_model(AutoEncoder()._build_network((4,), 0))
    guard.initial_loss = 4e-31
    guard.on_train_batch_end(0, {"loss": 3e-24})
    assert guard.diverged is None
    guard.initial_loss = 2.0
    guard.on_train_batch_end(0, {"loss": 3e6})
    assert "grew from 2 to 3e+06" in guard.diverged


@pytest.mark.parametrize("n_rows", [1, 3, 17])
def test_a_rows_score_does_not_depend_on_how_many_rows_are_scored(n_rows):
    # float32 kernels treat a short remainder block of rows differently; every
    # forward pass is padded to a multiple of 64 rows, so the scores agree bitwise
    X = np.random.default_rng(0).normal(size=(64, 5))
    det = AutoEncoder(hidden_units=(8, 3), epochs=2, random_state=0).fit(X)
    np.testing.assert_array_equal(
        det.score_samples(X[:n_rows]), det.score_samples(X)[:n_rows]
    )


@pytest.mark.parametrize(
    "detector_name", ["DeepSVDD", "VariationalAutoEncoder", "DAGMM"]
)
def test_small_fits_from_one_iterator_learn_what_per_epoch_iterators_do(
    detector_name, monkeypatch
):
    """A few batches an epoch come from one tf.data iterator for the whole fit
    (a fresh one per epoch costs more than the steps), and a validation set of
    one batch is evaluated on the epoch's end without Keras's evaluate (which
    makes an iterator each time): the same batches, the same order, so the
    same history (validation losses within float32 rounding) and scores."""
    import keras

    from skdeepad import all_detectors
    from skdeepad.core import _training

    if keras.backend.backend() != "tensorflow":
        pytest.skip("the one-iterator fit is TensorFlow's")
    X = np.random.RandomState(0).normal(size=(150, 5))
    cls = dict(all_detectors())[detector_name]

    def fit():
        return cls(epochs=12, batch_size=64, patience=3, random_state=0).fit(X)

    calls = []
    few_batches = _training._few_batches
    monkeypatch.setattr(
        _training, "_few_batches", lambda *a: calls.append(few_batches(*a)) or calls[-1]
    )

    def no_evaluate(*args, **kwargs):
        raise AssertionError("Keras's evaluate ran")

    with monkeypatch.context() as patched:
        patched.setattr(keras.Model, "evaluate", no_evaluate)
        one_iterator = fit()
    assert calls == [True]
    monkeypatch.setattr(_training, "_few_batches", lambda *a: False)
    per_epoch = fit()
    one, per = one_iterator.history_, per_epoch.history_
    assert one.keys() == per.keys() and "val_loss" in one
    for key in one:
        np.testing.assert_allclose(one[key], per[key], rtol=1e-6, err_msg=key)
    assert one["loss"] == per["loss"]
    np.testing.assert_array_equal(
        one_iterator.score_samples(X), per_epoch.score_samples(X)
    )


@pytest.mark.parametrize(
    "n_batches, steps",
    [(1, 1), (4, 4), (16, 16), (32, 16), (24, 12), (18, 9), (22, 11), (17, None)],
)
def test_an_epoch_from_one_iterator_splits_into_equal_executions(n_batches, steps):
    """Executions end where the epoch does (one more step would read the next
    epoch's first batch), and are not so short that they cost more than an
    iterator per epoch."""
    from skdeepad.core._training import _epoch_execution

    assert _epoch_execution(n_batches) == steps


def test_a_small_fit_runs_each_epoch_in_one_execution():
    """Four batches an epoch: one call of the compiled train function per
    epoch (Keras calls a batch-end callback once per call), not four."""
    import keras

    if keras.backend.backend() != "tensorflow":
        pytest.skip("the one-iterator fit is TensorFlow's")

    class Calls(keras.callbacks.Callback):
        n = 0

        def on_train_batch_end(self, batch, logs=None):
            Calls.n += 1

    X = np.random.RandomState(0).normal(size=(128, 3))
    det = AutoEncoder(
        epochs=5,
        batch_size=32,
        early_stopping=False,
        callbacks=[Calls()],
        random_state=0,
    ).fit(X)
    assert det.n_iter_ == 5 and Calls.n == 5


def test_a_validation_set_of_several_batches_is_evaluated_whole():
    """Sixteen training batches (one execution an epoch) and a validation set
    of three batches, the first far off: each epoch's val_loss is the mean
    squared error over the whole set, each row once."""
    import keras

    from skdeepad.core._batches import ShuffledBatches
    from skdeepad.core._training import train_network

    rng = np.random.default_rng(0)
    X_train = rng.normal(size=(16 * 64, 3)).astype("float32")
    X_val = rng.normal(size=(3 * 1024 - 10, 3)).astype("float32")
    X_val[:1024] *= 10
    inputs = keras.Input((3,))
    hidden = keras.layers.Dense(2, kernel_initializer=keras.initializers.Ones())
    outputs = keras.layers.Dense(3, kernel_initializer=keras.initializers.Ones())
    model = keras.Model(inputs, outputs(hidden(inputs)))
    errors = []

    class WholeSetError(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            predicted = keras.ops.convert_to_numpy(self.model(X_val, training=False))
            errors.append(float(np.mean((predicted - X_val) ** 2)))

    history = train_network(
        model,
        ShuffledBatches(X_train, X_train, batch_size=64, seed=0),
        (X_val, X_val),
        loss="mse",
        learning_rate=1e-3,
        epochs=3,
        early_stopping=False,
        patience=1,
        callbacks=[WholeSetError()],
        verbose=0,
    )
    np.testing.assert_allclose(history["val_loss"], errors, rtol=1e-5)


@pytest.mark.parametrize("n_rows", [10, 100, 333])
def test_epochs_of_a_fixed_number_of_rows_draw_every_sample_as_often(n_rows):
    from skdeepad.core._batches import ShuffledBatches

    X = np.arange(n_rows, dtype="float32")[:, None]
    batches = ShuffledBatches(X, None, batch_size=32, seed=0, rows_per_epoch=100)
    assert len(batches) == 4  # 100 rows: three batches of 32 and one of 4
    seen = []
    for _ in range(7):
        epoch = np.concatenate([batches[i][0][:, 0] for i in range(len(batches))])
        assert len(epoch) == 100
        seen.append(epoch)
        batches.on_epoch_end()
    counts = np.bincount(np.concatenate(seen).astype(int), minlength=n_rows)
    assert counts.max() - counts.min() <= 1  # a stream of whole passes


def test_epochs_of_a_fixed_number_of_rows_as_a_tf_dataset():
    import keras

    from skdeepad.core._batches import ShuffledBatches

    if keras.backend.backend() != "tensorflow":
        pytest.skip("tf_dataset is the TensorFlow backend's")
    X = np.arange(50, dtype="float32")[:, None]
    batches = ShuffledBatches(X, None, batch_size=16, seed=0, rows_per_epoch=80)
    twin = ShuffledBatches(X, None, batch_size=16, seed=0, rows_per_epoch=80)
    dataset = batches.tf_dataset(repeat=True)
    got = np.concatenate([b[0].numpy()[:, 0] for b in dataset.take(2 * len(batches))])
    expected = []
    for _ in range(2):
        twin.on_epoch_end()  # Keras calls it before the first epoch too
        expected.append(np.sort(twin._order))
    assert len(got) == 160
    np.testing.assert_array_equal(np.sort(got[:80]), expected[0])
    np.testing.assert_array_equal(np.sort(got[80:]), expected[1])


def test_float32_input_scores_as_the_same_values_in_float64():
    from skdeepad import LUNAR

    X = np.random.RandomState(0).normal(size=(200, 4)).astype(np.float32)
    det = LUNAR(epochs=2, random_state=0).fit(X)
    # standardised in float64 both times: the same network input, so LUNAR
    # finds its training rows in either (it scored 160 of 200 apart)
    np.testing.assert_array_equal(
        det.score_samples(X), det.score_samples(X.astype(np.float64))
    )


def test_training_values_beyond_float32_are_a_clear_value_error():
    X = np.random.RandomState(0).normal(size=(50, 3))
    X[0, 0] = 1e39  # a float64, inf in the network's float32
    det = AutoEncoder(**FAST, standardize=False, random_state=0)
    with pytest.raises(ValueError, match="beyond float32's range.*standardize=True"):
        det.fit(X)  # was reported as a divergence, to cure by a smaller learning rate
    det.fit(X[1:])
    with pytest.raises(ValueError, match="beyond float32's range"):
        det.partial_fit(X[:5])


def test_callbacks_are_let_go_without_set_model():
    import keras

    class Records(keras.callbacks.Callback):  # as TensorBoard, set_model works
        def __init__(self):
            super().__init__()
            self.given = []

        def set_model(self, model):
            self.given.append(model)
            super().set_model(model)

    callback = Records()
    X = np.random.RandomState(0).normal(size=(40, 3))
    AutoEncoder(**FAST, callbacks=[callback], random_state=0).fit(X)
    assert callback.given and None not in callback.given
    assert callback.model is None


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fit_leaves_the_callers_array_alone(dtype):
    X = np.random.RandomState(0).normal(5.0, 2.0, size=(40, 3)).astype(dtype)
    before = X.copy()
    AutoEncoder(**FAST, random_state=0).fit(X).score_samples(X)
    np.testing.assert_array_equal(X, before)
