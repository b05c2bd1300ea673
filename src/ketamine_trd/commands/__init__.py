"""The ``ktrd`` command groups, one module per area; ``ketamine_trd.cli`` loads each when its command runs.

Each module exposes ``register(app: typer.Typer) -> None``. Commands are thin shells: parse
options, call one function of the core or a service, print the result with
:func:`ketamine_trd.commands._output.emit`.

:data:`INDEX` names every top-level command, the module that registers it and the help line that
``ktrd --help`` shows, in the order shown, so that listing the commands imports none of them
(``tests/test_cli_startup.py`` checks that it matches what the modules register). A new command,
or a new command group in a module of its own, is one entry here plus its ``register``.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["INDEX", "MODULES", "Entry", "module_of"]


class Entry(NamedTuple):
    """One top-level command: its name, the module under ``ketamine_trd.commands``, its help line."""

    name: str
    module: str
    help: str


INDEX: tuple[Entry, ...] = (
    Entry(
        "trd",
        "clinical",
        "Judge each antidepressant trial and give the TRD verdict, Maudsley score and Thase-Rush stage.",
    ),
    Entry(
        "screen",
        "clinical",
        "Screen a medical profile for contraindications and cautions for one product and route.",
    ),
    Entry(
        "profiles",
        "clinical",
        "List the named, versioned profiles of the clinical core (TRD, blood pressure, dosing).",
    ),
    Entry("score", "measurement", "Score one rating instrument."),
    Entry(
        "instruments",
        "measurement",
        "List the instrument definitions (item ids, allowed values, bands, codes; never licensed item text).",
    ),
    Entry(
        "outcomes",
        "measurement",
        "Evaluate response, remission, relapse and fading benefit over a patient's timeline.",
    ),
    Entry("safety", "measurement", "Long-term safety surveillance: exposure, screens due and signals."),
    Entry("synth", "analytics", "Write a synthetic registry (labelled synthetic) in the research-export format."),
    Entry(
        "evidence",
        "analytics",
        "The key trials, cohorts and meta-analyses, with sources and confidence tags; optional pooling.",
    ),
    Entry(
        "export",
        "analytics",
        "Export the clinic database as a de-identified research export (docs/research-export.md).",
    ),
    Entry(
        "serve",
        "clinic",
        "Apply migrations, collect static files and serve the clinic application with waitress.",
    ),
    Entry(
        "demo",
        "clinic",
        "Create the synthetic demo clinic (once per data folder), print the logins, and serve it.",
    ),
    Entry(
        "backup",
        "security",
        "Back up the clinic database (SQLite online backup, or pg_dump -Fc) with a SHA-256 checksum.",
    ),
    Entry(
        "restore",
        "security",
        "Restore a backup into a new database, verify it whole (schema, migrations, audit chain), then swap it in."
        "\n\nOn any failure the live database is left as it was.",
    ),
    Entry("dose", "clinical", "Doses: racemic ketamine IV and other routes, esketamine nasal spray."),
    Entry("course", "clinical", "Course plans: the calendar of sessions with review dates."),
    Entry(
        "simulate",
        "pharmacology",
        "Simulate plasma concentrations of the typical patient for one dose (PK models with their sources; "
        "decision support only, not a dosing instruction).",
    ),
    Entry("analyze", "analytics", "Research analyses of a registry export."),
    Entry("fhir", "interop", "FHIR R4 export and import (patients, scores, doses, sessions, adverse events)."),
    Entry("audit", "security", "Check and export the audit trail."),
    Entry(
        "benefit",
        "benefit",
        "Benefit model: response, durability and relapse by schedule (model estimate, calibrated to published "
        "group results; not a dosing instruction).",
    ),
)
"""Every top-level command in the order of ``ktrd --help``: single commands first, then groups."""

MODULES: tuple[str, ...] = (
    "clinical",
    "measurement",
    "pharmacology",
    "analytics",
    "clinic",
    "interop",
    "security",
    "benefit",
)
"""The command modules, in the order their commands were registered (the order of :data:`INDEX`)."""


def module_of(name: str) -> str | None:
    """The module that registers the top-level command ``name``, or None.

    >>> module_of("score"), module_of("no-such-command")
    ('measurement', None)
    """
    for entry in INDEX:
        if entry.name == name:
            return entry.module
    return None
