"""``ktrd`` commands of the clinical core: ``trd``, ``screen``, ``dose ...`` and ``course ...``.

Thin shells: read the file or options, call one function of ``ketamine_trd.clinical``, print the result with
:func:`ketamine_trd.commands._output.emit` (Rich for people, ``--json`` for machines). Bad input raises the
error tree's ``InputError`` (exit code 2, one line naming the field).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from ketamine_trd.clinical.history import TreatmentHistory
from ketamine_trd.clinical.products import RACEMIC_NON_IV, Product
from ketamine_trd.clinical.trd import DEFAULT_TRD_PROFILE, TRD_PROFILES, assess_trd
from ketamine_trd.commands._numbers import finite
from ketamine_trd.commands._output import console, emit, err_console
from ketamine_trd.errors import InputError

if TYPE_CHECKING:
    from ketamine_trd.clinical.courses import ClosedDays

# Dosing, course planning, screening, the profile tables and Rich tables are imported by the commands and
# renderers that use them, so that each command starts with only what it needs.

JSON_HELP = "Print JSON instead of a table."
#: ``--profile`` once meant four things (a TRD definition, a medical profile file, an IV dosing profile, a label
#: profile); each now has its own name, and ``--profile`` stays as a hidden, deprecated alias of it
OLD_PROFILE_HELP = "Deprecated: the old name of this command's profile option."


def _renamed_profile(old: str | None, new: Any, new_name: str) -> Any:
    """The value of a command's profile option: the deprecated ``--profile`` still works, with a warning."""
    if old is None:
        return new
    err_console.print(f"[yellow]--profile is deprecated here: use {new_name}[/yellow]")
    return old


PRODUCTS_HELP = ", ".join(p.value for p in Product)
_LEVEL_STYLE = {"contraindication": "bold red", "caution": "yellow", "information": "cyan"}
_DECISION_STYLE = {"not_eligible": "bold red", "eligible_with_cautions": "bold yellow", "eligible": "bold green"}


def read_json(path: Path, field: str) -> Any:
    """The JSON document at ``path``, read through the CLI's one reader (``commands._files``)."""
    from ketamine_trd.commands._files import read_json as read

    return read(path, field)


