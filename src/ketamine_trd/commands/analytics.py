"""``ktrd`` commands of the analytics area: synth, analyze, evidence, export.

Heavy libraries (pandas, lifelines, scikit-learn, Matplotlib) are imported inside the commands so
that ``ktrd --help`` stays fast.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from ketamine_trd.analytics.definitions import DEFAULT_REMISSION_PROFILE
from ketamine_trd.commands._output import console, emit, err_console, to_jsonable
from ketamine_trd.errors import DependencyMissing, InputError, KtrdError

JSON_HELP = "Print JSON instead of a table."
DATA_HELP = "Directory of a research export (CSV or Parquet), e.g. from ktrd synth or ktrd export."
PLOT_HELP = "Write a plot to this PNG file."
DASK_HELP = "Reduce the data with Dask, partition by partition (for exports larger than memory)."

analyze_app = typer.Typer(help="Research analyses of a registry export.", no_args_is_help=True)

README = """SYNTHETIC DATA - NOT REAL PATIENTS

This directory was written by `ktrd synth` (ketamine-trd). Every row of every table is
synthetic (column `synthetic` = true). The generator draws response and remission rates by
route, predictor effects, early-response operating characteristics and relapse curves from
published figures (listed with their sources in manifest.json, key `figures`); everything else
(ages, BMI, dates, item splits) is platform-defined and invented. Do not use it for clinical
decisions or as evidence. Format: docs/research-export.md.
"""


@contextmanager
def _progress(description: str, quiet: bool) -> Iterator[None]:
    if quiet:
        yield
        return
    with err_console.status(description):
        yield


def _plot_path(plot: Path | None) -> str | None:
    if plot is None:
        return None
    if plot.suffix.lower() != ".png":
        raise InputError("--plot", str(plot), "a file name ending in .png")
    return str(plot)


def _load(data: Path) -> dict[str, Any]:
    from ketamine_trd.analytics.registry_io import read_registry

    return read_registry(data)


def _numpy_version() -> str:
    import numpy

    return str(numpy.__version__)


def _package_version() -> str:
    from ketamine_trd import __version__

    return str(__version__)


def synth_command(
    out: Annotated[Path, typer.Option("--out", help="Directory to write the synthetic registry to.")],
    patients: Annotated[int, typer.Option("--patients", help="Number of synthetic patients (one course each).")] = 500,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same registry).")] = 0,
    fmt: Annotated[str, typer.Option("--format", help="csv or parquet.")] = "csv",
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Write a synthetic registry (labelled synthetic) in the research-export format."""
    from ketamine_trd.analytics.registry_io import check_format, write_registry
    from ketamine_trd.analytics.synth import RNG_BLOCK, generate_registry
    from ketamine_trd.analytics.synth_figures import FIGURES

    check_format(fmt)
    from rich.progress import Progress

    with Progress(console=err_console, transient=True, disable=as_json) as progress:
        task = progress.add_task("Generating synthetic patients", total=patients)
        registry = generate_registry(patients, seed, on_progress=lambda done, _: progress.update(task, completed=done))
        progress.update(task, description="Writing the registry")
        write_registry(registry.frames, out, fmt, synthetic=True)
    manifest_path = out / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest.update(
        generator="ketamine_trd.analytics.synth.generate_registry",
        seed=seed,
        n_patients=patients,
        # everything else that determines the output (issue 15): the block structure of the random numbers
        rng="numpy.random.default_rng([seed, block_offset]) (PCG64), one block per rng_block_patients patients",
        rng_block_patients=RNG_BLOCK,
        numpy_version=_numpy_version(),
        ketamine_trd_version=_package_version(),
        figures={name: to_jsonable(fig) for name, fig in FIGURES.items()},
    )
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    (out / "README.txt").write_text(README, encoding="utf-8")
    result = {"out": str(out), "synthetic": True, "seed": seed, "format": fmt, "tables": manifest["tables"]}
    emit(result, as_json, lambda d: console.print(f"wrote a SYNTHETIC registry to {d['out']}: {d['tables']}"))


def _render_outcomes(d: dict[str, Any]) -> None:
    from rich.table import Table

    table = Table(title="Outcomes at the end-of-induction review" + (" (SYNTHETIC)" if d["synthetic"] else ""))
    for col in ("group", "n", "response (95% CI)", "remission (95% CI)"):
        table.add_column(col)

    def fmt(rate: float, ci: list[float]) -> str:
        return f"{rate:.1%} ({ci[0]:.1%}-{ci[1]:.1%})"

    table.add_row("all", str(d["n"]), fmt(d["response_rate"], d["response_rate_ci"]),
                  fmt(d["remission_rate"], d["remission_rate_ci"]))  # fmt: skip
    for g in d["by_group"]:
        table.add_row(f"{g['by']}: {g['group']}", str(g["n"]), fmt(g["response_rate"], g["response_rate_ci"]),
                      fmt(g["remission_rate"], g["remission_rate_ci"]))  # fmt: skip
    console.print(table)
    console.print(d["response_definition"]["text"], f"[{d['response_definition']['source_id']}]")
    console.print(f"Remission profile {d['remission_profile']}: {d['remission_cutoffs']}")


