"""Rows of the research export, built from clinic records through the de-identification policy.

One :class:`RowBuilder` per export takes the prefetched courses of
:func:`ketamine_trd.clinic.research_export.build_export` one by one and appends rows to every
table of ``analytics.export_schema``. Rows are built from an allow-list of coded columns: names,
MRNs, dates of birth, contact details and free text (notes, AE details, end reasons written as
prose, lot numbers, staff names) are never read into a row. Every id goes through
:meth:`Deidentifier.research_id` and every date through the patient's shift.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ketamine_trd.analytics.export_schema import INSTRUMENTS, TABLES
from ketamine_trd.clinic.deidentify import Deidentifier, age_on, cap_age
from ketamine_trd.clinic.measurement.models import Assessment
from ketamine_trd.clinic.records.models import Course, IntakeResult, Phase, Session
from ketamine_trd.clinical import instruments, outcomes
from ketamine_trd.clinical.monitoring.observations import ADVERSE_EVENT_KINDS
from ketamine_trd.clinical.products import Product
from ketamine_trd.errors import InputError

__all__ = ["INSTRUMENT_IDS", "RowBuilder"]
#: clinic instrument id -> export instrument (only the schema's instruments are exported)
INSTRUMENT_IDS: dict[str, str] = {i.replace("_", "-"): i for i in INSTRUMENTS}
#: depression scales that may define a course's response, in order of preference on a tie (platform-defined)
PRIMARY_PREFERENCE = ("madrs", "hamd17", "qids-sr16", "phq9")
#: the schema's validator refuses assessments earlier than this before the course start
EARLIEST_BASELINE_DAYS = 365
CADSS_FULL = ("cadss-23", "cadss")
END_REASONS = dict.fromkeys(("completed", "no_response", "adverse_event", "patient_choice", "relapse", "other"))


def _local_date(moment: dt.datetime, tz: zoneinfo.ZoneInfo) -> dt.date:
    return moment.astimezone(tz).date()


def _primary_scale(assessments: list[Assessment]) -> str | None:
    counts = Counter(a.instrument_id for a in assessments if a.instrument_id in PRIMARY_PREFERENCE)
    if not counts:
        return None
    return max(PRIMARY_PREFERENCE, key=lambda i: (counts[i], -PRIMARY_PREFERENCE.index(i)))


def _intake_for(course: Course) -> IntakeResult | None:
    intakes: list[IntakeResult] = course.patient.export_intakes
    before = [i for i in intakes if i.created_at <= course.created_at]
    chosen = before or intakes
    return chosen[-1] if chosen else None


def _bmi(weight_kg: Decimal | None, height_cm: Decimal | None) -> float | None:
    if not weight_kg or not height_cm:
        return None
    return round(float(weight_kg) / (float(height_cm) / 100) ** 2, 1)


def _integer_total(total: Decimal | None) -> int | None:
    return None if total is None else int(total.quantize(Decimal(1), rounding=ROUND_HALF_UP))


class RowBuilder:
    """Accumulates the rows of every table; one instance per export."""

    def __init__(self, deid: Deidentifier, today: dt.date) -> None:
        self.deid, self.today = deid, today
        self.tables: dict[str, list[dict[str, Any]]] = {t.name: [] for t in TABLES}
        self.patients: set[int] = set()
        self.real_patients = 0
        self.omitted: Counter[str] = Counter()

    def course(self, course: Course) -> None:
        sessions: list[Session] = course.export_sessions
        scored: list[Assessment] = [a for a in course.export_assessments if a.total is not None]
        if course.phase == Phase.ENDED and not sessions:
            self.omitted["ended before any signed session"] += 1
            return
        reason, row = self._course_row(course, sessions, scored)
        if row is None:
            self.omitted[reason] += 1
            return
        self._patient(course)
        self.tables["courses"].append(row)
        self._sessions(course, sessions, row["course_id"])
        self._assessments(course, scored, row)
        self._events(course, sessions, scored, row)

    def _patient(self, course: Course) -> None:
        p = course.patient
        if p.pk in self.patients:
            return
        self.patients.add(p.pk)
        self.real_patients += not p.synthetic
        intake = _intake_for(course)
        ect = intake.input_data.get("ect_courses") if intake is not None else None
        self.tables["patients"].append(
            {
                "patient_id": self.deid.research_id("patient", p.pk),
                "sex": p.sex,
                "birth_year": self.deid.birth_year(p.pk, p.date_of_birth, self.today),
                "family_history_aud": None,  # not recorded by the clinic
                "prior_ect": None if ect is None else bool(ect),
                "synthetic": p.synthetic,
            }
        )

    def _course_row(
        self, course: Course, sessions: list[Session], scored: list[Assessment]
    ) -> tuple[str, dict[str, Any] | None]:
        p, deid = course.patient, self.deid
        scale = _primary_scale(scored)
        intake = _intake_for(course)
        bmi = _bmi(p.weight_kg, p.height_cm)
        age = age_on(p.date_of_birth, course.start_date)
        if intake is None:
            return "no TRD intake result", None
        if scale is None:
            return "no depression rating scale (madrs, hamd17, qids-sr16, phq9)", None
        if bmi is None or not 10 <= bmi <= 80:
            return "weight or height missing (or BMI outside 10-80)", None
        if age < 18:
            return "age under 18 at course start", None
        product = Product.parse(course.product)
        review = course.review_due_on
        maintenance = course.phase == Phase.MAINTENANCE or any(
            self._phase(course, s) == "maintenance" for s in sessions
        )
        end_reason = course.end_reason.strip().lower().replace(" ", "_")
        episode = intake.input_data.get("episode") or {}
        return "", {
            "course_id": deid.research_id("course", course.pk),
            "patient_id": deid.research_id("patient", p.pk),
            "product": "esketamine" if product.is_esketamine else "racemic_ketamine",
            "route": "intranasal" if product.route == "nasal" else product.route,
            "primary_scale": INSTRUMENT_IDS[scale],
            "start_date": deid.shift_date(p.pk, course.start_date),
            "induction_end_date": None if review is None else deid.shift_date(p.pk, review),
            "end_date": None if course.ended_on is None else deid.shift_date(p.pk, course.ended_on),
            "end_reason": end_reason if end_reason in END_REASONS else None,  # free text is never exported
            "age_years": cap_age(age),
            "bmi_kg_m2": bmi,
            "episode_duration_months": episode.get("duration_months"),
            "failed_adequate_trials": intake.result_data.get("failed_adequate_trials"),
            "maudsley_score": (intake.result_data.get("maudsley") or {}).get("score"),
            "maintenance": maintenance,
            "synthetic": p.synthetic,
        }

    def _tz(self, course: Course) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(course.patient.clinic.time_zone or "UTC")

    def _session_date(self, course: Course, s: Session) -> dt.date:
        return _local_date(s.dosed_at or s.scheduled_at, self._tz(course))

    def _phase(self, course: Course, s: Session) -> str:
        """The phase the dose was given in (stored on the session when it was charted).

        A session without one (never dosed) falls back to the calendar: induction up to the end-of-induction
        review day, maintenance after (platform-defined). The course's current phase is never used.
        """
        if s.phase in ("induction", "maintenance"):
            return s.phase
        review = course.review_due_on
        return "maintenance" if review is not None and self._session_date(course, s) > review else "induction"

    def _sessions(self, course: Course, sessions: list[Session], course_id: str) -> None:
        deid, pk, tz = self.deid, course.patient.pk, self._tz(course)
        for number, s in enumerate(sessions, start=1):
            session_id = deid.research_id("session", s.pk)
            cadss = [r.value for r in s.export_ratings if r.instrument_id in CADSS_FULL]
            self.tables["sessions"].append(
                {
                    "session_id": session_id,
                    "course_id": course_id,
                    "session_number": number,
                    "session_date": deid.shift_date(pk, self._session_date(course, s)),
                    "phase": self._phase(course, s),
                    "cadss_total": max(cadss) if cadss else None,  # the peak rating of the session
                    "synthetic": course.patient.synthetic,
                }
            )
            if s.dose_mg is not None and s.dosed_at is not None:
                self.tables["doses"].append(
                    {
                        "dose_id": deid.research_id("dose", s.pk),
                        "session_id": session_id,
                        "dose_mg": float(s.dose_mg),
                        "dose_mg_per_kg": None if s.mg_per_kg is None else float(s.mg_per_kg),
                        "administered_at": deid.shift_datetime(pk, s.dosed_at),
                        "synthetic": course.patient.synthetic,
                    }
                )
            for ae in s.export_aes:
                if not ae.severity:
                    self.omitted["adverse event without a severity"] += 1
                    continue
                self.tables["adverse_events"].append(
                    {
                        "ae_id": deid.research_id("adverse_event", ae.pk),
                        "course_id": course_id,
                        "session_id": session_id,
                        "term": ae.kind if ae.kind in ADVERSE_EVENT_KINDS else "other",  # coded; details never
                        "severity": ae.severity,
                        "serious": ae.serious,
                        "onset_date": deid.shift_date(pk, _local_date(ae.noted_at, tz)),
                        "synthetic": course.patient.synthetic,
                    }
                )

    def _assessments(self, course: Course, scored: list[Assessment], course_row: dict[str, Any]) -> None:
        deid, pk, tz = self.deid, course.patient.pk, self._tz(course)
        for a in scored:
            day = _local_date(a.administered_at, tz)
            if (day - course.start_date).days < -EARLIEST_BASELINE_DAYS:
                self.omitted["assessment more than a year before its course"] += 1
                continue
            assessment_id = deid.research_id("assessment", a.pk)
            self.tables["assessments"].append(
                {
                    "assessment_id": assessment_id,
                    "course_id": course_row["course_id"],
                    "instrument": INSTRUMENT_IDS[a.instrument_id],
                    "assessment_date": deid.shift_date(pk, day),
                    "day": (day - course.start_date).days,
                    "total_score": _integer_total(a.total),
                    "synthetic": course.patient.synthetic,
                }
            )
            numbers = {item.id: n for n, item in enumerate(instruments.get(a.instrument_id).items, start=1)}
            for item_id, value in sorted(a.item_values.items(), key=lambda kv: numbers.get(kv[0], 0)):
                if item_id in numbers and isinstance(value, int) and not isinstance(value, bool):
                    self.tables["assessment_items"].append(
                        {
                            "assessment_id": assessment_id,
                            "item_number": numbers[item_id],
                            "item_score": value,
                            "synthetic": course.patient.synthetic,
                        }
                    )

    def _events(self, course: Course, sessions: list[Session], scored: list[Assessment], row: dict[str, Any]) -> None:
        scale = next(k for k, v in INSTRUMENT_IDS.items() if v == row["primary_scale"])
        tz, pk = self._tz(course), course.patient.pk
        totals = [
            outcomes.Assessment(_local_date(a.administered_at, tz), float(a.total), scale)
            for a in scored
            if a.instrument_id == scale and a.total is not None
        ]
        doses = [
            outcomes.DoseRecord(
                self._session_date(course, s),
                None if s.dose_mg is None else float(s.dose_mg),
                self._phase(course, s),
            )
            for s in sessions
        ]
        try:
            report = outcomes.evaluate_outcomes(totals, doses, scale)
        except InputError:
            self.omitted["outcome events not derivable for a course"] += 1
            return
        for e in report.events:
            if e.type not in ("response", "remission", "relapse", "loss_of_response"):
                continue
            self.tables["outcome_events"].append(
                {
                    "event_id": self.deid.research_id("event", f"{course.pk}:{e.type}:{e.date}:{e.rule}"),
                    "course_id": row["course_id"],
                    "event_type": e.type,
                    "event_date": self.deid.shift_date(pk, e.date),
                    "scale": row["primary_scale"],
                    "definition_id": f"{e.rule}@{report.profile}:{report.profile_version}",
                    "source_id": e.source,
                    "synthetic": course.patient.synthetic,
                }
            )
