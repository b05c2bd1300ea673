"""``ktrd`` commands of the measurement area: score, instruments, outcomes, safety.

Thin shells: parse options and files (``_measurement_io``), call one function of the pure
core, print with :func:`ketamine_trd.commands._output.emit`. Bad input raises ``InputError``
(exit code 2, one line naming the item or column).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from ketamine_trd.commands._numbers import finite
from ketamine_trd.commands._output import console, emit

JSON_HELP = "Print JSON instead of a table."


def _render_score(data: dict[str, Any]) -> None:
    total = "none" if data["total"] is None else f"{data['total']} (range {data['total_range']})"
    console.print(f"[bold]{data['instrument']}[/bold] total: {total}")
    if data.get("risk"):
        console.print(f"risk: [bold]{data['risk']}[/bold]")
    if data["severity"]:
        console.print(f"severity: {data['severity']} (source {data['severity_source']})")
    if data["prorated"]:
        console.print("[yellow]prorated[/yellow] (missing: " + ", ".join(data["missing_items"]) + ")")
    for alert in data["alerts"]:
        console.print(f"[red]ALERT[/red] {alert}")
    for due in data["followups"]:
        console.print(f"due: {due}")
    for note in data["notes"]:
        console.print(f"note: {note}")


def _render_instruments(data: list[dict[str, Any]]) -> None:
    from rich.table import Table

    table = Table("id", "name", "items", "total range", "licence", "text shareable", "rater")
    for d in data:
        span = "categorical" if d["total_range"] is None else f"{d['total_range'][0]}-{d['total_range'][1]}"
        table.add_row(
            d["id"], d["name"], str(len(d["items"])), span, d["licence"]["status"], str(d["text_shareable"]), d["rater"]
        )
    console.print(table)


def _render_outcomes(data: dict[str, Any]) -> None:
    console.print(
        f"[bold]{data['instrument']}[/bold] baseline {data['baseline']} latest {data['latest']} "
        f"change {data['percent_change']}%"
    )
    console.print(
        f"response: {data['response']}  remission: {data['remission']} "
        f"({data['remission_comparator']} {data['remission_threshold']}, source {data['remission_source']})"
    )
    for event in data["events"]:
        label = " (platform-defined, not published)" if event["platform_defined"] else ""
        console.print(f"{event['date']}  {event['type']}{label}: {event['definition']}")
    for note in data["notes"]:
        console.print(f"note: {note}")


def _render_safety(data: dict[str, Any]) -> None:
    console.print(
        f"cumulative {data['cumulative_mg']} mg; sessions last 30 days {data['sessions_last_30_days']}, "
        f"last 90 days {data['sessions_last_90_days']}; escalations {data['dose_escalations']}"
    )
    for signal in data["signals"]:
        cited = "" if signal["platform_defined"] else f" (source {signal['source']})"
        console.print(f"[red]SIGNAL[/red] {signal['date']} {signal['type']}: {signal['message']}{cited}")
    for due in data["due"]:
        flag = " [red]overdue[/red]" if due["overdue"] else ""
        console.print(f"due: {due['screen']} on {due['date']}{flag}")


def score_command(
    instrument: Annotated[str, typer.Argument(help="Instrument id (ktrd instruments lists them).")],
    answers: Annotated[
        str | None, typer.Option("--answers", help="Answers in item order: 0,1,2 (empty = missing).")
    ] = None,
    answers_file: Annotated[Path | None, typer.Option("--answers-file", help="JSON file {item_id: value}.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Score one rating instrument."""
    from ketamine_trd.clinical import instruments
    from ketamine_trd.commands import _measurement_io as io

    parsed = io.parse_answers(answers, answers_file)
    result = instruments.score(instruments.get(instrument).id, parsed)
    emit(result.to_dict(), as_json, _render_score)


def instruments_command(as_json: bool = typer.Option(False, "--json", help=JSON_HELP)) -> None:
    """List the instrument definitions (item ids, allowed values, bands, codes; never licensed item text)."""
    from ketamine_trd.clinical import instruments

    emit([i.to_dict() for i in instruments.all_instruments()], as_json, _render_instruments)


def outcomes_command(
    instrument: Annotated[str, typer.Option("--instrument", help="Instrument id of the scores.")],
    assessments: Annotated[Path, typer.Option("--assessments", help="CSV with date,total (optional instrument).")],
    doses: Annotated[Path | None, typer.Option("--doses", help="CSV with date (optional dose_mg, phase).")] = None,
    events: Annotated[Path | None, typer.Option("--events", help="CSV of recorded relapse events: date,kind.")] = None,
    remission_threshold: Annotated[
        float | None, typer.Option("--remission-threshold", help="Cut-off.", parser=finite)
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Evaluate response, remission, relapse and fading benefit over a patient's timeline."""
    from ketamine_trd.clinical import outcomes
    from ketamine_trd.commands import _measurement_io as io

    inst = io.known_instrument(instrument)
    report = outcomes.evaluate_outcomes(
        io.read_assessments(assessments, inst),
        io.read_doses(doses) if doses else (),
        inst,
        remission_threshold=remission_threshold,
        relapse_events=io.read_events(events) if events else (),
    )
    emit(report.to_dict(), as_json, _render_outcomes)


def safety_command(
    doses: Annotated[Path, typer.Option("--doses", help="CSV with date, dose_mg, ...")],
    assessments: Annotated[Path | None, typer.Option("--assessments", help="CSV with date,total,instrument.")] = None,
    screens: Annotated[Path | None, typer.Option("--screens", help="CSV of other screens done: date,screen.")] = None,
    today: Annotated[str | None, typer.Option("--today", help="ISO date to evaluate on (default: today).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Long-term safety surveillance: exposure, screens due and signals."""
    from ketamine_trd.clinical import surveillance
    from ketamine_trd.commands import _measurement_io as io

    on = io.parse_date(today, "--today") if today else dt.date.today()
    report = surveillance.survey(
        io.read_doses(doses),
        io.read_assessments(assessments, None) if assessments else (),
        on,
        screens=io.read_screens(screens) if screens else (),
    )
    emit(report.to_dict(), as_json, _render_safety)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the ``ktrd`` application."""
    app.command("score")(score_command)
    app.command("instruments")(instruments_command)
    app.command("outcomes")(outcomes_command)
    app.command("safety")(safety_command)
