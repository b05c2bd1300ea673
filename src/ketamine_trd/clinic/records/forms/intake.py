"""Intake forms: a treatment history (episode and up to five trials) and a medical profile."""

from __future__ import annotations

from typing import Any

from django import forms

from ketamine_trd.clinical.history import ADHERENCE, DIAGNOSES, IMPROVEMENT_CATEGORIES, SEVERITIES, STOP_REASONS
from ketamine_trd.clinical.medical_profile import CONCOMITANT_CLASSES, CONDITIONS, HEPATIC
from ketamine_trd.clinical.monitoring.vitals import PLAUSIBLE_RANGES
from ketamine_trd.clinical.overrides import MIN_OVERRIDE_REASON_CHARS, reason_hint
from ketamine_trd.clinical.products import Product
from ketamine_trd.clinical.trd import DEFAULT_TRD_PROFILE, TRD_PROFILES

TRIAL_ROWS = 5
_TRIAL_KEYS = ("drug", "daily_dose_mg", "weeks", "improvement_percent", "improvement_category", "stopped_for",
               "adherence", "episode")  # fmt: skip


def _choices(values: Any, blank: bool = False) -> list[tuple[str, str]]:
    rows = [(v, v.replace("_", " ")) for v in values]
    return [("", "—"), *rows] if blank else rows


class TrdIntakeForm(forms.Form):
    """The treatment history; the core (``clinical.history``) validates it again and names the field."""

    profile = forms.ChoiceField(choices=_choices(TRD_PROFILES), initial=DEFAULT_TRD_PROFILE, label="TRD definition")
    duration_months = forms.DecimalField(min_value=0, max_value=720, label="Episode duration (months)")
    severity = forms.ChoiceField(choices=_choices(SEVERITIES))
    psychotic_features = forms.BooleanField(required=False)
    diagnosis = forms.ChoiceField(choices=_choices(DIAGNOSES), initial="unipolar")
    augmentations = forms.CharField(required=False, help_text="agents, comma-separated (e.g. aripiprazole, lithium)")
    ect_courses = forms.IntegerField(min_value=0, max_value=100, initial=0)
    ect_failed_bilateral = forms.NullBooleanField(required=False, label="Bilateral ECT failed")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(TRIAL_ROWS):
            p = f"trial_{i}_"
            self.fields[p + "drug"] = forms.CharField(required=False, label=f"Trial {i + 1}: drug")
            self.fields[p + "daily_dose_mg"] = forms.DecimalField(
                required=False, min_value=0.01, max_value=5000, label="dose (mg/day)"
            )
            self.fields[p + "weeks"] = forms.DecimalField(required=False, min_value=0, max_value=520, label="weeks")
            self.fields[p + "improvement_percent"] = forms.DecimalField(
                required=False, min_value=-1000, max_value=100, label="improvement (%)"
            )
            self.fields[p + "improvement_category"] = forms.ChoiceField(
                required=False, choices=_choices(IMPROVEMENT_CATEGORIES, blank=True), label="or category"
            )
            self.fields[p + "stopped_for"] = forms.ChoiceField(choices=_choices(STOP_REASONS), initial="other")
            self.fields[p + "adherence"] = forms.ChoiceField(choices=_choices(ADHERENCE), initial="unknown")
            self.fields[p + "episode"] = forms.ChoiceField(choices=_choices(("current", "past")), initial="current")
        self.row_of_index: dict[int, int] = {}

    def trial_rows(self) -> list[list[forms.BoundField]]:
        return [[self[f"trial_{i}_{k}"] for k in _TRIAL_KEYS] for i in range(TRIAL_ROWS)]

    def history(self) -> dict[str, Any]:
        """The JSON shape of ``clinical.history`` (call after ``is_valid()``)."""
        d = self.cleaned_data
        trials: list[dict[str, Any]] = []
        for i in range(TRIAL_ROWS):
            p = f"trial_{i}_"
            if not (d.get(p + "drug") or "").strip():
                continue
            self.row_of_index[len(trials)] = i
            trial: dict[str, Any] = {
                "drug": d[p + "drug"].strip(),
                "daily_dose_mg": _num(d.get(p + "daily_dose_mg")),
                "weeks": _num(d.get(p + "weeks")),
                "stopped_for": d[p + "stopped_for"],
                "adherence": d[p + "adherence"],
                "episode": d[p + "episode"],
            }
            if d.get(p + "improvement_percent") is not None:
                trial["improvement_percent"] = _num(d[p + "improvement_percent"])
            elif d.get(p + "improvement_category"):
                trial["improvement_category"] = d[p + "improvement_category"]
            trials.append(trial)
        agents = [a.strip() for a in (d.get("augmentations") or "").split(",") if a.strip()]
        return {
            "episode": {
                "duration_months": _num(d["duration_months"]),
                "severity": d["severity"],
                "psychotic_features": bool(d.get("psychotic_features")),
                "diagnosis": d["diagnosis"],
            },
            "trials": trials,
            "augmentations": [{"agent": a} for a in agents],
            "ect_courses": d.get("ect_courses") or 0,
            "ect_failed_bilateral": d.get("ect_failed_bilateral"),
        }

    def field_map(self) -> dict[str, str]:
        """Core field paths (``trials[0].weeks``) -> form fields (``trial_2_weeks``)."""
        mapping = {f"episode.{k}": k for k in ("duration_months", "severity", "psychotic_features", "diagnosis")}
        for index, row in self.row_of_index.items():
            for key in _TRIAL_KEYS:
                mapping[f"trials[{index}].{key}"] = f"trial_{row}_{key}"
        return mapping


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


