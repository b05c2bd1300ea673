"""Synthetic sessions, doses and adverse-event markers for :mod:`.synth` (platform-defined schedules).

IV racemic ketamine: six infusions of 0.5 mg/kg over 12 days (S25); esketamine: twice weekly for four weeks, 56 mg
first then 56 or 84 mg (S13), and every 14 days in maintenance. CADSS totals fall by 15% a session (platform-defined).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ketamine_trd.analytics.synth_ids import expand, make_ids

__all__ = ["visits"]

_IV_DAYS = np.array([0, 2, 4, 7, 9, 11])  # six infusions over 12 days (S25)
_ESK_DAYS = np.array([0, 3, 7, 10, 14, 17, 21, 24])  # twice weekly for four weeks (S13)


def visits(
    rng: np.random.Generator,
    idx: np.ndarray,
    cid: np.ndarray,
    esk: np.ndarray,
    start: np.ndarray,
    cov: dict[str, np.ndarray],
    maintenance: np.ndarray,
    horizon: np.ndarray,
) -> dict[str, Any]:
    """Sessions, doses and adverse events of one chunk of patients, as pandas frames."""
    import pandas as pd

    n_ind = np.where(esk, len(_ESK_DAYS), len(_IV_DAYS))
    n_maint = np.where(maintenance, np.maximum(horizon - 7, 0) // 14, 0)  # every 14 days from day 35
    owner, k = expand(n_ind + n_maint)
    induction = k < n_ind[owner]
    day = np.where(
        induction,
        np.where(esk[owner], _ESK_DAYS[np.minimum(k, 7)], _IV_DAYS[np.minimum(k, 5)]),
        35 + 14 * (k - n_ind[owner]),
    )
    cadss = np.round(cov["cadss"][owner] * 0.85 ** np.minimum(k, 8)).astype(np.int64)
    sid = make_ids("SYN-S", idx[owner], k + 1)
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
            "dose_id": make_ids("SYN-D", idx[owner], k + 1),
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
