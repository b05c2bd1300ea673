"""``ktrd simulate`` (one typical patient) and ``ktrd simulate population`` (virtual populations)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated, Any

import typer

from ketamine_trd.commands._numbers import finite
from ketamine_trd.commands._output import console, emit, err_console
from ketamine_trd.errors import InputError

PROGRESS_FROM_N = 200_000
"""Populations of at least this many subjects show a progress bar on stderr."""

BACKEND_HELP = "cpu (Numba's fused kernel from 10,000 subjects if installed, else NumPy), numpy, numba or jax."

SIMULATE_HELP = (
    "Simulate plasma concentrations of the typical patient for one dose (PK models with their sources; "
    "decision support only, not a dosing instruction)."
)


def _typical(route: str, dose_mg: float, minutes: float | None, weight_kg: float, age: float, hours: float) -> Any:
    from ketamine_trd.pharmacology.course_input import default_minutes
    from ketamine_trd.pharmacology.dosing import Dose
    from ketamine_trd.pharmacology.models import CLI_ROUTES, ROUTES
    from ketamine_trd.pharmacology.parameters import Covariates
    from ketamine_trd.pharmacology.profile import typical_profile

    if route not in ROUTES:
        raise InputError("route", route, ", ".join(CLI_ROUTES))
    if minutes is None:
        minutes = default_minutes(route)
    return typical_profile(route, (Dose(0.0, dose_mg, minutes),), Covariates(weight_kg, age), hours)


def _plot(profile: Any, path: Path) -> None:
    from ketamine_trd.analytics.plotting import pyplot

    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7, 4))
    for name in profile.outputs:
        ax.plot(profile.times_h, profile.concentrations_ng_per_ml[name], label=name)
    ax.set_xlabel("time after dose (h)")
    ax.set_ylabel("plasma concentration (ng/mL)")
    ax.set_title(f"{profile.route}: typical patient")
    ax.legend()
    fig.text(0.01, 0.01, f"model {profile.model_id}; source {profile.source_id}", fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _render_typical(data: dict[str, Any]) -> None:
    console.print(
        f"[bold]{data['route']}[/bold] typical patient (model {data['model_id']}, source {data['source_id']})"
    )
    for key in ("cmax_ng_per_ml", "tmax_h", "auc_ng_h_per_ml", "half_life_h"):
        console.print(f"  {key}: {data[key]:.4g}")
    if data.get("metabolite_cmax_ng_per_ml") is not None:
        console.print(f"  metabolite_cmax_ng_per_ml: {data['metabolite_cmax_ng_per_ml']:.4g}")
    for line in data["assumptions"]:
        console.print(f"  [dim]assumed: {line}[/dim]")


def _render_population(data: dict[str, Any]) -> None:
    from rich.table import Table

    table = Table(
        title=f"{data['route']}: {data['n']} virtual subjects (seed {data['seed']}, model {data['model_id']})"
    )
    table.add_column("exposure")
    for p in ("p5", "p25", "p50", "p75", "p95"):
        table.add_column(p, justify="right")
    for name, row in data["percentiles"].items():
        table.add_row(name, *(f"{row[p]:.4g}" for p in ("p5", "p25", "p50", "p75", "p95")))
    console.print(table)
    if "benefit_label" in data:  # the PK table has no durability; the benefit model's follows
        _render_benefit(data)
    else:
        console.print(f"[dim]{data['durability']}[/dim]")


def register(app: typer.Typer) -> None:
    """Add this area's commands to the ``ktrd`` application."""
    simulate = typer.Typer(help=SIMULATE_HELP, no_args_is_help=False)

    @simulate.callback(invoke_without_command=True)
    def simulate_one(
        ctx: typer.Context,
        route: str = typer.Option(
            None,
            "--route",
            help="ketamine-iv|ketamine-im|ketamine-oral|ketamine-sublingual|ketamine-intranasal|esketamine-nasal",
        ),
        dose_mg: float = typer.Option(None, "--dose-mg", help="Dose in mg.", parser=finite),
        minutes: float = typer.Option(None, "--minutes", help="Infusion minutes (IV; default 40).", parser=finite),
        weight_kg: float = typer.Option(70.0, "--weight-kg", help="Body weight in kg.", parser=finite),
        age: float = typer.Option(45.0, "--age", help="Age in years.", parser=finite),
        hours: float = typer.Option(24.0, "--hours", help="Hours to simulate.", parser=finite),
        plot: Annotated[Path | None, typer.Option("--plot", help="Write the curve to this PNG file.")] = None,
        as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    ) -> None:
        if ctx.invoked_subcommand is not None:
            return
        if route is None:
            raise InputError("route", None, "a route id (see --help)", reason="is missing")
        if dose_mg is None:
            raise InputError("dose_mg", None, "a dose in mg", reason="is missing")
        profile = _typical(route, dose_mg, minutes, weight_kg, age, hours)
        if plot is not None:
            _plot(profile, plot)
        data = {
            "route": profile.route,
            "model_id": profile.model_id,
            "source_id": profile.source_id,
            "dose_mg": dose_mg,
            "hours": hours,
            "cmax_ng_per_ml": profile.cmax_ng_per_ml,
            "tmax_h": profile.tmax_h,
            "auc_ng_h_per_ml": profile.auc_ng_h_per_ml,
            "half_life_h": profile.half_life_h,
            "metabolite": profile.outputs[1] if len(profile.outputs) > 1 else None,
            "metabolite_cmax_ng_per_ml": profile.metabolite_cmax_ng_per_ml,
            "metabolite_auc_ng_h_per_ml": profile.metabolite_auc_ng_h_per_ml,
            "assumptions": list(profile.assumptions),
            "plot": str(plot) if plot is not None else None,
        }
        emit(data, as_json, _render_typical)

    @simulate.command("population")
    def simulate_population(
        course: Annotated[Path, typer.Option("--course", help="Course plan JSON (ktrd course --json) or a pk spec.")],
        n: int = typer.Option(1000, "--n", help="Number of virtual subjects."),
        seed: int = typer.Option(..., "--seed", help="Random seed (required: runs are reproducible)."),
        backend: str = typer.Option("cpu", "--backend", help=BACKEND_HELP),
        scheduler: str = typer.Option(None, "--scheduler", help="Dask scheduler address (tcp://host:8786)."),
        weight_kg: float = typer.Option(
            None,
            "--weight-kg",
            help="Body weight in kg (overrides the file's; default: the file's, or 70).",
            parser=finite,
        ),
        age: float = typer.Option(45.0, "--age", help="Age in years.", parser=finite),
        hours: float = typer.Option(
            None, "--hours", help="Horizon in h (default: 24 h after the last dose).", parser=finite
        ),
        threshold: Annotated[
            list[float] | None, typer.Option("--threshold", help="Threshold, ng/mL (repeat).", parser=finite)
        ] = None,
        as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    ) -> None:
        request, parsed = _request(course, n, seed, backend, weight_kg, age, hours, threshold)
        result = _run_with_progress(request, scheduler)
        data = {
            "route": result.route,
            "model_id": result.model_id,
            "source_id": result.source_id,
            "n": result.n,
            "seed": result.seed,
            "backend": request.solver,
            "doses": len(parsed.regimen.doses),
            "window_h": list(result.window_h),
            "percentiles": result.percentiles,
            "durability": result.durability,
        }
        emit(data, as_json, _render_population)

    @simulate.command("compare")
    def simulate_compare(
        course: Annotated[list[Path], typer.Option("--course", help="Two or more course files (repeat).")],
        n: int = typer.Option(1000, "--n", help="Number of virtual subjects (the same subjects for each)."),
        seed: int = typer.Option(..., "--seed", help="Random seed (required: runs are reproducible)."),
        backend: str = typer.Option("cpu", "--backend", help=BACKEND_HELP),
        weight_kg: float = typer.Option(
            None, "--weight-kg", help="Body weight in kg (overrides the files').", parser=finite
        ),
        age: float = typer.Option(45.0, "--age", help="Age in years.", parser=finite),
        hours: float = typer.Option(
            None, "--hours", help="Common horizon in h (default: 24 h after the last dose).", parser=finite
        ),
        threshold: Annotated[
            list[float] | None, typer.Option("--threshold", help="Threshold, ng/mL (repeat).", parser=finite)
        ] = None,
        as_json: bool = typer.Option(False, "--json", help="Print JSON."),
        benefit: bool = typer.Option(
            True, "--benefit/--no-benefit", help="Also the benefit model's predicted response and relapse."
        ),
        benefit_draws: int = typer.Option(20, "--benefit-draws", help="Parameter draws for the benefit intervals."),
    ) -> None:
        """Schedules side by side on the same virtual subjects (same seed), over a common window; with the benefit
        model's response, days in response per dose and relapse per schedule (``ktrd benefit compare``'s figures)."""
        from ketamine_trd.pharmacology.pd import DURABILITY

        if len(course) < 2:
            raise InputError("course", len(course), "two or more --course files to compare")
        parsed = [_request(c, n, seed, backend, weight_kg, age, hours, threshold) for c in course]
        horizon = max(request.horizon_h for request, _ in parsed)  # --hours, or 24 h after the latest last dose
        rows = []
        for path, (request, plan) in zip(course, parsed, strict=True):
            result = _run_with_progress(dataclasses.replace(request, hours=horizon), None)
            rows.append(
                {
                    "course": path.name,
                    "route": result.route,
                    "model_id": result.model_id,
                    "doses": len(plan.regimen.doses),
                    "percentiles": result.percentiles,
                }
            )
        data = {
            "n": n,
            "seed": seed,
            "window_h": [0.0, horizon],
            "schedules": rows,
            "durability": DURABILITY.statement,
        }
        if benefit:
            data["benefit_label"] = _add_benefit(rows, [plan for _, plan in parsed], weight_kg, n, seed, benefit_draws)
        emit(data, as_json, _render_compare)

    app.add_typer(simulate, name="simulate")


