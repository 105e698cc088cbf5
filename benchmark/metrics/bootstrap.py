"""Seeded bootstrap over sentences for confidence intervals (Koehn 2004 style).

A resample draws units with replacement; a metric's value on it is computed
from the summed per-unit statistics, so one matrix product serves all samples.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from . import ZERO_DIVISION


def headline_values(sums: np.ndarray, stat_kind: str) -> np.ndarray:
    """F1 (or the CoNLL mean of three F1s) from summed statistics, row-wise."""
    groups = sums.reshape(sums.shape[0], -1, 4)
    num_p, den_p, num_r, den_r = (groups[..., i] for i in range(4))
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(den_p > 0, num_p / np.where(den_p > 0, den_p, 1), ZERO_DIVISION)
        recall = np.where(den_r > 0, num_r / np.where(den_r > 0, den_r, 1), ZERO_DIVISION)
        total = precision + recall
        f1 = np.where(total > 0, 2 * precision * recall / np.where(total > 0, total, 1), ZERO_DIVISION)
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


STAT_WIDTHS = {"prf": 4, "conll": 12}


def unit_stats_problem(stats: np.ndarray, stat_kind: str) -> str | None:
    """What makes ``stats`` unusable, or None.

    Each row (unit) holds groups of ``num_p, den_p, num_r, den_r``. When every
    value is finite and ``0 <= num <= den`` in every row, any resample's sums
    keep ``0 <= num <= den`` (a sum of such rows with non-negative weights), so
    every precision, recall and F1, and so every bound of the interval, lies in
    [0, 1]. That is why the interval cannot leave [0, 1]: not by clamping, but
    because rows that could make it do so are refused here.
    """
    width = STAT_WIDTHS.get(stat_kind)
    if width is None:
        return f"unknown stat_kind {stat_kind!r}; expected one of {', '.join(STAT_WIDTHS)}"
    if stats.ndim != 2 or stats.shape[1] != width:
        return f"unit statistics must be rows of {width} numbers for {stat_kind!r}, got shape {stats.shape}"
    if not np.all(np.isfinite(stats)) or np.any(stats < 0):
        return "unit statistics must be finite and non-negative"
    groups = stats.reshape(stats.shape[0], -1, 4)
    if np.any(groups[..., 0] > groups[..., 1]) or np.any(groups[..., 2] > groups[..., 3]):
        return "a unit has more matches than items (num > den), so a resample could score above 1"
    return None


def bootstrap_ci(
    unit_stats, stat_kind: str = "prf", n_samples: int = 1000, seed: int = 13, level: float = 0.95
) -> tuple[float, float] | None:
    """Percentile interval of the headline over ``n_samples`` resamples.

    Refuses (ValueError) statistics for which the interval could leave [0, 1]:
    see :func:`unit_stats_problem`.
    """
    stats = np.asarray(unit_stats, dtype=np.float64)
    if stats.ndim != 2 or stats.shape[0] == 0 or n_samples <= 0:
        return None
    problem = unit_stats_problem(stats, stat_kind)
    if problem:
        raise ValueError(problem)
    values = np.concatenate([headline_values(sums, stat_kind) for sums in resampled_sums(stats, n_samples, seed)])
    alpha = (1.0 - level) / 2
    low, high = np.quantile(values, [alpha, 1.0 - alpha])
    return float(low), float(high)
