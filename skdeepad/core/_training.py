"""Keras-side pieces of the training loop, imported only when a model is fitted.

Nothing here may be imported by ``import skdeepad``: this module imports Keras,
and with it the backend (TensorFlow by default).
"""

import contextlib
import logging
import math
import warnings
import weakref

import keras
import numpy as np

from .._dtypes import at_least_float32
from ._batches import ShuffledBatches

# A fit of at most this many gradient steps runs eagerly: tracing the train
# and test functions costs seconds (3-4 s for a small Transformer, ~1 s for a
# dense autoencoder), more than a handful of eager steps.
_EAGER_MAX_STEPS = 10

# Keras's test_on_batch traces its test function once from Keras 3.7 on;
# before, every call traced it anew (a new generator argument each time).
_KERAS_TRACES_TEST_ON_BATCH_ONCE = tuple(
    int(part) for part in keras.version().split(".")[:2]
) >= (3, 7)

# Gradient steps per call of the compiled train function: fewer Python round
# trips per epoch, the same steps in the same order (results are unchanged).
# PyTorch's backend refuses more than one. Chosen by benchmarks/speed.py.
_STEPS_PER_EXECUTION = 16

__all__ = [
    "CompiledNetwork",
    "DivergenceGuard",
    "TrainingDiverged",
    "forward",
    "reconstruction_error",
    "squared_errors",
    "train_network",
]


def new_optimizer(network, learning_rate):
    """A new Adam for ``network``, its variables built.

    Keras's TensorFlow trainer would create them while tracing the train
    function, which makes TensorFlow trace it a second time (~0.3 s per fit);
    created here, it is traced once.
    """
    optimizer = keras.optimizers.Adam(learning_rate=learning_rate)
    optimizer.build(network.trainable_variables)
    return optimizer


def train_network(
    network,
    batches,
    validation,
    *,
    loss,
    learning_rate,
    epochs,
    early_stopping,
    patience,
    callbacks,
    verbose,
    optimizer=None,
):
    """Compile ``network`` and train it with Keras's ``fit``.

    ``batches`` is a ``keras.utils.PyDataset`` of training batches (e.g.
    :class:`ShuffledBatches`, given to Keras as its ``tf_dataset()`` on the
    TensorFlow backend) that shuffles itself and has a ``batch_size``.
    ``validation`` is an ``(inputs, targets)`` pair, ``targets`` None for a
    model that computes its own loss, or None. ``loss`` is anything
    ``keras.Model.compile`` takes, or None. ``optimizer``, when given, is
    reused (its state carries on, for incremental training); by default a
    fresh Adam of ``learning_rate``.
    Returns the Keras ``History.history`` dict.
    """
    monitor = "val_loss" if validation is not None else "loss"
    guard = DivergenceGuard()
    all_callbacks = [guard]
    if early_stopping:
        all_callbacks.append(
            keras.callbacks.EarlyStopping(
                monitor=monitor, patience=patience, restore_best_weights=True
            )
        )
    all_callbacks.extend(callbacks)
    # this fit's own record: Keras would return a user's History, which it
    # never clears, so that its epochs would add up over fits
    record = keras.callbacks.History()
    all_callbacks.append(record)
    # A network trained on with its own optimiser (partial_fit) keeps its
    # traced function from call to call (_compiled_with), worth tracing once:
    # compiled, with settings that do not depend on the number of batches.
    incremental = optimizer is not None
    eager = not incremental and epochs * len(batches) <= _EAGER_MAX_STEPS
    few_batches = not incremental and _few_batches(batches, eager)
    settings = {
        "loss": loss,
        "run_eagerly": eager,
        "steps_per_execution": (
            _epoch_execution(len(batches))
            if few_batches
            else _steps_per_execution(eager)
        ),
    }
    # the variables it trains: a layer frozen since needs a new trace
    trained = [id(variable) for variable in network.trainable_variables]
    if optimizer is None or not _compiled_with(network, optimizer, settings, trained):
        network.compile(
            optimizer=optimizer or new_optimizer(network, learning_rate), **settings
        )
    if not network.optimizer.built:  # one passed in unbuilt: as new_optimizer
        network.optimizer.build(network.trainable_variables)
    guard.initial_loss = _loss_on(network, batches[0])
    if validation is not None and validation[1] is None:
        validation = validation[:1]
    validation_batch_size = max(batches.batch_size, 1024)
    data, per_epoch = batches, {}
    if few_batches:
        # Each epoch's batches come from one iterator that lasts the whole
        # fit: a fresh tf.data iterator per epoch and per evaluation cost
        # more than the steps of a small data set (100 epochs of 160 rows:
        # 7.8 s, against 1.5 s). The same batches in the same order, so the
        # same results.
        data = batches.tf_dataset(repeat=True)
        per_epoch["steps_per_epoch"] = len(batches)
        if (
            validation is not None
            and len(validation[0]) <= validation_batch_size
            and _KERAS_TRACES_TEST_ON_BATCH_ONCE
        ):
            # Keras makes a tf.data iterator for every evaluation, even of a
            # never-ending dataset (~7 ms: a third of a small fit's epoch)
            all_callbacks.insert(0, _OneBatchValidation(validation))
            validation = None
        # A larger set stays arrays that Keras batches anew for each evaluation:
        # a never-ending dataset would be read steps_per_execution batches a
        # call, past the set's end, whatever validation_steps says.
    elif keras.backend.backend() == "tensorflow" and isinstance(
        batches, ShuffledBatches
    ):
        data = batches.tf_dataset()
    with _retracing_unreported():
        network.fit(
            data,
            shuffle=False,  # ShuffledBatches shuffles, with our seed
            validation_data=validation,
            validation_batch_size=validation_batch_size,
            epochs=epochs,
            verbose={0: 0, 1: 1}.get(verbose, 2),
            callbacks=all_callbacks,
            **per_epoch,
        )
    # kept with the function it traced (weakly: the function holds the
    # network, which would never leave the dict), which a user's compile drops
    _COMPILED_WITH[network] = (
        network.optimizer,
        settings,
        trained,
        weakref.ref(network.train_function),
    )
    if guard.diverged:
        raise TrainingDiverged(guard.diverged)
    return {key: [float(v) for v in values] for key, values in record.history.items()}


