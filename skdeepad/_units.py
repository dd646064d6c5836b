"""Resolve and validate the layer widths of dense networks."""

from numbers import Integral

__all__ = ["resolve_hidden_units"]


def resolve_hidden_units(hidden_units, n_features):
    """Resolve "auto" and validate a non-empty sequence of positive widths.

    "auto" is ``(min(64, max(8, 2 * n_features)), min(32, max(1, n_features //
    4)))``: a code at most a quarter of the input's width (chosen by
    measurement, see ``benchmarks/results/bottleneck.md``).
    """
    if isinstance(hidden_units, str):  # "auto", checked by the constraints
        return (min(64, max(8, 2 * n_features)), min(32, max(1, n_features // 4)))
    units = tuple(hidden_units)
    if not units or not all(
        isinstance(u, Integral) and not isinstance(u, bool) and u > 0 for u in units
    ):
        raise ValueError(
            "hidden_units must be a non-empty sequence of positive ints; "
            f"got {hidden_units!r}."
        )
    return tuple(int(u) for u in units)
