"""Linear compartment systems and their modal (sum-of-exponentials) form.

A :class:`LinearSystem` holds, for N subjects, the rate matrix ``K`` (1/h) of
``dx/dt = K x + u(t)`` on amounts in mg, and the output matrix mapping amounts to
concentrations in ng/mL. Its :class:`Modal` form, for a set of input channels, is the
unit-impulse response of every output as ``sum_m residue[c, o, m] * exp(-rate[m] * t)``
(Phoenix's matrix-exponential view, reference pkpd.md section 7.4; superposition, section 7.1).

Repeated eigenvalues (an absorption rate equal to a disposition rate, mrgsolve #1179) make the
modal form singular; :func:`degenerate` flags those subjects, and the engine solves them
exactly by matrix exponentials instead (``advance.py``).

>>> k = np.array([[[-1.0, 0.0], [1.0, -0.5]]])
>>> out = np.array([[[0.0, 1000.0 / 10.0]]])
>>> m = modal_from_system(LinearSystem(k, out, ("depot", "central"), ("c",)), [(0, np.ones(1))])
>>> sorted(np.round(m.rate_per_h[:, 0], 6).tolist())
[0.5, 1.0]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ketamine_trd.errors import InputError

__all__ = ["DEGENERACY_TOLERANCE", "LinearSystem", "Modal", "add_flow", "degenerate", "modal_from_system"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

DEGENERACY_TOLERANCE = 1e-6
"""Relative eigenvalue gap below which a subject's modal form is treated as singular."""


@dataclass(frozen=True, slots=True)
class LinearSystem:
    """Batched ``K`` (N, n, n) in 1/h and ``output`` (N, O, n) in ng/mL per mg."""

    rates_per_h: FloatArray
    output_ng_per_ml_per_mg: FloatArray
    compartments: tuple[str, ...]
    outputs: tuple[str, ...]

    def __post_init__(self) -> None:
        k, out = self.rates_per_h, self.output_ng_per_ml_per_mg
        n = len(self.compartments)
        if k.ndim != 3 or k.shape[1:] != (n, n):
            raise InputError("rates_per_h", k.shape, f"(N, {n}, {n})")
        if out.shape != (k.shape[0], len(self.outputs), n):
            raise InputError("output_ng_per_ml_per_mg", out.shape, f"({k.shape[0]}, {len(self.outputs)}, {n})")

    @property
    def n_subjects(self) -> int:
        """Number of subjects N."""
        return int(self.rates_per_h.shape[0])

    def subset(self, index: npt.NDArray[np.intp]) -> LinearSystem:
        """The same system for the subjects at ``index``."""
        return LinearSystem(
            self.rates_per_h[index], self.output_ng_per_ml_per_mg[index], self.compartments, self.outputs
        )


def add_flow(
    k: FloatArray,
    index: Mapping[str, int],
    src: str,
    dst: str,
    rate: FloatArray,
    fraction: float | FloatArray = 1.0,
) -> None:
    """Add a first-order transfer at ``rate`` (1/h, per subject) out of ``src`` to the rate matrices ``k`` (N, C, C).

    ``fraction`` of it enters ``dst``; ``dst`` ``""`` is elimination. ``index`` maps compartment names to positions.

    >>> k = np.zeros((1, 2, 2))
    >>> add_flow(k, {"depot": 0, "central": 1}, "depot", "central", np.array([2.0]), 0.5)
    >>> add_flow(k, {"depot": 0, "central": 1}, "central", "", np.array([0.1]))
    >>> k[0].tolist()
    [[-2.0, 0.0], [1.0, -0.1]]
    """
    k[:, index[src], index[src]] -= rate
    if dst:
        k[:, index[dst], index[src]] += rate * fraction


