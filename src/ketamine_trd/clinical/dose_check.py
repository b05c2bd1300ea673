"""Judging a dose charted at the chair: against the course plan, the product's rules and its own arithmetic.

Rules (rule id, what happens, source):

- ``dose-outside-window`` refused: the time of dosing is more than ``window_hours`` from the session's
  scheduled time (site decision).
- ``dose-inconsistent-mg-per-kg`` / ``dose-inconsistent-infusion`` / ``dose-inconsistent-devices`` refused,
  naming both fields: mg against mg/kg x dosing weight, against rate x minutes x concentration, against
  devices x 28 mg (spravato-hcp-dosing); the allowance is for the rounding of typed values (platform-defined).
- ``esk-device-multiple`` refused: an esketamine dose that 28-mg devices cannot deliver.
- ``esk-dose-not-for-session`` override: a dose the label does not give at this session (84 mg at the first
  session; spravato-hcp-dosing, S12 for the EU age-65 profile).
- ``esk-dose-step`` override: under a profile that changes doses in steps (``eu-age65``: 28 mg, S12), a change
  of more than one step from the previous dose given on the course. Both come from the one label rule,
  :func:`ketamine_trd.clinical.dosing.esketamine.label_dose_problems`, that plans the course.
- ``iv-outside-studied-range`` override: an IV dose outside the studied 0.1-1.0 mg/kg (S23).
- ``dose-off-plan`` override: more than ``plan_tolerance_percent`` from the planned dose (site decision).
- ``dose-contraindicated`` override: the patient's screening for this product has a contraindication that no
  prescriber has overridden (the screening's source, S1 or S5 for the label's).

"Override" findings refuse the dose unless a prescriber gives a written reason; "refused" findings cannot be
overridden (the entry itself is wrong). The core never reads the clock and never decides who may override.

>>> import datetime as dt
>>> from decimal import Decimal
>>> t = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
>>> dose = ChartedDose("ketamine-iv", t, t, Decimal("408"), 1, planned_mg_per_kg=Decimal("0.5"),
...                    dosing_weight_kg=Decimal("81.6"))
>>> verdict = judge_charted_dose(dose)
>>> verdict.accepted, [f.rule_id for f in verdict.findings]
(False, ['iv-outside-studied-range', 'dose-off-plan'])
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from ketamine_trd.clinical.dosing.esketamine import DEVICE_MG, get_esketamine_profile, label_dose_problems
from ketamine_trd.clinical.dosing.iv import STUDIED_MG_PER_KG
from ketamine_trd.clinical.monitoring.vocabulary import require_aware
from ketamine_trd.clinical.monitoring_profiles import ESKETAMINE, Cited, parse_product
from ketamine_trd.clinical.overrides import is_written_reason
from ketamine_trd.clinical.sources import cite
from ketamine_trd.errors import InputError

__all__ = [
    "DEFAULT_DOSE_RULES",
    "ChartedDose",
    "DoseFinding",
    "DoseRules",
    "DoseVerdict",
    "Outcome",
    "judge_charted_dose",
    "planned_dose_mg",
]

_HUNDRED = Decimal(100)


class Outcome(StrEnum):
    """``refused``: cannot be saved; ``override``: saved only with a prescriber's reason; ``info``: shown."""

    REFUSED = "refused"
    OVERRIDE = "override"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class DoseRules:
    """The site's settings for dose checks, each with its source (``site-decision`` where none settles it).

    ``plan_tolerance_percent``: how far (%) a charted dose may differ from the planned dose without a reason.
    ``window_hours``: how far (h) the time of dosing may be from the session's scheduled time.
    ``arithmetic_allowance_percent``: the rounding allowance when fields are compared with each other.
    """

    plan_tolerance_percent: Cited[Decimal] = Cited(Decimal(10), source="site-decision")
    window_hours: Cited[Decimal] = Cited(Decimal(12), source="site-decision")
    arithmetic_allowance_percent: Cited[Decimal] = Cited(Decimal(2), source="platform-defined")

    def __post_init__(self) -> None:
        for name, low, high in (("plan_tolerance_percent", 0, 100), ("window_hours", 1, 48),
                                ("arithmetic_allowance_percent", 0, 10)):  # fmt: skip
            setting: Cited[Decimal] = getattr(self, name)
            cite(setting.source)
            if not low <= setting.value <= high:
                raise InputError(name, setting.value, f"{low} to {high}")


