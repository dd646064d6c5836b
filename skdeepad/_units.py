"""Resolve and validate the layer widths of networks."""

from numbers import Integral

__all__ = ["check_units", "resolve_hidden_units"]


def check_units(units, name="hidden_units"):
    """Return ``units`` as a tuple of ints; ValueError unless all are positive."""
    values = tuple(units)
    if not values or not all(
        isinstance(u, Integral) and not isinstance(u, bool) and u > 0 for u in values
    ):
        raise ValueError(
            f"{name} must be a non-empty sequence of positive ints; got {units!r}."
        )
    return tuple(int(u) for u in values)


def resolve_hidden_units(hidden_units, n_features):
    """Resolve "auto" and validate a non-empty sequence of positive widths.

    "auto" is ``(min(64, max(8, 2 * n_features)), min(32, max(1, n_features //
    4)))``: a code at most a quarter of the input's width (chosen by
    measurement, see ``benchmarks/results/bottleneck.md``).
    """
    if isinstance(hidden_units, str):  # "auto", checked by the constraints
        return (min(64, max(8, 2 * n_features)), min(32, max(1, n_features // 4)))
    return check_units(hidden_units)
