"""``ktrd benefit``: predicted response and relapse of a schedule, the calibration table, a schedule
search within the studied ranges, and one patient's update. Every output carries the label
"model estimate, calibrated to published group results; not a dosing instruction".

The model lives in :mod:`ketamine_trd.pharmacology.benefit`; this module only parses and prints,
and imports the model inside each command (start-up stays fast).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from ketamine_trd.commands._output import console, emit
from ketamine_trd.errors import InputError

LABEL = "model estimate, calibrated to published group results; not a dosing instruction"
HELP = f"Benefit model: response, durability and relapse by schedule ({LABEL})."


def _render(data: dict[str, Any]) -> None:
    console.print(f"[bold]{data.get('label', LABEL)}[/bold]")
    console.print_json(json.dumps({k: v for k, v in data.items() if k != "label"}, default=str))


def _read_json(path: Path, field: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(field, str(path), "an existing JSON file", reason="does not exist") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(field, str(path), "a readable JSON file", reason=f"is not valid JSON ({error})") from None


def _number(item: Any, key: str, where: str) -> float:
    if not isinstance(item, dict) or not isinstance(item.get(key), (int, float)) or isinstance(item.get(key), bool):
        raise InputError(where, item, f"an object with a number {key!r}")
    return float(item[key])


def register(app: typer.Typer) -> None:
    """Add ``ktrd benefit`` and its subcommands."""
    benefit = typer.Typer(help=HELP, no_args_is_help=True)

    @benefit.command("simulate")
    def simulate(
        route: Annotated[str, typer.Option("--route", help="ketamine-iv, esketamine-nasal, ...")] = "ketamine-iv",
        dose_mg: Annotated[float | None, typer.Option("--dose-mg", help="Dose of every session, mg.")] = None,
        mg_per_kg: Annotated[float | None, typer.Option("--mg-per-kg", help="Dose per kg (with --weight-kg).")] = None,
        weight_kg: Annotated[float, typer.Option("--weight-kg", help="Body weight, kg.")] = 70.0,
        at_d: Annotated[
            list[float] | None, typer.Option("--at-d", help="Session day (repeat), days from the first.")
        ] = None,
        n: Annotated[int, typer.Option("--n", help="Virtual patients.")] = 2000,
        seed: Annotated[int, typer.Option("--seed", help="Seed of the virtual patients.")] = 1,
        draws: Annotated[int, typer.Option("--draws", help="Parameter draws for the intervals.")] = 30,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Response at days 1/7/14/28, days in response per session, time to relapse, relapse-free at 12/24 weeks."""
        from ketamine_trd.pharmacology.benefit.report import ScheduleRequest, predict_schedule

        if (dose_mg is None) == (mg_per_kg is None):
            raise InputError("dose_mg", dose_mg, "exactly one of --dose-mg or --mg-per-kg")
        dose = dose_mg if dose_mg is not None else float(mg_per_kg or 0.0) * weight_kg
        times = tuple(sorted(at_d or [0.0]))
        req = ScheduleRequest(route, (dose,) * len(times), times, weight_kg=weight_kg, n=n, seed=seed, draws=draws)
        emit(predict_schedule(req), as_json, lambda d: _render(_as_dict(d)))

    @benefit.command("compare")
    def compare(
        course: Annotated[list[Path], typer.Option("--course", help="Course or PK spec JSON (repeat).")],
        weight_kg: Annotated[
            float | None, typer.Option("--weight-kg", help="Weight, kg (overrides the file's).")
        ] = None,
        n: Annotated[int, typer.Option("--n", help="Virtual patients (the same for every schedule).")] = 2000,
        seed: Annotated[int, typer.Option("--seed", help="Seed (the same patients for every schedule).")] = 1,
        draws: Annotated[int, typer.Option("--draws", help="Parameter draws for the intervals.")] = 30,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Schedules side by side by predicted benefit (response, days in response per session, relapse)."""
        from ketamine_trd.pharmacology.benefit.report import compare_schedules, request_from
        from ketamine_trd.pharmacology.course_input import course_from_json

        requests = {}
        for path in course:
            parsed = course_from_json(_read_json(path, "course"), weight_kg)
            w = weight_kg or parsed.weight_kg or 70.0
            requests[path.name] = request_from(parsed.regimen, w, n=n, seed=seed, draws=draws)
        result = compare_schedules(requests)
        emit({"label": LABEL, "n": n, "seed": seed, "schedules": result}, as_json, lambda d: _render(_as_dict(d)))

    @benefit.command("calibration")
    def calibration(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
        """The calibration table: each published figure beside the model's prediction and interval."""
        from ketamine_trd.pharmacology.benefit.calibration import FIT, NOT_FOUND, calibration_table

        data = {
            "label": LABEL,
            "fit": {
                "method": FIT.method,
                "params": FIT.params,
                "standard_errors_estimation_scale": FIT.standard_errors().tolist(),
                "residual_sd": FIT.residual_sd,
                "fitted_to": list(FIT.targets),
            },
            "targets": calibration_table(),
            "left_out": [{"study": s, "why": w} for s, w in NOT_FOUND],
        }
        emit(data, as_json, _render_table)

    @benefit.command("search")
    def search_cmd(
        horizon_d: Annotated[float, typer.Option("--horizon-d", help="Horizon, days.")] = 84.0,
        aim: Annotated[str, typer.Option("--aim", help="days-per-session or fewest-sessions.")] = "days-per-session",
        min_response: Annotated[
            float, typer.Option("--min-response", help="fewest-sessions: share responding at the horizon.")
        ] = 0.5,
        mg_per_kg: Annotated[
            list[float] | None, typer.Option("--mg-per-kg", help="IV dose to try (repeat; 0.1-1.0).")
        ] = None,
        sessions: Annotated[
            list[int] | None, typer.Option("--sessions", help="Induction sessions (repeat; 1-12).")
        ] = None,
        interval_d: Annotated[
            list[float] | None, typer.Option("--interval-d", help="Induction interval, days (repeat; 2-7).")
        ] = None,
        maintenance_d: Annotated[
            list[float] | None,
            typer.Option("--maintenance-d", help="Maintenance interval, days (repeat; 0 = none, 7-14)."),
        ] = None,
        n: Annotated[int, typer.Option("--n", help="Virtual patients.")] = 500,
        seed: Annotated[int, typer.Option("--seed", help="Seed.")] = 1,
        top: Annotated[int, typer.Option("--top", help="Schedules to list.")] = 5,
        backend: Annotated[
            str, typer.Option("--backend", help="auto (Dask from 2,000 schedules if installed), numpy or dask.")
        ] = "auto",
        scheduler: Annotated[
            str, typer.Option("--scheduler", help="Dask: threads, processes, synchronous or a scheduler address.")
        ] = "threads",
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Search IV racemic schedules within the studied ranges for the stated aim."""
        from ketamine_trd.pharmacology.benefit.calibration import FIT
        from ketamine_trd.pharmacology.benefit.population import sample_patients
        from ketamine_trd.pharmacology.benefit.search import SearchSpace, search

        kwargs: dict[str, Any] = {"horizon_d": horizon_d}
        given = {
            "doses_mg_per_kg": mg_per_kg,
            "induction_sessions": sessions,
            "induction_intervals_d": interval_d,
            "maintenance_intervals_d": maintenance_d,
        }
        for name, value in given.items():
            if value:
                kwargs[name] = tuple(value)
        space = SearchSpace.racemic_studied(**kwargs)
        result = search(FIT.params, space, sample_patients(n, seed), aim=aim, min_response=min_response,
                        backend=backend, scheduler=scheduler)  # fmt: skip
        order = sorted(range(len(result.candidates)), key=lambda i: -result.score(i))
        if aim == "fewest-sessions":
            order = [result.best] + [i for i in order if i != result.best]
        rows = [
            {
                "dose": result.candidates[i].label_dose,
                "induction_sessions": result.candidates[i].induction_sessions,
                "induction_interval_d": result.candidates[i].induction_interval_d,
                "maintenance_interval_d": result.candidates[i].maintenance_interval_d,
                "sessions": result.sessions[i],
                "days_in_response": result.days_in_response[i],
                "days_in_response_per_session": result.score(i),
                "response_at_horizon": result.response_at_horizon[i],
            }
            for i in order[: max(top, 1)]
        ]
        data = {"label": LABEL, "aim": aim, "horizon_d": horizon_d, "candidates": len(result.candidates),
                "best": rows[0], "top": rows, "n": n, "seed": seed}  # fmt: skip
        emit(data, as_json, _render)

    @benefit.command("patient")
    def patient(
        file: Annotated[Path, typer.Option("--file", help="JSON: baseline_madrs, route, weight_kg, doses, scores.")],
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Update one patient's parameters from their own MADRS ratings; predict when the benefit fades."""
        import numpy as np

        from ketamine_trd.pharmacology.benefit.calibration import FIT
        from ketamine_trd.pharmacology.benefit.model import DoseSeries
        from ketamine_trd.pharmacology.benefit.patient import PatientScores, update
        from ketamine_trd.pharmacology.benefit.report import ScheduleRequest

        raw = _read_json(file, "file")
        if not isinstance(raw, dict):
            raise InputError("file", str(file), "a JSON object")
        doses = raw.get("doses") or []
        scores = raw.get("scores") or []
        if not isinstance(doses, list) or not doses:
            raise InputError("doses", doses, "a list of {day, dose_mg}")
        if not isinstance(scores, list):
            raise InputError("scores", scores, "a list of {day, madrs}")
        req = ScheduleRequest(
            str(raw.get("route", "ketamine-iv")),
            tuple(_number(d, "dose_mg", f"doses[{i}]") for i, d in enumerate(doses)),
            tuple(_number(d, "day", f"doses[{i}]") for i, d in enumerate(doses)),
            weight_kg=_number(raw, "weight_kg", "weight_kg") if "weight_kg" in raw else 70.0,
        )
        series: DoseSeries = req.dose_series()
        ps = PatientScores(
            _number(raw, "baseline_madrs", "baseline_madrs"),
            series,
            tuple(_number(s, "day", f"scores[{i}]") for i, s in enumerate(scores)),
            tuple(_number(s, "madrs", f"scores[{i}]") for i, s in enumerate(scores)),
        )
        post = update(FIT.params, ps)
        days = np.arange(0.0, series.last_d + 43.0, 1.0)
        course = post.course(days)
        window = post.next_session_window()
        data = {
            "label": LABEL,
            "z_theta_90": post.z_theta_interval(0.9),
            "z_kf_90": post.z_kf_interval(0.9),
            "fade_days_after_last_dose": post.fade(),
            "suggested_next_session_days_after_last_dose": {"from": window[0], "to": window[1]},
            "course": [
                {"day": float(d), "madrs_p10": float(a), "madrs_p50": float(b), "madrs_p90": float(c)}
                for d, a, b, c in zip(days, course["p10"], course["p50"], course["p90"], strict=True)
            ],
            "residual_sd_points": ps.residual_sd,
        }
        emit(data, as_json, _render)

    app.add_typer(benefit, name="benefit")


def _as_dict(value: Any) -> dict[str, Any]:
    from ketamine_trd.commands._output import to_jsonable

    out = to_jsonable(value)
    return out if isinstance(out, dict) else {"value": out}


def _render_table(data: dict[str, Any]) -> None:
    from rich.table import Table

    table = Table(title=f"Benefit model calibration ({LABEL})")
    for col in ("target", "source", "fitted", "published", "predicted (95%)", "diff", "within"):
        table.add_column(col)
    for r in data["targets"]:
        lo, hi = r.predicted_interval
        predicted = f"{r.predicted:.3f} ({lo:.3f}-{hi:.3f})"
        fitted = "yes" if r.fitted else "check"
        within = "yes" if r.within else "NO"
        table.add_row(r.label, r.source_id, fitted, f"{r.published:.3f}", predicted, f"{r.difference:+.3f}", within)
    console.print(table)
    for item in data["left_out"]:
        console.print(f"[dim]left out: {item['study']}: {item['why']}[/dim]")