def outcomes_command(
    data: Annotated[Path, typer.Option("--data", help=DATA_HELP)],
    plot: Annotated[Path | None, typer.Option("--plot", help=PLOT_HELP)] = None,
    profile: Annotated[
        str, typer.Option("--remission-profile", help="Remission cut-off profile.")
    ] = DEFAULT_REMISSION_PROFILE,
    use_dask: Annotated[bool, typer.Option("--dask", help=DASK_HELP)] = False,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Response and remission rates with intervals, by group; mean trajectories."""
    from ketamine_trd.analytics.outcomes import plot_outcomes, summarise_outcomes

    path = _plot_path(plot)
    if use_dask:
        from ketamine_trd.analytics.scale import dask_outcomes, read_export_dask

        if path or profile != DEFAULT_REMISSION_PROFILE:
            raise InputError("--dask", True, "without --plot and --remission-profile (the Dask path reports rates)")
        with _progress("Analysing the registry with Dask", as_json):
            rates = dask_outcomes(read_export_dask(data), aligned=False)
        emit(dict(rates), as_json, lambda d: console.print_json(data=to_jsonable(d)))
        return
    with _progress("Reading and analysing the registry", as_json):
        summary = summarise_outcomes(_load(data), profile)
        if path:
            plot_outcomes(summary, path)
    emit(to_jsonable(summary), as_json, _render_outcomes)


def _render_survival(d: dict[str, Any]) -> None:
    from rich.table import Table

    table = Table(title=f"Durability after induction, by {d['group_by']}")
    for col in ("group", "n", "events", "median days", "sustained 28 d", "sustained 56 d"):
        table.add_column(col)
    rows = [{"group": "all", **d}, *d["groups"]]
    for g in rows:
        median = "not reached" if g["median_days_to_relapse"] is None else f"{g['median_days_to_relapse']:.0f}"
        table.add_row(g["group"], str(g["n"]), str(g["events"]), median,
                      f"{g['sustained_at']['28']:.1%}", f"{g['sustained_at']['56']:.1%}")  # fmt: skip
    console.print(table)
    if d["logrank_p"] is not None:
        console.print(f"log-rank chi2 = {d['logrank_statistic']}, p = {d['logrank_p']:.3g}")
    console.print(d["definition"]["text"], f"[{d['definition']['source_id']}]")
    for key in ("interval_method", "median_convention"):
        if d.get(key):
            console.print(f"[dim]{d[key]}[/dim]")


def survival_command(
    data: Annotated[Path, typer.Option("--data", help=DATA_HELP)],
    plot: Annotated[Path | None, typer.Option("--plot", help=PLOT_HELP)] = None,
    group_by: Annotated[str, typer.Option("--group-by", help="product_route or maintenance.")] = "product_route",
    use_dask: Annotated[bool, typer.Option("--dask", help=DASK_HELP)] = False,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Kaplan-Meier time to loss of response after induction, by group, with a log-rank test."""
    from ketamine_trd.analytics.registry_io import all_synthetic
    from ketamine_trd.analytics.survival import durability_frame, durability_from_table, plot_durability_table

    path = _plot_path(plot)
    if use_dask:
        from ketamine_trd.analytics.scale import dask_durability, read_export_dask

        if path:
            raise InputError("--dask", True, "without --plot")
        with _progress("Fitting Kaplan-Meier curves (Dask reduction)", as_json):
            dask_result = dask_durability(read_export_dask(data), group_by, aligned=False)
        emit(to_jsonable(dask_result), as_json, _render_survival)
        return
    with _progress("Fitting Kaplan-Meier curves", as_json):
        frames = _load(data)
        table = durability_frame(frames)  # one reduction, for the analysis and the plot
        result = durability_from_table(table, group_by)
        if path:
            plot_durability_table(table, path, group_by, synthetic=all_synthetic(frames))
    emit(to_jsonable(result), as_json, _render_survival)


def _render_predict(d: dict[str, Any]) -> None:
    console.print(
        f"Responder model (n = {d['n']}, {d['n_responders']} responders, {d['folds']}-fold CV, "
        f"random_state = {d['random_state']}): AUROC {d['auroc']:.3f} "
        f"({d['auroc_ci'][0]:.3f}-{d['auroc_ci'][1]:.3f}), Brier {d['brier']:.3f}"
    )
    for name, value in sorted(d["permutation_importance"].items(), key=lambda kv: -kv[1]):
        console.print(f"  {name:<26} {value:+.4f}")
    console.print("Research use only; see docs/model-card.md.")


def predict_command(
    data: Annotated[Path, typer.Option("--data", help=DATA_HELP)],
    plot: Annotated[Path | None, typer.Option("--plot", help=PLOT_HELP)] = None,
    random_state: Annotated[int, typer.Option("--random-state", help="Seed for folds, bootstrap, model.")] = 0,
    folds: Annotated[int, typer.Option("--folds", help="Cross-validation folds.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Cross-validated responder prediction from baseline features (research use only)."""
    from ketamine_trd.analytics.predict import build_features, evaluate_responder_model, plot_calibration
    from ketamine_trd.analytics.registry_io import all_synthetic

    path = _plot_path(plot)
    if not 2 <= folds <= 20:
        raise InputError("--folds", folds, "2 to 20")
    with _progress("Cross-validating the responder model", as_json):
        frames = _load(data)
        x, y = build_features(frames)
        report = evaluate_responder_model(x, y, random_state=random_state, folds=folds)
        if path:
            plot_calibration(report, path, synthetic=all_synthetic(frames))
    emit(to_jsonable(report), as_json, _render_predict)


def _render_evidence(d: dict[str, Any]) -> None:
    from rich.table import Table

    table = Table(title="Evidence table (reference: shared/reference/evidence.md)")
    for col in ("trial", "year", "n", "comparison", "outcome", "result", "source", "conf."):
        table.add_column(col, overflow="fold")
    for r in d["rows"]:
        table.add_row(r["trial"], str(r["year"] or "-"), str(r["n"] or "NF"), r["comparison"], r["outcome"],
                      r["result"], r["source"], r["confidence"])  # fmt: skip
    console.print(table)


def _render_pooled(d: dict[str, Any]) -> None:
    console.print(
        f"{d['method']} random-effects {d['measure']} over {d['k']} row(s): {d['pooled']:.3f} "
        f"({d['pooled_ci'][0]:.3f}-{d['pooled_ci'][1]:.3f}), tau^2 {d['tau2']:.4f}, I^2 {d['i2']:.1f}%, "
        f"p = {d['p']:.3g}; rows: {', '.join(d['studies'])}"
    )


def evidence_command(
    population: Annotated[str | None, typer.Option("--population", help="unipolar or bipolar.")] = None,
    pool_outcome: Annotated[
        str | None, typer.Option("--pool", help="Meta-analyse the rows with counts whose outcome contains this text.")
    ] = None,
    measure: Annotated[str, typer.Option("--measure", help="RR, OR or RD (with --pool).")] = "RR",
    method: Annotated[str, typer.Option("--method", help="REML, DL or EE (with --pool).")] = "REML",
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """The key trials, cohorts and meta-analyses, with sources and confidence tags; optional pooling."""
    from ketamine_trd.analytics.evidence import evidence_rows, pooled_from_table, rows_to_pool

    if pool_outcome is not None:
        result = to_jsonable(pooled_from_table(pool_outcome, measure, method))
        result["studies"] = [r.trial for r in rows_to_pool(pool_outcome)]
        emit(result, as_json, _render_pooled)
        return
    rows_json = [to_jsonable(r) for r in evidence_rows(population)]
    emit(rows_json if as_json else {"rows": rows_json}, as_json, _render_evidence)


def export_command(
    out: Annotated[Path, typer.Option("--out", help="Directory to write the research export to.")],
    fmt: Annotated[str, typer.Option("--format", help="csv or parquet.")] = "csv",
    data_dir: Annotated[
        Path | None,
        typer.Option("--data-dir", envvar="KTRD_DATA_DIR", help="The clinic's data folder (as for ktrd serve)."),
    ] = None,
    clinic: Annotated[str | None, typer.Option("--clinic", help="Export one clinic (its slug); default all.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Export the clinic database as a de-identified research export (docs/research-export.md)."""
    import pandas as pd

    from ketamine_trd.analytics.export_schema import table
    from ketamine_trd.analytics.registry_io import check_format, write_registry

    check_format(fmt)
    build = _clinic_export_builder(data_dir)
    with _progress("Exporting the clinic database", as_json):
        result = build(clinic=clinic)
        frames = {name: pd.DataFrame(rows, columns=list(table(name).names)) for name, rows in result.tables.items()}
        write_registry(frames, out, fmt)
    counts = {name: len(rows) for name, rows in result.tables.items()}
    emit(
        {"out": str(out), "format": fmt, "tables": counts, "omitted": result.omitted},
        as_json,
        lambda d: console.print(f"exported {d['tables']}" + (f"; left out {d['omitted']}" if d["omitted"] else "")),
    )


def _clinic_export_builder(data_dir: Path | None) -> Any:
    """Set Django up the way ``ktrd serve`` does (unless already set up); the clinic's ``build_export``."""
    from importlib import import_module

    try:
        from django.apps import apps
    except ImportError as exc:
        raise DependencyMissing("django", "clinic") from exc
    if not apps.ready:
        from ketamine_trd.clinic import runner

        runner.prepare(data_dir, demo=False, static=False)
    build = getattr(import_module("ketamine_trd.clinic.research_export"), "build_export", None)
    if build is None:
        raise KtrdError(
            "the clinic research export is not available: ketamine_trd.clinic.research_export.build_export() "
            "is missing (contract: docs/research-export.md)"
        )
    return build


def register(app: typer.Typer) -> None:
    """Add this area's commands to the ``ktrd`` application."""
    app.command("synth")(synth_command)
    app.command("evidence")(evidence_command)
    app.command("export")(export_command)
    analyze_app.command("outcomes")(outcomes_command)
    analyze_app.command("survival")(survival_command)
    analyze_app.command("predict")(predict_command)
    app.add_typer(analyze_app, name="analyze")
