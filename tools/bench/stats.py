"""The benchmark's arithmetic and verdicts: pure functions, unit-tested."""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Sequence

# Ten times the content within twelve times the time: linear growth with 20% slack.
LINEAR_SLACK = 1.2


def median(values: Sequence[float]) -> float:
    if not values:
        raise ValueError("no measurements")
    return float(statistics.median(values))


def ratio(value: float, baseline: float) -> float:
    if baseline <= 0:
        raise ValueError("the baseline must be positive")
    return value / baseline


def overhead_percent(value: float, baseline: float) -> float:
    """How much more `value` costs than `baseline`, in percent (negative: less)."""
    return (ratio(value, baseline) - 1) * 100


def paired_overhead_percent(values: Sequence[float], baselines: Sequence[float]) -> float:
    """For runs made in pairs (one value and one baseline, back to back): the median of each pair's overhead, in
    percent. The two runs of a pair share the machine's speed at that moment, so a machine that slows down and
    speeds up over minutes (as a shared one does) moves both, where the two medians taken apart would carry it."""
    if len(values) != len(baselines):
        raise ValueError("one baseline per value")
    return median([overhead_percent(value, baseline) for value, baseline in zip(values, baselines, strict=True)])


def at_most(value: float, limit: float) -> str:
    return "PASS" if value <= limit else "FAIL"


def bracketed_ratio(small: Sequence[float], large: Sequence[float]) -> float:
    """For builds made in rounds (each round builds the smaller manual, then the larger one): the median, over the
    larger builds, of each one's time over the mean of the smaller builds made before and after it (the same
    round's and the next round's). A large build takes minutes, over which a shared machine's speed drifts;
    the smaller builds on either side of it measure the machine over the same stretch of time."""
    if not small or not large:
        raise ValueError("no measurements")
    ratios = [ratio(big, statistics.fmean(small[index : index + 2] or small[-1:])) for index, big in enumerate(large)]
    return median(ratios)


def linear(
    sizes: Sequence[float], runs: Sequence[Sequence[float]], slack: float = LINEAR_SLACK
) -> list[tuple[float, float, float, str]]:
    """For each step between consecutive sizes, from the times of their builds made in rounds (`runs[k]` for
    `sizes[k]`, in the order they ran): (smaller size, larger size, time ratio, verdict), where the ratio is the
    bracketed one and the verdict is PASS when the time grows by at most `slack` times the size ratio (no worse than
    linear)."""
    if len(sizes) != len(runs):
        raise ValueError("one list of runs per size")
    steps: list[tuple[float, float, float, str]] = []
    for (s1, r1), (s2, r2) in itertools.pairwise(zip(sizes, runs, strict=True)):
        growth = bracketed_ratio(r1, r2)
        steps.append((s1, s2, growth, at_most(growth, slack * (s2 / s1))))
    return steps