DEFAULT_DOSE_RULES = DoseRules()


@dataclass(frozen=True, slots=True)
class ChartedDose:
    """A dose as charted, with what the plan says about this session. Quantities in mg, mg/kg, mL/h, min, mg/mL, kg.

    ``session_number`` is the 1-based number of the session in its course; ``planned_dose_mg`` the plan's dose for
    it (the label phase's esketamine dose), else ``planned_mg_per_kg`` x ``dosing_weight_kg``.
    ``contraindications`` are the (sentence, source) of the screening's contraindications not yet overridden.
    ``previous_dose_mg`` is the last dose given on the course before this session (``None``: none yet).
    """

    product: str
    dosed_at: dt.datetime
    scheduled_at: dt.datetime
    dose_mg: Decimal
    session_number: int
    planned_dose_mg: Decimal | None = None
    planned_mg_per_kg: Decimal | None = None
    dosing_weight_kg: Decimal | None = None
    mg_per_kg: Decimal | None = None
    devices_used: int | None = None
    infusion_rate_ml_per_h: Decimal | None = None
    infusion_duration_min: int | None = None
    concentration_mg_per_ml: Decimal | None = None
    indication: str = "trd"
    esketamine_profile: str | None = None
    contraindications: tuple[tuple[str, str], ...] = ()
    override_reason: str = ""
    previous_dose_mg: Decimal | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "product", parse_product(self.product))
        require_aware("dosed_at", self.dosed_at)
        require_aware("scheduled_at", self.scheduled_at)
        if not self.dose_mg > 0:
            raise InputError("dose_mg", self.dose_mg, "more than 0 mg")
        if self.session_number < 1:
            raise InputError("session_number", self.session_number, "1 or more")
        # a plan or weight of 0 would divide by zero in the comparisons below: it is a broken plan, named as such
        for name in ("planned_dose_mg", "planned_mg_per_kg", "dosing_weight_kg", "mg_per_kg", "previous_dose_mg"):
            value = getattr(self, name)
            if value is not None and not value > 0:
                raise InputError(name, value, "more than 0 (or unset)")


@dataclass(frozen=True, slots=True)
class DoseFinding:
    """One finding: rule id, outcome, a sentence a clinician reads, source id, and the fields it concerns."""

    rule_id: str
    outcome: Outcome
    message: str
    source: str
    fields: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DoseVerdict:
    """Every finding, the planned dose compared with, and whether the dose may be saved."""

    findings: tuple[DoseFinding, ...]
    planned_dose_mg: Decimal | None
    override_reason: str

    @property
    def refused(self) -> tuple[DoseFinding, ...]:
        return tuple(f for f in self.findings if f.outcome is Outcome.REFUSED)

    @property
    def needs_override(self) -> tuple[DoseFinding, ...]:
        return tuple(f for f in self.findings if f.outcome is Outcome.OVERRIDE)

    @property
    def overridden(self) -> bool:
        """True when override findings were accepted because a reason was given."""
        return bool(self.needs_override) and is_written_reason(self.override_reason)

    @property
    def accepted(self) -> bool:
        """True when the dose may be saved: nothing refused, and every override finding has a reason."""
        return not self.refused and (not self.needs_override or self.overridden)

    def to_dict(self) -> dict[str, object]:
        return {
            "findings": [{"rule_id": f.rule_id, "outcome": f.outcome.value, "message": f.message,
                          "source": f.source, "fields": list(f.fields)} for f in self.findings],
            "planned_dose_mg": None if self.planned_dose_mg is None else str(self.planned_dose_mg),
            "override_reason": self.override_reason,
            "overridden": self.overridden,
        }  # fmt: skip


