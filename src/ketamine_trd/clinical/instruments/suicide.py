"""The C-SSRS screener: yes/no questions, no total, a triage level (none, low, moderate, high).

Triage from the Columbia clinical triage guideline (``cssrs-triage``): **high** for "yes" to
Q4 or Q5, or suicidal behaviour (Q6) within the past 3 months; **moderate** for "yes" to Q3,
or behaviour longer ago; **low** for "yes" to Q1 and/or Q2 only. Q3-Q5 are asked only when
Q2 is "yes". When Q6 is "yes" and the past-3-months sub-question was not recorded, the
platform treats the behaviour as recent (high) and says so: a conservative default, not a
published rule. Electronic use is licence-gated (``clario-cssrs``): no question text here.
"""

from __future__ import annotations

from ketamine_trd.clinical.alert_vocabulary import AlertKind, AlertLevel
from ketamine_trd.clinical.instruments._model import (
    Alert,
    Answers,
    Classification,
    Gate,
    Instrument,
    Item,
    Licence,
    Scoring,
)

__all__ = ["CSSRS_SCREENER", "cssrs_triage"]

_YES_NO = (0, 1)


def _alert(risk: str, why: str) -> Alert:
    level = AlertLevel.CRITICAL if risk == "high" else AlertLevel.WARNING
    action = (
        "immediate behavioural-health evaluation and safety precautions"
        if risk == "high"
        else "behavioural-health referral and safety planning"
    )
    message = f"C-SSRS screener triage: {risk} risk ({why}); {action}."
    return Alert(f"cssrs.{risk}_risk", level, message, "cssrs-triage", AlertKind.CSSRS_RISK)


def cssrs_triage(values: Answers) -> Classification:
    """The triage level from the screener's answers (1 = yes, 0 = no, None = not asked).

    >>> cssrs_triage({"q1": 1, "q2": 1, "q3": 0, "q4": 1, "q5": 0, "q6": 0}).risk
    'high'
    >>> cssrs_triage({"q1": 1, "q2": 0, "q6": 0}).risk
    'low'
    """
    yes = {k for k, v in values.items() if v == 1}
    notes: list[str] = []
    recent = values.get("q6_past_3_months")
    if "q6" in yes and recent is None:
        notes.append(
            "Q6 is yes but its past-3-months sub-question was not recorded: treated as recent (high risk); "
            "platform-defined conservative default."
        )
    if yes & {"q4", "q5"} or ("q6" in yes and recent != 0):
        why = "intent or plan in the past month" if yes & {"q4", "q5"} else "suicidal behaviour in the past 3 months"
        return Classification("high", (_alert("high", why),), notes=tuple(notes))
    if "q3" in yes or "q6" in yes:
        why = "method without intent" if "q3" in yes else "suicidal behaviour more than 3 months ago"
        return Classification("moderate", (_alert("moderate", why),), notes=tuple(notes))
    if yes & {"q1", "q2"}:
        return Classification("low", notes=("Discretionary behavioural-health referral (low risk).",))
    return Classification("none")


CSSRS_SCREENER = Instrument(
    id="cssrs-screener",
    name="C-SSRS Screener",
    version="screen version (past month / lifetime + past 3 months)",
    items=(
        Item("q1", "wish to be dead", _YES_NO, loinc=None),
        Item("q2", "non-specific active suicidal thoughts", _YES_NO),
        Item("q3", "thoughts with method, no intent or plan", _YES_NO),
        Item("q4", "intent to act, no specific plan", _YES_NO),
        Item("q5", "specific plan and intent", _YES_NO),
        Item("q6", "suicidal behaviour (lifetime)", _YES_NO),
        Item("q6_past_3_months", "suicidal behaviour within the past 3 months", _YES_NO, optional=True),
    ),
    scoring=Scoring("categorical", source="cssrs-triage"),
    gates=(
        Gate("q2", 1, ("q3", "q4", "q5"), source="cssrs-triage"),
        Gate("q6", 1, ("q6_past_3_months",), source="cssrs-triage", required=False),
    ),
    classifier=cssrs_triage,
    loinc={"risk_level": "93374-7"},
    cdisc_prefix="CSS09",
    licence=Licence(
        "licence-required",
        "RFMH; electronic implementations exclusively licensed (Clario): answers and risk level only",
        source="clario-cssrs",
    ),
    text_shareable=False,
    recall_period="ideation: past month; behaviour: lifetime and past 3 months",
    rater="clinician or trained staff",
    source="cssrs-triage",
)
