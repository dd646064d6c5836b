"""Mixins for :class:`BaseDeepDetector`: incremental fits, per-value scores.

:class:`IncrementalMixin` gives ``partial_fit`` to the detectors trained by
the shared loop on ``(X, X)``; :class:`FeatureScoresMixin` gives
``feature_scores`` to those scoring by mean squared reconstruction error.
"""

import contextlib
import copy
import math

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import StandardScaler
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from .._compat import _fit_context
from .._utils import MAX_SEED, by_channel, checked_scaler, draw_seed, in_memory
from ._detector import atomic_fit

__all__ = ["FeatureScoresMixin", "IncrementalMixin", "restored_on_failure"]


class IncrementalMixin:
    """``partial_fit``: train further on each batch of data as it comes.

    For the detectors trained by the shared loop on ``(X, X)`` alone (the
    autoencoders). Put it left of :class:`BaseDeepDetector`.
    """

    @_fit_context(prefer_skip_nested_validation=True)
    @atomic_fit
    def partial_fit(self, X, y=None):
        """Train on ``X`` for one epoch, continuing from the current fit.

        The first call on an unfitted detector builds the network; every call
        then updates the standardisation statistics with ``X``
        (:meth:`sklearn.preprocessing.StandardScaler.partial_fit`, so they are
        those of all the data seen), passes once over ``X`` in shuffled
        mini-batches with the same Adam optimiser (its moments carry over
        from call to call, from a previous :meth:`fit`, and through a pickle;
        a detector read by :func:`skdeepad.load` keeps its weights but starts
        a new optimiser), and sets
        ``offset_`` from the scores of ``X``. There is no early stopping:
        each call is one epoch, whose loss is appended to ``history_["loss"]``
        (a previous fit's ``val_loss`` stays as it was) and counted in
        ``n_iter_``. With an int ``random_state``, the same
        sequence of calls gives the same scores. ``learning_rate`` and
        ``batch_size`` set since take effect at the next call; the network
        keeps the layers it was built with (``hidden_units``, ``dropout``...)
        until the next :meth:`fit`, and ``standardize`` set otherwise than
        fitted is a ValueError (the data would reach the network on another
        scale than it learnt).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            A batch of training data, mostly normal.
        y : None
            Ignored; present for API consistency.

        Returns
        -------
        self : object
            The updated detector.
        """
        first = not hasattr(self, "network_")
        if not first:  # _fit_context checks the parameters of a first call only
            self._validate_params()
            if bool(self.standardize) != (self.scaler_ is not None):
                raise ValueError(
                    f"standardize={self.standardize!r} was set after the network "
                    f"was fitted with standardize={not self.standardize!r}; "
                    "partial_fit continues that fit. Call fit to start anew."
                )
        X = self._validate_input(X, reset=first)
        rng = check_random_state(self.random_state)
        network_seed, batch_seed = draw_seed(rng), draw_seed(rng)
        if first:
            self.scaler_ = StandardScaler() if self.standardize else None
            self.network_ = self._build_network(X.shape[1:], seed=network_seed)
            self.history_, self.n_iter_ = {"loss": []}, 0
        if self.scaler_ is not None:  # a copy: atomic_fit restores the old one
            self.scaler_ = copy.deepcopy(self.scaler_)
            # a sparse X densified chunk by chunk, as fit does
            parts = self._dense_chunks(X) if sp.issparse(X) else [by_channel(X)]
            for part in parts:
                self.scaler_.partial_fit(part)
            checked_scaler(self.scaler_, part[0])
        X = self._training_input(X, self.scaler_)
        if getattr(self.network_, "optimizer", None) is None:
            from ._training import new_optimizer

            # built before the block, so that a failed call leaves it fresh:
            # the first call, or the first after skdeepad.load
            self.network_.optimizer = new_optimizer(self.network_, self.learning_rate)
        # atomic_fit puts the attributes back, this the weights trained in place
        with restored_on_failure(self.network_):
            self._train_one_epoch(X, batch_seed)
            self._set_offset(-self._anomaly_scores(X))
        return self

    def _train_one_epoch(self, X, batch_seed):
        optimizer = getattr(self.network_, "optimizer", None)
        if optimizer is not None:
            optimizer.learning_rate = self.learning_rate
        inputs, targets = self._training_data(X, None)
        batches = self._batches(
            inputs,
            targets,
            min(self.batch_size, len(X)),
            (batch_seed + self.n_iter_) % MAX_SEED,
        )
        history = self._run_training(
            self.network_,
            batches,
            None,
            epochs=1,
            early_stopping=False,
            optimizer=optimizer,
        )
        # later epochs' values append to fit's (whose val_loss, if any, stays)
        self.history_ = {
            key: [*self.history_.get(key, []), *history.get(key, [])]
            for key in {**self.history_, **history}
        }
        self.n_iter_ += 1


class FeatureScoresMixin:
    """``feature_scores(X)`` for detectors scoring by mean squared reconstruction error.

    Put it left of :class:`BaseDeepDetector` on a detector whose anomaly
    score is the default ``_score_batch``: the mean of the squared errors
    over every value of a sample.
    """

    def feature_scores(self, X):
        """Return each value's share of each sample's anomaly score.

        The anomaly score is the mean squared reconstruction error over a
        sample's values (features; time steps and channels; pixels); a value's
        share is its squared error divided by the number of values, so the
        shares of a sample add up to its anomaly score, ``-score_samples``.
        They say which features (time steps, pixels) make a sample abnormal.

        Parameters
        ----------
        X : array-like or pandas DataFrame
            The samples, in any layout :meth:`score_samples` takes.

        Returns
        -------
        shares : ndarray of X's shape, dtype float64, or pandas DataFrame
            A DataFrame with X's index and columns when X is one. The
            higher, the more the value adds to the sample's abnormality.
        """
        from ._training import squared_errors

        check_is_fitted(self)
        validated = self._validate_input(in_memory(X), reset=False)
        shares = np.empty(validated.shape)
        n_values = math.prod(validated.shape[1:])
        for start, chunk in self._chunks(validated):
            chunk = self._as_network_input(chunk, self.scaler_)
            errors = self._score_chunk(
                chunk, lambda batch: squared_errors(self.network_, batch)
            )
            shares[start : start + len(chunk)] = errors / n_values
        largest = np.finfo(np.float64).max  # overflowed: the largest share
        np.nan_to_num(shares, copy=False, nan=largest, posinf=largest)
        if hasattr(X, "columns") and hasattr(X, "index"):
            import pandas as pd

            return pd.DataFrame(
                shares.reshape(len(X), -1), index=X.index, columns=X.columns
            )
        return shares.reshape(np.shape(X))


@contextlib.contextmanager
def restored_on_failure(network):
    """Put back ``network``'s weights and optimiser state if the block raises."""
    optimizer = getattr(network, "optimizer", None)
    variables = [*network.variables, *(optimizer.variables if optimizer else ())]
    saved = [v.numpy() for v in variables]
    try:
        yield
    except BaseException:
        for variable, value in zip(variables, saved, strict=True):
            variable.assign(value)
        raise
