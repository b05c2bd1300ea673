"""Intake forms: a treatment history (episode and up to five trials) and a medical profile."""

from __future__ import annotations

from typing import Any

from django import forms

from ketamine_trd.clinical.history import ADHERENCE, DIAGNOSES, IMPROVEMENT_CATEGORIES, SEVERITIES, STOP_REASONS
from ketamine_trd.clinical.medical_profile import CONCOMITANT_CLASSES, CONDITIONS, HEPATIC, NEEDED
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
_CHOOSE = ("", "— choose —")
_PREGNANT = {"yes": True, "no": False, "unknown": None}


def _not_answered(key: str) -> str:
    """The form's words for a field the screening rules need (the core's own words, ``medical_profile.NEEDED``)."""
    return f"Not answered: {NEEDED[key]}. The screening does not judge until it is."


def _bp_field(name: str, bounds: tuple[float, float]) -> forms.IntegerField:
    low, high = int(bounds[0]), int(bounds[1])
    words = f"{name} blood pressure must be {low} to {high} mmHg (plausibility range, platform-defined)."
    messages = {"min_value": words, "max_value": words, "invalid": f"{name} blood pressure: a whole number of mmHg."}
    return forms.IntegerField(required=False, min_value=low, max_value=high, label=f"{name} (mmHg)",
                              help_text=f"{low} to {high} mmHg", error_messages=messages)  # fmt: skip


class ScreeningIntakeForm(forms.Form):
    """The medical profile; the age comes from the date of birth. Nothing the rules need is pre-chosen: sex, hepatic
    impairment and (for a female patient) pregnancy start at "— choose —" and must be answered."""

    product = forms.ChoiceField(choices=[(p.value, p.value) for p in Product], initial=Product.ESKETAMINE_NASAL.value)
    sex = forms.ChoiceField(choices=[_CHOOSE, *_choices(("female", "male"))], help_text="sex used by the screening "
                            "rules", error_messages={"required": _not_answered("sex")})  # fmt: skip
    pregnant = forms.ChoiceField(required=False, label="Pregnant", help_text="needed for a female patient",
                                 choices=[_CHOOSE, ("yes", "yes"), ("no", "no"), ("unknown", "not known")])  # fmt: skip
    breastfeeding = forms.BooleanField(required=False)
    systolic_mmhg = _bp_field("Systolic", _SYS)
    diastolic_mmhg = _bp_field("Diastolic", _DIA)
    conditions = forms.MultipleChoiceField(
        required=False, choices=_choices(CONDITIONS), widget=forms.CheckboxSelectMultiple
    )
    hepatic_impairment = forms.ChoiceField(choices=[_CHOOSE, *_choices(HEPATIC)], label="Hepatic impairment "
                                           "(Child-Pugh)", error_messages={"required": _not_answered(
                                               "hepatic_impairment")})  # fmt: skip
    concomitant = forms.MultipleChoiceField(
        required=False, choices=_choices(CONCOMITANT_CLASSES), widget=forms.CheckboxSelectMultiple
    )
    rems_enrolled = forms.NullBooleanField(required=False, label="Enrolled in the SPRAVATO REMS")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("sex") == "female" and not data.get("pregnant"):
            self.add_error("pregnant", _not_answered("pregnant"))
        s, d = data.get("systolic_mmhg"), data.get("diastolic_mmhg")
        typed_wrong = self.has_error("systolic_mmhg") or self.has_error("diastolic_mmhg")
        if (s is None) != (d is None) and not typed_wrong:  # a value out of range has its own message already
            missing = "diastolic_mmhg" if d is None else "systolic_mmhg"
            other = "diastolic" if d is None else "systolic"
            self.add_error(missing, f"Give the {other} value too: both values of the reading, or neither.")
        return data  # diastolic below systolic: the core's medical profile (clinical.medical_profile) says so

    def profile(self) -> dict[str, Any]:
        """The JSON shape of ``clinical.medical_profile`` without the age (unanswered fields are left out, so the
        core refuses them; nothing is assumed)."""
        d = self.cleaned_data
        data: dict[str, Any] = {
            "sex": d["sex"],
            "breastfeeding": bool(d.get("breastfeeding")),
            "conditions": list(d.get("conditions") or []),
            "hepatic_impairment": d["hepatic_impairment"],
            "concomitant": list(d.get("concomitant") or []),
            "rems_enrolled": d.get("rems_enrolled"),
        }
        if d.get("pregnant"):
            data["pregnant"] = _PREGNANT[d["pregnant"]]
        if d.get("systolic_mmhg") is not None:
            data["blood_pressure"] = {"systolic_mmhg": d["systolic_mmhg"], "diastolic_mmhg": d["diastolic_mmhg"]}
        return data


class OverrideForm(forms.Form):
    override_verdict = forms.ChoiceField(
        choices=_choices(("trd", "not_trd", "eligible", "eligible_with_cautions", "not_eligible"))
    )
    override_reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), min_length=MIN_OVERRIDE_REASON_CHARS,
                                      max_length=2000, help_text=reason_hint("why the verdict is changed"))
