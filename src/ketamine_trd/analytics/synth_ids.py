"""Vectorised helpers for the synthetic generator: expanding counts to rows, building string ids.

>>> owner, k = expand(np.array([2, 0, 1]))
>>> owner.tolist(), k.tolist()
([0, 0, 2], [0, 1, 0])
>>> make_ids("SYN-P", np.array([7])).tolist()
['SYN-P0000007']
"""

from __future__ import annotations

import numpy as np

__all__ = ["expand", "make_ids", "uniform_int"]


def expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For counts per owner: the owner of each expanded row and its index within the owner."""
    owner = np.repeat(np.arange(len(counts)), counts)
    start = np.repeat(np.cumsum(counts) - counts, counts)
    return owner, np.arange(len(owner)) - start


def make_ids(prefix: str, owner_ids: np.ndarray, k: np.ndarray | None = None) -> np.ndarray:
    """``prefix`` + zero-padded owner id, with ``-k`` appended when ``k`` is given."""
    if k is None:
        return np.array([f"{prefix}{o:07d}" for o in owner_ids.tolist()], dtype=object)
    return np.array([f"{prefix}{o:07d}-{j}" for o, j in zip(owner_ids.tolist(), k.tolist(), strict=True)], dtype=object)


def uniform_int(rng: np.random.Generator, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Uniform integers in [low, high] element-wise (high below low is raised to low)."""
    low, high = np.asarray(low), np.maximum(np.asarray(high), low)
    out: np.ndarray = (low + np.floor(rng.random(low.shape) * (high - low + 1))).astype(np.int64)
    return out
