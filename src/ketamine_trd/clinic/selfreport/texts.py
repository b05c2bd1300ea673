"""A clinic's self-report words (when answers are seen; the crisis text is the site settings' one) and which
instruments it may send patients."""

from __future__ import annotations

from typing import Any

from ketamine_trd.clinic.selfreport.models import SelfReportSettings
from ketamine_trd.clinical import self_report

#: the demo clinic's crisis text (US): the 988 Suicide & Crisis Lifeline (set in its site settings, clinic.site.demo)
US_988_CRISIS_TEXT = (
    "If you are thinking about harming yourself, call or text 988 (the 988 Suicide & Crisis Lifeline, "
    "available 24 hours a day in the United States), or chat at 988lifeline.org. If you are in immediate "
    "danger, call 911 or go to the nearest emergency department."
)
DEFAULT_REVIEW_TEXT = "The clinic reads your answers during its opening hours. This form is not monitored in real time."
DEFAULT_LINK_HOURS = 72  # site decision (issue 13)


def settings_for(clinic_id: int) -> SelfReportSettings:
    """The clinic's settings row, or an unsaved one with the defaults."""
    found = SelfReportSettings.objects.filter(clinic_id=clinic_id).first()
    return found or SelfReportSettings(
        clinic_id=clinic_id,
        review_text=DEFAULT_REVIEW_TEXT,
        link_hours=DEFAULT_LINK_HOURS,
        licensed_texts={},
    )


def crisis_text_for(clinic_id: int) -> str:
    """The clinic's crisis text: one setting for the whole clinic (site settings in force, ``clinic.site``), the
    same words on the discharge instructions and on a patient's answered questionnaire (never "you are fine")."""
    from ketamine_trd.clinic.site.settings_service import current_input

    return str(current_input(clinic_id).crisis_text)


def licensed(settings: SelfReportSettings) -> dict[str, self_report.PatientText]:
    """The clinic's licensed instrument texts as core values (a malformed entry is left out, never shown half)."""
    out: dict[str, self_report.PatientText] = {}
    for instrument_id, raw in (settings.licensed_texts or {}).items():
        try:
            out[instrument_id] = self_report.PatientText(
                instrument_id=str(instrument_id),
                title=str(raw["title"]),
                stem=str(raw.get("stem", "")),
                items=tuple(str(t) for t in raw["items"]),
                options=tuple((int(v), str(t)) for v, t in raw["options"]),
                licence=str(raw.get("licence", "")),
            )
        except (KeyError, TypeError, ValueError):
            continue
    return out


def offered_ids(settings: SelfReportSettings, wanted: Any) -> tuple[str, ...]:
    return self_report.offered(tuple(wanted), licensed(settings))
