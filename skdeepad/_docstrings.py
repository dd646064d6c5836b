"""Parameter and attribute documentation shared by every detector.

Each detector's docstring holds ``%(name)s`` placeholders that :func:`fill_doc`
replaces with the text below, so a shared parameter is documented once. The
texts are written for a placeholder indented by 4 spaces (a class docstring's
sections); elsewhere their lines are shifted to the placeholder's indent.
"""

import inspect
import re

_SHARED = {
    "threshold_parameters": """\
contamination : 'auto' or float, default='auto'
        The expected proportion of outliers in the training data; it sets
        ``offset_``, the threshold of :meth:`decision_function` and
        :meth:`predict`.

        - a float in (0, 0.5]: ``offset_`` is that percentile of the training
          ``score_samples``, so about that fraction of the training data is
          flagged;
        - 'auto': Tukey's boxplot rule on the training scores, ``offset_ =
          Q1 - 1.5 * (Q3 - Q1)`` of ``score_samples``: a sample is an outlier
          when its score lies below the lower fence. It assumes nothing about
          the outlier fraction.

    standardize : bool, default=True
        Whether to standardise every feature to zero mean and unit variance
        (learned in :meth:`fit`) before the network sees it, so raw, unscaled
        data works. Constant features are left centred, never divided by zero.""",
    "training_parameters": """\
epochs : int, default=100
        The maximum number of passes over the training data.

    batch_size : int, default=256
        Samples per gradient step. Capped at the rows of an epoch (the
        number of training samples, unless the detector's epoch passes over
        a small set several times), so small data sets still give one full
        batch.

    learning_rate : float, default=1e-3
        The step size of the Adam optimiser.

    early_stopping : bool, default=True
        Whether to stop when the validation loss has not improved for
        ``patience`` epochs, restoring the best weights seen. The validation
        set is a random ``validation_fraction`` of the training data; when it
        would hold no sample (tiny data), the training loss is monitored
        instead.

    validation_fraction : float, default=0.1
        The proportion of the training data set aside to monitor early
        stopping, in (0, 1). Only used when ``early_stopping=True``.

    patience : int, default=10
        Epochs without improvement before early stopping ends training.

    callbacks : list of keras.callbacks.Callback, default=None
        Extra Keras callbacks passed to ``keras.Model.fit``, e.g.
        ``keras.callbacks.CSVLogger``. After each fit their ``model`` is
        None again (the fitted network is ``network_``). DTE, GANomaly,
        DAGMM and Donut train a wrapper around ``network_``, which is what
        a ``ModelCheckpoint`` saves for them (``keras.saving.load_model``
        reads it back once ``skdeepad.networks`` is imported; the network
        is its ``network``, GANomaly's its ``generator``). Batches run
        several to a Keras step
        (``steps_per_execution``: a whole epoch on small data, else 16), so
        a callback's batch hooks (``on_train_batch_end``, a
        ``ModelCheckpoint(save_freq=n)``) are called once per step, not per
        batch; epoch hooks are called every epoch.

    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, dropout, the validation split and the
        order of batches. With an int, two fits give bit-identical scores on
        the CPU. Seeding is scoped to this estimator: no global seed (Python,
        NumPy, TensorFlow) and no TensorFlow determinism flag is changed.

    verbose : int, default=0
        0 trains silently, 1 shows Keras's progress bar, 2 prints one line
        per epoch.""",
    "common_attributes": """\
scaler_ : sklearn.preprocessing.StandardScaler or None
        The standardisation learned in :meth:`fit`, or None when
        ``standardize=False``.

    offset_ : float
        The threshold on :meth:`score_samples`: ``decision_function =
        score_samples - offset_``. Set from ``contamination``.""",
    "training_attributes": """\
history_ : dict of str to list of float
        The per-epoch training (``loss``) and, with early stopping,
        validation (``val_loss``) losses, as recorded by Keras.

    n_iter_ : int
        The number of epochs run.""",
    "feature_attributes": """\
n_features_in_ : int
        The number of features seen in :meth:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        The feature names seen in :meth:`fit`, defined only when ``X`` had
        string column names.""",
    "sequence_attributes": """\
input_shape_ : tuple of int
        The shape of one sample as the network sees it, ``(timesteps,
        channels)``, set in :meth:`fit`; later inputs must match it.

    n_features_in_ : int
        The length of the second axis of ``X`` seen in :meth:`fit`: the time
        steps.""",
    "labels": """\
Detectors that learn from labels (:class:`~skdeepad.DevNet`,
    :class:`~skdeepad.DeepSAD`, :class:`~skdeepad.Donut`) read ``y`` as
    partial labels, one per sample, in the sign convention of
    :meth:`predict`:

    - ``-1``: a known anomaly;
    - ``+1``: a known normal sample;
    - ``0``: unlabelled, the common case.

    Any negative (positive) integer counts as -1 (+1); ``y=None`` means all
    unlabelled. ADBench and PyOD mark anomalies with 1 instead: pass
    ``np.where(y_adbench == 1, -1, 0)`` to use such labels; ``fit`` warns
    when ``y`` holds only 0 and 1 with the 1s a minority.""",
    "sequence_input": """\
Input layouts, as for every sequence detector: a 2-D ``X`` of shape
    ``(n_samples, timesteps)`` holds univariate sequences, one per row (so
    the detector works with every scikit-learn tool); a 3-D ``X`` of shape
    ``(n_samples, timesteps, channels)`` holds multivariate ones. To cut a
    long series into such windows, use
    :func:`skdeepad.timeseries.sliding_windows` or wrap the detector in
    :class:`skdeepad.timeseries.WindowedDetector`. With ``standardize=True``
    each channel is standardised over all time steps, which keeps the shape
    of every sequence.""",
}


def fill_doc(cls):
    """Substitute the shared ``%(name)s`` sections into ``cls.__doc__``.

    A shared parameter whose default the class changes (DeepSVDD's
    ``learning_rate``) has its documented ``default=`` set from the class's
    ``__init__``, so the docstring never contradicts the signature. A
    function (a method) only gets the sections substituted.
    """
    if not inspect.isclass(cls):
        cls.__doc__ = _substitute(cls.__doc__)
        return cls
    if cls.__doc__:
        doc = _substitute(cls.__doc__)
        for name, param in inspect.signature(cls).parameters.items():
            if param.default is not inspect.Parameter.empty:
                doc = re.sub(
                    rf"^(    {name} : .*, default=).*$",
                    lambda m, default=param.default: (
                        m.group(1) + _format_default(default)
                    ),
                    doc,
                    count=1,
                    flags=re.MULTILINE,
                )
        cls.__doc__ = doc
    return cls


def _substitute(doc):
    def section(match):
        indent, name = match.groups()
        shift = " " * (len(indent) - 4)
        return indent + _SHARED[name].replace("\n    ", "\n    " + shift)

    return re.sub(r"^( *)%\((\w+)\)s", section, doc, flags=re.MULTILINE)


def _format_default(value):
    return repr(value).replace("'", '"') if isinstance(value, str) else repr(value)
