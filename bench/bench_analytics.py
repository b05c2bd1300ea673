"""Analytics throughput: synthetic generation, the per-course reduction in pandas and Dask, the model's CV.

Sizes are modest (2-core CI machine); ``quick`` shrinks them further. Medians of repeated runs.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def _median_s(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(quick: bool) -> str:
    import dask

    from ketamine_trd.analytics.outcomes import summarise_outcomes
    from ketamine_trd.analytics.predict import build_features, evaluate_responder_model
    from ketamine_trd.analytics.scale import dask_analyses, dask_registry
    from ketamine_trd.analytics.survival import analyse_durability
    from ketamine_trd.analytics.synth import generate_registry

    n = 2_000 if quick else 20_000
    n_dask = 20_000 if quick else 200_000
    repeat = 1 if quick else 3
    generate_registry(100, seed=0)  # warm the intercept calibration
    gen = _median_s(lambda: generate_registry(n, seed=1), repeat)
    frames = generate_registry(n, seed=1).to_frames()
    n_assess = len(frames["assessments"])
    outcomes = _median_s(lambda: summarise_outcomes(frames), repeat)
    survival = _median_s(lambda: analyse_durability(frames), repeat)
    x, y = build_features(frames)
    predict = _median_s(lambda: evaluate_responder_model(x, y, random_state=0, n_bootstrap=200), 1)
    registry = dask_registry(n_dask, seed=1, partition_size=25_000)
    holder: dict[str, int] = {}

    def scaled() -> None:
        with dask.config.set(scheduler="processes", num_workers=2):
            holder["n"] = dask_analyses(registry)[2]

    dask_s = _median_s(scaled, 1)
    rows = [
        ("generate_registry (all tables)", f"{n:,} patients, {n_assess:,} assessments", gen),
        ("summarise_outcomes (pandas)", f"{n:,} courses", outcomes),
        ("analyse_durability (pandas + lifelines)", f"{n:,} courses", survival),
        ("evaluate_responder_model (5-fold CV, 200 bootstraps, importances)", f"{len(y):,} courses", predict),
        ("dask_analyses (generate + outcomes + durability, 2 processes)", f"{holder['n']:,} assessments", dask_s),
    ]
    lines = [
        "## Research analytics",
        "",
        "| operation | size | median seconds |",
        "|---|---|---|",
        *(f"| {op} | {size} | {sec:.2f} |" for op, size, sec in rows),
        "",
    ]
    return "\n".join(lines)