_SYS = PLAUSIBLE_RANGES["systolic_mmhg"].value
_DIA = PLAUSIBLE_RANGES["diastolic_mmhg"].value


class ScreeningIntakeForm(forms.Form):
    """The medical profile; the age comes from the date of birth."""

    product = forms.ChoiceField(choices=[(p.value, p.value) for p in Product], initial=Product.ESKETAMINE_NASAL.value)
    sex = forms.ChoiceField(choices=_choices(("female", "male")), help_text="sex used by the screening rules")
    pregnant = forms.BooleanField(required=False)
    breastfeeding = forms.BooleanField(required=False)
    systolic_mmhg = forms.IntegerField(
        required=False, min_value=int(_SYS[0]), max_value=int(_SYS[1]), help_text=f"{_SYS[0]:g} to {_SYS[1]:g} mmHg"
    )
    diastolic_mmhg = forms.IntegerField(
        required=False, min_value=int(_DIA[0]), max_value=int(_DIA[1]), help_text=f"{_DIA[0]:g} to {_DIA[1]:g} mmHg"
    )
    conditions = forms.MultipleChoiceField(
        required=False, choices=_choices(CONDITIONS), widget=forms.CheckboxSelectMultiple
    )
    hepatic_impairment = forms.ChoiceField(choices=_choices(HEPATIC), initial="none")
    concomitant = forms.MultipleChoiceField(
        required=False, choices=_choices(CONCOMITANT_CLASSES), widget=forms.CheckboxSelectMultiple
    )
    rems_enrolled = forms.NullBooleanField(required=False, label="Enrolled in the SPRAVATO REMS")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        s, d = data.get("systolic_mmhg"), data.get("diastolic_mmhg")
        if (s is None) != (d is None):
            self.add_error("diastolic_mmhg" if d is None else "systolic_mmhg", "give both systolic and diastolic")
        return data  # diastolic below systolic: the core's medical profile (clinical.medical_profile) says so

    def profile(self) -> dict[str, Any]:
        """The JSON shape of ``clinical.medical_profile`` without the age."""
        d = self.cleaned_data
        data: dict[str, Any] = {
            "sex": d["sex"],
            "pregnant": bool(d.get("pregnant")),
            "breastfeeding": bool(d.get("breastfeeding")),
            "conditions": list(d.get("conditions") or []),
            "hepatic_impairment": d["hepatic_impairment"],
            "concomitant": list(d.get("concomitant") or []),
            "rems_enrolled": d.get("rems_enrolled"),
        }
        if d.get("systolic_mmhg") is not None:
            data["blood_pressure"] = {"systolic_mmhg": d["systolic_mmhg"], "diastolic_mmhg": d["diastolic_mmhg"]}
        return data


class OverrideForm(forms.Form):
    override_verdict = forms.ChoiceField(
        choices=_choices(("trd", "not_trd", "eligible", "eligible_with_cautions", "not_eligible"))
    )
    override_reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), min_length=MIN_OVERRIDE_REASON_CHARS,
                                      max_length=2000, help_text=reason_hint("why the verdict is changed"))