class _NotRetracing(logging.Filter):
    """Drops TensorFlow's "triggered tf.function retracing" warning."""

    def filter(self, record):
        return "triggered tf.function retracing" not in record.getMessage()


@contextlib.contextmanager
def _retracing_unreported():
    """Keep TensorFlow's retracing warning off the log while Keras trains.

    Every fit builds a new network, whose training function TensorFlow
    traces once; after a few fits in one process (a loop, a grid search)
    TensorFlow counts those first traces as "excessive retracing" and warns,
    at any verbosity. The filter is on TensorFlow's logger for the call only.
    """
    logger = logging.getLogger("tensorflow")
    quiet = _NotRetracing()
    logger.addFilter(quiet)
    try:
        yield
    finally:
        logger.removeFilter(quiet)


class TrainingDiverged(ArithmeticError):
    """Raised by :func:`train_network` when the loss diverged; says how."""


class DivergenceGuard(keras.callbacks.Callback):
    """Stop training when the loss diverges, and say how.

    The loss diverged when it is not finite (Keras's ``TerminateOnNaN``), or
    when it exceeds ``factor`` times ``initial_loss``, the untrained
    network's loss on the first batch: training that multiplies its loss by
    a million has left the data behind (a far too large learning rate, say),
    even while the numbers stay finite. An initial loss below ``floor``
    counts as ``floor``: on data constant up to rounding the untrained loss
    is ~1e-31, and its growth to ~1e-24 is rounding, not divergence.
    """

    def __init__(self, factor=1e6, floor=1e-6):
        super().__init__()
        self.factor = factor
        self.floor = floor
        self.initial_loss = None
        self.diverged = None
        self._epoch = 0

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        loss = float(loss)
        if not math.isfinite(loss):
            self.diverged = f"the training loss became {loss}"
        elif self.initial_loss and loss > self.factor * max(
            self.initial_loss, self.floor
        ):
            self.diverged = (
                f"the training loss grew from {self.initial_loss:.3g} to {loss:.3g}"
            )
        if self.diverged:
            self.diverged += f" at epoch {self._epoch + 1}"
            self.model.stop_training = True

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch


def _loss_on(network, batch):
    """The untrained ``network``'s loss on one batch, computed eagerly.

    The larger of its losses in inference and in training mode: batch
    normalisation in training mode rescales the activations of data far
    from unit scale, so that its first training loss can be a million times
    the inference one without any divergence. The training-mode pass leaves
    no trace: the moving statistics and seed-generator states it advances
    (the network's non-trainable variables) are put back before the
    inference pass.
    """
    inputs, targets = batch if len(batch) == 2 else (batch[0], None)

    def loss(training):
        y_pred = network(inputs, training=training)
        value = network.compute_loss(
            x=inputs, y=targets, y_pred=y_pred, training=training
        )
        # as float32: NumPy cannot convert a 0-d bfloat16 tensor (DTE's loss)
        value = keras.ops.cast(value, at_least_float32(value.dtype))
        return abs(float(keras.ops.convert_to_numpy(value)))

    state = network.non_trainable_variables
    saved = [variable.numpy() for variable in state]
    try:
        in_training = loss(training=True)
    finally:
        for variable, value in zip(state, saved, strict=True):
            variable.assign(value)
    return max(loss(training=False), in_training)


