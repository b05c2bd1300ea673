"""Pure builders for the interop tests: records of one patient and the Bundle exported from them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ketamine_trd.clinical import instruments
from ketamine_trd.clinical.products import Product
from ketamine_trd.interop.fhir.bundle import export_bundle
from ketamine_trd.interop.records import (
    AdverseEventRecord,
    AssessmentRecord,
    CourseRecord,
    DoseRecord,
    PatientExport,
    PatientRecord,
    RatingRecord,
    SessionRecord,
    VitalsRecord,
)

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.UTC)


def assessment(
    record_id: str,
    instrument_id: str,
    answers: Any,
    *,
    at: dt.datetime = T0,
    session: str | None = None,
    mrn: str = "MRN1",
) -> AssessmentRecord:
    result = instruments.score(instrument_id, answers)
    return AssessmentRecord(
        record_id, mrn, instrument_id, result.version, at, dict(result.item_values), total=result.total,
        severity=result.severity or "", risk=result.risk or "", prorated=result.prorated, session_id=session,
    )  # fmt: skip


def patient_export(product: Product = Product.KETAMINE_IV) -> PatientExport:
    """One patient with a course, a dosed session (vitals, an adverse event) and five assessments."""
    iv = product is Product.KETAMINE_IV
    dose = DoseRecord(
        product, Decimal("35") if iv else Decimal("56"), T0, T0 + dt.timedelta(minutes=40) if iv else None,
        Decimal("0.5") if iv else None, "LOT-7781", None if iv else 2, Decimal("52.5") if iv else None,
    )  # fmt: skip
    vitals = (
        VitalsRecord("11", T0 - dt.timedelta(minutes=5), "predose", 128, 82, 71, 98, 14),
        VitalsRecord("12", T0 + dt.timedelta(minutes=40), "post-40", 151, 90, 80, 97, None),
    )
    ratings = (
        RatingRecord("21", "moaas", 4, T0 + dt.timedelta(minutes=30)),
        RatingRecord("22", "cadss6", 5, T0 + dt.timedelta(minutes=40)),
    )
    session = SessionRecord("3", "2", T0, "signed", dose, vitals, T0 + dt.timedelta(hours=2), ratings)
    return PatientExport(
        PatientRecord("1", "MRN1", "Ada", "Lee", dt.date(1980, 1, 2), "female"),
        (CourseRecord("2", product, "induction", T0.date()),),
        (session,),
        (
            assessment("5", "phq9", [1, 2, 1, 0, 1, 1, 1, 1, 0], session="3"),
            assessment("6", "gad7", [2, 2, 1, 1, 0, 0, 1]),
            assessment("7", "madrs", [3, 2, 2, 2, 1, 1, 2, 2, 1, 0]),
            assessment("8", "cssrs-screener", [1, 0, 0]),
            assessment("9", "cadss", [1] * 23, session="3"),
        ),
        (AdverseEventRecord("4", "3", "nausea", T0 + dt.timedelta(minutes=30), "mild", False, None),),
    )


def bundle(product: Product = Product.KETAMINE_IV) -> dict[str, Any]:
    return export_bundle([patient_export(product)], system="harbour", now=NOW)


def resources(b: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in b["entry"] if e["resource"]["resourceType"] == kind]


def codes(resource: dict[str, Any]) -> set[str]:
    return {c["code"] for c in resource.get("code", {}).get("coding", [])}
