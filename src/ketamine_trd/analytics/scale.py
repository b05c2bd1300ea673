"""The cohort and durability analyses on Dask DataFrames, for registries that exceed memory.

The per-course reduction (:mod:`.course_table`) needs every assessment of a course in one place.
When ``courses`` and ``assessments`` are co-partitioned by course (partition i of each holds the
same courses, as :func:`dask_registry` and a Parquet export partitioned by course produce), the
reduction runs partition by partition with no shuffle; otherwise it falls back to Dask's shuffled
merges. Either way the result is one small row per course, which is computed and analysed in
memory (rates with Wilson intervals; Kaplan-Meier with lifelines).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ketamine_trd.analytics.course_table import course_outcomes, durability_table
from ketamine_trd.analytics.outcomes import wilson
from ketamine_trd.analytics.survival import DurabilityResult, durability_from_table
from ketamine_trd.analytics.synth import generate_chunk
from ketamine_trd.errors import DependencyMissing, InputError

__all__ = [
    "ScaleOutcomes",
    "dask_analyses",
    "dask_durability",
    "dask_outcomes",
    "dask_registry",
    "read_export_dask",
]

_TABLES = ("courses", "assessments")


def _dask() -> Any:
    try:
        import dask.dataframe as dd
    except ImportError as exc:  # pragma: no cover - dask is an optional extra
        raise DependencyMissing("dask", "dask") from exc
    return dd


def _part(offset: int, size: int, seed: int, table: str) -> Any:
    frame = generate_chunk(size, seed, offset, tables=_TABLES)[table]
    return frame


def dask_registry(n_patients: int, seed: int, partition_size: int = 25_000) -> dict[str, Any]:
    """A synthetic registry as co-partitioned Dask DataFrames (``courses``, ``assessments``).

    Each partition is generated lazily from ``(seed, offset)``, so nothing is held in memory
    until computed and the same partition is identical whichever table asks for it.
    """
    dd = _dask()
    if n_patients < 1 or partition_size < 1:
        raise InputError("n_patients", n_patients, ">= 1 with partition_size >= 1")
    specs = [(off, min(partition_size, n_patients - off)) for off in range(0, n_patients, partition_size)]
    out = {}
    for table in _TABLES:
        meta = _part(0, 2, seed, table).iloc[:0]
        out[table] = dd.from_map(lambda spec, t=table: _part(spec[0], spec[1], seed, t), specs, meta=meta,
                                 enforce_metadata=False)  # fmt: skip
    return out


def read_export_dask(directory: str | Path, blocksize: str = "64MB") -> dict[str, Any]:
    """``courses`` and ``assessments`` of an export directory as Dask frames, typed partition by partition.

    Each partition is checked with the same column and type rules as :func:`.registry_io.read_registry`
    (errors name the file and column and surface when the frame is computed); the cross-table date checks of
    the in-memory reader are not run here. The frames are not co-partitioned: use ``aligned=False``.
    """
    from ketamine_trd.analytics.export_schema import table
    from ketamine_trd.analytics.registry_io import coerce_table, export_root, require_columns, table_file

    dd = _dask()
    root = export_root(directory)
    out = {}
    for name in _TABLES:
        t = table(name)
        path = table_file(root, name)
        if path is None:
            raise InputError(f"{name}.csv", "missing", "a file for every required table", reason="is missing")
        if path.suffix == ".parquet":
            frame = dd.read_parquet(str(path))
        else:
            frame = dd.read_csv(str(path), dtype=str, keep_default_na=False, blocksize=blocksize)
        where = path.name
        require_columns(frame.columns, t, where)  # now, not when the frame is computed
        meta = coerce_table(frame._meta_nonempty.head(0), t, where)
        out[name] = frame.map_partitions(coerce_table, t, where, meta=meta)
    return out


def _per_partition(courses: Any, assessments: Any, aligned: bool) -> Any:
    if aligned and courses.npartitions == assessments.npartitions:
        meta = course_outcomes(courses._meta, assessments._meta)
        return courses.map_partitions(course_outcomes, assessments, meta=meta, align_dataframes=False)
    return course_outcomes(courses, assessments)


class ScaleOutcomes(dict[str, Any]):
    """Response and remission rates (with Wilson intervals) computed from Dask frames."""


def _lazy(frames: dict[str, Any], aligned: bool) -> tuple[Any, Any, Any]:
    courses, assessments = frames["courses"], frames["assessments"]
    per_course = _per_partition(courses, assessments, aligned)
    counts = per_course.groupby("product_route").agg(
        n=("responded", "count"), responded=("responded", "sum"), remitted=("remitted", "sum")
    )
    if aligned and courses.npartitions == assessments.npartitions:

        def one(c: Any, a: Any) -> Any:
            return durability_table(c, a, course_outcomes(c, a))

        meta = one(courses._meta, assessments._meta)
        table = courses.map_partitions(one, assessments, meta=meta, align_dataframes=False)
    else:
        table = durability_table(courses, assessments, per_course)
    return counts, table, assessments.shape[0]


def _rates(table: Any) -> ScaleOutcomes:
    n, k_resp, k_rem = int(table["n"].sum()), int(table["responded"].sum()), int(table["remitted"].sum())
    if n == 0:
        raise InputError(
            "assessments", "none", "a baseline and a review assessment per course", reason="gives no course"
        )
    return ScaleOutcomes(
        n=n,
        response_rate=round(k_resp / n, 4),
        response_rate_ci=wilson(k_resp, n),
        remission_rate=round(k_rem / n, 4),
        remission_rate_ci=wilson(k_rem, n),
        by_group={
            str(g): {
                "n": int(r.n),
                "response_rate": round(float(r.responded) / float(r.n), 4),
                "remission_rate": round(float(r.remitted) / float(r.n), 4),
            }
            for g, r in table.iterrows()
        },
    )


def dask_outcomes(frames: dict[str, Any], *, aligned: bool = True) -> ScaleOutcomes:
    """Response and remission rates overall and by product and route, from Dask frames."""
    counts, _, _ = _lazy(frames, aligned)
    return _rates(counts.compute())


def dask_durability(
    frames: dict[str, Any], group_by: str = "product_route", *, aligned: bool = True
) -> DurabilityResult:
    """Kaplan-Meier durability from Dask frames (the per-responder table is computed, then fitted)."""
    _, table, _ = _lazy(frames, aligned)
    return durability_from_table(table.compute(), group_by)


def dask_analyses(
    frames: dict[str, Any], group_by: str = "product_route", *, aligned: bool = True
) -> tuple[ScaleOutcomes, DurabilityResult, int]:
    """Outcomes, durability and the number of assessments in one pass over the data."""
    from dask.base import compute

    counts, table, n_assessments = _lazy(frames, aligned)
    counts_v, table_v, n_v = compute(counts, table, n_assessments)  # type: ignore[no-untyped-call]
    return _rates(counts_v), durability_from_table(table_v, group_by), int(n_v)