# What each network was last compiled with, for _compiled_with: weak keys, so
# that a network's entry goes with it.
_COMPILED_WITH = weakref.WeakKeyDictionary()


def _compiled_with(network, optimizer, settings, trained):
    """Whether ``network`` is compiled as :func:`train_network` would compile it.

    Compiling drops Keras's traced train function, and tracing it again costs
    more than an epoch of a small batch (~0.5 s of a 0.6 s ``partial_fit`` on
    1,000 rows): a network trained on with its own optimizer (``partial_fit``)
    and the same settings keeps the compiled function, unless ``trained``,
    the ids of its trainable variables, changed (a layer frozen) or it was
    compiled since (Keras then drops the function). Keras's loss and step
    counters are reset by every ``fit`` all the same.
    """
    compiled = _COMPILED_WITH.get(network)
    return (
        compiled is not None
        and getattr(network, "compiled", False)
        and network.optimizer is optimizer
        and compiled[0] is optimizer
        and compiled[1] == settings
        and compiled[2] == trained
        and network.train_function is not None  # None: compiled since
        and network.train_function is compiled[3]()
    )


def _few_batches(batches, eager):
    """Whether a compiled TensorFlow fit of ``batches`` reads them from one iterator.

    For in-memory data whose epochs split into executions of equal length
    (see :func:`_epoch_execution`), where the cost of a tf.data iterator per
    epoch outweighs the steps.
    """
    return (
        not eager
        and keras.backend.backend() == "tensorflow"
        and isinstance(batches, ShuffledBatches)
        and _epoch_execution(len(batches)) is not None
        and not _distributed()
    )


def _epoch_execution(n_batches):
    """Steps per execution of an epoch of ``n_batches`` read from one iterator.

    The executions must end where the epoch does: one more step would read
    the next epoch's first batch from the never-ending dataset. An epoch of
    at most ``_STEPS_PER_EXECUTION`` batches is one execution; a longer one
    takes the largest divisor up to that, if it is at least half of it
    (32 batches: two executions of 16), else None (17 batches: per-step
    executions would cost more than an iterator per epoch).
    """
    if n_batches <= _STEPS_PER_EXECUTION:
        return n_batches
    steps = max(d for d in range(1, _STEPS_PER_EXECUTION + 1) if n_batches % d == 0)
    return steps if 2 * steps >= _STEPS_PER_EXECUTION else None


class _OneBatchValidation(keras.callbacks.Callback):
    """Each epoch's validation logs for a validation set of one batch.

    What ``fit(validation_data=...)`` computes (the model's test function on
    the whole set, its metrics reset first, each log prefixed ``val_``),
    added to the epoch's logs before the callbacks after this one read them
    (early stopping, the history, the progress bar).
    """

    def __init__(self, validation):
        super().__init__()
        self.validation = validation  # (inputs,) or (inputs, targets)

    def on_epoch_end(self, epoch, logs=None):
        inputs, targets = (*self.validation, None)[:2]
        self.model.reset_metrics()  # test_on_batch does so itself from Keras 3.15
        results = self.model.test_on_batch(inputs, targets, return_dict=True)
        if logs is not None:
            logs.update({f"val_{name}": value for name, value in results.items()})


def _steps_per_execution(eager):
    if eager or keras.backend.backend() == "torch" or _distributed():
        return 1
    return _STEPS_PER_EXECUTION


def _distributed():
    """Whether a ``tf.distribute`` strategy's scope is active.

    Keras's multi-step train function fails under one (a placeholder of its
    while loop goes unfed), so distributed training runs one step per call.
    """
    if keras.backend.backend() != "tensorflow":
        return False
    import tensorflow as tf

    return tf.distribute.has_strategy()


def forward(network, X):
    """Run ``network`` on ``X`` in inference mode (dropout off); return NumPy.

    A network with several outputs gives a list of arrays.
    """
    outputs = network(X, training=False)
    return keras.tree.map_structure(keras.ops.convert_to_numpy, outputs)


