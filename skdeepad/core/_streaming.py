"""Blocks of a Dask array for the streamed fit of :class:`BaseDeepDetector`.

The rows held out for early stopping, the blocks in memory one at a time and
the training batches drawn from them. Dask itself is never imported: these
functions use the array's own methods, which :class:`SparseRows` gives a
SciPy sparse matrix too.
"""

import numpy as np

from .._utils import draw_seed, is_dask_array

__all__ = ["SparseRows", "held_out_rows", "row_blocks", "streamed_batches"]


class SparseRows:
    """A SciPy sparse matrix seen as a Dask array of dense blocks of rows.

    Only what the streamed fit uses of a Dask array: ``shape``, ``ndim``,
    ``chunks``, ``rechunk`` (a no-op: a block holds whole rows) and rows
    selected by a slice or indices, whose ``compute()`` densifies them.
    """

    def __init__(self, X, block_rows):
        self._X = X.tocsr()
        self.shape, self.ndim = X.shape, 2
        n_rows = X.shape[0]
        starts = range(0, n_rows, block_rows)
        sizes = [min(block_rows, n_rows - start) for start in starts]
        self.chunks = (tuple(sizes), (X.shape[1],))

    def rechunk(self, chunks):
        return self

    def __getitem__(self, rows):
        return _Rows(self._X[rows])


class _Rows:
    """Rows of a :class:`SparseRows`, densified by ``compute()``."""

    def __init__(self, X):
        self._X = X

    def compute(self):
        return self._X.toarray()


def row_blocks(X):
    """Yield the non-empty blocks of ``X`` along its first axis, computed one
    at a time (a filtered Dask frame leaves empty ones)."""
    starts = np.cumsum([0, *X.chunks[0]])
    for start, stop in zip(starts[:-1], starts[1:], strict=True):
        if stop > start:
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
    if not is_dask_array(X):  # rows in memory (sparse): drawn as a dense fit's
        return np.sort(rng.permutation(n_rows)[:size])
    # a Generator draws `size` of `n_rows` without permuting all of them
    draws = np.random.default_rng(draw_seed(rng)).choice(n_rows, size, replace=False)
    return np.sort(draws)


def streamed_batches(X, held, network_input, batch_size, seed):
    """The training batches of ``X`` less the ``held`` rows, block by block.

    ``network_input`` turns a computed block into the network's input.
    """
    from ._batches import BlockBatches

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
