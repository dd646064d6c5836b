"""Detectors of tabular rows, unsupervised: one module per detector.

Autoencoders (:class:`AutoEncoder`, :class:`VariationalAutoEncoder`), a
one-class objective (:class:`DeepSVDD`), an untrained ensemble
(:class:`DeepIsolationForest`), an adversarial one (:class:`GANomaly`), a
density estimate (:class:`DAGMM`) a classifier of diffusion time
(:class:`DTE`), internal contrastive learning (:class:`ICL`) and a learned
weighting of nearest-neighbour distances (:class:`LUNAR`).
"""

from ._autoencoder import AutoEncoder
from ._dagmm import DAGMM
from ._dte import DTE
from ._ganomaly import GANomaly
from ._icl import ICL
from ._isolation import DeepIsolationForest
from ._lunar import LUNAR
from ._svdd import DeepSVDD
from ._variational import VariationalAutoEncoder

__all__ = [
    "DAGMM",
    "DTE",
    "AutoEncoder",
    "DeepIsolationForest",
    "DeepSVDD",
    "ICL",
    "LUNAR",
    "GANomaly",
    "VariationalAutoEncoder",
]