class CompiledNetwork:
    """``network`` with its inference call compiled once, for many small calls.

    Keras's eager call of a network costs milliseconds of Python and op
    dispatch whatever the batch; a live stream scores a window or a few at a
    time. On TensorFlow the inference call is traced once into a graph whose
    batch dimension is free (one concrete function where the network has one
    input of known shape, so no call retraces or looks up a trace). A call on
    one row, a live stream's usual call, goes through TensorFlow Lite instead
    where the network converts (one input and one output of known shape): a
    graph call costs ~0.15 ms, an interpreter call ~0.015 ms. The first such
    call checks the interpreter's output against the graph's and keeps the
    graph if they differ beyond float32 rounding. The interpreter holds the
    weights as they were at that call: weights changed in place later (a
    ``set_weights``, further training) reach the graph calls but not it, so
    make a new ``CompiledNetwork`` after changing them. Outputs equal the
    eager call's within float32 rounding, not always bit for bit (the graph
    may fuse kernels). On the other backends the call stays eager. Every
    other attribute is the network's.
    """

    def __init__(self, network):
        self._network = network
        self._call = self._one_row = None
        self._one_row_checked = False
        if keras.backend.backend() == "tensorflow":
            import tensorflow as tf

            call = tf.function(
                lambda X: network(X, training=False), reduce_retracing=True
            )
            inputs = getattr(network, "inputs", None) or []
            if len(inputs) == 1:
                spec = tf.TensorSpec(inputs[0].shape, tf.float32)
                call = call.get_concrete_function(spec)
            self._call = call

    def __call__(self, X, training=False):
        if self._call is None or training:
            return self._network(X, training=training)
        if len(X) == 1:
            if not self._one_row_checked:
                return self._check_one_row(X)
            if self._one_row is not None:
                return self._one_row(X)
        return self._call(X)

    def _check_one_row(self, X):
        """Build the one-row interpreter; keep it if it agrees with the graph on ``X``.

        Returns the graph's output on ``X``.
        """
        self._one_row_checked = True
        graph = self._call(X)
        interpreter = _one_row_interpreter(self._network)
        if interpreter is not None:
            graph = keras.ops.convert_to_numpy(graph)
            lite = interpreter(X)
            if lite.shape == graph.shape and np.allclose(
                lite, graph, rtol=1e-5, atol=1e-5 * np.abs(graph).max()
            ):
                self._one_row = interpreter
        return graph

    def __getattr__(self, name):
        if name.startswith("__") or name in (
            "_network",
            "_call",
            "_one_row",
            "_one_row_checked",
        ):
            raise AttributeError(name)  # not set yet (a copy being made)
        return getattr(self._network, name)


def _one_row_interpreter(network):
    """``network``'s inference call on one row, through TensorFlow Lite.

    Returns a function of a float32 array of shape ``(1, *input_shape)``
    giving the output as NumPy, or None where the network does not convert
    (not one input and one output of known shapes, or ops TensorFlow Lite
    lacks). The weights are frozen into the converted model: it must be
    rebuilt if they change. The interpreter is LiteRT's (``ai-edge-litert``)
    where installed, else TensorFlow's own, single-threaded and without the
    default XNNPACK delegate (no log line, and small models run as fast).
    """
    try:
        inputs, outputs = network.inputs, network.outputs
    except (AttributeError, ValueError):  # a subclassed model never built
        return None
    if len(inputs) != 1 or len(outputs) != 1 or None in inputs[0].shape[1:]:
        return None
    import tensorflow as tf

    try:  # private or deprecated TensorFlow parts: any failure keeps the graph
        from tensorflow.python.framework.convert_to_constants import (
            convert_variables_to_constants_v2,
        )

        spec = tf.TensorSpec((1, *inputs[0].shape[1:]), tf.float32)
        call = tf.function(
            lambda X: network(X, training=False), autograph=False
        ).get_concrete_function(spec)
        converter = tf.lite.TFLiteConverter.from_concrete_functions(
            [convert_variables_to_constants_v2(call)], network
        )
        interpreter = _lite_interpreter(converter.convert())
        (input_detail,) = interpreter.get_input_details()
        (output_detail,) = interpreter.get_output_details()
    except Exception:  # noqa: BLE001 - any op or shape the converter refuses
        return None
    set_input, invoke, get_output = (
        interpreter.set_tensor,
        interpreter.invoke,
        interpreter.get_tensor,
    )

    def call_one_row(X):
        set_input(input_detail["index"], np.asarray(X, np.float32))
        invoke()
        return get_output(output_detail["index"])

    return call_one_row


def _lite_interpreter(model):
    try:
        from ai_edge_litert.interpreter import Interpreter, OpResolverType
    except ImportError:  # TensorFlow's own, deprecated in favour of LiteRT
        import tensorflow as tf

        Interpreter = tf.lite.Interpreter
        OpResolverType = tf.lite.experimental.OpResolverType
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # tf.lite's deprecation
        interpreter = Interpreter(
            model_content=model,
            num_threads=1,
            experimental_op_resolver_type=(
                OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES
            ),
        )
    interpreter.allocate_tensors()
    return interpreter


def squared_errors(network, X):
    """The squared error between ``network(X)`` and ``X``, value by value.

    Float64, of ``X``'s shape: no overflow where float32 would.
    """
    errors = np.subtract(forward(network, X), X, dtype=np.float64)
    return np.square(errors, out=errors)


def reconstruction_error(network, X):
    """Each sample's mean squared error between ``network(X)`` and ``X``.

    The mean runs over every axis of a sample: features, time steps and
    channels, or pixels.
    """
    return squared_errors(network, X).reshape(len(X), -1).mean(axis=1)
