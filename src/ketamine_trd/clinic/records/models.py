"""Clinical records. Models are records with query helpers; rules live in ``ketamine_trd.clinical``.

Quantities are Decimals with the unit in the field name; times are stored in UTC.
Results computed by the core are stored with the rule and profile versions that produced them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

USER = settings.AUTH_USER_MODEL


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Unknown"


class Patient(models.Model):
    """A person treated at one clinic; the MRN is unique within the clinic."""

    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="patients")
    mrn = models.CharField("MRN", max_length=40)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    weight_kg = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    height_cm = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    synthetic = models.BooleanField(default=False, help_text="Created by the demo seeder")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    version = models.PositiveIntegerField(
        default=1, help_text="Raised by every update; a change sent from an older version is refused (409)"
    )

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        constraints = [models.UniqueConstraint(fields=["clinic", "mrn"], name="records_patient_mrn_per_clinic")]
        indexes = [models.Index(fields=["clinic", "family_name", "given_name"], name="records_patient_name")]

    def __str__(self) -> str:
        return f"{self.family_name}, {self.given_name} ({self.mrn})"

    @property
    def display_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class IntakeKind(models.TextChoices):
    TRD = "trd", "Treatment history (TRD verdict and staging)"
    SCREENING = "screening", "Medical screening"


class IntakeResult(models.Model):
    """A core result at intake (TRD verdict/staging or screening), with its input and versions."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="intake_results")
    kind = models.CharField(max_length=12, choices=IntakeKind.choices)
    input_data = models.JSONField(help_text="the values given to the core")
    result_data = models.JSONField(help_text="the core's result, findings with rule and source ids")
    verdict = models.CharField(max_length=60)
    summary = models.TextField(blank=True)
    rule_version = models.CharField(max_length=40)
    profile_id = models.CharField(max_length=80, blank=True)
    profile_version = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    signed_off_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    signed_off_at = models.DateTimeField(null=True, blank=True)
    override_verdict = models.CharField(max_length=60, blank=True)
    override_reason = models.TextField(blank=True)
    overridden_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    overridden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["patient", "kind", "created_at"], name="records_intake_pat_kind")]

    @property
    def effective_verdict(self) -> str:
        return self.override_verdict or self.verdict


class Phase(models.TextChoices):
    EVALUATION = "evaluation", "Evaluation"
    INDUCTION = "induction", "Induction"
    MAINTENANCE = "maintenance", "Maintenance"
    ENDED = "ended", "Ended"


class Course(models.Model):
    """A treatment course: product and route, the core's dose plan and calendar, its phase."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="courses")
    product = models.CharField(max_length=40, help_text="product id from clinical.products")
    route = models.CharField(max_length=20)
    phase = models.CharField(max_length=12, choices=Phase.choices, default=Phase.EVALUATION)
    start_date = models.DateField()
    plan_data = models.JSONField(default=dict, help_text="the core's dose plan and calendar")
    rule_version = models.CharField(max_length=40, blank=True)
    monitoring_profile = models.CharField(max_length=80, blank=True)
    review_due_on = models.DateField(null=True, blank=True)
    reassessment_due_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    prescriber = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    gate_findings = models.JSONField(
        default=dict, blank=True, help_text="the eligibility gate's verdict when planned or moved to induction"
    )
    gate_override_reason = models.TextField(blank=True, help_text="the prescriber's reason to treat despite the gate")
    gate_overridden_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    gate_overridden_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [
            models.Index(fields=["patient", "phase"], name="records_course_pat_phase"),
            models.Index(fields=["reassessment_due_on"], name="records_course_reassess_due"),
            models.Index(fields=["review_due_on"], name="records_course_review_due"),
        ]

    def __str__(self) -> str:
        return f"{self.product} course from {self.start_date} ({self.phase})"


class SessionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    SIGNED = "signed", "Signed"
    CANCELLED = "cancelled", "Cancelled"


class Session(models.Model):
    """One treatment session at the chair: checklist, dose, vitals, ratings, events, discharge, sign-off."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="sessions")
    scheduled_at = models.DateTimeField()
    chair = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=12, choices=SessionStatus.choices, default=SessionStatus.PLANNED)
    checklist = models.JSONField(default=dict, blank=True, help_text="pre-dose checklist item id -> answer")
    dosed_at = models.DateTimeField(null=True, blank=True)
    phase = models.CharField(
        max_length=12,
        choices=Phase.choices,
        blank=True,
        help_text="the course phase the dose was given in ('' before dosing); read, not the course's phase",
    )
    dose_mg = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    mg_per_kg = models.DecimalField(max_digits=5, decimal_places=3, null=True, blank=True)
    lot_number = models.CharField(max_length=40, blank=True)
    devices_used = models.PositiveSmallIntegerField(null=True, blank=True)
    infusion_rate_ml_per_h = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    infusion_duration_min = models.PositiveSmallIntegerField(null=True, blank=True)
    concentration_mg_per_ml = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    infusion_ended_at = models.DateTimeField(null=True, blank=True)
    setting = models.CharField(max_length=12, default="outpatient", help_text="outpatient or inpatient (REMS)")
    monitoring_completed_at = models.DateTimeField(null=True, blank=True)
    ready_to_leave_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="REMS evaluation question: minutes from the first device to ready to leave"
    )
    vitals_ok_before_administration = models.BooleanField(null=True, blank=True)
    vitals_ok_before_completion = models.BooleanField(null=True, blank=True)
    sedation_observed = models.BooleanField(null=True, blank=True)
    dissociation_observed = models.BooleanField(null=True, blank=True)
    respiratory_depression_observed = models.BooleanField(null=True, blank=True)
    clinically_stable = models.BooleanField(null=True, blank=True)
    safe_departure_arranged = models.BooleanField(null=True, blank=True)
    monitoring_hcp_name = models.CharField(max_length=120, blank=True)
    monitoring_hcp = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="the clinic user who monitored: name, phone and e-mail on the REMS form all come from this person",
    )  # fmt: skip
    dose_check = models.JSONField(default=dict, blank=True, help_text="the core's verdict on the charted dose")
    dose_override_reason = models.TextField(blank=True, help_text="the prescriber's reason for a dose off the checks")
    dose_overridden_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    sign_override_reason = models.TextField(blank=True, help_text="the reason to sign while not ready for discharge")
    discharge_ready = models.BooleanField(default=False)
    monitoring_profile = models.CharField(max_length=80, blank=True)
    signed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    signed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    version = models.PositiveIntegerField(
        default=1, help_text="Raised by every charted change; a change sent from an older version is refused (409)"
    )

    class Meta:
        ordering = ["-scheduled_at", "-id"]
        indexes = [
            models.Index(fields=["patient", "scheduled_at"], name="records_session_pat_at"),
            models.Index(fields=["scheduled_at"], name="records_session_at"),
        ]

    def __str__(self) -> str:
        return f"session {self.pk} at {self.scheduled_at:%Y-%m-%d %H:%M} ({self.status})"