def _request(
    course: Path,
    n: int,
    seed: int,
    backend: str,
    weight_kg: float | None,
    age: float,
    hours: float | None,
    threshold: list[float] | None,
) -> tuple[Any, Any]:
    """Read a course file into a population request (and the parsed course)."""
    from ketamine_trd.commands._files import read_json
    from ketamine_trd.pharmacology.course_input import course_from_json
    from ketamine_trd.pharmacology.parameters import Covariates
    from ketamine_trd.pharmacology.pd import DISSOCIATIVE_LOWER_NG_PER_ML
    from ketamine_trd.pharmacology.population import PopulationRequest

    raw = read_json(course, "--course")
    parsed = course_from_json(raw, weight_kg)
    thresholds = tuple(threshold) if threshold else (DISSOCIATIVE_LOWER_NG_PER_ML,)
    covariates = Covariates(parsed.weight_kg or 70.0, age)
    return PopulationRequest(parsed.regimen, n, seed, covariates, hours, thresholds, backend=backend), parsed


def _add_benefit(
    rows: list[dict[str, Any]], plans: list[Any], weight_kg: float | None, n: int, seed: int, draws: int
) -> str:
    """Each row gets ``benefit``: ``benefit.report.compare_schedules`` on the same virtual patients (same seed)."""
    from ketamine_trd.commands._output import to_jsonable
    from ketamine_trd.pharmacology.benefit.patient import LABEL
    from ketamine_trd.pharmacology.benefit.report import compare_schedules, request_from

    requests = {
        str(i): request_from(plan.regimen, weight_kg or plan.weight_kg or 70.0, n=n, seed=seed, draws=draws)
        for i, plan in enumerate(plans)
    }
    for i, result in compare_schedules(requests).items():
        rows[int(i)]["benefit"] = to_jsonable(result)
    return LABEL


