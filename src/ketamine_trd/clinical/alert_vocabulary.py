"""The one alert vocabulary: how urgent an alert is (:class:`AlertLevel`) and what it is about (:class:`AlertKind`).

Every layer uses these two enums: the rules of the core (instrument alert rules, live session monitoring,
surveillance), the database (the alert table's choices), the API, the pages and the FHIR export. A level or
kind is never guessed from a rule id or a message; each rule states its own.

Levels are ordered ``info`` < ``warning`` < ``high`` < ``critical``; lists of alerts show the highest first.

>>> AlertLevel.CRITICAL.rank > AlertLevel.HIGH.rank > AlertLevel.WARNING.rank > AlertLevel.INFO.rank
True
>>> AlertLevel.parse("critical").label
'Critical'
>>> AlertKind.SUICIDE_ITEM.label
'Suicide item answered'
"""

from __future__ import annotations

from enum import StrEnum

from ketamine_trd.errors import InputError

__all__ = ["AlertKind", "AlertLevel"]


class AlertLevel(StrEnum):
    """How urgently an alert needs a person: ``info`` < ``warning`` < ``high`` < ``critical``.

    ``critical``: a person must act now (a suicide-item answer, a high C-SSRS risk, SpO2 below the profile,
    loss of consciousness); acknowledging it needs a note saying what was done.
    """

    INFO = "info"
    WARNING = "warning"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """0 for info up to 3 for critical (higher is more urgent).

        >>> sorted(AlertLevel, key=lambda level: -level.rank)[0]
        <AlertLevel.CRITICAL: 'critical'>
        """
        return _ORDER.index(self)

    @property
    def label(self) -> str:
        """The word a clinician reads ("Information", "Warning", "High", "Critical")."""
        return _LEVEL_LABELS[self]

    @classmethod
    def parse(cls, value: object, field: str = "level") -> AlertLevel:
        """The level named ``value`` (one of the enum's values); anything else is an ``InputError`` naming ``field``.

        >>> AlertLevel.parse("warning")
        <AlertLevel.WARNING: 'warning'>
        >>> try:
        ...     AlertLevel.parse("urgent")
        ... except InputError as error:
        ...     print(error.field, "|", error.allowed)
        level | info, warning, high, critical
        """
        try:
            return cls(str(getattr(value, "value", value)))
        except ValueError:
            raise InputError(field, value, ", ".join(level.value for level in _ORDER)) from None

    @classmethod
    def descending(cls) -> tuple[AlertLevel, ...]:
        """The levels, most urgent first.

        >>> [level.value for level in AlertLevel.descending()]
        ['critical', 'high', 'warning', 'info']
        """
        return tuple(reversed(_ORDER))


_ORDER: tuple[AlertLevel, ...] = (AlertLevel.INFO, AlertLevel.WARNING, AlertLevel.HIGH, AlertLevel.CRITICAL)
_LEVEL_LABELS: dict[AlertLevel, str] = {
    AlertLevel.INFO: "Information",
    AlertLevel.WARNING: "Warning",
    AlertLevel.HIGH: "High",
    AlertLevel.CRITICAL: "Critical",
}


class AlertKind(StrEnum):
    """What an alert is about; each rule that raises an alert names its kind."""

    SUICIDE_ITEM = "suicide_item"
    CSSRS_RISK = "cssrs_risk"
    ASSESSMENT_DUE = "assessment_due"
    RELAPSE = "relapse"
    LOSS_OF_RESPONSE = "loss_of_response"
    FADING_BENEFIT = "fading_benefit"
    SAFETY_SIGNAL = "safety_signal"
    SCREEN_OVERDUE = "screen_due"  # stored value kept from when every due screen was an alert
    BLOOD_PRESSURE = "blood_pressure"
    MONITORING = "monitoring"
    REMS_DUE = "rems_due"
    OTHER = "other"

    @property
    def label(self) -> str:
        """The words a clinician reads for this kind."""
        return _KIND_LABELS[self]

    @classmethod
    def parse(cls, value: object, field: str = "kind") -> AlertKind:
        """The kind named ``value``; anything else is an ``InputError`` naming ``field``.

        >>> AlertKind.parse("relapse").label
        'Relapse'
        """
        try:
            return cls(str(getattr(value, "value", value)))
        except ValueError:
            raise InputError(field, value, ", ".join(kind.value for kind in cls)) from None


_KIND_LABELS: dict[AlertKind, str] = {
    AlertKind.SUICIDE_ITEM: "Suicide item answered",
    AlertKind.CSSRS_RISK: "C-SSRS risk",
    AlertKind.ASSESSMENT_DUE: "Assessment due",
    AlertKind.RELAPSE: "Relapse",
    AlertKind.LOSS_OF_RESPONSE: "Loss of response",
    AlertKind.FADING_BENEFIT: "Fading-benefit signal",
    AlertKind.SAFETY_SIGNAL: "Long-term safety signal",
    AlertKind.SCREEN_OVERDUE: "Screen overdue",
    AlertKind.BLOOD_PRESSURE: "Blood pressure",
    AlertKind.MONITORING: "Session monitoring",
    AlertKind.REMS_DUE: "REMS record due",
    AlertKind.OTHER: "Other",
}
