"""Esketamine nasal spray (SPRAVATO) doses by indication, session and dosing profile.

US label (spravato-hcp-dosing, S1): TRD day 1 is 56 mg, then 56 or 84 mg; the acute-suicidality indication
(MDSI) is 84 mg, reducible to 56 mg for tolerability. EU/UK/HK label (S12) for age 65 or over: day 1 is 28 mg,
then 28, 56 or 84 mg. Devices hold 28 mg; 5 minutes' rest after each device. A dose that is not a multiple of
28 mg, or not allowed for the session, is refused.

>>> d = esketamine_dose(session_number=1)
>>> d.dose_mg, d.devices, d.minutes_between_devices
(56, 2, 5)
>>> esketamine_dose(session_number=3, dose_mg=84).devices
3
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from ketamine_trd.clinical._named import named
from ketamine_trd.clinical.sources import cite
from ketamine_trd.errors import InputError

__all__ = [
    "DEFAULT_ESKETAMINE_PROFILE",
    "DEVICE_MG",
    "ESKETAMINE_PROFILES",
    "INDICATIONS",
    "MINUTES_BETWEEN_DEVICES",
    "EsketamineDose",
    "EsketamineProfile",
    "LabelDoseProblem",
    "esketamine_dose",
    "label_dose_problems",
]

DEVICE_MG = 28  # one device delivers 28 mg in two sprays (spravato-hcp-dosing)
MINUTES_BETWEEN_DEVICES = 5  # rest after each device (spravato-hcp-dosing)
DEVICE_SOURCE = cite("spravato-hcp-dosing")
INDICATIONS = ("trd", "suicidality")


@dataclass(frozen=True, slots=True)
class EsketamineProfile:
    """Allowed doses (mg) per indication: the first session and later sessions, with the default later dose."""

    name: str
    version: str
    effective_date: str
    trd_first_mg: int
    trd_later_mg: tuple[int, ...]
    trd_default_later_mg: int
    suicidality_mg: tuple[int, ...]
    suicidality_default_mg: int
    source: str
    description: str
    max_step_mg: int | None = None


ESKETAMINE_PROFILES: MappingProxyType[str, EsketamineProfile] = MappingProxyType(
    {
        p.name: p
        for p in (
            EsketamineProfile(
                "us-label", "1", "2026-11-26", 56, (56, 84), 56, (56, 84), 84, cite("spravato-hcp-dosing"),
                "US label: TRD 56 mg on day 1, then 56 or 84 mg; suicidality 84 mg (56 mg for tolerability).",
            ),
            EsketamineProfile(
                "eu-age65", "1", "2026-11-26", 28, (28, 56, 84), 28, (56, 84), 84, cite("S12"),
                "EU/UK/HK label, age 65 or over: TRD 28 mg on day 1, then 28, 56 or 84 mg in 28-mg steps.",
                max_step_mg=28,
            ),
        )
    }
)  # fmt: skip
DEFAULT_ESKETAMINE_PROFILE = "us-label"


def get_esketamine_profile(name: str | None) -> EsketamineProfile:
    """The named esketamine dosing profile (``None``: ``us-label``)."""
    return named(ESKETAMINE_PROFILES, name, default=DEFAULT_ESKETAMINE_PROFILE, field="profile")


@dataclass(frozen=True, slots=True)
class EsketamineDose:
    """One session's dose: ``dose_mg``, the 28-mg ``devices`` and the rest between them (minutes)."""

    dose_mg: int
    devices: int
    minutes_between_devices: int
    minimum_administration_minutes: int
    session_number: int
    indication: str
    allowed_doses_mg: tuple[int, ...]
    profile: str
    profile_version: str
    notes: tuple[str, ...]
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "dose_mg": self.dose_mg,
            "devices": self.devices,
            "device_mg": DEVICE_MG,
            "minutes_between_devices": self.minutes_between_devices,
            "minimum_administration_minutes": self.minimum_administration_minutes,
            "session_number": self.session_number,
            "indication": self.indication,
            "allowed_doses_mg": list(self.allowed_doses_mg),
            "profile": self.profile,
            "profile_version": self.profile_version,
            "notes": list(self.notes),
            "source": self.source,
        }


def allowed_doses(profile: EsketamineProfile, indication: str, session_number: int) -> tuple[int, ...]:
    """The doses (mg) allowed at ``session_number`` for ``indication`` under ``profile``."""
    if indication == "suicidality":
        return profile.suicidality_mg
    return (profile.trd_first_mg,) if session_number == 1 else profile.trd_later_mg


