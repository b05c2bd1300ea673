"""Chairs and rooms, opening hours, closed days, bookings and the per-chair slots that make double booking impossible.

A booking holds whole slots (``clinical.chair_time.SLOT_MINUTES``) of one chair; :class:`ChairSlot` has a unique
constraint on (chair, slot start), so two bookings that overlap by even one slot cannot both be committed, on SQLite
and on PostgreSQL alike (docs/adr/0017-chair-booking.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

USER = settings.AUTH_USER_MODEL


class Chair(models.Model):
    """A treatment chair or room of one clinic."""

    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="chairs")
    name = models.CharField(max_length=40)
    kind = models.CharField(max_length=8, choices=[("chair", "Treatment chair"), ("room", "Treatment room")],
                            default="chair")  # fmt: skip
    active = models.BooleanField(default=True, help_text="an inactive chair takes no new bookings")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["clinic", "name"]
        constraints = [models.UniqueConstraint(fields=["clinic", "name"], name="scheduling_chair_name_per_clinic")]

    def __str__(self) -> str:
        return self.name


class OpeningHours(models.Model):
    """When the clinic doses on one weekday (0 = Monday); a weekday without a row is closed."""

    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField()
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["clinic", "weekday"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "weekday"], name="scheduling_hours_per_weekday"),
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="scheduling_hours_weekday_range"),
            models.CheckConstraint(condition=models.Q(closes__gt=models.F("opens")), name="scheduling_hours_order"),
        ]


class ClosedDay(models.Model):
    """A date on which the clinic does not dose (a holiday), with the reason shown on the calendar."""

    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="closed_days")
    day = models.DateField()
    reason = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["clinic", "day"]
        constraints = [models.UniqueConstraint(fields=["clinic", "day"], name="scheduling_closed_day_per_clinic")]


class Booking(models.Model):
    """The chair and time of one session; ``plan_number`` is the course plan's session number, when booked from it."""

    session = models.OneToOneField("records.Session", on_delete=models.PROTECT, related_name="booking")
    chair = models.ForeignKey(Chair, on_delete=models.PROTECT, related_name="bookings")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    plan_number = models.PositiveSmallIntegerField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, help_text="when the e-mail reminder was sent")
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["chair", "starts_at"], name="scheduling_booking_chair_at")]


class ChairSlot(models.Model):
    """One slot of one chair held by a booking; the unique constraint is what forbids a double booking."""

    chair = models.ForeignKey(Chair, on_delete=models.PROTECT, related_name="slots")
    starts_at = models.DateTimeField()
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="slots")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["chair", "starts_at"], name="scheduling_one_booking_per_slot")]


class BookingChange(models.Model):
    """A move or a cancellation of a booking, with its reason (kept: never edited or deleted)."""

    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField(max_length=8, choices=[("move", "Moved"), ("cancel", "Cancelled")])
    from_chair = models.ForeignKey(Chair, on_delete=models.PROTECT, related_name="+")
    from_starts_at = models.DateTimeField()
    to_chair = models.ForeignKey(Chair, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    to_starts_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField()
    changed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["changed_at", "id"]
