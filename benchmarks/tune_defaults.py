"""Try candidate defaults of the tabular detectors on a development subset of ADBench.

Each variant is a detector class with some parameters changed from its
defaults (a callable value is a rule of the number of features); each is
fitted with ``random_state=0`` on the 15 small ADBench sets of
``bottleneck.py`` under the protocol of ``quality.py``. Prints one line
per variant: mean ROC-AUC and mean fit seconds. The defaults chosen are then
confirmed on all 43 datasets by ``quality.py``.

    python benchmarks/tune_defaults.py [--seed=N] [--all | --builtin] \\
        VARIANT [VARIANT ...]

``--all`` evaluates on all 43 datasets instead of the development subset,
``--builtin`` on the five built-in tasks of ``skdeepad benchmark`` (breast_cancer,
wine, digits, iris, blobs: data no default was chosen on);
``--seed=N`` fits with ``random_state=N`` instead of 0. Variants: ``VARIANTS``.

Results: benchmarks/results/tuning.md.
"""

import sys
import time
import warnings
from pathlib import Path

import numpy as np
from quality import DEFAULT_DATA, load
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import StandardScaler

from skdeepad import (
    DAGMM,
    DTE,
    ICL,
    LUNAR,
    AutoEncoder,
    DeepIsolationForest,
    DeepSVDD,
    DetectorEnsemble,
    GANomaly,
    VariationalAutoEncoder,
)
from skdeepad._utils import draw_seed
from skdeepad.datasets import builtin_tasks


class _StandardisedTanhDIF(DeepIsolationForest):
    """Prototype: each representation standardised, then tanh (as the authors' code)."""

    def _fit_network(self, network, X, y, rng):
        from skdeepad.core._training import forward

        reps = np.concatenate([forward(network, c) for _, c in self._chunks(X)])
        mean, scale = reps.mean(axis=0), reps.std(axis=0) + 1e-12
        reps = np.tanh((reps - mean) / scale)
        forests = [
            IsolationForest(
                n_estimators=self.n_estimators, random_state=draw_seed(rng)
            ).fit(reps[:, m])
            for m in range(self.n_ensemble)
        ]
        return {"estimators_": forests, "rep_mean_": mean, "rep_scale_": scale}

    def _score_batch(self, X):
        from skdeepad.core._training import forward

        reps = np.tanh((forward(self.network_, X) - self.rep_mean_) / self.rep_scale_)
        return -np.mean(
            [f.score_samples(reps[:, m]) for m, f in enumerate(self.estimators_)],
            axis=0,
        )


class _NormalInitDIF(DeepIsolationForest):
    """Prototype: every kernel drawn from N(0, 1), as the authors' ``net_init``.

    The authors' code (xuhongzuo/deep-iforest) re-initialises each weight with
    a standard normal; ours draws Glorot-uniform kernels, whose small weights
    keep ``tanh`` nearly linear on standardised data.
    """

    fan_in_scaled = False

    def _build_network(self, input_shape, seed):
        from skdeepad.networks import EnsembleDense

        network = super()._build_network(input_shape, seed)
        rng = np.random.default_rng(seed)
        for layer in network.layers:
            if isinstance(layer, EnsembleDense):
                shape = layer.kernel.shape  # (members, fan_in, units)
                scale = 1 / np.sqrt(shape[1]) if self.fan_in_scaled else 1.0
                layer.kernel.assign(
                    (scale * rng.standard_normal(shape)).astype("float32")
                )
        return network


class _LecunInitDIF(_NormalInitDIF):
    """Prototype: kernels from N(0, 1 / fan_in) (LeCun's).

    They give unit-variance pre-activations.
    """

    fan_in_scaled = True


class _LecunInitStandardisedTanhDIF(_LecunInitDIF, _StandardisedTanhDIF):
    """Prototype: LeCun's initialisation and the authors' standardise-then-tanh."""


class _NormalInitStandardisedTanhDIF(_NormalInitDIF, _StandardisedTanhDIF):
    """Prototype: the authors' initialisation and their standardise-then-tanh."""


class _ICLPasses(ICL):
    """ICL's former rule: an epoch is one pass over the data (30 by default)."""

    _rows_per_epoch = None


