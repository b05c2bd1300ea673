"""The chair-side forms: each yields one input value for one charting service."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from ketamine_trd.clinic.records.models import AdverseEvent, Timepoint
from ketamine_trd.clinic.records.services import session_writes as w
from ketamine_trd.clinic.records.services.charting import RATING_INSTRUMENTS
from ketamine_trd.clinical.checklist import CONCOMITANT_CLASSES
from ketamine_trd.clinical.monitoring.observations import ADVERSE_EVENT_KINDS
from ketamine_trd.clinical.monitoring.vitals import PLAUSIBLE_RANGES

WHEN = {"widget": forms.DateTimeInput(attrs={"type": "datetime-local"})}


def _when(required: bool = True, label: str | None = None) -> forms.DateTimeField:
    return forms.DateTimeField(required=required, label=label, **WHEN)


def _range(name: str, required: bool = True) -> forms.IntegerField:
    low, high = PLAUSIBLE_RANGES[name].value
    unit = {"systolic_mmhg": "mmHg", "diastolic_mmhg": "mmHg", "heart_rate_bpm": "beats/min", "spo2_percent": "%",
            "respiratory_rate_per_min": "breaths/min"}[name]  # fmt: skip
    return forms.IntegerField(
        required=required, min_value=int(low), max_value=int(high), help_text=f"{low:g} to {high:g} {unit}"
    )


class ChecklistForm(forms.Form):
    checked_at = _when(label="Checked at")
    rems_enrolled = forms.NullBooleanField(required=False, label="Enrolled in the SPRAVATO REMS (esketamine)")
    first_treatment = forms.NullBooleanField(required=False, label="First treatment")
    last_food_at = _when(False, "Last food")
    last_liquid_at = _when(False, "Last liquid")
    nasal_medicine_at = _when(False, "Nasal corticosteroid or decongestant today")
    concomitant = forms.MultipleChoiceField(
        required=False, choices=[(c, c.replace("_", " ").replace("-", " ")) for c in sorted(CONCOMITANT_CLASSES)],
        widget=forms.CheckboxSelectMultiple, label="Takes (sedatives, stimulants, MAOIs, opioids)",
    )  # fmt: skip
    concomitant_reviewed = forms.BooleanField(required=False, label="Concomitant medicines reviewed")
    safe_departure_arranged = forms.NullBooleanField(required=False, label="Ride home arranged")

    def to_input(self) -> w.ChecklistInput:
        d = self.cleaned_data
        return w.ChecklistInput(
            checked_at=d["checked_at"], first_treatment=d.get("first_treatment"), rems_enrolled=d.get("rems_enrolled"),
            last_food_at=d.get("last_food_at"), last_liquid_at=d.get("last_liquid_at"),
            nasal_medicine_at=d.get("nasal_medicine_at"), concomitant=frozenset(d.get("concomitant") or ()),
            concomitant_reviewed=bool(d.get("concomitant_reviewed")),
            safe_departure_arranged=d.get("safe_departure_arranged"),
        )  # fmt: skip


class DoseForm(forms.Form):
    dosed_at = _when(label="First device / infusion start")
    dose_mg = forms.DecimalField(
        min_value=Decimal("0.01"), max_value=1000, decimal_places=2, help_text="mg, more than 0 to 1000"
    )
    lot_number = forms.CharField(max_length=40)
    devices_used = forms.IntegerField(required=False, min_value=1, max_value=3, help_text="esketamine: 1 to 3 devices")
    mg_per_kg = forms.DecimalField(required=False, min_value=Decimal("0.01"), max_value=5, help_text="IV: mg/kg")
    infusion_rate_ml_per_h = forms.DecimalField(
        required=False, min_value=Decimal("0.1"), max_value=2000, help_text="IV: mL/h"
    )
    infusion_duration_min = forms.IntegerField(required=False, min_value=1, max_value=600, help_text="IV: minutes")
    concentration_mg_per_ml = forms.DecimalField(
        required=False, min_value=Decimal("0.01"), max_value=100, help_text="mg/mL"
    )
    infusion_ended_at = _when(False, "Infusion ended")
    override_reason = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        label="Reason for a dose outside the checks (prescriber)",
        help_text="only when the dose is refused as off the plan, the label or the studied range: "
        "at least 15 characters",
    )  # fmt: skip

    def to_input(self) -> w.DoseInput:
        d = self.cleaned_data
        return w.DoseInput(
            dosed_at=d["dosed_at"], dose_mg=d["dose_mg"], lot_number=d["lot_number"],
            devices_used=d.get("devices_used"), mg_per_kg=d.get("mg_per_kg"),
            infusion_rate_ml_per_h=d.get("infusion_rate_ml_per_h"),
            infusion_duration_min=d.get("infusion_duration_min"),
            concentration_mg_per_ml=d.get("concentration_mg_per_ml"), infusion_ended_at=d.get("infusion_ended_at"),
            override_reason=d.get("override_reason") or "",
        )  # fmt: skip


class VitalsForm(forms.Form):
    taken_at = _when(label="Taken at")
    timepoint = forms.ChoiceField(choices=Timepoint.choices)
    systolic_mmhg = _range("systolic_mmhg")
    diastolic_mmhg = _range("diastolic_mmhg")
    heart_rate_bpm = _range("heart_rate_bpm", False)
    spo2_percent = _range("spo2_percent", False)
    respiratory_rate_per_min = _range("respiratory_rate_per_min", False)

    def clean(self) -> dict[str, object]:
        d = super().clean() or {}
        s, di = d.get("systolic_mmhg"), d.get("diastolic_mmhg")
        if isinstance(s, int) and isinstance(di, int) and di >= s:
            self.add_error("diastolic_mmhg", f"diastolic_mmhg: {di} is not allowed (allowed: below the systolic {s})")
        return d

    def to_input(self) -> w.VitalsInput:
        d = self.cleaned_data
        return w.VitalsInput(
            taken_at=d["taken_at"], systolic_mmhg=d["systolic_mmhg"], diastolic_mmhg=d["diastolic_mmhg"],
            heart_rate_bpm=d.get("heart_rate_bpm"), spo2_percent=d.get("spo2_percent"),
            respiratory_rate_per_min=d.get("respiratory_rate_per_min"), timepoint=d["timepoint"],
        )  # fmt: skip


class RatingForm(forms.Form):
    instrument_id = forms.ChoiceField(
        choices=[(i, {"moaas": "MOAA/S (0-5)", "cadss-23": "CADSS total (0-92)", "cadss-6": "CADSS-6 (0-24)"}[i])
                 for i in RATING_INSTRUMENTS], label="Rating",
    )  # fmt: skip
    value = forms.IntegerField(min_value=0, max_value=92, help_text="MOAA/S 0-5; CADSS 0-92; CADSS-6 0-24")
    rated_at = _when(label="Rated at")

    def to_input(self) -> w.RatingInput:
        d = self.cleaned_data
        return w.RatingInput(d["instrument_id"], d["value"], d["rated_at"])


class AdverseEventForm(forms.Form):
    kind = forms.ChoiceField(choices=[(k, k.replace("_", " ").replace("-", " ")) for k in sorted(ADVERSE_EVENT_KINDS)])
    severity = forms.ChoiceField(required=False, choices=[("", "—"), *AdverseEvent.Severity.choices])
    serious = forms.BooleanField(required=False)
    noted_at = _when(label="Noted at")
    resolved_at = _when(False, "Resolved at")
    details = forms.CharField(required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))

    def to_input(self) -> w.EventInput:
        d = self.cleaned_data
        return w.EventInput(d["kind"], d["noted_at"], d.get("resolved_at"), d.get("details") or "",
                            d.get("severity") or "", bool(d.get("serious")))  # fmt: skip


class ResolveEventForm(forms.Form):
    event_id = forms.IntegerField(min_value=1)
    resolved_at = _when(label="Resolved at")


class DischargeForm(forms.Form):
    monitoring_completed_at = _when(label="Monitoring completed at")
    ready_to_leave_minutes = forms.IntegerField(
        required=False, min_value=0, max_value=1440,
        label="REMS: minutes after the first device the patient would have been ready to leave",
    )  # fmt: skip
    vitals_ok_before_administration = forms.NullBooleanField(
        required=False, label="Vital signs acceptable before administration"
    )
    vitals_ok_before_completion = forms.NullBooleanField(
        required=False, label="Vital signs acceptable before completion"
    )
    sedation_observed = forms.NullBooleanField(required=False, label="Sedation")
    dissociation_observed = forms.NullBooleanField(required=False, label="Dissociation")
    respiratory_depression_observed = forms.NullBooleanField(required=False, label="Respiratory depression")
    clinically_stable = forms.NullBooleanField(required=False, label="Clinically stable")
    safe_departure_arranged = forms.NullBooleanField(required=False, label="Ride home confirmed")
    monitoring_hcp_id = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, choices=[("", "—")],
        label="Healthcare provider who monitored (name, phone and e-mail on the REMS form)",
    )  # fmt: skip

    def __init__(self, *args: object, providers: tuple[tuple[int, str], ...] = (), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["monitoring_hcp_id"]
        field.choices = [("", "—"), *providers]  # type: ignore[attr-defined]

    def to_input(self) -> w.DischargeInput:
        d = self.cleaned_data
        return w.DischargeInput(**{name: d.get(name) for name in w.DischargeInput.__dataclass_fields__})


class SignForm(forms.Form):
    override_reason = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        label="Reason to sign although the patient is not ready for discharge (prescriber)",
    )  # fmt: skip


PARTS: dict[str, type[forms.Form]] = {
    "checklist": ChecklistForm,
    "dose": DoseForm,
    "vitals": VitalsForm,
    "rating": RatingForm,
    "event": AdverseEventForm,
    "resolve": ResolveEventForm,
    "discharge": DischargeForm,
}
