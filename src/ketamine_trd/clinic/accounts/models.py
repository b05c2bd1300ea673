"""A clinic and its users; a user has exactly one role."""

from __future__ import annotations

import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models


def validate_time_zone(value: str) -> None:
    """Refuse a time-zone name that the IANA database does not know."""
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"time_zone: {value!r} is not an IANA time-zone name (for example Europe/London)")


class Clinic(models.Model):
    """A treatment site. Patients, users and REMS records belong to one clinic."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    rems_setting_id = models.CharField(
        "REMS healthcare setting id",
        max_length=64,
        blank=True,
        help_text="The setting's SPRAVATO REMS certification id",
    )
    address = models.CharField(max_length=300, blank=True, help_text="shown on the REMS Patient Monitoring Form")
    phone = models.CharField(max_length=40, blank=True)
    monitoring_profile = models.CharField(max_length=80, blank=True, help_text="Monitoring profile id (empty: default)")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The clinic's time zone (UTC when it names none or a zone this machine does not know)."""
        try:
            return zoneinfo.ZoneInfo(self.time_zone or "UTC")
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")


class Role(models.TextChoices):
    PRESCRIBER = "prescriber", "Prescriber"
    NURSE = "nurse", "Nurse"
    FRONT_DESK = "front_desk", "Front desk"
    RESEARCHER = "researcher", "Researcher (de-identified, read-only)"
    ADMIN = "admin", "Administrator"


class User(AbstractUser):
    """A person who signs in. ``role`` decides what they may do (see ``clinic.access``)."""

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.FRONT_DESK)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, null=True, blank=True, related_name="users")
    phone = models.CharField(max_length=40, blank=True, help_text="work phone (the REMS form's monitoring provider)")

    def __str__(self) -> str:
        full = self.get_full_name()
        return f"{full} ({self.get_role_display()})" if full else self.username
