"""Keras network builders and layers used by skdeepad's detectors.

This subpackage imports Keras (and so the backend) and never scikit-learn.
Detectors import it inside ``fit``, so ``import skdeepad`` stays light.
"""

from . import _quiet  # noqa: F401  (first: imports Keras without TensorFlow's logs)
from .attention import (
    SinePositionEncoding,
    build_transformer_autoencoder,
    transformer_block,
)
from .conv import build_conv_autoencoder
from .dagmm import DAGMMTrainer, ReconstructionFeatures, build_dagmm
from .dense import build_dense_autoencoder, dense_stack, finish_block, seeded_dense
from .devnet import DeviationLoss, build_devnet
from .donut import DonutTrainer, build_donut
from .dte import DiffusionTimeTrainer, build_dte
from .ensemble import EnsembleDense, build_random_ensemble
from .ganomaly import (
    GANomalyTrainer,
    build_ganomaly_discriminator,
    build_ganomaly_generator,
)
from .icl import (
    ContrastiveLoss,
    FeatureWindows,
    InternalContrast,
    UnitNorm,
    build_icl,
    icl_window_size,
)
from .lunar import WeightedDistance, build_lunar
from .recurrent import (
    build_recurrent_autoencoder,
    build_recurrent_forecaster,
    recurrent_stack,
)
from .svdd import (
    DeepSADLoss,
    RadiusUpdate,
    SoftBoundaryLoss,
    SquaredDistance,
    build_deep_svdd,
)
from .variational import GaussianSampling, build_variational_autoencoder

__all__ = [
    "SinePositionEncoding",
    "build_conv_autoencoder",
    "build_recurrent_autoencoder",
    "build_recurrent_forecaster",
    "build_transformer_autoencoder",
    "finish_block",
    "recurrent_stack",
    "transformer_block",
    "DAGMMTrainer",
    "DeepSADLoss",
    "DonutTrainer",
    "build_donut",
    "ReconstructionFeatures",
    "build_dagmm",
    "DeviationLoss",
    "DiffusionTimeTrainer",
    "build_dte",
    "build_devnet",
    "EnsembleDense",
    "GANomalyTrainer",
    "GaussianSampling",
    "RadiusUpdate",
    "SoftBoundaryLoss",
    "SquaredDistance",
    "build_deep_svdd",
    "build_ganomaly_discriminator",
    "build_ganomaly_generator",
    "build_random_ensemble",
    "build_dense_autoencoder",
    "build_variational_autoencoder",
    "ContrastiveLoss",
    "FeatureWindows",
    "InternalContrast",
    "UnitNorm",
    "build_icl",
    "icl_window_size",
    "WeightedDistance",
    "build_lunar",
    "dense_stack",
    "seeded_dense",
]