class Timepoint(models.TextChoices):
    PREDOSE = "predose", "Before dosing"
    POST_40 = "post-40", "About 40 minutes after dosing"
    DISCHARGE = "discharge", "Before discharge"
    OTHER = "other", "Other"


class VitalSign(models.Model):
    """Timed vital signs (blood pressure in mmHg, heart rate in beats/min, SpO2 in %)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="vitals")
    taken_at = models.DateTimeField()
    timepoint = models.CharField(max_length=12, choices=Timepoint.choices, default=Timepoint.OTHER)
    systolic_mmhg = models.PositiveSmallIntegerField(null=True, blank=True)
    diastolic_mmhg = models.PositiveSmallIntegerField(null=True, blank=True)
    heart_rate_bpm = models.PositiveSmallIntegerField(null=True, blank=True)
    spo2_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    respiratory_rate_per_min = models.PositiveSmallIntegerField(null=True, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["taken_at", "id"]


class SessionRating(models.Model):
    """A chair-side rating during a session (CADSS, MOAA/S) with its instrument id."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="ratings")
    instrument_id = models.CharField(max_length=20)
    value = models.PositiveSmallIntegerField()
    taken_at = models.DateTimeField()
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["taken_at", "id"]


class AdverseEvent(models.Model):
    """An adverse event observed during or after a session."""

    class Severity(models.TextChoices):
        MILD = "mild", "Mild"
        MODERATE = "moderate", "Moderate"
        SEVERE = "severe", "Severe"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="adverse_events")
    kind = models.CharField(max_length=60, help_text="an event kind of clinical.monitoring.observations")
    severity = models.CharField(max_length=10, choices=Severity.choices, blank=True)
    serious = models.BooleanField(default=False)
    noted_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    details = models.TextField(blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["noted_at", "id"]


class RemsStatus(models.TextChoices):
    DUE = "due", "Due"
    SUBMITTED = "submitted", "Submitted"


class RemsRecord(models.Model):
    """The SPRAVATO REMS Patient Monitoring Form content for one signed esketamine session."""

    session = models.OneToOneField(Session, on_delete=models.PROTECT, related_name="rems_record")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="rems_records")
    clinic = models.ForeignKey("accounts.Clinic", on_delete=models.PROTECT, related_name="rems_records")
    form_version = models.CharField(max_length=40)
    fields = models.JSONField(help_text="every Patient Monitoring Form field, as generated by clinical.rems")
    due_at = models.DateTimeField()
    due_soon_from = models.DateTimeField()
    problems = models.JSONField(default=list, blank=True, help_text="PMF fields missing or out of rule")
    status = models.CharField(max_length=10, choices=RemsStatus.choices, default=RemsStatus.DUE)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    source_id = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["clinic", "status", "due_at"], name="records_rems_due_at")]