@dataclass(frozen=True, slots=True)
class Modal:
    """Decay rates (M, N) in 1/h and residues (C, O, M, N) in ng/mL per mg, per channel and output."""

    rate_per_h: FloatArray
    residue: FloatArray

    def subset(self, index: npt.NDArray[np.intp]) -> Modal:
        """The same modal form for the subjects at ``index``."""
        return Modal(self.rate_per_h[:, index], self.residue[..., index])

    def channel_major(self) -> tuple[FloatArray, FloatArray]:
        """Rates repeated per channel (C*M, N) and residues (O, C*M, N), contiguous, with mode k = c*M + m.

        The one flat layout every sweep keeps its state in (per-channel schedule inputs are
        repeated M times to match it).

        >>> m = Modal(np.array([[0.5], [2.0]]), np.arange(8.0).reshape(2, 2, 2, 1))  # C=2, O=2, M=2, N=1
        >>> rates, residue = m.channel_major()
        >>> rates[:, 0].tolist(), residue[0, :, 0].tolist()
        ([0.5, 2.0, 0.5, 2.0], [0.0, 1.0, 4.0, 5.0])
        """
        n_ch, n_out, n_modes, n = self.residue.shape
        rates = np.ascontiguousarray(np.tile(self.rate_per_h, (n_ch, 1)))
        residue = np.ascontiguousarray(np.transpose(self.residue, (1, 0, 2, 3)).reshape(n_out, n_ch * n_modes, n))
        return rates, residue


def degenerate(rate_per_h: FloatArray, tolerance: float = DEGENERACY_TOLERANCE) -> BoolArray:
    """Subjects (columns of ``rate_per_h``, shape (M, N)) with two rates closer than ``tolerance`` relative.

    >>> degenerate(np.array([[1.0, 1.0], [2.0, 1.0 + 1e-9]])).tolist()
    [False, True]
    """
    m = rate_per_h.shape[0]
    if m < 2:
        return np.zeros(rate_per_h.shape[1], dtype=bool)
    if m <= 4:  # few modes: every pair, no sort (the closest pair is always adjacent once sorted)
        gaps = [
            np.abs(rate_per_h[i] - rate_per_h[j]) / np.maximum(np.maximum(rate_per_h[i], rate_per_h[j]), 1e-300)
            for i in range(m)
            for j in range(i + 1, m)
        ]
        pairwise: BoolArray = np.minimum.reduce(gaps) < tolerance
        return pairwise
    s = np.sort(rate_per_h, axis=0)
    gap = np.diff(s, axis=0) / np.maximum(s[1:], 1e-300)
    result: BoolArray = np.min(gap, axis=0) < tolerance
    return result


def modal_from_system(system: LinearSystem, channels: Sequence[tuple[int, FloatArray]]) -> Modal:
    """Eigen-decompose ``K`` per subject; residues for each (compartment, fraction) channel.

    Compartmental matrices of these models have real, negative eigenvalues. A defective matrix
    (a repeated eigenvalue, as in a chain of equal transit compartments) comes back from the
    eigen-solver as a near-complex pair: those subjects get NaN residues, which the engine treats
    as singular and solves by matrix exponentials.
    """
    k = system.rates_per_h
    w, v = np.linalg.eig(k)
    complex_subject = np.max(np.abs(np.imag(w)), axis=1) > 1e-12 * np.max(np.abs(w), axis=1)
    w_r = np.real(w)
    v_r = np.real(v)
    with np.errstate(all="ignore"):
        v_inv = np.linalg.pinv(v_r)
    ov = np.einsum("noi,nim->nom", system.output_ng_per_ml_per_mg, v_r)  # (N, O, M)
    residue = np.empty((len(channels), ov.shape[1], ov.shape[2], k.shape[0]))
    for c, (comp, fraction) in enumerate(channels):
        residue[c] = np.transpose(ov * v_inv[:, None, :, comp], (1, 2, 0)) * fraction
    residue[..., complex_subject] = np.nan
    return Modal(np.ascontiguousarray((-w_r).T), residue)
