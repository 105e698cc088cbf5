"""Paired significance tests between two systems on the same units.

Both tests work on the per-unit sums kept in result files, so a comparison
never re-runs a system: the paired bootstrap (Koehn 2004; the p-value of the
shifted distribution as in Berg-Kirkpatrick et al. 2012) and approximate
randomization (Noreen 1989; recommended by Dror et al. 2018).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .bootstrap import headline_values, resample_weights


@dataclass(frozen=True)
class PairedTest:
    value_a: float
    value_b: float
    delta: float
    delta_ci95: tuple[float, float]
    p_bootstrap: float
    p_randomization: float


def _headline(stats: np.ndarray, stat_kind: str) -> float:
    return float(headline_values(stats.sum(axis=0, keepdims=True), stat_kind)[0])


def paired_bootstrap(
    stats_a: np.ndarray, stats_b: np.ndarray, stat_kind: str, n_samples: int, seed: int
) -> tuple[np.ndarray, float]:
    """Resampled deltas (B - A) and the two-sided p-value of "no difference"."""
    deltas = np.concatenate(
        [
            headline_values(weights @ stats_b, stat_kind) - headline_values(weights @ stats_a, stat_kind)
            for weights in resample_weights(stats_a.shape[0], n_samples, seed)
        ]
    )
    observed = _headline(stats_b, stat_kind) - _headline(stats_a, stat_kind)
    # Under the null the deltas centre on zero: shift them by the observed delta.
    p = float(np.mean(np.abs(deltas - observed) >= abs(observed) - 1e-12))
    return deltas, p


def approximate_randomization(
    stats_a: np.ndarray, stats_b: np.ndarray, stat_kind: str, n_rounds: int, seed: int
) -> float:
    """p-value of swapping each unit's outputs between the systems at random."""
    rng = np.random.default_rng(seed)
    swap = rng.integers(0, 2, size=(n_rounds, stats_a.shape[0])).astype(np.float64)
    keep = 1.0 - swap
    shuffled_a = keep @ stats_a + swap @ stats_b
    shuffled_b = swap @ stats_a + keep @ stats_b
    deltas = np.abs(headline_values(shuffled_b, stat_kind) - headline_values(shuffled_a, stat_kind))
    observed = abs(_headline(stats_b, stat_kind) - _headline(stats_a, stat_kind))
    return float((np.sum(deltas >= observed - 1e-12) + 1) / (n_rounds + 1))


def compare_units(stats_a, stats_b, stat_kind: str = "prf", n_samples: int = 1000, seed: int = 13) -> PairedTest:
    a = np.asarray(stats_a, dtype=np.float64)
    b = np.asarray(stats_b, dtype=np.float64)
    if a.shape != b.shape or a.ndim != 2 or a.shape[0] == 0:
        raise ValueError(f"unit statistics differ in shape: {a.shape} vs {b.shape}")
    deltas, p_boot = paired_bootstrap(a, b, stat_kind, n_samples, seed)
    low, high = np.quantile(deltas, [0.025, 0.975])
    value_a, value_b = _headline(a, stat_kind), _headline(b, stat_kind)
    return PairedTest(
        value_a,
        value_b,
        value_b - value_a,
        (float(low), float(high)),
        p_boot,
        approximate_randomization(a, b, stat_kind, n_samples, seed + 1),
    )