def _date(text: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(field, text, "a date as YYYY-MM-DD") from None


def _closed(weekdays: str, dates: str) -> ClosedDays:
    from ketamine_trd.clinical.courses import ClosedDays
    from ketamine_trd.clinical.scheduling import parse_weekdays

    parsed = frozenset(_date(d.strip(), "closed_dates") for d in dates.split(",") if d.strip())
    return ClosedDays(weekdays=parse_weekdays(weekdays), dates=parsed)


def _yes_no(value: bool | None) -> str:
    return {True: "[red]yes[/red]", False: "no", None: "[dim]unknown[/dim]"}[value]


# ---- renderers (people) -------------------------------------------------------------------------------------


def _render_trd(d: dict[str, Any]) -> None:
    from rich.table import Table

    verdict = "[bold red]TRD[/bold red]" if d["trd"] else "[bold green]not TRD[/bold green]"
    console.print(f"{verdict} under [bold]{d['profile']}[/bold] (v{d['profile_version']}, source {d['source']})")
    console.print(d["summary"])
    table = Table("drug", "episode", "adequate", "failed", "reasons", title="Trials", title_justify="left")
    for t in d["trials"]:
        name = t["drug"] if t["generic"] in (None, t["drug"].lower()) else f"{t['drug']} ({t['generic']})"
        table.add_row(name, t["episode"], _yes_no(t["adequate"]).replace("red", "green"), _yes_no(t["failed"]),
                      "; ".join(t["reasons"]))  # fmt: skip
    console.print(table)
    m = d["maudsley"]
    items = ", ".join(f"{k} {v}" for k, v in m["items"].items() if v is not None)
    console.print(f"Maudsley Staging Method: [bold]{m['score']}[/bold] ({m['band']}) - {items} (source {m['source']})")
    console.print(f"Thase-Rush stage: [bold]{d['thase_rush_stage']}[/bold] (source {d['thase_rush_source']})")
    for note in [*m["notes"], *d["notes"]]:
        console.print(f"[dim]note: {note}[/dim]")


def _render_screen(d: dict[str, Any]) -> None:
    from rich.table import Table

    style = _DECISION_STYLE[d["decision"]]
    console.print(f"[{style}]{d['decision']}[/{style}] for {d['product']} (blood-pressure profile {d['bp_profile']})")
    if not d["findings"]:
        console.print("No findings.")
        return
    table = Table("level", "rule", "finding", "source")
    for f in d["findings"]:
        lvl = _LEVEL_STYLE[f["level"]]
        table.add_row(f"[{lvl}]{f['level']}[/{lvl}]", f["rule"], f["message"], f["source"])
    console.print(table)


def _render_pairs(d: dict[str, Any]) -> None:
    from rich.table import Table

    table = Table("", "", show_header=False, box=None)
    for key, value in d.items():
        if key == "notes":
            continue
        table.add_row(f"[bold]{key}[/bold]", ", ".join(map(str, value)) if isinstance(value, list) else str(value))
    console.print(table)
    for note in d.get("notes", []):
        console.print(f"[dim]note: {note}[/dim]")


def _render_course(d: dict[str, Any]) -> None:
    from rich.table import Table

    parts = [f"[bold]{d['product']}[/bold] course ({d['indication']})"]
    if d["monotherapy"] is not None:
        parts.append("monotherapy" if d["monotherapy"] else f"with {d['oral_antidepressant']}")
    parts.append(f"- profile {d['profile']}")
    console.print(" ".join(parts))
    table = Table("#", "date", "day", "week", "phase", "dose")
    for s in d["sessions"]:
        dose = f"{s['dose_mg']:g} mg" if s["dose_mg"] is not None else ""
        if s["mg_per_kg"] is not None:
            dose = f"{s['mg_per_kg']:g} mg/kg" + (f" = {dose}" if dose else "")
        table.add_row(str(s["number"]), s["date"], s["weekday"], str(s["week"]), s["phase"], dose)
    console.print(table)
    label = "End-of-induction review" if d["product"] in ("ketamine-iv", "esketamine-nasal") else "Review"
    console.print(f"{label}: [bold]{d['end_of_induction_review']}[/bold]")
    if d["reassessment_dates"]:
        console.print("Reassessments: " + ", ".join(d["reassessment_dates"]))
    for note in d["notes"]:
        console.print(f"[dim]note: {note}[/dim]")
    console.print(f"[dim]sources: {', '.join(d['sources'])}[/dim]")


# ---- commands -----------------------------------------------------------------------------------------------


def trd_command(
    history: str = typer.Option(..., "--history", help="Treatment history JSON (docs/formats.md)."),
    profile: str = typer.Option(DEFAULT_TRD_PROFILE, "--trd-definition", help="TRD definition profile."),
    old_profile: str | None = typer.Option(None, "--profile", hidden=True, help=OLD_PROFILE_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Judge each antidepressant trial and give the TRD verdict, Maudsley score and Thase-Rush stage."""
    profile = _renamed_profile(old_profile, profile, "--trd-definition")
    result = assess_trd(TreatmentHistory.from_dict(read_json(Path(history), "history")), profile)
    emit(result.to_dict(), as_json, _render_trd)


def screen_command(
    medical_profile: str | None = typer.Option(
        None, "--medical-profile", help="Medical profile JSON (docs/formats.md); required."
    ),
    product: str = typer.Option(..., "--product", help=PRODUCTS_HELP),
    bp_profile: str | None = typer.Option(
        None, "--bp-profile", help="BP profile (default: "
        "spravato-label-2019 esketamine, racemic-hypertensive-crisis racemic)."
    ),
    old_profile: str | None = typer.Option(None, "--profile", hidden=True, help=OLD_PROFILE_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Screen a medical profile for contraindications and cautions for one product and route."""
    from ketamine_trd.clinical.medical_profile import MedicalProfile
    from ketamine_trd.clinical.screening import screen

    profile = _renamed_profile(old_profile, medical_profile, "--medical-profile")
    if profile is None:
        raise InputError("--medical-profile", None, "a medical profile JSON file", reason="is missing")
    result = screen(MedicalProfile.from_dict(read_json(Path(profile), "profile")), Product.parse(product), bp_profile)
    emit(result.to_dict(), as_json, _render_screen)


dose_app = typer.Typer(
    help="Doses: racemic ketamine IV and other routes, esketamine nasal spray.", no_args_is_help=True
)
course_app = typer.Typer(help="Course plans: the calendar of sessions with review dates.", no_args_is_help=True)


@dose_app.command("ketamine-iv")
def dose_iv(
    weight_kg: float = typer.Option(..., "--weight-kg", help="Actual body weight in kg.", parser=finite),
    mg_per_kg: float = typer.Option(..., "--mg-per-kg", help="Dose in mg per kg of dosing weight.", parser=finite),
    minutes: float | None = typer.Option(
        None, "--minutes", help="Infusion time in minutes (default 40).", parser=finite
    ),
    weight_basis: str = typer.Option("actual", "--weight-basis", help="actual, ideal (Devine) or adjusted."),
    height_cm: float | None = typer.Option(
        None, "--height-cm", help="Height in cm (ideal/adjusted basis).", parser=finite
    ),
    sex: str | None = typer.Option(None, "--sex", help="female or male (ideal/adjusted basis)."),
    bag_ml: float | None = typer.Option(
        None, "--bag-ml", help="Infusion bag volume in mL: gives the pump rate.", parser=finite
    ),
    stock_mg_per_ml: float | None = typer.Option(
        None, "--stock-mg-per-ml", help="Stock concentration: volume to draw.", parser=finite
    ),
    profile: str | None = typer.Option(None, "--dosing-profile", help="IV dosing profile (default fava-2018-range)."),
    old_profile: str | None = typer.Option(None, "--profile", hidden=True, help=OLD_PROFILE_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Racemic ketamine IV dose, pump rate and draw volume."""
    from ketamine_trd.clinical.dosing import ketamine_iv_dose

    profile = _renamed_profile(old_profile, profile, "--dosing-profile")
    result = ketamine_iv_dose(weight_kg=weight_kg, mg_per_kg=mg_per_kg, minutes=minutes, weight_basis=weight_basis,
                              height_cm=height_cm, sex=sex, bag_ml=bag_ml, stock_mg_per_ml=stock_mg_per_ml,
                              profile=profile)  # fmt: skip
    emit(result.to_dict(), as_json, _render_pairs)


@dose_app.command("esketamine")
def dose_esketamine(
    session_number: int = typer.Option(..., "--session-number", help="Session number in the course (1 = day 1)."),
    indication: str = typer.Option("trd", "--indication", help="trd or suicidality."),
    profile: str | None = typer.Option(None, "--label-profile", help="us-label (default) or eu-age65."),
    dose_mg: int | None = typer.Option(None, "--dose-mg", help="Dose in mg (a multiple of 28)."),
    hepatic: str | None = typer.Option(None, "--hepatic-impairment", help="child_pugh_b or child_pugh_c for notes."),
    previous_dose_mg: int | None = typer.Option(None, "--previous-dose-mg", help="Last session's dose (step checks)."),
    old_profile: str | None = typer.Option(None, "--profile", hidden=True, help=OLD_PROFILE_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Esketamine nasal spray dose for a session: mg, devices, minutes between devices."""
    from ketamine_trd.clinical.dosing import esketamine_dose

    profile = _renamed_profile(old_profile, profile, "--label-profile")
    result = esketamine_dose(session_number=session_number, indication=indication, profile=profile, dose_mg=dose_mg,
                             hepatic_impairment=hepatic, previous_dose_mg=previous_dose_mg)  # fmt: skip
    emit(result.to_dict(), as_json, _render_pairs)


def _route_command(product: Product) -> Any:
    def command(
        dose_mg: float | None = typer.Option(None, "--dose-mg", help="Dose in mg.", parser=finite),
        mg_per_kg: float | None = typer.Option(
            None, "--mg-per-kg", help="Dose in mg/kg (needs --weight-kg).", parser=finite
        ),
        weight_kg: float | None = typer.Option(None, "--weight-kg", help="Body weight in kg.", parser=finite),
        as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
    ) -> None:
        from ketamine_trd.clinical.dosing import racemic_route_dose

        result = racemic_route_dose(product, dose_mg=dose_mg, mg_per_kg=mg_per_kg, weight_kg=weight_kg)
        emit(result.to_dict(), as_json, _render_pairs)

    command.__doc__ = f"Racemic ketamine {product.route}: dose, bioavailability and IV-equivalent exposure."
    return command


for _product in RACEMIC_NON_IV:
    dose_app.command(_product.value)(_route_command(_product))


@course_app.command("ketamine-iv")
def course_iv(
    start: str = typer.Option(..., "--start", help="First infusion date, YYYY-MM-DD."),
    mg_per_kg: float = typer.Option(0.5, "--mg-per-kg", help="Dose in mg/kg.", parser=finite),
    infusions: int = typer.Option(6, "--infusions", help="Induction infusions."),
    per_week: int = typer.Option(2, "--per-week", help="Induction infusions a week: 2 or 3."),
    maintenance: str = typer.Option("none", "--maintenance", help="none, weekly, every-2-weeks, monthly, taper."),
    maintenance_sessions: int = typer.Option(0, "--maintenance-sessions", help="Number of maintenance infusions."),
    weight_kg: float | None = typer.Option(
        None, "--weight-kg", help="Weight in kg: adds the dose in mg.", parser=finite
    ),
    weight_basis: str = typer.Option("actual", "--weight-basis", help="actual, ideal or adjusted."),
    height_cm: float | None = typer.Option(
        None, "--height-cm", help="Height in cm (ideal/adjusted basis).", parser=finite
    ),
    sex: str | None = typer.Option(None, "--sex", help="female or male (ideal/adjusted basis)."),
    min_gap_days: int = typer.Option(2, "--min-gap-days", help="Minimum days between sessions."),
    closed: str = typer.Option("sat,sun", "--closed", help="Closed weekdays, e.g. sat,sun or none."),
    closed_dates: str = typer.Option("", "--closed-dates", help="Closed dates, comma-separated YYYY-MM-DD."),
    reassess_every_weeks: int = typer.Option(12, "--reassess-every-weeks", help="Reassessment interval in weeks."),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Plan an IV racemic ketamine course: induction, optional maintenance, review and reassessments."""
    from ketamine_trd.clinical.courses import IvCourseRequest, plan_course

    request = IvCourseRequest(start=_date(start, "start"), mg_per_kg=mg_per_kg, infusions=infusions, per_week=per_week,
                              maintenance=maintenance, maintenance_sessions=maintenance_sessions, weight_kg=weight_kg,
                              weight_basis=weight_basis, height_cm=height_cm, sex=sex, min_gap_days=min_gap_days,
                              closed=_closed(closed, closed_dates),
                              reassess_every_weeks=reassess_every_weeks)  # fmt: skip
    emit(plan_course(request).to_dict(), as_json, _render_course)


@course_app.command("esketamine")
def course_esketamine(
    start: str = typer.Option(..., "--start", help="Day 1, YYYY-MM-DD."),
    indication: str = typer.Option("trd", "--indication", help="trd or suicidality."),
    profile: str | None = typer.Option(None, "--label-profile", help="us-label (default) or eu-age65."),
    dose_mg: int | None = typer.Option(None, "--dose-mg", help="Dose after session 1 (56 or 84; eu-age65 also 28)."),
    from_week9: str = typer.Option("every-2-weeks", "--from-week9", help="weekly or every-2-weeks."),
    weeks: int = typer.Option(16, "--weeks", help="Weeks to plan (TRD)."),
    oral_antidepressant: str | None = typer.Option(
        None, "--oral-antidepressant", help="Given with it; omit for monotherapy."
    ),
    min_gap_days: int = typer.Option(2, "--min-gap-days", help="Minimum days between sessions."),
    closed: str = typer.Option("sat,sun", "--closed", help="Closed weekdays, e.g. sat,sun or none."),
    closed_dates: str = typer.Option("", "--closed-dates", help="Closed dates, comma-separated YYYY-MM-DD."),
    reassess_every_weeks: int = typer.Option(12, "--reassess-every-weeks", help="Reassessment interval in weeks."),
    old_profile: str | None = typer.Option(None, "--profile", hidden=True, help=OLD_PROFILE_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """Plan an esketamine nasal spray course by the label phases, with review and reassessment dates."""
    from ketamine_trd.clinical.courses import EsketamineCourseRequest, plan_course

    profile = _renamed_profile(old_profile, profile, "--label-profile")
    request = EsketamineCourseRequest(start=_date(start, "start"), indication=indication, profile=profile,
                                      dose_mg=dose_mg, from_week9=from_week9, total_weeks=weeks,
                                      oral_antidepressant=oral_antidepressant, min_gap_days=min_gap_days,
                                      closed=_closed(closed, closed_dates),
                                      reassess_every_weeks=reassess_every_weeks)  # fmt: skip
    emit(plan_course(request).to_dict(), as_json, _render_course)


def profiles_data() -> list[dict[str, Any]]:
    """Every named profile of the clinical core, with its version, source and what it sets."""
    from ketamine_trd.clinical.dosing import (
        DEFAULT_ESKETAMINE_PROFILE,
        DEFAULT_IV_PROFILE,
        ESKETAMINE_PROFILES,
        IV_PROFILES,
        IvDoseProfile,
    )
    from ketamine_trd.clinical.eligibility_profiles import BP_PROFILES, DEFAULT_BP_PROFILE

    tables: tuple[tuple[str, Mapping[str, Any], str], ...] = (
        ("trd", TRD_PROFILES, DEFAULT_TRD_PROFILE),
        ("blood-pressure", BP_PROFILES, DEFAULT_BP_PROFILE),
        ("esketamine-dose", ESKETAMINE_PROFILES, DEFAULT_ESKETAMINE_PROFILE),
        ("iv-dose", IV_PROFILES, DEFAULT_IV_PROFILE),
    )
    return [
        {
            "kind": kind,
            "name": p.name,
            "version": p.version,
            "default": p.name == default,
            "source": p.source,
            # an IV dose profile has no description field: it describes its range, cap and minutes
            "description": p.describe() if isinstance(p, IvDoseProfile) else p.description,
        }
        for kind, table, default in tables
        for p in table.values()
    ]


def _render_profiles(rows: list[dict[str, Any]]) -> None:
    from rich.table import Table

    table = Table("kind", "name", "version", "default", "source", "description")
    for r in rows:
        table.add_row(r["kind"], r["name"], r["version"], "yes" if r["default"] else "", r["source"], r["description"])
    console.print(table)


def profiles_command(as_json: bool = typer.Option(False, "--json", help=JSON_HELP)) -> None:
    """List the named, versioned profiles of the clinical core (TRD, blood pressure, dosing)."""
    emit(profiles_data(), as_json, _render_profiles)


def _route_course_command(product: Product) -> Any:
    def command(
        start: str = typer.Option(..., "--start", help="First dose, YYYY-MM-DD."),
        dose_mg: float | None = typer.Option(None, "--dose-mg", help="Dose in mg.", parser=finite),
        mg_per_kg: float | None = typer.Option(
            None, "--mg-per-kg", help="Dose in mg/kg (needs --weight-kg).", parser=finite
        ),
        weight_kg: float | None = typer.Option(None, "--weight-kg", help="Body weight in kg.", parser=finite),
        sessions: int = typer.Option(6, "--sessions", help="Number of doses."),
        every_days: int = typer.Option(3, "--every-days", help="Days between doses (platform-defined)."),
        min_gap_days: int = typer.Option(1, "--min-gap-days", help="Minimum days between sessions."),
        closed: str = typer.Option("sat,sun", "--closed", help="Closed weekdays, e.g. sat,sun or none."),
        closed_dates: str = typer.Option("", "--closed-dates", help="Closed dates, comma-separated YYYY-MM-DD."),
        as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
    ) -> None:
        from ketamine_trd.clinical.courses import RouteCourseRequest, plan_course

        request = RouteCourseRequest(
            product=product, start=_date(start, "start"), dose_mg=dose_mg, mg_per_kg=mg_per_kg, weight_kg=weight_kg,
            sessions=sessions, every_days=every_days, min_gap_days=min_gap_days, closed=_closed(closed, closed_dates),
        )  # fmt: skip
        emit(plan_course(request).to_dict(), as_json, _render_course)

    command.__doc__ = f"Plan a series of racemic ketamine {product.route} doses (schedule platform-defined)."
    return command


for _product in RACEMIC_NON_IV:
    course_app.command(_product.value)(_route_course_command(_product))


def register(app: typer.Typer) -> None:
    """Add this area's commands to the ``ktrd`` application."""
    app.command("trd")(trd_command)
    app.command("screen")(screen_command)
    app.command("profiles")(profiles_command)
    app.add_typer(dose_app, name="dose")
    app.add_typer(course_app, name="course")
