"""``ktrd fhir export`` and ``ktrd fhir import``: files, summaries, JSON contract, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ketamine_trd.cli import main
from ketamine_trd.clinic.measurement.models import Assessment
from ketamine_trd.interop.fhir.validate import validate_bundle
from tests.interop.conftest import Clinics

pytestmark = pytest.mark.django_db


def test_export_one_patient_then_import_into_another_clinic(
    clinics: Clinics, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "mrn7.json"
    assert main(["fhir", "export", "--patient", "MRN-7", "--clinic", "harbour", "--out", str(out), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["resources"]["Patient"] == 1 and summary["path"] == str(out)
    validate_bundle(json.loads(out.read_text()))

    assert main(["fhir", "import", str(out), "--clinic", "empty", "--dry-run"]) == 0
    assert "dry run (nothing kept): created 5" in capsys.readouterr().out
    assert not Assessment.objects.filter(patient__clinic=clinics.empty).exists()

    assert main(["fhir", "import", str(out), "--clinic", "empty", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["counts"]["created"] == 5 and report["counts"]["rejected"] == 0
    assert main(["fhir", "import", str(out), "--clinic", "empty", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["counts"]["unchanged"] == 5


def test_export_all(clinics: Clinics, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "all.json"
    assert main(["fhir", "export", "--all", "--clinic", "harbour", "--out", str(out)]) == 0
    assert "resources to" in capsys.readouterr().out
    assert json.loads(out.read_text())["type"] == "collection"


def test_rejections_are_listed(clinics: Clinics, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "b.json"
    main(["fhir", "export", "--patient", "MRN-7", "--clinic", "harbour", "--out", str(out)])
    bundle = json.loads(out.read_text())
    bundle["entry"] = bundle["entry"][1:]  # drop the Patient
    out.write_text(json.dumps(bundle))
    capsys.readouterr()
    assert main(["fhir", "import", str(out), "--clinic", "empty"]) == 0
    text = capsys.readouterr().out
    assert "rejected 4" in text and "unknown patient" in text


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["fhir", "export", "--out", "x.json", "--clinic", "harbour"], 2, "--patient/--all"),
        (["fhir", "export", "--all", "--patient", "MRN-7", "--out", "x.json"], 2, "--patient/--all"),
        (["fhir", "export", "--patient", "NOPE", "--clinic", "harbour", "--out", "x.json"], 3, "no patient"),
        (["fhir", "export", "--all", "--out", "x.json"], 2, "--clinic"),
        (["fhir", "export", "--all", "--clinic", "nowhere", "--out", "x.json"], 3, "no clinic"),
    ],
)
def test_errors_are_one_line_with_exit_codes(
    clinics: Clinics, argv: list[str], code: int, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == code
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_import_of_a_file_that_is_not_json_is_exit_2(
    clinics: Clinics, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert main(["fhir", "import", str(bad), "--clinic", "empty"]) == 2
    assert "is not valid JSON" in capsys.readouterr().err
    bad.write_text(json.dumps({"resourceType": "Observation"}))
    assert main(["fhir", "import", str(bad), "--clinic", "empty"]) == 2
