"""The dtypes of the computations that half precision would spoil.

Under a mixed-precision policy (``mixed_float16``, ``mixed_bfloat16``) Keras
layers compute in half precision; the layers that make a score or a loss,
and the sums and exponentials that would overflow, run in float32 at least.
Shared by the networks and the training loop.
"""

import keras

__all__ = ["at_least_float32", "output_dtype"]


def at_least_float32(dtype):
    """``dtype``, or float32 for a half-precision one (mixed precision's float16
    or bfloat16), for sums and exponentials that would overflow or round away."""
    dtype = keras.backend.standardize_dtype(dtype)
    return "float32" if dtype in ("float16", "bfloat16") else dtype


def output_dtype():
    """The dtype of layers that make a score: the global policy's compute dtype,
    float32 at least (Keras's advice for a mixed-precision model's outputs:
    float16 scores would be rounded to about three digits)."""
    return at_least_float32(keras.config.dtype_policy().compute_dtype)
