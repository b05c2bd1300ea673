"""The controlled-substance log (21 CFR 1304.22(c)): lots received, append-only entries, physical counts.

A ``Lot`` is the receipt (its receipt columns never change) plus the lot's running stock, ``on_hand_mg`` and
``sealed_units``, which only the services move, under a row lock, and which the database refuses to take below
zero (CHECK constraints). Every movement is an ``Entry`` that keeps the stock after it; entries and counts are
append-only (migration 0002's triggers refuse UPDATE and DELETE on SQLite and PostgreSQL); a correction is a new
entry that points at the one it reverses.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from ketamine_trd.clinical.controlled import ENTRY_KINDS, SUBSTANCES
from ketamine_trd.errors import IntegrityFailure


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise IntegrityFailure("the controlled-substance log is append-only: update refused")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise IntegrityFailure("the controlled-substance log is append-only: delete refused")


class Lot(models.Model):
    """One lot received: the receipt record (supplier, lot, expiry, units, strength) and its running stock."""

    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="controlled_lots")
    substance = models.CharField(max_length=16, choices=SUBSTANCES)
    lot_number = models.CharField(max_length=40)
    supplier_name = models.CharField(max_length=120)
    supplier_address = models.CharField(max_length=300, blank=True)
    supplier_registration = models.CharField(max_length=20, blank=True)
    expires_on = models.DateField()
    units_received = models.PositiveIntegerField()
    mg_per_unit = models.DecimalField(max_digits=9, decimal_places=2)
    concentration_mg_per_ml = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    volume_ml_per_unit = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    received_on = models.DateField()
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    on_hand_mg = models.DecimalField(max_digits=11, decimal_places=2)
    sealed_units = models.IntegerField()

    class Meta:
        ordering = ["substance", "expires_on", "lot_number"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "substance", "lot_number"], name="controlled_lot_unique"),
            models.CheckConstraint(condition=Q(on_hand_mg__gte=0), name="controlled_lot_mg_never_negative"),
            models.CheckConstraint(condition=Q(sealed_units__gte=0), name="controlled_lot_units_never_negative"),
            models.CheckConstraint(
                condition=Q(sealed_units__lte=F("units_received")), name="controlled_lot_units_at_most_received"
            ),  # fmt: skip
            models.CheckConstraint(condition=Q(mg_per_unit__gt=0), name="controlled_lot_unit_has_mg"),
        ]

    def __str__(self) -> str:
        return f"{self.lot_number} ({self.substance})"


class Entry(models.Model):
    """One movement of a lot, signed when saved: mg and sealed units changed (negative: out), stock after it."""

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=16, choices=ENTRY_KINDS)
    mg = models.DecimalField(max_digits=11, decimal_places=2)
    units = models.IntegerField()
    balance_mg = models.DecimalField(max_digits=11, decimal_places=2)
    balance_units = models.IntegerField()
    occurred_at = models.DateTimeField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    witness = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")  # fmt: skip
    session = models.ForeignKey("records.Session", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="controlled_entries")  # fmt: skip
    corrects = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="corrected_by")  # fmt: skip
    count = models.ForeignKey("Count", on_delete=models.PROTECT, null=True, blank=True, related_name="entries")
    manner = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["lot", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(balance_mg__gte=0), name="controlled_entry_mg_never_negative"),
            models.CheckConstraint(condition=Q(balance_units__gte=0), name="controlled_entry_units_never_negative"),
            models.CheckConstraint(
                condition=~Q(kind="waste") | Q(witness__isnull=False), name="controlled_waste_witnessed"
            ),  # fmt: skip
            models.CheckConstraint(
                condition=Q(witness__isnull=True) | ~Q(witness=F("recorded_by")), name="controlled_witness_not_recorder"
            ),  # fmt: skip
            models.CheckConstraint(
                condition=~Q(kind="correction") | Q(corrects__isnull=False),
                name="controlled_correction_points_at_entry",
            ),  # fmt: skip
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise IntegrityFailure("the controlled-substance log is append-only: update refused")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise IntegrityFailure("the controlled-substance log is append-only: delete refused")


class Count(models.Model):
    """A physical count of one lot against the book, closed by whoever counted (with a reason when they differ)."""

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="counts")
    counted_mg = models.DecimalField(max_digits=11, decimal_places=2)
    counted_units = models.IntegerField()
    book_mg = models.DecimalField(max_digits=11, decimal_places=2)
    book_units = models.IntegerField()
    reason = models.TextField(blank=True)
    counted_at = models.DateTimeField()
    counted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-counted_at", "lot"]
        constraints = [
            models.CheckConstraint(
                condition=Q(counted_mg__gte=0) & Q(counted_units__gte=0), name="controlled_count_not_negative"
            ),  # fmt: skip
        ]

    @property
    def difference_mg(self) -> Any:
        return self.counted_mg - self.book_mg

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise IntegrityFailure("the controlled-substance log is append-only: update refused")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise IntegrityFailure("the controlled-substance log is append-only: delete refused")
