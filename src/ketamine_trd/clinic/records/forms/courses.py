"""Planning a course and changing its phase."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from ketamine_trd.clinic.inputs import form_for
from ketamine_trd.clinic.records.models import Phase
from ketamine_trd.clinic.records.services.courses import CourseInput
from ketamine_trd.clinical.courses_esketamine import FROM_WEEK9
from ketamine_trd.clinical.courses_iv import MAINTENANCE_OPTIONS
from ketamine_trd.clinical.dosing.esketamine import INDICATIONS
from ketamine_trd.clinical.inputs.charting import ScheduleInput
from ketamine_trd.clinical.monitoring_profiles import profiles
from ketamine_trd.clinical.overrides import reason_hint

PRODUCTS = [("esketamine-nasal", "Esketamine nasal spray (SPRAVATO)"), ("ketamine-iv", "Racemic ketamine IV")]


def _pairs(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(v, v.replace("-", " ")) for v in values]


class CourseForm(forms.Form):
    product = forms.ChoiceField(choices=PRODUCTS)
    start_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    monitoring_profile = forms.ChoiceField(required=False, help_text="empty: the product's default profile")
    indication = forms.ChoiceField(choices=_pairs(INDICATIONS), initial="trd", help_text="esketamine")
    total_weeks = forms.IntegerField(min_value=4, max_value=104, initial=16, help_text="esketamine: 4 to 104 weeks")
    from_week9 = forms.ChoiceField(choices=_pairs(FROM_WEEK9), initial="every-2-weeks", help_text="esketamine")
    oral_antidepressant = forms.CharField(required=False, max_length=80, help_text="empty: monotherapy")
    dose_mg = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, choices=[("", "label default"), (56, "56 mg"), (84, "84 mg")]
    )
    mg_per_kg = forms.DecimalField(
        initial="0.5", min_value=Decimal("0.05"), max_value=Decimal("2"), help_text="IV: 0.05 to 2 mg/kg"
    )
    infusions = forms.IntegerField(min_value=1, max_value=12, initial=6, help_text="IV: induction infusions")
    per_week = forms.TypedChoiceField(coerce=int, choices=[(2, "2 a week"), (3, "3 a week")], initial=2)
    maintenance = forms.ChoiceField(choices=_pairs(MAINTENANCE_OPTIONS), initial="none", help_text="IV")
    maintenance_sessions = forms.IntegerField(min_value=0, max_value=52, initial=0, help_text="IV: 0 to 52")
    override_reason = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        label="Reason to go ahead although eligibility is not established",
        help_text=reason_hint("only when the eligibility check above is not passed"),
    )  # fmt: skip
    password = forms.CharField(
        required=False, strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        label="Your password (confirms the override)",
    )  # fmt: skip

    def __init__(self, *args: object, on: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        ids = sorted({p.id for p in profiles()})
        self.fields["monitoring_profile"].choices = [("", "default for the product"), *[(i, i) for i in ids]]

    def to_input(self) -> CourseInput:
        d = self.cleaned_data
        return CourseInput(
            product=d["product"], start_date=d["start_date"], monitoring_profile=d.get("monitoring_profile") or "",
            indication=d["indication"], total_weeks=d["total_weeks"], from_week9=d["from_week9"],
            oral_antidepressant=d.get("oral_antidepressant") or None, dose_mg=d.get("dose_mg"),
            mg_per_kg=d["mg_per_kg"], infusions=d["infusions"], per_week=d["per_week"],
            maintenance=d["maintenance"], maintenance_sessions=d["maintenance_sessions"],
            override_reason=d.get("override_reason") or "",
        )  # fmt: skip


class PhaseForm(forms.Form):
    phase = forms.ChoiceField(choices=Phase.choices)
    end_reason = forms.CharField(required=False, max_length=500, help_text="required to end a course")
    override_reason = forms.CharField(required=False, max_length=2000, help_text="to start induction although "
                                      "eligibility is not established")  # fmt: skip
    password = forms.CharField(required=False, strip=False, widget=forms.PasswordInput)


#: booking a session: generated from the core's input type (``clinical.inputs.charting.ScheduleInput``)
ScheduleForm = form_for(ScheduleInput, name="ScheduleForm")
