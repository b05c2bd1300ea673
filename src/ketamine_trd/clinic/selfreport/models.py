"""Records of patient self-report: a clinic's settings, the links (tablet unlocks) it issues, what patients sent.

A link's token is never stored: only its SHA-256 (``token_hash``), see ``docs/adr/0016-self-report-tokens.md``.
``PatientReport`` marks an ``measurement.Assessment`` as patient-reported, with the channel; the unique
constraint on (link, instrument) is the database-level guard that only one submission of a link is kept.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Channel(models.TextChoices):
    LINK = "link", "Link sent to the patient"
    TABLET = "tablet", "Waiting-room tablet"


class SelfReportSettings(models.Model):
    """Per-clinic words and rules of self-report (defaults apply while a clinic has none)."""

    clinic = models.OneToOneField("accounts.Clinic", on_delete=models.CASCADE, related_name="self_report_settings")
    review_text = models.TextField(help_text="when the clinic will see the answers")
    link_hours = models.PositiveIntegerField(default=72, help_text="how long a link stays valid (site decision)")
    licensed_texts = models.JSONField(
        default=dict,
        blank=True,
        help_text="instrument id -> {title, stem, items, options, licence}: licensed text",
    )


class ReportLinkQuerySet(models.QuerySet["ReportLink"]):
    def for_clinic(self, clinic_id: int) -> ReportLinkQuerySet:
        return self.filter(patient__clinic_id=clinic_id)

    def pending(self, now: object) -> ReportLinkQuerySet:
        return self.filter(used_at__isnull=True, revoked_at__isnull=True, locked_at__isnull=True, expires_at__gt=now)


class ReportLink(models.Model):
    """One questionnaire request: bound to one patient and one instrument set, single use, expiring."""

    patient = models.ForeignKey("records.Patient", on_delete=models.PROTECT, related_name="report_links")
    course = models.ForeignKey("records.Course", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True, help_text="sha256 hex of the token; never the token")
    instrument_ids = models.JSONField(help_text="the questionnaire set, in order")
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.LINK)
    reason = models.CharField(max_length=80, blank=True, help_text="'staff', or the schedule rule that sent it")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    sent_to = models.EmailField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    failed_checks = models.PositiveSmallIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True, help_text="too many wrong dates of birth")
    verified_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    safety_positive = models.BooleanField(default=False)

    objects = ReportLinkQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["patient", "created_at"], name="selfrep_link_patient_at")]

    def __str__(self) -> str:
        return f"report link {self.pk} for patient {self.patient_id}"


class PatientReport(models.Model):
    """An assessment the patient entered, and through which channel."""

    link = models.ForeignKey(ReportLink, on_delete=models.PROTECT, related_name="reports")
    assessment = models.OneToOneField("measurement.Assessment", on_delete=models.PROTECT, related_name="patient_report")
    instrument_id = models.CharField(max_length=40)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    submitted_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["link", "instrument_id"], name="selfrep_one_report_per_link_instrument")
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id} by patient via {self.channel}"
