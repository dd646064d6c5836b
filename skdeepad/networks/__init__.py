"""Keras network builders and layers used by skdeepad's detectors.

This subpackage imports Keras (and so the backend) and never scikit-learn.
Detectors import it inside ``fit``, so ``import skdeepad`` stays light.
"""

from .dense import build_dense_autoencoder, dense_stack

__all__ = ["build_dense_autoencoder", "dense_stack"]
