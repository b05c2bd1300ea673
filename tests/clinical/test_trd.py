"""TRD verdicts, trial by trial, under the definition profiles (S14, S15, S46) and the ATRQ example (S19)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketamine_trd.clinical.history import TreatmentHistory
from ketamine_trd.clinical.trd import DEFAULT_TRD_PROFILE, TRD_PROFILES, assess_trd
from ketamine_trd.errors import InputError, UnitError, UnknownTermError

from .conftest import load_example, make_history, trial


def _assess(*trials: dict, profile: str | None = None, **episode):  # type: ignore[no-untyped-def]
    return assess_trd(TreatmentHistory.from_dict(make_history(*trials, **episode)), profile)


def test_s19_worked_example() -> None:
    """S19: citalopram 20 mg x 1 month too short; venlafaxine 75 mg x 7 weeks too low; sertraline 100 mg x 3 months
    with 0% improvement is a failed trial."""
    a = _assess(
        trial("citalopram", 20, 4.3, 0),
        trial("venlafaxine", 75, 7, 0),
        trial("sertraline", 100, 13, 0),
        profile="FDA_esketamine_phase3",
    )
    cit, ven, ser = a.trials
    assert cit.adequate is False and any("shorter" in r for r in cit.reasons)
    assert ven.adequate is False and any("below the ATRQ minimum" in r for r in ven.reasons)
    assert ser.adequate is True and ser.failed is True
    assert a.failed_adequate_trials == 1 and a.trd is False


def test_s14_stop_for_intolerance_before_week_4_is_not_a_failure() -> None:
    a = _assess(trial("sertraline", 100, 3, 0, stopped_for="intolerance"), trial("duloxetine", 60, 8, 5),
                trial("bupropion", 300, 8, 10))  # fmt: skip
    assert a.profile == "EU_PEARL_2022"
    first = a.trials[0]
    assert first.failed is False and any("intolerance" in r for r in first.reasons)
    assert a.failed_adequate_trials == 2 and a.trd is True


def test_s14_vs_s15_improvement_threshold() -> None:
    """EU-PEARL (S14): failure is <25% improvement; Canadian (S15): nonresponse is <50%."""
    trials = (trial("sertraline", 100, 8, 40), trial("duloxetine", 60, 8, 30))
    assert _assess(*trials, profile="EU_PEARL_2022").trd is False
    assert _assess(*trials, profile="Canadian_2021").trd is True


def test_s46_phase3_threshold_is_inclusive_and_needs_6_weeks() -> None:
    a = _assess(trial("sertraline", 100, 6, 25), trial("duloxetine", 60, 6, 25), profile="FDA_esketamine_phase3")
    assert a.trd is True
    b = _assess(trial("sertraline", 100, 5, 0), trial("duloxetine", 60, 5, 0), profile="FDA_esketamine_phase3")
    assert b.trd is False and b.failed_adequate_trials == 0


def test_unknown_drug_and_unknown_dose_are_never_adequate() -> None:
    a = _assess(trial("no-such-drug", 100, 8, 0), trial("sertraline", None, 8, 0), trial("duloxetine", 60, 8, 0))
    assert a.trials[0].adequate is None and a.trials[0].failed is None
    assert a.trials[1].adequate is None and a.trials[1].failed is None
    assert a.failed_adequate_trials == 1 and a.trd is False
    assert a.undetermined_trials == 2
    assert any("could change" in n for n in a.notes)


def test_same_drug_twice_counts_once_and_past_episode_does_not_count() -> None:
    a = _assess(
        trial("sertraline", 100, 8, 0), trial("Zoloft", 150, 8, 0), trial("duloxetine", 60, 8, 0, episode="past")
    )
    assert a.failed_adequate_trials == 1 and a.trd is False


def test_improvement_categories_follow_s18_classes() -> None:
    partial = {"drug": "sertraline", "daily_dose_mg": 100, "weeks": 8, "improvement_category": "partial"}
    assert _assess(partial).trials[0].failed is False  # 25-49% is not a failure under <25%
    assert _assess(partial, profile="Canadian_2021").trials[0].failed is True  # but is under <50%


def test_poor_adherence_is_not_adequate() -> None:
    assert _assess(trial("sertraline", 100, 8, 0, adherence="poor")).trials[0].adequate is False


def test_bipolar_is_out_of_scope_for_eu_pearl() -> None:
    trials = (trial("sertraline", 100, 8, 0), trial("duloxetine", 60, 8, 0))
    assert _assess(*trials, diagnosis="bipolar").trd is False
    assert _assess(*trials, diagnosis="bipolar", profile="Canadian_2021").trd is True


def test_example_file_and_contract_keys() -> None:
    a = assess_trd(TreatmentHistory.from_dict(load_example("history.json")))
    d = a.to_dict()
    assert {"trd", "failed_adequate_trials", "profile", "maudsley", "thase_rush_stage", "trials"} <= d.keys()
    assert {"score", "band"} <= d["maudsley"].keys()
    assert all({"drug", "adequate", "failed", "reasons"} <= t.keys() for t in d["trials"])
    assert d["profile"] == DEFAULT_TRD_PROFILE and d["rule_version"] and d["source"] == "S14"


@pytest.mark.parametrize(
    ("doc", "field", "error"),
    [
        (make_history({"drug": "sertraline", "weeks": 8}), "trials[0].daily_dose_mg", InputError),
        (make_history({"drug": "sertraline", "daily_dose": 50, "weeks": 8}), "trials[0].daily_dose", UnitError),
        (make_history(trial("sertraline", -5, 8)), "trials[0].daily_dose_mg", InputError),
        (make_history(trial("sertraline", 50, 8, stopped_for="boredom")), "trials[0].stopped_for", InputError),
        ({"episode": {"duration_months": 6, "severity": "awful"}}, "episode.severity", InputError),
        ({"trials": []}, "episode", InputError),
        (make_history(trial("sertraline", 50, 8), mood="low"), "episode.mood", InputError),
    ],
)
def test_bad_input_names_the_dotted_field(doc: dict, field: str, error: type) -> None:
    with pytest.raises(error) as caught:
        TreatmentHistory.from_dict(doc)
    assert caught.value.field == field


def test_unknown_profile_is_refused() -> None:
    with pytest.raises(UnknownTermError):
        _assess(profile="nope")


_trials = st.lists(
    st.builds(
        trial,
        st.sampled_from(["sertraline", "duloxetine", "bupropion", "mirtazapine", "phenelzine", "imipramine", "xyz"]),
        st.one_of(st.none(), st.floats(1, 400)),
        st.one_of(st.none(), st.floats(0, 30)),
        st.one_of(st.none(), st.floats(-50, 100)),
    ),
    max_size=8,
)


@settings(max_examples=60, deadline=None)
@given(_trials, st.sampled_from(sorted(TRD_PROFILES)))
def test_verdict_is_consistent_with_trials(trials: list, profile: str) -> None:
    a = _assess(*trials, profile=profile)
    failed = {t.generic for t in a.trials if t.failed and t.episode == "current"}
    assert a.failed_adequate_trials == len(failed)
    assert a.trd == (len(failed) >= TRD_PROFILES[profile].min_failed_trials)
    for t in a.trials:
        assert not (t.failed and not t.adequate)  # a failure is always an adequate trial
        assert t.generic is not None or t.adequate is None
