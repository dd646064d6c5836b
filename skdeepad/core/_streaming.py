"""Blocks of a Dask array for the streamed fit of :class:`BaseDeepDetector`.

The rows held out for early stopping, the blocks in memory one at a time and
the training batches drawn from them. Dask itself is never imported: these
functions use the array's own methods.
"""

import numpy as np

from .._utils import draw_seed

__all__ = ["held_out_rows", "row_blocks", "streamed_batches"]


def row_blocks(X):
    """Yield the blocks of ``X`` along its first axis, computed one at a time."""
    starts = np.cumsum([0, *X.chunks[0]])
    for start, stop in zip(starts[:-1], starts[1:], strict=True):
        yield X[start:stop].compute()


def held_out_rows(X, fraction, rng):
    """The sorted rows held out to monitor early stopping.

    ``fraction`` of the rows, at most as many as the largest block; none
    (and no seed drawn from ``rng``) when that rounds to no row.
    """
    n_rows = X.shape[0]
    size = min(int(fraction * n_rows), max(X.chunks[0]))
    if size == 0:
        return np.empty(0, dtype=int)
    # a Generator draws `size` of `n_rows` without permuting all of them
    draws = np.random.default_rng(draw_seed(rng)).choice(n_rows, size, replace=False)
    return np.sort(draws)


def streamed_batches(X, held, network_input, batch_size, seed):
    """The training batches of ``X`` less the ``held`` rows, block by block.

    ``network_input`` turns a computed block into the network's input.
    """
    from ._training import BlockBatches

    starts = np.cumsum([0, *X.chunks[0]])
    held_by_block = [
        held[(held >= start) & (held < stop)] - start
        for start, stop in zip(starts[:-1], starts[1:], strict=True)
    ]
    blocks = [b for b, size in enumerate(X.chunks[0]) if size > len(held_by_block[b])]

    def load_block(i):
        block = blocks[i]
        values = X[starts[block] : starts[block + 1]].compute()
        return network_input(np.delete(values, held_by_block[block], axis=0))

    sizes = [X.chunks[0][b] - len(held_by_block[b]) for b in blocks]
    return BlockBatches(sizes, load_block, batch_size, seed)
