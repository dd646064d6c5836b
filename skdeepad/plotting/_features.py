"""Each feature's share of chosen samples' anomaly scores."""

import numpy as np

from ._common import _axes


class FeatureScoresDisplay:
    """Each feature's share of chosen samples' anomaly scores.

    Parameters
    ----------
    feature_scores : ndarray of shape (n_chosen, n_features)
        Shares from ``feature_scores``, one row per sample shown.
    feature_names : list of str
        The features' names.
    sample_names : list of str
        The samples' names (legend).

    Attributes
    ----------
    ax_, figure_ : matplotlib Axes and Figure
    bars_ : list of matplotlib BarContainer
        One group of bars per sample.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from skdeepad.plotting import FeatureScoresDisplay
    >>> display = FeatureScoresDisplay(np.eye(2), ["a", "b"], ["row 0", "row 1"]).plot()
    >>> len(display.bars_)
    2
    """

    def __init__(self, feature_scores, feature_names, sample_names):
        self.feature_scores = np.asarray(feature_scores, dtype=np.float64)
        self.feature_names = list(feature_names)
        self.sample_names = list(sample_names)
        shape = (len(self.sample_names), len(self.feature_names))
        if self.feature_scores.shape != shape:
            raise ValueError(
                "feature_scores must have one row per sample name and one column "
                f"per feature name, shape {shape}; got {self.feature_scores.shape}."
            )

    @classmethod
    def from_estimator(cls, estimator, X, *, samples=3, ax=None):
        """Plot the feature scores of samples of ``X``.

        Parameters
        ----------
        estimator : fitted skdeepad detector
            A reconstruction detector (it has ``feature_scores``), or a
            Pipeline ending in one, whose other steps transform ``X`` first;
            sequences and images are flattened (time steps x channels,
            pixels).
        X : array-like or pandas DataFrame
            The samples; a DataFrame's columns name the features.
        samples : int or list of int, default=3
            How many of the most abnormal samples to show, or which rows.
        ax : matplotlib Axes, default=None
            Where to draw; a new figure's axes by default.

        Returns
        -------
        display : FeatureScoresDisplay
        """
        names = getattr(X, "columns", None)
        index = getattr(X, "index", None)
        steps = getattr(estimator, "steps", None)
        if steps and not hasattr(estimator, "feature_scores"):  # a Pipeline
            transforms = estimator[:-1]
            X = transforms.transform(X)
            try:  # the features the detector sees, named by the transforms
                names = transforms.get_feature_names_out()
            except (AttributeError, ValueError):
                names = getattr(X, "columns", None)
            estimator = steps[-1][1]
        if not hasattr(estimator, "feature_scores"):
            raise ValueError(
                f"{type(estimator).__name__} has no feature_scores: it is not a "
                "reconstruction detector."
            )
        shares = np.asarray(estimator.feature_scores(X), dtype=np.float64)
        shares = shares.reshape(len(shares), -1)
        if isinstance(samples, (int, np.integer)) and not isinstance(samples, bool):
            if samples < 1:
                raise ValueError(f"samples must be at least 1; got {samples}.")
            rows = np.argsort(shares.sum(axis=1))[::-1][:samples]
        else:
            rows = np.asarray(samples)
            if rows.ndim != 1 or rows.dtype.kind not in "iu" or not len(rows):
                raise ValueError(
                    "samples must be a positive int or a list of row numbers; got "
                    f"{samples!r}."
                )
            if rows.min() < 0 or rows.max() >= len(shares):
                raise ValueError(
                    f"samples must be row numbers from 0 to {len(shares) - 1}; got "
                    f"{rows.tolist()}."
                )
        names = (
            [str(c) for c in names]
            if names is not None and len(names) == shares.shape[1]
            else [f"x{j}" for j in range(shares.shape[1])]
        )
        labels = [f"row {index[r] if index is not None else r}" for r in rows]
        return cls(shares[rows], names, labels).plot(ax=ax)

    def plot(self, ax=None):
        """Draw one group of bars per sample.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure's axes by default.

        Returns
        -------
        display : FeatureScoresDisplay
            ``self``, with ``ax_``, ``figure_`` and ``bars_``.
        """
        ax = _axes(ax)
        n_samples, n_features = self.feature_scores.shape
        width = 0.8 / max(n_samples, 1)
        positions = np.arange(n_features)
        self.bars_ = [
            ax.bar(positions + i * width, shares, width, label=name)
            for i, (shares, name) in enumerate(
                zip(self.feature_scores, self.sample_names, strict=True)
            )
        ]
        ax.set_xticks(positions + 0.4 - width / 2)
        crowded = sum(len(name) + 2 for name in self.feature_names) > 50
        ax.set_xticklabels(
            self.feature_names,
            rotation=45 if crowded else 0,
            ha="right" if crowded else "center",
        )
        ax.set_ylabel("share of the anomaly score")
        ax.legend()
        self.ax_, self.figure_ = ax, ax.figure
        return self