class _SkipConnectionDIF(DeepIsolationForest):
    """Prototype: the authors' concatenating skip connections between layers.

    Every hidden layer sees the input and every earlier layer's output
    (xuhongzuo/deep-iforest, ``skip_connection="concat"``); the forests get
    the last layer's representation alone.
    """

    def _build_network(self, input_shape, seed):
        import keras

        from skdeepad.networks import EnsembleDense

        inputs = keras.Input(shape=input_shape)
        features = keras.ops.repeat(inputs[:, None], self.n_ensemble, axis=1)
        for i, units in enumerate(self.hidden_units):
            x = EnsembleDense(self.n_ensemble, units, seed=seed + i)(features)
            if i < len(self.hidden_units) - 1:
                x = keras.layers.Activation(self.activation)(x)
                features = keras.layers.Concatenate()([features, x])
        return keras.Model(inputs, x)


class _ResidualScoredAE(AutoEncoder):
    """Prototype: the AutoEncoder scored by its residuals' Mahalanobis distance.

    Malhotra et al. (2016) score an encoder-decoder's reconstruction errors by
    their Mahalanobis distance under a Gaussian fitted to the training errors;
    here Ledoit-Wolf's shrunk covariance of the training residuals
    (``"lw"``), or only their per-feature mean squares (``"diag"``).
    """

    residual_score = "lw"

    def fit(self, X, y=None):
        from sklearn.covariance import LedoitWolf

        super().fit(X, y)
        residuals = self._residuals(
            self._as_network_input(self._validate_input(X, reset=False), self.scaler_)
        )
        self.residual_covariance_ = LedoitWolf().fit(residuals)
        self.residual_scale_ = np.mean(residuals**2, axis=0)
        return self

    def _residuals(self, X):
        from skdeepad.core._training import forward

        return (forward(self.network_, X) - X).reshape(len(X), -1).astype(np.float64)

    def _score_batch(self, X):
        if not hasattr(self, "residual_covariance_"):  # fit's own offset
            return super()._score_batch(X)
        residuals = self._residuals(X)
        if self.residual_score == "diag":
            return np.mean(residuals**2 / self.residual_scale_, axis=1)
        return self.residual_covariance_.mahalanobis(residuals)


class _DiagonalResidualAE(_ResidualScoredAE):
    residual_score = "diag"


DEV_SETS = [
    "4_breastw", "6_cardio", "14_glass", "15_Hepatitis", "18_Ionosphere", "20_letter",
    "21_Lymphography", "29_Pima", "40_vowels", "42_WBC", "45_wine", "46_WPBC",
    "39_vertebral", "37_Stamps", "47_yeast",
]

_NO_INPUT = {"concat_input": False}  # DeepIsolationForest's representation alone

