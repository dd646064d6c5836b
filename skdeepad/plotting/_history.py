"""The training (and validation) loss by epoch."""

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._common import _axes, _name


class TrainingHistoryDisplay:
    """The loss by epoch of a fitted detector's training.

    Parameters
    ----------
    history : dict of lists
        Keras's history: ``loss`` and, with early stopping, ``val_loss``.
    estimator_name : str or None
        Shown in the title.

    Attributes
    ----------
    ax_, figure_ : matplotlib Axes and Figure
    lines_ : dict of matplotlib Line2D
        One line per history entry drawn (``"loss"``, ``"val_loss"``).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skdeepad.plotting import TrainingHistoryDisplay
    >>> history = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.6]}
    >>> display = TrainingHistoryDisplay(history).plot()
    >>> sorted(display.lines_)
    ['loss', 'val_loss']
    """

    def __init__(self, history, estimator_name=None):
        self.history = {k: list(v) for k, v in history.items()}
        self.estimator_name = estimator_name

    @classmethod
    def from_estimator(cls, estimator, *, name=None, ax=None):
        """Plot a fitted detector's ``history_``.

        Parameters
        ----------
        estimator : fitted skdeepad detector
            A detector that trains a network (it has ``history_``), or a
            Pipeline ending with one.
        name : str, default=None
            The title; the detector's class name by default.
        ax : matplotlib Axes, default=None
            Where to draw; a new figure's axes by default.

        Returns
        -------
        display : TrainingHistoryDisplay
        """
        from ..meta._utils import last_step

        check_is_fitted(estimator)
        trained = last_step(estimator)  # a Pipeline's last step trains
        if not hasattr(trained, "history_"):
            inner = getattr(trained, "detectors_", None)  # a WindowedDetector's
            where = (
                f" Plot its window detector's: {type(trained).__name__}"
                ".detectors_[0]."
                if inner and hasattr(inner[0], "history_")
                else " It does not train a network."
            )
            raise ValueError(
                f"{type(trained).__name__} has no training history (history_).{where}"
            )
        return cls(trained.history_, _name(trained, name)).plot(ax=ax)

    def plot(self, ax=None):
        """Draw the loss curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure's axes by default.

        Returns
        -------
        display : TrainingHistoryDisplay
            ``self``, with ``ax_``, ``figure_`` and ``lines_``.
        """
        ax = _axes(ax)
        self.lines_ = {}
        for key, label in (("loss", "training loss"), ("val_loss", "validation loss")):
            if key in self.history:
                values = self.history[key]
                epochs = np.arange(1, len(values) + 1)
                (self.lines_[key],) = ax.plot(epochs, values, marker=".", label=label)
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss")
        if self.estimator_name:
            ax.set_title(self.estimator_name)
        ax.legend()
        self.ax_, self.figure_ = ax, ax.figure
        return self
