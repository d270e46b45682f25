"""Timing helpers shared by every benchmark module: medians, ratios, one table format."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def measure(
    action: Callable[[], object], repeat: int = 5, setup: Callable[[], object] | None = None
) -> float:
    """Median wall time of `action` in seconds over `repeat` runs (each after `setup`)."""
    times = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def fmt(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:8.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:8.1f} ms"
    return f"{seconds:8.2f} s "


def header(title: str) -> None:
    print(f"\n## {title}")
    print(f"{'measure':<52} {'value':>11} {'baseline':>11} {'ratio':>7}")


def row(name: str, value: float, baseline: float | None = None, unit: str = "s") -> None:
    if unit == "s":
        shown, base = fmt(value), fmt(baseline) if baseline is not None else ""
    else:
        shown = f"{value:8.1f} {unit}"
        base = f"{baseline:8.1f} {unit}" if baseline is not None else ""
    ratio = f"{value / baseline:6.2f}x" if baseline else ""
    print(f"{name:<52} {shown:>11} {base:>11} {ratio:>7}", flush=True)