VARIANTS = {
    "IsolationForest": (IsolationForest, {}),
    "AE": (AutoEncoder, {}),
    "AE epochs=10": (AutoEncoder, {"epochs": 10, "early_stopping": False}),
    "AE dropout=0.2 bn": (AutoEncoder, {"dropout": 0.2, "batch_norm": True}),
    "AE epochs=20": (AutoEncoder, {"epochs": 20, "early_stopping": False}),
    "AE dropout=0.2": (AutoEncoder, {"dropout": 0.2}),
    "AE bn": (AutoEncoder, {"batch_norm": True}),
    "AE (64,32)": (AutoEncoder, {"hidden_units": (64, 32)}),
    "AE (64,d//2)": (
        AutoEncoder,
        {"hidden_units": lambda d: (64, max(1, min(32, d // 2)))},
    ),
    "AE (64,d)": (AutoEncoder, {"hidden_units": lambda d: (64, min(32, d))}),
    "AE code>=2": (
        AutoEncoder,
        {"hidden_units": lambda d: (min(64, max(8, 2 * d)), min(32, max(2, d // 4)))},
    ),
    "AE pyod schedule": (
        AutoEncoder,
        {"batch_size": 32, "epochs": 10, "early_stopping": False},
    ),
    "AE as pyod": (
        AutoEncoder,
        {
            "hidden_units": (64, 32),
            "batch_size": 32,
            "epochs": 10,
            "early_stopping": False,
        },
    ),
    "AE residual LW": (_ResidualScoredAE, {}),
    "AE residual diag": (_DiagonalResidualAE, {}),
    "VAE": (VariationalAutoEncoder, {}),
    "VAE beta=0.1": (VariationalAutoEncoder, {"beta": 0.1}),
    "VAE (64,32)": (VariationalAutoEncoder, {"hidden_units": (64, 32)}),
    "VAE no early stop": (VariationalAutoEncoder, {"early_stopping": False}),
    "VAE epochs=20": (VariationalAutoEncoder, {"epochs": 20, "early_stopping": False}),
    "VAE dropout=0.2 bn": (
        VariationalAutoEncoder,
        {"dropout": 0.2, "batch_norm": True},
    ),
    "VAE dropout=0.2": (VariationalAutoEncoder, {"dropout": 0.2}),
    "SVDD": (DeepSVDD, {}),
    "SVDD bn": (DeepSVDD, {"batch_norm": True}),
    "SVDD (64,32)": (DeepSVDD, {"hidden_units": (64, 32)}),
    "SVDD lr=1e-4": (DeepSVDD, {"learning_rate": 1e-4}),
    "SVDD relu": (DeepSVDD, {"activation": "relu"}),
    "SVDD epochs=10": (DeepSVDD, {"epochs": 10, "early_stopping": False}),
    "SVDD soft": (DeepSVDD, {"objective": "soft-boundary"}),
    "SVDD (64,32) lr=1e-4": (
        DeepSVDD,
        {"hidden_units": (64, 32), "learning_rate": 1e-4},
    ),
    "SVDD (64,32) bn": (DeepSVDD, {"hidden_units": (64, 32), "batch_norm": True}),
    "SVDD (128,64)": (DeepSVDD, {"hidden_units": (128, 64)}),
    "SVDD (64,32) relu": (DeepSVDD, {"hidden_units": (64, 32), "activation": "relu"}),
    "SVDD epochs=1": (DeepSVDD, {"epochs": 1, "early_stopping": False}),
    "SVDD lr=1e-4 epochs=20": (
        DeepSVDD,
        {"learning_rate": 1e-4, "epochs": 20, "early_stopping": False},
    ),
    "DIF": (DeepIsolationForest, {}),
    # the representation's width, the input kept (2026-12-02; the default is 20)
    "DIF rep5": (DeepIsolationForest, {"hidden_units": (500, 100, 5)}),
    "DIF rep10": (DeepIsolationForest, {"hidden_units": (500, 100, 10)}),
    "DIF rep40": (DeepIsolationForest, {"hidden_units": (500, 100, 40)}),
    # the representation no wider than the input (2026-12-04): on narrow data the
    # forests' random feature choice then falls on a raw feature as often as not
    "DIF rep<=d": (
        DeepIsolationForest,
        {"hidden_units": lambda d: (500, 100, min(20, d))},
    ),
    "DIF rep<=d/2": (
        DeepIsolationForest,
        {"hidden_units": lambda d: (500, 100, min(20, max(1, d // 2)))},
    ),
    "DetectorEnsemble": (DetectorEnsemble, {}),
    # its default members until 2026-12-01, then DTE and DIF (the same day)
    "DetectorEnsemble dte+dif": (
        DetectorEnsemble,
        {
            "estimators": [
                ("dte", DTE()),
                ("deepisolationforest", DeepIsolationForest()),
            ]
        },
    ),
    "DetectorEnsemble dte+ae": (
        DetectorEnsemble,
        {"estimators": [("dte", DTE()), ("autoencoder", AutoEncoder())]},
    ),
    # Measured before concat_input (default True since 2026-11-23): without the input.
    "DIF no input": (DeepIsolationForest, _NO_INPUT),
    "DIF skip": (_SkipConnectionDIF, _NO_INPUT),
    "DIF auto": (DeepIsolationForest, _NO_INPUT | {"hidden_units": "auto"}),
    "DIF (128,20)": (DeepIsolationForest, _NO_INPUT | {"hidden_units": (128, 20)}),
    "DIF relu": (DeepIsolationForest, _NO_INPUT | {"activation": "relu"}),
    "DIF 100x3": (
        DeepIsolationForest,
        _NO_INPUT | {"n_ensemble": 100, "n_estimators": 3},
    ),
    "DIF 100x6": (DeepIsolationForest, _NO_INPUT | {"n_ensemble": 100}),
    "DIF stdtanh": (_StandardisedTanhDIF, _NO_INPUT),
    "DIF 100x3 stdtanh": (
        _StandardisedTanhDIF,
        _NO_INPUT | {"n_ensemble": 100, "n_estimators": 3},
    ),
    "DIF normal init": (_NormalInitDIF, _NO_INPUT),
    "DIF normal init stdtanh": (_NormalInitStandardisedTanhDIF, _NO_INPUT),
    "DIF lecun": (_LecunInitDIF, _NO_INPUT),
    "DIF lecun stdtanh": (_LecunInitStandardisedTanhDIF, _NO_INPUT),
    "DAGMM": (DAGMM, {}),
    "DAGMM lr=1e-4": (DAGMM, {"learning_rate": 1e-4}),
    "DAGMM K=2": (DAGMM, {"n_components": 2}),
    "DAGMM code=2": (DAGMM, {"hidden_units": (60, 30, 10, 2)}),
    "DAGMM batch=1024": (DAGMM, {"batch_size": 1024}),
    "DAGMM energy=0.01": (DAGMM, {"energy_weight": 0.01}),
    "DAGMM relu": (DAGMM, {"activation": "relu"}),
    "GANomaly": (GANomaly, {}),
    "GANomaly con=1": (GANomaly, {"contextual_weight": 1.0}),
    "GANomaly (64,32)": (GANomaly, {"hidden_units": (64, 32)}),
    "GANomaly no early stop": (GANomaly, {"early_stopping": False}),
    "ICL": (ICL, {}),
    # its default until 2026-12-01: 30 passes over the data
    "ICL 30 passes": (_ICLPasses, {"epochs": 30}),
    "LUNAR": (LUNAR, {}),
    # the authors' (PyOD's) network and training length
    "LUNAR 256x3 200 epochs": (
        LUNAR,
        {"hidden_units": (256, 256, 256), "epochs": 200, "patience": 200},
    ),
}


def adbench(names, root=DEFAULT_DATA):
    """Yield the named ADBench sets as ``quality.py`` prepares them (y = 1 anomaly)."""
    for name in names:
        yield load(Path(root) / f"{name}.npz")


def builtin():
    """Yield the five built-in tasks of ``skdeepad benchmark``, standardised alike."""
    for task in builtin_tasks().values():
        yield StandardScaler().fit_transform(task.X), (task.y == -1).astype(int)


def evaluate(cls, params, data, seed=0):
    aucs, seconds = [], []
    for X, y in data:
        start = time.perf_counter()
        resolved = {k: v(X.shape[1]) if callable(v) else v for k, v in params.items()}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            det = cls(**resolved, random_state=seed).fit(X)
        seconds.append(time.perf_counter() - start)
        aucs.append(roc_auc_score(y, -det.score_samples(X)))
    return aucs, seconds


if __name__ == "__main__":
    args = sys.argv[1:]
    seed = 0
    if args[0].startswith("--seed="):  # another random_state, to check robustness
        seed = int(args.pop(0).split("=")[1])
    names = DEV_SETS
    if args[0] == "--all":  # every dataset, as quality.py
        args.pop(0)
        names = sorted(p.stem for p in Path(DEFAULT_DATA).glob("*.npz"))
        names.sort(key=lambda n: int(n.split("_")[0]))
    on_builtin = args[0] == "--builtin"  # data the defaults were not chosen on
    if on_builtin:
        args.pop(0)
    for variant in args:
        data = builtin() if on_builtin else adbench(names)
        aucs, seconds = evaluate(*VARIANTS[variant], data, seed=seed)
        print(f"| {variant} | {np.mean(aucs):.3f} | {np.mean(seconds):.1f} | "
              + " ".join(f"{a:.2f}" for a in aucs) + " |", flush=True)
