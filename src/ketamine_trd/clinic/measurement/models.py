"""Records of measurement-based care: completed assessments and the alerts someone must acknowledge.

Models are records with query helpers; the rules (scoring, bands, follow-ups, outcome events) live
in ``ketamine_trd.clinical`` and are applied by ``services.py``.
"""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.db import models

from ketamine_trd.clinical.alert_vocabulary import AlertKind, AlertLevel


class Assessment(models.Model):
    """One completed instrument: item values as entered, the engine's total and band."""

    patient = models.ForeignKey("records.Patient", on_delete=models.PROTECT, related_name="assessments")
    course = models.ForeignKey(
        "records.Course", on_delete=models.PROTECT, null=True, blank=True, related_name="assessments"
    )
    session = models.ForeignKey(
        "records.Session", on_delete=models.PROTECT, null=True, blank=True, related_name="assessments"
    )
    instrument_id = models.CharField(max_length=40)
    instrument_version = models.CharField(max_length=100)
    item_values = models.JSONField(default=dict, help_text="item id -> value as entered (null when not answered)")
    total = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True, help_text="None: categorical")
    severity = models.CharField(max_length=60, blank=True)
    risk = models.CharField(max_length=30, blank=True, help_text="categorical result (C-SSRS screener risk)")
    prorated = models.BooleanField(default=False)
    administered_at = models.DateTimeField(help_text="UTC")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(help_text="UTC")

    class Meta:
        ordering = ("patient_id", "instrument_id", "administered_at")
        indexes = [
            models.Index(fields=["patient", "instrument_id", "administered_at"], name="meas_assess_pat_instr_at"),
            models.Index(fields=["administered_at"], name="meas_assess_at"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id} {self.total} at {self.administered_at:%Y-%m-%d}"


def _choices(enum: type[AlertKind] | type[AlertLevel]) -> list[tuple[str, str]]:
    return [(member.value, member.label) for member in enum]


def level_rank() -> models.Case:
    """The level's rank as a database expression (critical 3 ... info 0): the database orders by urgency."""
    return models.Case(
        *(models.When(level=level.value, then=models.Value(level.rank)) for level in AlertLevel),
        default=models.Value(-1),
        output_field=models.SmallIntegerField(),
    )


class AlertQuerySet(models.QuerySet["Alert"]):
    def open(self) -> AlertQuerySet:
        return cast(AlertQuerySet, self.filter(acknowledged_at__isnull=True))

    def for_clinic(self, clinic_id: int) -> AlertQuerySet:
        return cast(AlertQuerySet, self.filter(patient__clinic_id=clinic_id))

    def most_urgent_first(self) -> AlertQuerySet:
        """Ordered in the database: most urgent level first, then newest, then highest id (a total order)."""
        return cast(AlertQuerySet, self.alias(level_rank=level_rank()).order_by("-level_rank", "-raised_at", "-id"))


class Alert(models.Model):
    """Anything that needs a person; kept until someone acknowledges it (who and when are kept).

    ``kind`` and ``level`` take the core's one vocabulary (``clinical.alert_vocabulary``).
    """

    patient = models.ForeignKey("records.Patient", on_delete=models.PROTECT, related_name="alerts")
    course = models.ForeignKey("records.Course", on_delete=models.PROTECT, null=True, blank=True, related_name="alerts")
    session = models.ForeignKey(
        "records.Session", on_delete=models.PROTECT, null=True, blank=True, related_name="alerts"
    )
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, null=True, blank=True, related_name="alerts")
    kind = models.CharField(max_length=30, choices=_choices(AlertKind))
    level = models.CharField(max_length=10, choices=_choices(AlertLevel))
    rule = models.CharField(max_length=80, help_text="id (and version) of the rule that raised it")
    source = models.CharField(max_length=80, help_text="source id from ketamine_trd.clinical.sources")
    message = models.TextField()
    data = models.JSONField(default=dict, blank=True)
    object_key = models.CharField(
        max_length=120, help_text="what the alert is about (e.g. 'assessment:12'); with rule, makes raising idempotent"
    )
    platform_defined = models.BooleanField(default=False)
    raised_at = models.DateTimeField(help_text="UTC")
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledgement_note = models.TextField(blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ("-raised_at",)
        constraints = [
            models.UniqueConstraint(fields=["patient", "rule", "object_key"], name="meas_alert_once_per_rule_object"),
        ]
        indexes = [
            models.Index(fields=["acknowledged_at", "raised_at"], name="meas_alert_open"),
            models.Index(fields=["acknowledged_at", "level", "raised_at"], name="meas_alert_open_level"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.level}) for patient {self.patient_id}"