def planned_dose_mg(dose: ChartedDose) -> Decimal | None:
    """The planned dose in mg for the session: the plan's mg, else its mg/kg x the dosing weight (0.1 mg).

    >>> import datetime as dt
    >>> t = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    >>> planned_dose_mg(ChartedDose("ketamine-iv", t, t, Decimal(40), 1, planned_mg_per_kg=Decimal("0.5"),
    ...                             dosing_weight_kg=Decimal("81.6")))
    Decimal('40.8')
    """
    if dose.planned_dose_mg is not None:
        return dose.planned_dose_mg
    if dose.planned_mg_per_kg is not None and dose.dosing_weight_kg is not None:
        return (dose.planned_mg_per_kg * dose.dosing_weight_kg).quantize(Decimal("0.1"))
    return None


def _differs(a: Decimal, b: Decimal, percent: Decimal) -> bool:
    return abs(a - b) > abs(b) * percent / _HUNDRED + Decimal("0.05")


def _mg(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _window(d: ChartedDose, rules: DoseRules) -> list[DoseFinding]:
    hours = rules.window_hours.value
    gap = abs(d.dosed_at - d.scheduled_at)
    if gap <= dt.timedelta(hours=float(hours)):
        return []
    return [DoseFinding(
        "dose-outside-window", Outcome.REFUSED,
        f"Time of dosing {d.dosed_at.astimezone(dt.UTC):%Y-%m-%d %H:%M} is more than {hours:f} h from the session's "
        f"scheduled time {d.scheduled_at.astimezone(dt.UTC):%Y-%m-%d %H:%M} (UTC): chart the dose on the session it "
        "was given in.",
        rules.window_hours.source, ("dosed_at",),
    )]  # fmt: skip


def _esketamine(d: ChartedDose) -> list[DoseFinding]:
    out: list[DoseFinding] = []
    source = cite("spravato-hcp-dosing")
    if d.dose_mg % DEVICE_MG != 0:
        out.append(DoseFinding(
            "esk-device-multiple", Outcome.REFUSED,
            f"{_mg(d.dose_mg)} mg cannot be given with {DEVICE_MG}-mg devices: esketamine is 28, 56 or 84 mg.",
            source, ("dose_mg",),
        ))  # fmt: skip
    elif d.devices_used is not None and d.devices_used * DEVICE_MG != d.dose_mg:
        out.append(DoseFinding(
            "dose-inconsistent-devices", Outcome.REFUSED,
            f"Dose {_mg(d.dose_mg)} mg and devices used {d.devices_used} disagree: {d.devices_used} device(s) deliver "
            f"{d.devices_used * DEVICE_MG} mg. Correct the dose or the number of devices.",
            source, ("dose_mg", "devices_used"),
        ))  # fmt: skip
    if d.dose_mg % DEVICE_MG != 0:
        return out
    profile = get_esketamine_profile(d.esketamine_profile)
    previous = None if d.previous_dose_mg is None else int(d.previous_dose_mg)
    for problem in label_dose_problems(profile, d.indication, d.session_number, int(d.dose_mg), previous):
        if problem.rule_id == "esk-dose-not-for-session":
            first = " (the first session)" if d.session_number == 1 else ""
            message = f"{_mg(d.dose_mg)} mg is not a label dose at session {d.session_number}{first}: "
            message += f"{problem.allowed}."
        else:  # esk-dose-step
            message = f"{_mg(d.dose_mg)} mg changes the dose by more than one step: {problem.allowed}."
        out.append(DoseFinding(problem.rule_id, Outcome.OVERRIDE, message, profile.source, ("dose_mg",)))
    return out


def _iv(d: ChartedDose, rules: DoseRules) -> list[DoseFinding]:
    out: list[DoseFinding] = []
    allowance = rules.arithmetic_allowance_percent.value
    weight = d.dosing_weight_kg
    if d.mg_per_kg is not None and weight is not None:
        expected = (d.mg_per_kg * weight).quantize(Decimal("0.1"))
        if _differs(d.dose_mg, expected, allowance):
            out.append(DoseFinding(
                "dose-inconsistent-mg-per-kg", Outcome.REFUSED,
                f"Dose {_mg(d.dose_mg)} mg and mg/kg {_mg(d.mg_per_kg)} disagree: {_mg(d.mg_per_kg)} mg/kg x "
                f"{_mg(weight)} kg = {_mg(expected)} mg. Correct the dose or the mg/kg.",
                rules.arithmetic_allowance_percent.source, ("dose_mg", "mg_per_kg"),
            ))  # fmt: skip
    rate, minutes, conc = d.infusion_rate_ml_per_h, d.infusion_duration_min, d.concentration_mg_per_ml
    if rate is not None and minutes is not None and conc is not None:
        infused = (rate * Decimal(minutes) / Decimal(60) * conc).quantize(Decimal("0.1"))
        if _differs(d.dose_mg, infused, allowance):
            out.append(DoseFinding(
                "dose-inconsistent-infusion", Outcome.REFUSED,
                f"Dose {_mg(d.dose_mg)} mg and the infusion settings disagree: {_mg(rate)} mL/h x {minutes} min x "
                f"{_mg(conc)} mg/mL = {_mg(infused)} mg. Correct the dose or the rate, minutes or concentration.",
                rules.arithmetic_allowance_percent.source,
                ("dose_mg", "infusion_rate_ml_per_h", "infusion_duration_min", "concentration_mg_per_ml"),
            ))  # fmt: skip
    low, high = (Decimal(str(v)) for v in STUDIED_MG_PER_KG)
    per_kg = d.mg_per_kg if weight is None else (d.dose_mg / weight).quantize(Decimal("0.001"))
    if per_kg is not None and not low <= per_kg <= high:
        out.append(DoseFinding(
            "iv-outside-studied-range", Outcome.OVERRIDE,
            f"{_mg(d.dose_mg)} mg is {_mg(per_kg)} mg/kg" + (f" for {_mg(weight)} kg" if weight is not None else "")
            + f": outside the studied {low}-{high} mg/kg.",
            cite("S23"), ("dose_mg",),
        ))  # fmt: skip
    return out


def _plan(d: ChartedDose, rules: DoseRules, planned: Decimal | None) -> list[DoseFinding]:
    if planned is None:
        return [DoseFinding("dose-no-plan", Outcome.INFO, "The course plan gives no dose in mg for this session: "
                            "the dose was not compared with a plan.", "site-configuration", ("dose_mg",))]  # fmt: skip
    tolerance = rules.plan_tolerance_percent
    if not _differs(d.dose_mg, planned, tolerance.value):
        return []
    ratio = d.dose_mg / planned
    return [DoseFinding(
        "dose-off-plan", Outcome.OVERRIDE,
        f"{_mg(d.dose_mg)} mg is {ratio:.1f} x the planned {_mg(planned)} mg (more than {tolerance.value:f}% from the "
        "plan): check the dose, or a prescriber gives the reason.",
        tolerance.source, ("dose_mg",),
    )]  # fmt: skip


def judge_charted_dose(dose: ChartedDose, rules: DoseRules = DEFAULT_DOSE_RULES) -> DoseVerdict:
    """Every finding on a charted dose, and whether it may be saved (see the module docstring for the rules).

    >>> import datetime as dt
    >>> t = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    >>> d = ChartedDose("esketamine-nasal", t, t, Decimal(84), 1, planned_dose_mg=Decimal(56), devices_used=3)
    >>> v = judge_charted_dose(d)
    >>> [f.rule_id for f in v.needs_override], v.accepted
    (['esk-dose-not-for-session', 'dose-off-plan'], False)
    >>> from dataclasses import replace
    >>> judge_charted_dose(replace(d, override_reason="tolerated 84 mg at the referring clinic")).accepted
    True
    """
    planned = planned_dose_mg(dose)
    findings = _window(dose, rules)
    findings += _esketamine(dose) if dose.product == ESKETAMINE else _iv(dose, rules)
    findings += _plan(dose, rules, planned)
    findings += [
        DoseFinding("dose-contraindicated", Outcome.OVERRIDE, f"Contraindication on the screening, not overridden: "
                    f"{message}", source, ("dose_mg",))
        for message, source in dose.contraindications
    ]  # fmt: skip
    return DoseVerdict(tuple(findings), planned, dose.override_reason.strip())
