"""Site settings versions, the version each judged record was judged under, consent documents and acceptances.

Nothing here is ever updated in place: a settings change is a new ``SiteSettingsVersion`` (numbered per clinic), a
new consent text is a new ``ConsentDocument`` version; acceptances and overrides are appended.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

USER = settings.AUTH_USER_MODEL


class SiteSettingsVersion(models.Model):
    """One version of a clinic's settings: the values (``SiteSettingsInput.stored()``), who saved it, and why."""

    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="settings_versions")
    number = models.PositiveIntegerField()
    values = models.JSONField()
    shipped_default = models.BooleanField(default=False)  # the version seeded from the core's defaults
    reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ("clinic", "-number")
        constraints = [models.UniqueConstraint(fields=("clinic", "number"), name="site_settings_one_number")]

    def __str__(self) -> str:
        return f"settings v{self.number}"


class JudgedUnder(models.Model):
    """The settings version a session's dose was judged under (one row per judgement, kept for ever)."""

    session = models.ForeignKey("records.Session", on_delete=models.PROTECT, related_name="+")
    settings_version = models.ForeignKey(SiteSettingsVersion, on_delete=models.PROTECT, related_name="judged")
    what = models.CharField(max_length=40)  # "dose"
    judged_at = models.DateTimeField()

    class Meta:
        ordering = ("-judged_at",)


class ConsentDocument(models.Model):
    """One version of the clinic's consent text for one product."""

    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="consent_documents")
    product = models.CharField(max_length=30)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField()
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ("product", "-version")
        constraints = [
            models.UniqueConstraint(fields=("clinic", "product", "version"), name="consent_one_version"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


class ConsentAcceptance(models.Model):
    """The patient's acceptance of a document version: typed name, time, and the staff member who witnessed it."""

    patient = models.ForeignKey("records.Patient", on_delete=models.PROTECT, related_name="consents")
    document = models.ForeignKey(ConsentDocument, on_delete=models.PROTECT, related_name="acceptances")
    typed_name = models.CharField(max_length=200)
    accepted_at = models.DateTimeField()
    witness = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ("-accepted_at",)


class ConsentOverride(models.Model):
    """A prescriber's written reason to start a course without a current consent."""

    course = models.ForeignKey("records.Course", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ("-at",)
