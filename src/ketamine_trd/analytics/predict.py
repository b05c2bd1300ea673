"""Responder prediction: baseline features -> response at the end-of-induction review.

The estimator is a scikit-learn ``Pipeline`` (imputation, scaling, L2 logistic regression) built by
:func:`make_responder_pipeline`, with an explicit ``random_state``. :func:`evaluate_responder_model`
reports cross-validated AUROC with a bootstrap interval, the Brier score, a calibration curve and
permutation importances. See ``docs/model-card.md`` for what the model must not be used for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ketamine_trd.analytics.course_table import course_outcomes
from ketamine_trd.errors import InputError

__all__ = [
    "FEATURES",
    "PredictionReport",
    "ResponderClassifier",
    "build_features",
    "evaluate_responder_model",
    "make_responder_pipeline",
]

#: Baseline features, in order (units in the names; flags are 0/1).
FEATURES: tuple[str, ...] = (
    "age_years",
    "sex_female",
    "bmi_kg_m2",
    "baseline_phq9_total",
    "episode_duration_months",
    "failed_adequate_trials",
    "maudsley_score",
    "baseline_gad7_total",
    "suicidal_ideation",
    "prior_ect",
    "family_history_aud",
    "cadss_first_session",
    "early_improvement_pct",
    "route_iv",
)


def make_responder_pipeline(random_state: int | None = 0, c: float = 1.0) -> Any:
    """An unfitted scikit-learn Pipeline: median imputation, standard scaling, logistic regression."""
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    return Pipeline(
        [
            ("impute", SimpleImputer(strategy="median")),
            ("scale", StandardScaler()),
            ("model", LogisticRegression(C=c, max_iter=1000, random_state=random_state)),
        ]
    )


def _sklearn_base() -> tuple[type, type]:
    from sklearn.base import BaseEstimator, ClassifierMixin

    return BaseEstimator, ClassifierMixin


try:  # scikit-learn is in the analytics extra; the class needs its base classes at definition
    _BaseEstimator, _ClassifierMixin = _sklearn_base()
except ImportError:  # pragma: no cover
    _BaseEstimator, _ClassifierMixin = object, object


class ResponderClassifier(_ClassifierMixin, _BaseEstimator):  # type: ignore[misc,valid-type]
    """The responder model as one scikit-learn estimator (missing values are imputed).

    ``__init__`` only stores ``c`` and ``random_state``; ``fit`` builds and fits
    :func:`make_responder_pipeline` into ``pipeline_`` and returns ``self``.
    """

    def __init__(self, c: float = 1.0, random_state: int | None = 0) -> None:
        self.c = c
        self.random_state = random_state

    def fit(self, x: Any, y: Any) -> ResponderClassifier:
        """Fit on features ``x`` (rows = courses) and labels ``y``."""
        from sklearn.utils.multiclass import check_classification_targets
        from sklearn.utils.validation import validate_data

        x, y = validate_data(self, x, y, ensure_all_finite="allow-nan")
        check_classification_targets(y)
        self.pipeline_ = make_responder_pipeline(self.random_state, self.c).fit(x, y)
        self.classes_ = self.pipeline_.classes_
        return self

    def _checked(self, x: Any) -> Any:
        from sklearn.utils.validation import check_is_fitted, validate_data

        check_is_fitted(self)
        return validate_data(self, x, reset=False, ensure_all_finite="allow-nan")

    def predict_proba(self, x: Any) -> Any:
        """Probability of each class (column 1: response)."""
        checked = self._checked(x)
        return self.pipeline_.predict_proba(checked)

    def predict(self, x: Any) -> Any:
        """Predicted class."""
        checked = self._checked(x)
        return self.pipeline_.predict(checked)

    def decision_function(self, x: Any) -> Any:
        """Log odds of the positive class."""
        checked = self._checked(x)
        return self.pipeline_.decision_function(checked)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


def _baseline(assessments: Any, instrument: str, name: str) -> Any:
    rows = assessments[(assessments["instrument"] == instrument) & (assessments["day"] <= 0)]
    rows = rows.sort_values(["course_id", "day"]).groupby("course_id").tail(1)
    return rows.set_index("course_id")[["assessment_id", "total_score"]].rename(columns={"total_score": name})


def build_features(frames: dict[str, Any]) -> tuple[Any, Any]:
    """``(X, y)``: one row per course with a baseline and a review; ``y`` is response (0/1)."""
    courses, assessments = frames["courses"], frames["assessments"]
    outcomes = course_outcomes(courses, assessments).set_index("course_id")
    patients = frames["patients"].set_index("patient_id")
    x = courses.set_index("course_id").loc[outcomes.index]
    pat = patients.loc[x["patient_id"]].set_index(x.index)
    phq = _baseline(assessments, "phq9", "baseline_phq9_total")
    gad = _baseline(assessments, "gad7", "baseline_gad7_total")
    items = frames.get("assessment_items")
    si = None
    if items is not None and len(items):
        item9 = items[items["item_number"] == 9].set_index("assessment_id")["item_score"]
        si = (phq["assessment_id"].map(item9) > 0).astype("Float64")
    sessions = frames.get("sessions")
    first_cadss = None
    if sessions is not None and len(sessions):
        first_cadss = sessions[sessions["session_number"] == 1].set_index("course_id")["cadss_total"]
    prim = assessments.merge(courses[["course_id", "primary_scale"]], on="course_id")
    prim = prim[(prim["instrument"] == prim["primary_scale"]) & prim["day"].between(5, 9)]
    early = prim.groupby("course_id")["total_score"].max()
    base = outcomes["baseline"].astype(float)
    data = {
        "age_years": x["age_years"],
        "sex_female": (pat["sex"] == "female").astype(float),
        "bmi_kg_m2": x["bmi_kg_m2"],
        "baseline_phq9_total": phq["baseline_phq9_total"].reindex(x.index),
        "episode_duration_months": x["episode_duration_months"],
        "failed_adequate_trials": x["failed_adequate_trials"],
        "maudsley_score": x["maudsley_score"],
        "baseline_gad7_total": gad["baseline_gad7_total"].reindex(x.index),
        "suicidal_ideation": si.reindex(x.index) if si is not None else np.nan,
        "prior_ect": pat["prior_ect"].astype("Float64"),
        "family_history_aud": pat["family_history_aud"].astype("Float64"),
        "cadss_first_session": first_cadss.reindex(x.index) if first_cadss is not None else np.nan,
        "early_improvement_pct": 100.0 * (base - early.reindex(x.index).astype(float)) / base,
        "route_iv": (x["route"] == "iv").astype(float),
    }
    import pandas as pd

    features = pd.DataFrame(data, index=x.index).astype(float)
    return features[list(FEATURES)], outcomes["responded"].astype(int)


@dataclass(frozen=True, slots=True)
class PredictionReport:
    """Cross-validated performance of the responder model."""

    n: int
    n_responders: int
    auroc: float
    auroc_ci: tuple[float, float]
    brier: float
    calibration: tuple[tuple[float, float], ...]  # (mean predicted, observed) per bin
    permutation_importance: dict[str, float]
    coefficients: dict[str, float]
    folds: int
    random_state: int
    features: tuple[str, ...]


def evaluate_responder_model(
    x: Any,
    y: Any,
    *,
    random_state: int = 0,
    folds: int = 5,
    n_bootstrap: int = 500,
    features: tuple[str, ...] = FEATURES,
) -> PredictionReport:
    """Stratified k-fold out-of-fold AUROC (bootstrap 95% CI), Brier, calibration, importances."""
    from sklearn.calibration import calibration_curve
    from sklearn.inspection import permutation_importance
    from sklearn.metrics import brier_score_loss, roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict, train_test_split

    x, y = x[list(features)], np.asarray(y)
    if len(y) < 10 * folds or len(set(y.tolist())) < 2:
        raise InputError("courses", len(y), f"at least {10 * folds} courses with both responders and non-responders",
                         reason="is too few to cross-validate")  # fmt: skip
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=random_state)
    prob = cross_val_predict(ResponderClassifier(random_state=random_state), x, y, cv=cv, method="predict_proba")[:, 1]
    auroc = float(roc_auc_score(y, prob))
    rng = np.random.default_rng(random_state)
    boots = []
    for _ in range(n_bootstrap):
        idx = rng.integers(0, len(y), len(y))
        if y[idx].min() != y[idx].max():
            boots.append(roc_auc_score(y[idx], prob[idx]))
    lo, hi = np.percentile(boots, [2.5, 97.5])
    observed, predicted = calibration_curve(y, prob, n_bins=10, strategy="quantile")
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.3, stratify=y, random_state=random_state)
    fitted = ResponderClassifier(random_state=random_state).fit(x_tr, y_tr)
    imp = permutation_importance(fitted, x_te, y_te, scoring="roc_auc", n_repeats=5, random_state=random_state)
    full = ResponderClassifier(random_state=random_state).fit(x, y)
    coefs = full.pipeline_.named_steps["model"].coef_[0]
    return PredictionReport(
        n=len(y),
        n_responders=int(y.sum()),
        auroc=round(auroc, 4),
        auroc_ci=(round(float(lo), 4), round(float(hi), 4)),
        brier=round(float(brier_score_loss(y, prob)), 4),
        calibration=tuple((round(float(p), 4), round(float(o), 4)) for p, o in zip(predicted, observed, strict=True)),
        permutation_importance={f: round(float(m), 4) for f, m in zip(features, imp.importances_mean, strict=True)},
        coefficients={f: round(float(c), 4) for f, c in zip(features, coefs, strict=True)},
        folds=folds,
        random_state=random_state,
        features=tuple(features),
    )


def plot_calibration(report: PredictionReport, path: str, *, synthetic: bool) -> None:
    """Calibration curve and permutation importances, to a PNG."""
    from ketamine_trd.analytics.plotting import pyplot

    plt = pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    left.plot([0, 1], [0, 1], color="grey", linestyle="--")
    left.plot([c[0] for c in report.calibration], [c[1] for c in report.calibration], marker="o")
    left.set_xlabel("mean predicted probability of response")
    left.set_ylabel("observed response rate")
    left.set_title(
        f"AUROC {report.auroc:.3f} ({report.auroc_ci[0]:.3f}-{report.auroc_ci[1]:.3f}), Brier {report.brier:.3f}"
    )
    names = sorted(report.permutation_importance, key=report.permutation_importance.__getitem__)
    right.barh(names, [report.permutation_importance[n] for n in names])
    right.set_xlabel("permutation importance (drop in AUROC)")
    fig.suptitle("Responder model" + (" - SYNTHETIC DATA" if synthetic else ""))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
