"""A synthetic registry in the export format, driven by published figures, labelled synthetic.

Each patient has one course: racemic ketamine IV (PHQ-9 as primary scale, six infusions over
12 days) or esketamine intranasal (MADRS, twice weekly for four weeks). Response at the
end-of-induction review (day 28) follows a logistic model whose route intercepts are calibrated
to the published response rates and whose slopes are the published predictor effects
(:mod:`.synth_figures`); remission, early response and time to relapse after induction follow
the published figures too. Every row has ``synthetic = True``. Patients are generated in
vectorised chunks so that :mod:`.scale` can build Dask partitions of millions of assessments.

>>> reg = generate_registry(50, seed=1)
>>> len(reg.records("patients")), reg.records("courses")[0]["synthetic"]
(50, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from ketamine_trd.analytics.synth_figures import FIGURES, esketamine_early_response, log_odds_per_sd, weibull_through
from ketamine_trd.errors import InputError

__all__ = ["ESKETAMINE_SHARE", "SyntheticRegistry", "generate_chunk", "generate_registry", "true_effects"]

# Platform-defined mix and covariate distributions (no source gives a clinic population).
ESKETAMINE_SHARE = 0.4
ESK_MAINTENANCE_SHARE = 0.5
_BASE_DATE = np.datetime64("2021-01-04")
_IV_DAYS = np.array([0, 2, 4, 7, 9, 11])  # six infusions over 12 days (S25)
_ESK_DAYS = np.array([0, 3, 7, 10, 14, 17, 21, 24])  # twice weekly for four weeks (S13)
_REVIEW_DAY = 28
_FOLLOW_UP_EVERY = 28
_SCALES = {"phq9": (9, 3, 4), "madrs": (10, 6, 12), "gad7": (7, 3, 0)}  # items, item max, remission <=
_BMI_MEAN, _BMI_SD, _CADSS_MEAN, _CADSS_SD = 28.5, 6.0, 15.0, 10.0


def true_effects() -> dict[str, float]:
    """Log odds ratios the generator uses (per SD for BMI and CADSS; for the family-history flag).

    >>> round(true_effects()["bmi_per_sd"], 3)
    0.544
    """
    return {
        "bmi_per_sd": log_odds_per_sd(FIGURES["bmi_beta"].value),
        "family_history_aud": log_odds_per_sd(FIGURES["fh_aud_beta"].value),
        "iv_cadss_per_sd": log_odds_per_sd(FIGURES["iv_cadss_r"].value),
        "esk_cadss_per_sd": log_odds_per_sd(FIGURES["esk_cadss_r"].value),
    }


def _covariates(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    return {
        "bmi": np.clip(rng.normal(_BMI_MEAN, _BMI_SD, n), 16.0, 55.0).round(1),
        "fh_aud": rng.random(n) < 0.2,
        "cadss": np.clip(rng.normal(_CADSS_MEAN, _CADSS_SD, n), 0, 92).round(),
    }


def _linear(cov: dict[str, np.ndarray], esk: np.ndarray) -> np.ndarray:
    eff = true_effects()
    cadss = np.where(esk, eff["esk_cadss_per_sd"], eff["iv_cadss_per_sd"])
    return (
        eff["bmi_per_sd"] * (cov["bmi"] - _BMI_MEAN) / _BMI_SD
        + eff["family_history_aud"] * cov["fh_aud"]
        + cadss * (cov["cadss"] - _CADSS_MEAN) / _CADSS_SD
    )


@cache
def _intercepts() -> tuple[float, float]:
    """Route intercepts that make the mean response probability equal the published rates."""
    from scipy.optimize import brentq

    rng = np.random.default_rng(20240601)
    out = []
    for esk, target in ((False, FIGURES["iv_response_rate"].value), (True, FIGURES["esk_response_rate"].value)):
        eta = _linear(_covariates(rng, 200_000), np.full(200_000, esk))
        out.append(
            float(brentq(lambda a, eta=eta, t=target: float(np.mean(1 / (1 + np.exp(-(a + eta))))) - t, -10, 10))
        )
    return out[0], out[1]


def _uniform_int(rng: np.random.Generator, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    low, high = np.asarray(low), np.maximum(np.asarray(high), low)
    out: np.ndarray = (low + np.floor(rng.random(low.shape) * (high - low + 1))).astype(np.int64)
    return out


def _expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    owner = np.repeat(np.arange(len(counts)), counts)
    start = np.repeat(np.cumsum(counts) - counts, counts)
    return owner, np.arange(len(owner)) - start


def _items(rng: np.random.Generator, totals: np.ndarray, n_items: int, item_max: int) -> np.ndarray:
    """Split each total into item scores (0..item_max) at random; rows sum to the totals."""
    ranks = rng.random((len(totals), n_items * item_max)).argsort(axis=1).argsort(axis=1)
    chosen = ranks < totals[:, None]
    out: np.ndarray = chosen.reshape(len(totals), n_items, item_max).sum(axis=2)
    return out


def _relapse_days(rng: np.random.Generator, esk: np.ndarray, maintenance: np.ndarray) -> np.ndarray:
    shape, scale = weibull_through(FIGURES["iv_sustained_28"].value, 28.0, FIGURES["iv_sustained_56"].value, 56.0)
    iv = scale * rng.weibull(shape, len(esk))
    rate = np.log(2) / FIGURES["esk_median_relapse_days"].value
    rate = rate * np.where(maintenance, FIGURES["esk_maintenance_hr"].value, 1.0)
    return np.where(esk, rng.exponential(1.0 / rate), iv)


def _ids(prefix: str, owner_ids: np.ndarray, k: np.ndarray | None = None) -> np.ndarray:
    if k is None:
        return np.array([f"{prefix}{o:07d}" for o in owner_ids.tolist()], dtype=object)
    return np.array([f"{prefix}{o:07d}-{j}" for o, j in zip(owner_ids.tolist(), k.tolist(), strict=True)], dtype=object)


def generate_chunk(n: int, seed: int, offset: int = 0, *, tables: tuple[str, ...] | None = None) -> dict[str, Any]:
    """Patients ``offset .. offset+n-1`` of the registry of ``seed``, as pandas frames by table."""
    import pandas as pd

    rng = np.random.default_rng([seed, offset])
    idx = np.arange(offset, offset + n)
    esk = rng.random(n) < ESKETAMINE_SHARE
    cov = _covariates(rng, n)
    age = np.clip(rng.normal(45, 13, n), 18, 80).round().astype(np.int64)
    failed = 2 + rng.poisson(1.5, n)
    episode = np.clip(rng.lognormal(np.log(24), 0.8, n), 1, 360).round(1)
    maudsley = np.clip(3 + failed + (episode > 12) + (episode > 24) + rng.integers(0, 3, n), 3, 15)
    start = _BASE_DATE + rng.integers(0, 1000, n).astype("timedelta64[D]")
    a_iv, a_esk = _intercepts()
    p = 1 / (1 + np.exp(-(np.where(esk, a_esk, a_iv) + _linear(cov, esk))))
    responder = rng.random(n) < p
    q = np.where(
        esk,
        FIGURES["esk_remission_rate"].value / FIGURES["esk_response_rate"].value,
        FIGURES["iv_remission_rate"].value / FIGURES["iv_response_rate"].value,
    )
    remitter = responder & (rng.random(n) < q)
    maintenance = responder & esk & (rng.random(n) < ESK_MAINTENANCE_SHARE)
    # Primary scale: baseline, day 7 (early response), day 28 (review).
    n_items, item_max, thr = np.where(esk, 10, 9), np.where(esk, 6, 3), np.where(esk, 12, 4)
    scale_max = n_items * item_max
    base = np.where(esk, np.clip(rng.normal(37, 5.5, n), 28, 60), np.clip(rng.normal(19, 4, n), 10, 27)).round()
    base = base.astype(np.int64)
    half = base // 2
    end = np.where(
        remitter,
        _uniform_int(rng, np.zeros(n, np.int64), thr),
        np.where(
            responder, _uniform_int(rng, thr + 1, half), _uniform_int(rng, half + 1, np.minimum(base + 2, scale_max))
        ),
    )
    early_sens, early_false = esketamine_early_response()
    p_early = np.where(
        esk,
        np.where(responder, early_sens, early_false),
        np.where(responder, FIGURES["iv_early_sensitivity"].value, 1 - FIGURES["iv_early_specificity"].value),
    )
    early = rng.random(n) < p_early
    day7 = np.where(early, _uniform_int(rng, (base * 0.2).astype(np.int64), half), _uniform_int(rng, half + 1, base))
    # Durability after the review, for responders.
    relapse_t = np.ceil(_relapse_days(rng, esk, maintenance)).astype(np.int64)
    follow = rng.integers(120, 366, n)
    relapsed = responder & (relapse_t <= follow)
    horizon = np.where(relapsed, relapse_t, follow)
    n_follow = np.where(responder, (horizon - 1) // _FOLLOW_UP_EVERY, 0)

    pid, cid = _ids("SYN-P", idx), _ids("SYN-C", idx)
    frames: dict[str, Any] = {}
    frames["patients"] = pd.DataFrame(
        {
            "patient_id": pid,
            "sex": np.where(rng.random(n) < 0.6, "female", "male"),
            "birth_year": (start.astype("datetime64[Y]").astype(np.int64) + 1970 - age).astype(np.int64),
            "family_history_aud": cov["fh_aud"],
            "prior_ect": rng.random(n) < 0.15,
        }
    )
    review = start + np.timedelta64(_REVIEW_DAY, "D")
    end_date = np.where(
        ~responder,
        review,
        np.where(relapsed, start + (_REVIEW_DAY + relapse_t).astype("timedelta64[D]"), np.datetime64("NaT")),
    )
    frames["courses"] = pd.DataFrame(
        {
            "course_id": cid,
            "patient_id": pid,
            "product": np.where(esk, "esketamine", "racemic_ketamine"),
            "route": np.where(esk, "intranasal", "iv"),
            "primary_scale": np.where(esk, "madrs", "phq9"),
            "start_date": start.astype("datetime64[ns]"),
            "induction_end_date": review.astype("datetime64[ns]"),
            "end_date": end_date.astype("datetime64[ns]"),
            "end_reason": np.where(
                ~responder, "no_response", np.where(relapsed, "relapse", np.array(None, dtype=object))
            ),
            "age_years": age,
            "bmi_kg_m2": cov["bmi"],
            "episode_duration_months": episode,
            "failed_adequate_trials": failed,
            "maudsley_score": maudsley,
            "maintenance": maintenance,
        }
    )
    frames["assessments"], frames["assessment_items"] = _assessments(
        rng,
        idx,
        cid,
        esk,
        start,
        base,
        day7,
        end,
        half,
        relapsed,
        relapse_t,
        n_follow,
        items=_wants(tables, "assessment_items"),
    )
    frames["outcome_events"] = _events(idx, cid, esk, start, responder, remitter, relapsed, relapse_t)
    if _wants(tables, "sessions"):
        frames.update(_sessions(rng, idx, cid, esk, start, cov, maintenance, horizon))
    for name, frame in frames.items():
        frame["synthetic"] = True
        frames[name] = frame
    return frames


def _wants(tables: tuple[str, ...] | None, name: str) -> bool:
    return tables is None or name in tables


def _assessments(
    rng: np.random.Generator,
    idx: np.ndarray,
    cid: np.ndarray,
    esk: np.ndarray,
    start: np.ndarray,
    base: np.ndarray,
    day7: np.ndarray,
    end: np.ndarray,
    half: np.ndarray,
    relapsed: np.ndarray,
    relapse_t: np.ndarray,
    n_follow: np.ndarray,
    *,
    items: bool,
) -> tuple[Any, Any]:
    import pandas as pd

    n = len(idx)
    parts: list[dict[str, np.ndarray]] = []
    primary = np.where(esk, "madrs", "phq9")
    for day, score in ((0, base), (7, day7), (14, (2 * day7 + end) // 3), (21, (day7 + 2 * end) // 3), (28, end)):
        parts.append({"owner": np.arange(n), "instrument": primary, "day": np.full(n, day), "total": score})
    phq_base = np.clip(rng.normal(19, 4, n), 10, 27).round().astype(np.int64)
    n_esk = int(esk.sum())
    parts.append(
        {
            "owner": np.flatnonzero(esk),
            "instrument": np.full(n_esk, "phq9"),
            "day": np.zeros(n_esk, int),
            "total": phq_base[esk],
        }
    )
    gad = np.clip(rng.normal(12, 4.5, n), 0, 21).round().astype(np.int64)
    parts.append({"owner": np.arange(n), "instrument": np.full(n, "gad7"), "day": np.zeros(n, int), "total": gad})
    owner, k = _expand(n_follow)
    lo, hi = np.maximum(end[owner] - 2, 0), np.minimum(half[owner], end[owner] + 2)
    parts.append({"owner": owner, "instrument": primary[owner], "day": _REVIEW_DAY + _FOLLOW_UP_EVERY * (k + 1),
                  "total": _uniform_int(rng, lo, hi)})  # fmt: skip
    rel = np.flatnonzero(relapsed)
    floor = np.where(esk[rel], np.maximum(half[rel] + 1, 22), half[rel] + 1)  # MADRS >= 22 (S13)
    cap = np.where(esk[rel], 60, 27)
    parts.append({"owner": rel, "instrument": primary[rel], "day": _REVIEW_DAY + relapse_t[rel],
                  "total": _uniform_int(rng, floor, np.maximum(floor, np.minimum(base[rel] + 2, cap)))})  # fmt: skip
    cat = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    order = np.lexsort((cat["day"], cat["owner"]))
    cat = {key: v[order] for key, v in cat.items()}
    _, j = _expand(np.bincount(cat["owner"], minlength=n))
    aid = _ids("SYN-A", idx[cat["owner"]], j)
    assessments = pd.DataFrame(
        {
            "assessment_id": aid,
            "course_id": cid[cat["owner"]],
            "instrument": cat["instrument"],
            "assessment_date": (start[cat["owner"]] + cat["day"].astype("timedelta64[D]")).astype("datetime64[ns]"),
            "day": cat["day"].astype(np.int64),
            "total_score": cat["total"].astype(np.int64),
        }
    )
    if not items:
        return assessments, pd.DataFrame()
    item_frames = []
    for name, (n_items, item_max, _) in _SCALES.items():
        rows = np.flatnonzero(cat["instrument"] == name)
        scores = _items(rng, cat["total"][rows], n_items, item_max)
        item_frames.append(
            pd.DataFrame(
                {
                    "assessment_id": np.repeat(aid[rows], n_items),
                    "item_number": np.tile(np.arange(1, n_items + 1), len(rows)),
                    "item_score": scores.ravel(),
                }
            )
        )
    return assessments, pd.concat(item_frames, ignore_index=True)


def _events(
    idx: np.ndarray,
    cid: np.ndarray,
    esk: np.ndarray,
    start: np.ndarray,
    responder: np.ndarray,
    remitter: np.ndarray,
    relapsed: np.ndarray,
    relapse_t: np.ndarray,
) -> Any:
    import pandas as pd

    review = start + np.timedelta64(_REVIEW_DAY, "D")
    scale = np.where(esk, "madrs", "phq9")
    rows = []
    for kind, mask, when, definition, src in (
        ("response", responder, review, "response-50pct-v1", np.full(len(idx), "cochrane-cd011612")),
        ("remission", remitter, review, np.where(esk, "remission-madrs-le12-v1", "remission-phq9-lt5-v1"),
         np.where(esk, "popova-2019", "mcinnes-2022")),
        ("relapse", relapsed, start + (_REVIEW_DAY + relapse_t).astype("timedelta64[D]"),
         np.where(esk, "relapse-sustain1-madrs-v1", "loss-of-response-v1"), np.where(esk, "S13", "mcinnes-2022")),
    ):  # fmt: skip
        sel = np.flatnonzero(mask)
        rows.append(
            pd.DataFrame(
                {
                    "event_id": _ids(f"SYN-E{kind[:3]}-", idx[sel]),
                    "course_id": cid[sel],
                    "event_type": kind,
                    "event_date": when[sel].astype("datetime64[ns]"),
                    "scale": scale[sel],
                    "definition_id": np.broadcast_to(definition, len(idx))[sel],
                    "source_id": src[sel],
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def _sessions(
    rng: np.random.Generator,
    idx: np.ndarray,
    cid: np.ndarray,
    esk: np.ndarray,
    start: np.ndarray,
    cov: dict[str, np.ndarray],
    maintenance: np.ndarray,
    horizon: np.ndarray,
) -> dict[str, Any]:
    import pandas as pd

    n_ind = np.where(esk, len(_ESK_DAYS), len(_IV_DAYS))
    n_maint = np.where(maintenance, np.maximum(horizon - 7, 0) // 14, 0)  # every 14 days from day 35
    owner, k = _expand(n_ind + n_maint)
    induction = k < n_ind[owner]
    day = np.where(
        induction,
        np.where(esk[owner], _ESK_DAYS[np.minimum(k, 7)], _IV_DAYS[np.minimum(k, 5)]),
        35 + 14 * (k - n_ind[owner]),
    )
    cadss = np.round(cov["cadss"][owner] * 0.85 ** np.minimum(k, 8)).astype(np.int64)
    sid = _ids("SYN-S", idx[owner], k + 1)
    height_m = np.clip(rng.normal(1.70, 0.09, len(idx)), 1.45, 2.0)
    weight = cov["bmi"] * height_m**2
    iv_dose = np.round(0.5 * weight[owner], 1)  # 0.5 mg/kg over 40 min (S23, S25)
    esk_dose = np.where(k == 0, 56.0, np.where(rng.random(len(owner)) < 0.5, 56.0, 84.0))  # S13
    sessions = pd.DataFrame(
        {
            "session_id": sid,
            "course_id": cid[owner],
            "session_number": (k + 1).astype(np.int64),
            "session_date": (start[owner] + day.astype("timedelta64[D]")).astype("datetime64[ns]"),
            "phase": np.where(induction, "induction", "maintenance"),
            "cadss_total": cadss,
        }
    )
    doses = pd.DataFrame(
        {
            "dose_id": _ids("SYN-D", idx[owner], k + 1),
            "session_id": sid,
            "dose_mg": np.where(esk[owner], esk_dose, iv_dose),
            "dose_mg_per_kg": np.where(esk[owner], np.nan, 0.5),
            "administered_at": pd.to_datetime(sessions["session_date"]).dt.tz_localize("UTC") + pd.Timedelta(hours=15),
        }
    )
    # Platform-defined marker only: a CADSS total above 20 is charted as a mild dissociation AE.
    ae = sessions[sessions["cadss_total"] > 20]
    adverse = pd.DataFrame(
        {
            "ae_id": "SYN-AE-" + ae["session_id"].str.slice(4),
            "course_id": ae["course_id"],
            "session_id": ae["session_id"],
            "term": "dissociation",
            "severity": "mild",
            "serious": False,
            "onset_date": ae["session_date"],
        }
    )
    return {"sessions": sessions, "doses": doses, "adverse_events": adverse.reset_index(drop=True)}


@dataclass(frozen=True, slots=True)
class SyntheticRegistry:
    """A generated registry: ``frames`` by table (pandas), plus the seed and size that made it."""

    n_patients: int
    seed: int
    frames: dict[str, Any]

    def records(self, table_name: str) -> list[dict[str, Any]]:
        """Rows of one table as dicts (dates as ``datetime.date``, missing values as ``None``)."""
        frame = self.frames[table_name]
        out = frame.astype(object).where(frame.notna(), None).to_dict("records")
        for row in out:
            for key, value in row.items():
                if hasattr(value, "to_pydatetime"):
                    stamp = value.to_pydatetime()
                    row[key] = stamp if stamp.tzinfo is not None else stamp.date()
        return list(out)

    def to_frames(self) -> dict[str, Any]:
        """The tables as pandas DataFrames (copies)."""
        return {name: frame.copy() for name, frame in self.frames.items()}


def generate_registry(n_patients: int, seed: int, *, chunk_size: int = 20_000) -> SyntheticRegistry:
    """Generate ``n_patients`` synthetic patients (one course each) reproducibly from ``seed``."""
    import pandas as pd

    if not 1 <= n_patients <= 5_000_000:
        raise InputError("n_patients", n_patients, "1 to 5,000,000")
    if seed < 0:
        raise InputError("seed", seed, "a non-negative integer")
    chunks = [generate_chunk(min(chunk_size, n_patients - off), seed, off) for off in range(0, n_patients, chunk_size)]
    frames = {name: pd.concat([c[name] for c in chunks], ignore_index=True) for name in chunks[0]}
    return SyntheticRegistry(n_patients, seed, frames)
