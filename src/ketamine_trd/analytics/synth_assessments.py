"""Synthetic assessments and item scores for :mod:`.synth`.

The primary scale is rated at baseline and on days 7, 14, 21 and 28 (the end-of-induction review), then every 28
days while a responder is followed, and on the day response is lost; baseline PHQ-9 (esketamine courses) and GAD-7
(all) complete the baseline. Item scores split each total at random (platform-defined), so they always sum to it.

>>> totals = np.array([0, 5, 27])
>>> item_scores(np.random.default_rng(0), totals, 9, 3).sum(axis=1).tolist()
[0, 5, 27]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ketamine_trd.analytics.synth_ids import expand, make_ids, uniform_int

__all__ = ["FOLLOW_UP_EVERY", "REVIEW_DAY", "SCALES", "assessments", "item_scores"]

REVIEW_DAY = 28
FOLLOW_UP_EVERY = 28
SCALES = {"phq9": (9, 3), "madrs": (10, 6), "gad7": (7, 3)}  # items, item maximum


def item_scores(
    rng: np.random.Generator, totals: np.ndarray, n_items: int, item_max: int, *, late_item: int | None = None
) -> np.ndarray:
    """Split each total into item scores (0..item_max) at random; rows sum to the totals.

    ``late_item`` (1-based) is filled only after most other items (platform-defined), so that it stays 0 in
    many rows: used for PHQ-9 item 9, which would otherwise be above 0 in nearly every severe total.
    """
    keys = rng.random((len(totals), n_items * item_max))
    if late_item is not None:
        keys[:, (late_item - 1) * item_max : late_item * item_max] += 0.7
    ranks = keys.argsort(axis=1).argsort(axis=1)
    chosen = ranks < totals[:, None]
    out: np.ndarray = chosen.reshape(len(totals), n_items, item_max).sum(axis=2)
    return out


def assessments(
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
    """Assessments and (when ``items``) item scores of one chunk of patients, as pandas frames."""
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
    owner, k = expand(n_follow)
    lo, hi = np.maximum(end[owner] - 2, 0), np.minimum(half[owner], end[owner] + 2)
    parts.append({"owner": owner, "instrument": primary[owner], "day": REVIEW_DAY + FOLLOW_UP_EVERY * (k + 1),
                  "total": uniform_int(rng, lo, hi)})  # fmt: skip
    rel = np.flatnonzero(relapsed)
    floor = np.where(esk[rel], np.maximum(half[rel] + 1, 22), half[rel] + 1)  # MADRS >= 22 (S13)
    cap = np.where(esk[rel], 60, 27)
    parts.append({"owner": rel, "instrument": primary[rel], "day": REVIEW_DAY + relapse_t[rel],
                  "total": uniform_int(rng, floor, np.maximum(floor, np.minimum(base[rel] + 2, cap)))})  # fmt: skip
    cat = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    order = np.lexsort((cat["day"], cat["owner"]))
    cat = {key: v[order] for key, v in cat.items()}
    _, j = expand(np.bincount(cat["owner"], minlength=n))
    aid = make_ids("SYN-A", idx[cat["owner"]], j)
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
    for name, (n_items, item_max) in SCALES.items():
        rows = np.flatnonzero(cat["instrument"] == name)
        scores = item_scores(rng, cat["total"][rows], n_items, item_max, late_item=9 if name == "phq9" else None)
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
