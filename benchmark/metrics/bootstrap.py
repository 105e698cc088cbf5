"""Seeded bootstrap over sentences for confidence intervals (Koehn 2004 style).

A resample draws units with replacement; a metric's value on it is computed
from the summed per-unit statistics, so one matrix product serves all samples.
"""

from __future__ import annotations

from typing import Iterator

import numpy as np


def headline_values(sums: np.ndarray, stat_kind: str) -> np.ndarray:
    """F1 (or the CoNLL mean of three F1s) from summed statistics, row-wise."""
    groups = sums.reshape(sums.shape[0], -1, 4)
    num_p, den_p, num_r, den_r = (groups[..., i] for i in range(4))
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(den_p > 0, num_p / np.where(den_p > 0, den_p, 1), 0.0)
        recall = np.where(den_r > 0, num_r / np.where(den_r > 0, den_r, 1), 0.0)
        total = precision + recall
        f1 = np.where(total > 0, 2 * precision * recall / np.where(total > 0, total, 1), 0.0)
    if stat_kind == "conll":
        return f1.mean(axis=1)
    return f1[:, 0]


SAMPLES_PER_CHUNK = 100


def resample_weights(n_units: int, n_samples: int, seed: int) -> Iterator[np.ndarray]:
    """How often each unit is drawn in each sample, in blocks of at most
    ``SAMPLES_PER_CHUNK`` rows (shape (rows, n_units)) so memory stays bounded.

    The blocks come from one seeded stream: chunking does not change the draws.
    """
    rng = np.random.default_rng(seed)
    for first in range(0, n_samples, SAMPLES_PER_CHUNK):
        rows = min(SAMPLES_PER_CHUNK, n_samples - first)
        # Draw unit indices with replacement and count them: faster than a multinomial draw.
        drawn = rng.integers(0, n_units, size=(rows, n_units))
        drawn += np.arange(rows)[:, None] * n_units
        yield np.bincount(drawn.ravel(), minlength=rows * n_units).reshape(rows, n_units).astype(np.float64)


def resampled_sums(stats: np.ndarray, n_samples: int, seed: int) -> Iterator[np.ndarray]:
    """The summed statistics of each resample, block by block."""
    for weights in resample_weights(stats.shape[0], n_samples, seed):
        yield weights @ stats


def bootstrap_ci(unit_stats, stat_kind: str = "prf", n_samples: int = 1000,
                 seed: int = 13, level: float = 0.95) -> tuple[float, float] | None:
    """Percentile interval of the headline over ``n_samples`` resamples."""
    stats = np.asarray(unit_stats, dtype=np.float64)
    if stats.ndim != 2 or stats.shape[0] == 0 or n_samples <= 0:
        return None
    values = np.concatenate([headline_values(sums, stat_kind)
                             for sums in resampled_sums(stats, n_samples, seed)])
    alpha = (1.0 - level) / 2
    low, high = np.quantile(values, [alpha, 1.0 - alpha])
    return float(low), float(high)