@dataclass(frozen=True, slots=True)
class LabelDoseProblem:
    """Why a dose is not the label's: ``rule_id`` (``esk-device-multiple``, ``esk-dose-not-for-session`` or
    ``esk-dose-step``) and ``allowed``, what the label allows instead (a phrase in mg)."""

    rule_id: str
    allowed: str


def label_dose_problems(
    profile: EsketamineProfile,
    indication: str,
    session_number: int,
    dose_mg: int,
    previous_dose_mg: int | None = None,
) -> tuple[LabelDoseProblem, ...]:
    """The one copy of the label's dose rule, used to plan (:func:`esketamine_dose`) and to check a charted dose.

    A dose is a positive multiple of 28 mg (a dose that is not is not judged further), one of the doses allowed at
    ``session_number`` for ``indication`` under ``profile``, and, where the profile changes doses in steps
    (``eu-age65``: 28 mg, S12), within one step of ``previous_dose_mg``.

    >>> eu = get_esketamine_profile("eu-age65")
    >>> [p.rule_id for p in label_dose_problems(eu, "trd", 3, 84, previous_dose_mg=28)]
    ['esk-dose-step']
    >>> label_dose_problems(eu, "trd", 3, 56, previous_dose_mg=28)
    ()
    """
    allowed = allowed_doses(profile, indication, session_number)
    listed = ", ".join(map(str, allowed))
    if dose_mg <= 0 or dose_mg % DEVICE_MG != 0:
        return (LabelDoseProblem("esk-device-multiple", f"a multiple of {DEVICE_MG} mg: {listed}"),)
    out: list[LabelDoseProblem] = []
    if dose_mg not in allowed:
        when = "session 1" if session_number == 1 and indication == "trd" else f"session {session_number}"
        out.append(LabelDoseProblem("esk-dose-not-for-session",
                                    f"{listed} mg at {when} ({indication}, profile {profile.name})"))  # fmt: skip
    step = profile.max_step_mg
    if step is not None and previous_dose_mg is not None and abs(dose_mg - previous_dose_mg) > step:
        low, high = max(min(allowed), previous_dose_mg - step), min(max(allowed), previous_dose_mg + step)
        out.append(LabelDoseProblem("esk-dose-step", f"{low} to {high} mg after {previous_dose_mg} mg ({step}-mg "
                                    f"steps, profile {profile.name})"))  # fmt: skip
    return tuple(out)


def esketamine_dose(
    *,
    session_number: int,
    indication: str = "trd",
    profile: str | None = None,
    dose_mg: int | None = None,
    hepatic_impairment: str | None = None,
    previous_dose_mg: int | None = None,
) -> EsketamineDose:
    """The esketamine dose for a session (1-based), checked against the label profile.

    With ``previous_dose_mg`` and a profile that changes doses in steps (``eu-age65``: 28 mg, S12), a larger
    change is refused.
    """
    if isinstance(session_number, bool) or not isinstance(session_number, int) or not 1 <= session_number <= 1000:
        raise InputError("session_number", session_number, "a whole number from 1 to 1000")
    if indication not in INDICATIONS:
        raise InputError("indication", indication, ", ".join(INDICATIONS))
    prof = get_esketamine_profile(profile)
    allowed = allowed_doses(prof, indication, session_number)
    if dose_mg is None:
        if indication == "suicidality":
            dose = prof.suicidality_default_mg
        else:
            dose = prof.trd_first_mg if session_number == 1 else prof.trd_default_later_mg
    else:
        dose = dose_mg
    problems = label_dose_problems(prof, indication, session_number, dose, previous_dose_mg)
    if problems:
        raise InputError("dose_mg", dose, problems[0].allowed)
    notes: list[str] = []
    if indication == "suicidality" and session_number > 8:
        notes.append("use beyond 4 weeks (8 sessions) has not been systematically evaluated for this indication")
    if hepatic_impairment == "child_pugh_b":
        notes.append("moderate hepatic impairment: monitor for adverse reactions for longer after the dose (S1)")
    elif hepatic_impairment == "child_pugh_c":
        notes.append("severe hepatic impairment: not studied, not recommended (S1)")
    devices = dose // DEVICE_MG
    return EsketamineDose(dose, devices, MINUTES_BETWEEN_DEVICES, (devices - 1) * MINUTES_BETWEEN_DEVICES,
                          session_number, indication, allowed, prof.name, prof.version, tuple(notes),
                          prof.source)  # fmt: skip
