"""``ktrd`` commands of the interop area: ``ktrd fhir export`` and ``ktrd fhir import``.

Both work on the clinic database the way ``ktrd serve`` does (same settings, data folder and
migrations); they act as the system (audited with no user) in one clinic, chosen with ``--clinic``
(optional when the database holds one clinic).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

import typer

from ketamine_trd.commands._output import console, emit
from ketamine_trd.errors import DependencyMissing, InputError, NotFoundError

fhir_app = typer.Typer(
    help="FHIR R4 export and import (patients, scores, doses, sessions, adverse events).", no_args_is_help=True
)

DATA_DIR = typer.Option(None, "--data-dir", envvar="KTRD_DATA_DIR", help="Data folder (as for ktrd serve).")
CLINIC = typer.Option(None, "--clinic", help="Clinic slug (optional when there is one clinic).")
JSON = typer.Option(False, "--json", help="Print JSON.")


def _setup(data_dir: Path | None) -> None:
    """Set up Django as ``ktrd serve`` does (settings, data folder, migrations), unless already set up."""
    try:
        from django.conf import settings
    except ImportError:  # pragma: no cover - the clinic extra is missing
        raise DependencyMissing("django", "clinic") from None
    if not settings.configured:
        from ketamine_trd.clinic import runner

        runner.prepare(data_dir, demo=False, static=False)


def _clinic(slug: str | None) -> Any:
    from ketamine_trd.clinic.accounts.models import Clinic

    if slug:
        clinic = Clinic.objects.filter(slug=slug).first()
        if clinic is None:
            raise NotFoundError(f"no clinic with slug {slug!r}")
        return clinic
    clinics = list(Clinic.objects.order_by("slug")[:2])
    if len(clinics) != 1:
        found = ", ".join(Clinic.objects.order_by("slug").values_list("slug", flat=True)) or "none"
        raise InputError("--clinic", "", f"a clinic slug (clinics here: {found})", reason="is required")
    return clinics[0]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@fhir_app.command("export")
def export_command(
    out: Annotated[Path, typer.Option("--out", help="Bundle file to write (JSON).")],
    patient: Annotated[str | None, typer.Option("--patient", help="MRN of the patient to export.")] = None,
    everyone: Annotated[bool, typer.Option("--all", help="Export every patient of the clinic.")] = False,
    clinic: str | None = CLINIC,
    data_dir: Path | None = DATA_DIR,
    as_json: bool = JSON,
) -> None:
    """Write a FHIR R4 Bundle (validated) of one patient (--patient MRN) or of the whole clinic (--all)."""
    if bool(patient) == everyone:
        raise InputError("--patient/--all", patient or "", "exactly one of --patient MRN or --all")
    _setup(data_dir)
    from ketamine_trd.clinic import fhir_bridge

    where = _clinic(clinic)
    if everyone:
        bundle = fhir_bridge.export_clinic(None, now=_now(), clinic=where)
    else:
        bundle = fhir_bridge.export_patient(None, str(patient), now=_now(), clinic=where)
    from ketamine_trd.clinic.audit.backup import create_private

    try:
        Path(out).unlink(missing_ok=True)
        create_private(Path(out))  # 0600: a bundle holds names, birth dates and clinical records
        Path(out).write_text(json.dumps(bundle, indent=2, ensure_ascii=False), encoding="utf-8")
    except OSError as error:
        raise InputError("--out", str(out), "a file this user can write", reason=str(error)) from None
    counts: dict[str, int] = {}
    for entry in bundle.get("entry", []):
        kind = entry["resource"]["resourceType"]
        counts[kind] = counts.get(kind, 0) + 1
    data = {"path": str(out), "clinic": where.slug, "entries": len(bundle.get("entry", [])), "resources": counts}
    emit(data, as_json, lambda d: console.print(f"wrote {d['entries']} resources to {d['path']}: {d['resources']}"))


def _render_report(data: dict[str, Any]) -> None:
    counts = data["counts"]
    head = "dry run (nothing kept): " if data["dry_run"] else ""
    console.print(
        f"{head}created {counts['created']}, updated {counts['updated']}, unchanged {counts['unchanged']}, "
        f"rejected {counts['rejected']}, skipped {counts['skipped']}"
    )
    for entry in data["entries"]:
        if entry["outcome"] == "rejected":
            console.print(
                f"  rejected entry {entry['index']} ({entry['resource_type']}): {'; '.join(entry['reasons'])}"
            )


@fhir_app.command("import")
def import_command(
    bundle_file: Annotated[Path, typer.Argument(help="FHIR R4 Bundle (JSON) to import.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check everything, keep nothing.")] = False,
    clinic: str | None = CLINIC,
    mrn_system: Annotated[
        str | None, typer.Option("--mrn-system", help="Only this identifier system is an MRN.")
    ] = None,
    data_dir: Path | None = DATA_DIR,
    as_json: bool = JSON,
) -> None:
    """Import a Bundle's patients and assessments; print created, updated, unchanged, rejected and skipped."""
    from ketamine_trd.commands._files import read_json

    bundle = read_json(Path(bundle_file), "BUNDLE_FILE")
    _setup(data_dir)
    from ketamine_trd.clinic import fhir_bridge

    report = fhir_bridge.import_bundle(
        None, bundle, now=_now(), clinic=_clinic(clinic), dry_run=dry_run, mrn_system=mrn_system
    )
    emit(report.to_dict(), as_json, _render_report)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the ``ktrd`` application."""
    app.add_typer(fhir_app, name="fhir")
