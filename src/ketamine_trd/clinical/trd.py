"""TRD verdict under a named definition profile, explained trial by trial.

A trial is *adequate* when its dose reaches the MGH-ATRQ minimum (S17, M: a study-specific transcription)
for at least the profile's minimum weeks, with adherence not poor. An unknown drug or a missing dose or
duration leaves adequacy unknown, never adequate. A trial stopped for intolerance before the minimum is
not a failure. An adequate trial *failed* when the improvement is below the profile's threshold.

>>> from ketamine_trd.clinical.history import TreatmentHistory
>>> h = TreatmentHistory.from_dict({"episode": {"duration_months": 18, "severity": "severe"}, "trials": [
...     {"drug": "sertraline", "daily_dose_mg": 100, "weeks": 8, "improvement_percent": 10},
...     {"drug": "Effexor XR", "daily_dose_mg": 225, "weeks": 6, "improvement_percent": 20}]})
>>> a = assess_trd(h)
>>> a.trd, a.failed_adequate_trials, a.profile, a.thase_rush_stage
(True, 2, 'EU_PEARL_2022', 2)
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from ketamine_trd.clinical._named import named
from ketamine_trd.clinical.drugs import ATRQ_SOURCE, lookup
from ketamine_trd.clinical.history import TreatmentHistory, Trial
from ketamine_trd.clinical.sources import cite
from ketamine_trd.clinical.staging import MaudsleyScore, maudsley, thase_rush_stage

__all__ = [
    "DEFAULT_TRD_PROFILE",
    "RULE_VERSION",
    "TRD_PROFILES",
    "TreatmentHistory",
    "TrdAssessment",
    "TrdProfile",
    "TrialVerdict",
    "assess_trd",
]

RULE_VERSION = "trd-rules-1"


@dataclass(frozen=True, slots=True)
class TrdProfile:
    """A TRD definition: failed trials needed, improvement threshold, minimum weeks.

    ``inclusive_threshold``: failure is ``improvement <= threshold`` (the phase-3 "<=25%") rather than ``<``.
    """

    name: str
    version: str
    effective_date: str
    min_failed_trials: int
    improvement_threshold_percent: float
    inclusive_threshold: bool
    min_weeks: float
    excludes_bipolar: bool
    source: str
    description: str

    def failed(self, improvement_percent: float) -> bool:
        t = self.improvement_threshold_percent
        return improvement_percent <= t if self.inclusive_threshold else improvement_percent < t


TRD_PROFILES: MappingProxyType[str, TrdProfile] = MappingProxyType(
    {
        p.name: p
        for p in (
            TrdProfile(
                "EU_PEARL_2022", "1", "2026-11-26", 2, 25.0, False, 4.0, True, cite("S14"),
                "EU-PEARL Delphi (Sforzini 2022): >=2 failed treatments, each <25% improvement at adequate dose "
                "and duration; a stop before week 4 is not a failure; bipolar depression out of scope.",
            ),
            TrdProfile(
                "FDA_esketamine_phase3", "1", "2026-11-26", 2, 25.0, True, 6.0, False, cite("S46"),
                "Esketamine phase 3 (TRANSFORM/SUSTAIN) population: non-response (<=25% improvement) to >=2 oral "
                "antidepressants of adequate dose and >=6 weeks in the current episode (S46, confidence M).",
            ),
            TrdProfile(
                "Canadian_2021", "1", "2026-11-26", 2, 50.0, False, 6.0, False, cite("S15"),
                "Canadian consensus (Rybak 2021): failure of 2 adequately dosed trials; nonresponse <50%; minimal "
                "trial length 4-6 weeks (the upper bound, 6 weeks, is used here).",
            ),
        )
    }
)  # fmt: skip
DEFAULT_TRD_PROFILE = "EU_PEARL_2022"


def get_profile(name: str | None) -> TrdProfile:
    """The named TRD profile (``None``: the default, ``EU_PEARL_2022``)."""
    return named(TRD_PROFILES, name, default=DEFAULT_TRD_PROFILE, field="profile")


@dataclass(frozen=True, slots=True)
class TrialVerdict:
    """One trial judged: ``adequate``/``failed`` are ``None`` when they cannot be decided."""

    drug: str
    generic: str | None
    drug_class: str | None
    episode: str
    adequate: bool | None
    failed: bool | None
    reasons: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "drug": self.drug,
            "generic": self.generic,
            "drug_class": self.drug_class,
            "episode": self.episode,
            "adequate": self.adequate,
            "failed": self.failed,
            "reasons": list(self.reasons),
        }


def _judge(trial: Trial, profile: TrdProfile) -> TrialVerdict:
    row = lookup(trial.drug)
    reasons: list[str] = []
    if row is None:
        reasons.append(f"'{trial.drug}' is not in the MGH-ATRQ minimum-dose table: adequacy unknown")
        return TrialVerdict(trial.drug, None, None, trial.episode, None, None, tuple(reasons))
    adequate: bool | None = True
    if trial.daily_dose_mg is None:
        reasons.append("dose not known: adequacy unknown")
        adequate = None
    elif trial.daily_dose_mg < row.min_daily_dose_mg:
        reasons.append(
            f"dose {trial.daily_dose_mg:g} mg/day below the ATRQ minimum of {row.min_daily_dose_mg:g} mg/day"
        )
        adequate = False
    else:
        reasons.append(f"dose {trial.daily_dose_mg:g} mg/day at or above the ATRQ minimum of {row.min_daily_dose_mg:g}")
    short = trial.weeks is not None and trial.weeks < profile.min_weeks
    if trial.weeks is None:
        reasons.append("duration not known: adequacy unknown")
        adequate = None if adequate else adequate
    elif short:
        reasons.append(f"{trial.weeks:g} weeks is shorter than the profile's minimum of {profile.min_weeks:g} weeks")
        if trial.stopped_for == "intolerance":
            reasons.append("stopped for intolerance before the minimum duration: not a failed trial")
        adequate = False
    else:
        reasons.append(f"{trial.weeks:g} weeks meets the minimum of {profile.min_weeks:g} weeks")
    if trial.adherence == "poor":
        reasons.append("adherence poor: not an adequate trial")
        adequate = False
    failed: bool | None = False if adequate is False else None
    rng = trial.improvement_range()
    if adequate is not False:
        if rng is None:
            reasons.append("improvement not known: failure unknown")
        elif profile.failed(rng[0]) and profile.failed(max(rng[0], rng[1] - 1e-9)):
            failed = True if adequate else None
            reasons.append(f"improvement below the {profile.improvement_threshold_percent:g}% threshold: failed")
        elif not profile.failed(rng[0]):
            failed = False
            reasons.append(f"improvement reached the {profile.improvement_threshold_percent:g}% threshold: not failed")
        else:
            reasons.append("improvement category straddles the threshold: failure unknown")
    return TrialVerdict(trial.drug, row.generic, row.drug_class, trial.episode, adequate, failed, tuple(reasons))


@dataclass(frozen=True, slots=True)
class TrdAssessment:
    """The verdict, its count of failed adequate trials, the staging and the trial-by-trial explanation."""

    trd: bool
    failed_adequate_trials: int
    undetermined_trials: int
    profile: str
    profile_version: str
    maudsley: MaudsleyScore
    thase_rush_stage: int
    trials: tuple[TrialVerdict, ...]
    summary: str
    notes: tuple[str, ...]
    source: str
    rule_version: str = RULE_VERSION
    dose_table_source: str = ATRQ_SOURCE

    def to_dict(self) -> dict[str, Any]:
        """The CLI/API JSON contract (``trd``, ``failed_adequate_trials``, ``profile``, ``maudsley``, ...)."""
        return {
            "trd": self.trd,
            "failed_adequate_trials": self.failed_adequate_trials,
            "undetermined_trials": self.undetermined_trials,
            "profile": self.profile,
            "profile_version": self.profile_version,
            "maudsley": self.maudsley.to_dict(),
            "thase_rush_stage": self.thase_rush_stage,
            "thase_rush_source": cite("S21"),
            "trials": [t.to_dict() for t in self.trials],
            "summary": self.summary,
            "notes": list(self.notes),
            "source": self.source,
            "dose_table_source": self.dose_table_source,
            "rule_version": self.rule_version,
        }


def assess_trd(history: TreatmentHistory, profile: str | None = None) -> TrdAssessment:
    """Judge every trial and give the TRD verdict under ``profile`` (default ``EU_PEARL_2022``)."""
    prof = get_profile(profile)
    verdicts = tuple(_judge(t, prof) for t in history.trials)
    current = [v for v in verdicts if v.episode == "current"]
    failed_generics = {v.generic for v in current if v.failed and v.generic}
    undetermined = sum(1 for v in current if v.failed is None and v.adequate is not False)
    notes: list[str] = ["minimum doses from a study-specific MGH-ATRQ transcription (S17, confidence M)"]
    count = len(failed_generics)
    trd = count >= prof.min_failed_trials
    if prof.excludes_bipolar and history.episode.diagnosis == "bipolar":
        trd = False
        notes.append(f"{prof.name} excludes bipolar depression: not TRD under this profile")
    if not trd and count + undetermined >= prof.min_failed_trials:
        notes.append(f"{undetermined} trial(s) could not be judged; with them the verdict could change")
    classes = {v.drug_class for v in current if v.failed and v.drug_class}
    stage = thase_rush_stage(classes, ect_failed_bilateral=history.ect_failed_bilateral)
    msm = maudsley(
        duration_months=history.episode.duration_months,
        severity=history.episode.severity,
        psychotic_features=history.episode.psychotic_features,
        failed_trials=count,
        augmentation_used=bool(history.augmentations),
        ect_used=history.ect_courses > 0,
    )
    verdict = "meets" if trd else "does not meet"
    summary = (
        f"{count} failed adequate trial(s) in the current episode: {verdict} the {prof.name} definition "
        f"(needs {prof.min_failed_trials}). Maudsley {msm.score} ({msm.band}); Thase-Rush stage {stage}."
    )
    return TrdAssessment(trd, count, undetermined, prof.name, prof.version, msm, stage, verdicts, summary,
                         tuple(notes), prof.source)  # fmt: skip