def _estimate(e: dict[str, Any], fmt: str = ".2f") -> str:
    value, lo, hi = e["estimate"], e["low"], e["high"]
    return "-" if value is None else f"{value:{fmt}} [{lo:{fmt}}-{hi:{fmt}}]"


def _render_benefit(data: dict[str, Any]) -> None:
    from rich.table import Table

    schedules = data["schedules"]
    table = Table(title=f"Benefit: {data['benefit_label']} (estimate [95% interval])")
    table.add_column("benefit")
    for row in schedules:
        table.add_column(f"{row['course']} ({row['doses']} doses)", justify="right")
    first = schedules[0]["benefit"]
    lines: list[tuple[str, Any]] = [
        (f"response {k}", lambda b, k=k: _estimate(b["response_at"][k])) for k in first["response_at"]
    ]
    lines.append(("days in response per dose", lambda b: _estimate(b["days_in_response_per_session"], ".1f")))
    lines.append(
        ("median days to relapse after last", lambda b: _estimate(b["median_days_to_relapse_after_last"], ".1f"))
    )
    lines += [(f"relapse-free {k}", lambda b, k=k: _estimate(b["relapse_free"][k])) for k in first["relapse_free"]]
    for name, cell in lines:
        table.add_row(name, *(cell(row["benefit"]) for row in schedules))
    console.print(table)
    console.print("[dim]calibration: docs/benefit-model.md#calibration (ktrd benefit calibration)[/dim]")


def _render_compare(data: dict[str, Any]) -> None:
    from rich.table import Table

    table = Table(title=f"{data['n']} virtual subjects (seed {data['seed']}), medians [p5-p95]")
    table.add_column("exposure")
    for row in data["schedules"]:
        table.add_column(f"{row['course']} ({row['doses']} doses)", justify="right")
    for name in data["schedules"][0]["percentiles"]:
        cells = []
        for row in data["schedules"]:
            p = row["percentiles"].get(name)
            cells.append(f"{p['p50']:.4g} [{p['p5']:.3g}-{p['p95']:.3g}]" if p else "-")
        table.add_row(name, *cells)
    console.print(table)
    if "benefit_label" in data:  # the PK table has no durability; the benefit model's follows
        _render_benefit(data)
    else:
        console.print(f"[dim]{data['durability']}[/dim]")


def _run_with_progress(request: Any, scheduler: str | None) -> Any:
    """Run the population, with a progress bar on stderr from ``PROGRESS_FROM_N`` subjects."""
    from rich.progress import Progress

    from ketamine_trd.pharmacology.population import run_population

    with Progress(console=err_console, transient=True, disable=request.n < PROGRESS_FROM_N) as bar:
        task = bar.add_task("simulating", total=request.n)

        def advance(done: int) -> None:
            bar.advance(task, done)

        if scheduler:
            from ketamine_trd.pharmacology.distributed import run_population_dask

            return run_population_dask(request, scheduler, advance)
        return run_population(request, advance)
