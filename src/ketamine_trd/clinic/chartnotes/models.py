"""Rows of the chart: medications, allergies, problems, notes and their addenda.

A signed note is locked by the database (``migrations/0002_lock_signed_notes``): a trigger refuses any UPDATE of a
note whose ``signed_at`` is set and of any addendum, on SQLite and PostgreSQL; PostgreSQL's triggers refuse their
DELETE too, and on SQLite the models refuse it (the migration says why).
Texts are limited by the core's input types (``clinical.inputs.chart``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from ketamine_trd.clinic.records.interface import Patient, Session
from ketamine_trd.clinical.inputs.chart import ALLERGY_SEVERITIES, NOTE_KINDS
from ketamine_trd.errors import ConflictError

USER = settings.AUTH_USER_MODEL


class Medication(models.Model):
    """One medication of the patient's list; ``drug_class`` is the core's reading of the name ("" = not classified)."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="medications")
    name = models.CharField(max_length=200)
    dose_text = models.CharField(max_length=200, blank=True)
    started_on = models.DateField(null=True, blank=True)
    stopped_on = models.DateField(null=True, blank=True)
    drug_class = models.CharField(max_length=40, blank=True)
    atc_group = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ("name", "pk")


class Allergy(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="allergies")
    substance = models.CharField(max_length=200)
    reaction = models.CharField(max_length=500, blank=True)
    severity = models.CharField(max_length=20, choices=ALLERGY_SEVERITIES, default="unknown")
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ("substance", "pk")


class Problem(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="problems")
    description = models.CharField(max_length=500)
    onset_on = models.DateField(null=True, blank=True)
    resolved_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ("resolved_on", "description", "pk")


class Note(models.Model):
    """A visit note, or a session note tied to one session; locked by the database once signed."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="chart_notes")
    session = models.ForeignKey(Session, on_delete=models.PROTECT, null=True, blank=True, related_name="notes")
    kind = models.CharField(max_length=20, choices=NOTE_KINDS)
    subjective = models.TextField(blank=True)
    objective = models.TextField(blank=True)
    assessment = models.TextField(blank=True)
    plan = models.TextField(blank=True)
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ("-created_at", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="session", session__isnull=False) | models.Q(kind="visit", session=None)),
                name="chartnotes_note_session_iff_session_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(signed_at=None, signed_by=None)
                | models.Q(signed_at__isnull=False, signed_by__isnull=False),
                name="chartnotes_note_signed_with_signer",
            ),
        ]

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.signed_at is not None:
            raise ConflictError("note: a signed note is never deleted (write an addendum)")
        return super().delete(*args, **kwargs)


class Addendum(models.Model):
    """Text added to a signed note (append-only: the database refuses UPDATE and DELETE)."""

    note = models.ForeignKey(Note, on_delete=models.PROTECT, related_name="addenda")
    text = models.TextField()
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ("created_at", "pk")

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ConflictError("addendum: addenda are append-only")
