"""TRD staging: the Maudsley Staging Method (MSM) and the Thase-Rush stage.

MSM as published (Fekadu 2009, ``fekadu-2009``; restated in Fekadu 2018, S20, Table 3): duration (1-3),
severity (1-5), antidepressant failures (1-5), augmentation (+1) and ECT (+1), total 3 to 15. Augmentation and
ECT are counted by default when the history records them (``COUNT_AUGMENTATION_AND_ECT``); a caller may leave
them out (``count_augmentation_and_ect=False``, the older behaviour), and the score then says what it left out.
Thase-Rush (S21, M): cumulative stages 0-V over failed classes.

>>> m = maudsley(duration_months=18, severity="severe", psychotic_features=False, failed_trials=3,
...              augmentation_used=True, ect_used=False)
>>> m.score, m.band, m.augmentation_points, m.source
(9, 'moderate', 1, 'fekadu-2009')
>>> thase_rush_stage({"SSRI"}, ect_failed_bilateral=None)
1
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass

from ketamine_trd.clinical.drugs import DrugClass
from ketamine_trd.clinical.sources import cite

__all__ = ["MSM_SOURCE", "THASE_RUSH_SOURCE", "MaudsleyScore", "maudsley", "thase_rush_stage"]

MSM_SOURCE = cite("fekadu-2009")  # the published method; S20 Table 3 restates the items and bands
#: the published MSM counts augmentation (+1) and ECT (+1) (Fekadu 2009): the default
COUNT_AUGMENTATION_AND_ECT = True
THASE_RUSH_SOURCE = cite("S21")
_SEVERITY_POINTS = {"subsyndromal": 1, "mild": 2, "moderate": 3, "severe": 4}
# Bands of the MSM total (S20, Table 3): mild 3-6, moderate 7-10, severe 11-15.
_BANDS = ((6, "mild"), (10, "moderate"), (15, "severe"))


@dataclass(frozen=True, slots=True)
class MaudsleyScore:
    """The MSM total and band; ``score_if_all_counted`` adds the augmentation and ECT points when left out."""

    score: int
    band: str
    duration_points: int
    severity_points: int
    failure_points: int
    augmentation_points: int | None
    ect_points: int | None
    score_if_all_counted: int
    notes: tuple[str, ...] = ()
    source: str = MSM_SOURCE

    def to_dict(self) -> dict[str, object]:
        return {
            "score": self.score,
            "band": self.band,
            "items": {
                "duration": self.duration_points,
                "severity": self.severity_points,
                "antidepressant_failures": self.failure_points,
                "augmentation": self.augmentation_points,
                "ect": self.ect_points,
            },
            "score_if_all_counted": self.score_if_all_counted,
            "notes": list(self.notes),
            "source": self.source,
        }


def _band(score: int) -> str:
    for upper, name in _BANDS:
        if score <= upper:
            return name
    return "severe"


def _failure_points(failed: int) -> int:
    # Levels 1-5 for 1-2, 3-4, 5-6, 7-10 and >10 failed medications (S20; M/L).
    if failed <= 0:
        return 0
    for upper, points in ((2, 1), (4, 2), (6, 3), (10, 4)):
        if failed <= upper:
            return points
    return 5


def maudsley(
    *,
    duration_months: float,
    severity: str,
    psychotic_features: bool,
    failed_trials: int,
    augmentation_used: bool,
    ect_used: bool,
    count_augmentation_and_ect: bool = COUNT_AUGMENTATION_AND_ECT,
) -> MaudsleyScore:
    """The MSM score (3-15 when every item applies) from the episode, the failed adequate trials, augmentation
    and ECT (each +1 when used, Fekadu 2009)."""
    notes: list[str] = []
    duration = 1 if duration_months <= 12 else 2 if duration_months <= 24 else 3
    severity_points = _SEVERITY_POINTS[severity]
    if severity == "severe" and psychotic_features:
        severity_points = 5
    elif psychotic_features:
        notes.append("psychotic features score 5 only with a severe episode in the MSM; scored by severity")
    failures = _failure_points(failed_trials)
    if failed_trials <= 0:
        notes.append("no failed adequate trial: the MSM is meant for treatment-resistant depression")
    aug = 1 if augmentation_used else 0
    ect = 1 if ect_used else 0
    base = duration + severity_points + failures
    if count_augmentation_and_ect:
        score = base + aug + ect
        return MaudsleyScore(score, _band(score), duration, severity_points, failures, aug, ect, score, tuple(notes))
    if aug or ect:
        notes.append(
            "augmentation and ECT points (+1 each) not counted on request; the published method counts them "
            f"(Fekadu 2009): with them the score would be {base + aug + ect}"
        )
    return MaudsleyScore(
        base, _band(base), duration, severity_points, failures, None, None, base + aug + ect, tuple(notes)
    )


def thase_rush_stage(failed_classes: Set[str], *, ect_failed_bilateral: bool | None) -> int:
    """The Thase-Rush stage 0-5 from the classes of failed adequate trials (cumulative, S21).

    Read conservatively: stage III needs a failed TCA *besides* two other distinct classes, stage IV a failed
    MAOI besides those, stage V a failed bilateral ECT course besides those.

    >>> thase_rush_stage({"SSRI", "SNRI", "TCA"}, ect_failed_bilateral=None)
    3
    >>> thase_rush_stage({"SSRI", "TCA"}, ect_failed_bilateral=None)
    2
    """
    classes = set(failed_classes)
    others = classes - {DrugClass.TCA, DrugClass.MAOI}
    if not classes:
        return 0
    if len(classes) < 2:
        return 1
    if DrugClass.TCA not in classes or len(others) < 2:
        return 2
    if DrugClass.MAOI not in classes:
        return 3
    if not ect_failed_bilateral:
        return 4
    return 5
