"""Each model against its published targets (the test names the source id of each target)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ketamine_trd.pharmacology.dosing import Dose, Regimen
from ketamine_trd.pharmacology.engine import prepare, run_exposures
from ketamine_trd.pharmacology.models import model_for
from ketamine_trd.pharmacology.parameters import Covariates
from ketamine_trd.pharmacology.profile import typical_profile

GRID_24H = np.linspace(0.0, 24.0, 24 * 60 + 1)

# perez-ruixo-2021, Table 4 (typical values, single nasal dose): esk Cmax, esk AUC0-24, noresk Cmax, noresk AUC0-24.
TABLE4 = [
    ("18-60 y Caucasian", Covariates(), 28, 43.8, 147.3, 59.1, 274.4),
    ("18-60 y Caucasian", Covariates(), 56, 72.5, 254.7, 119.7, 516.3),
    ("18-60 y Caucasian", Covariates(), 84, 101.0, 362.2, 180.0, 758.0),
    ("18-60 y Asian non-Japanese", Covariates(asian=True), 56, 73.2, 275.9, 148.5, 704.8),
    ("18-60 y Asian non-Japanese", Covariates(asian=True), 84, 102.4, 393.5, 223.5, 1037.0),
    ("18-60 y Japanese", Covariates(asian=True, japanese=True), 56, 94.5, 335.1, 146.3, 760.8),
    ("18-60 y Japanese", Covariates(asian=True, japanese=True), 84, 131.3, 475.4, 220.4, 1114.0),
    (">60 y Caucasian (age 70 assumed)", Covariates(age_years=70.0), 56, 73.8, 275.8, 117.2, 522.0),
    (">60 y Caucasian (age 70 assumed)", Covariates(age_years=70.0), 84, 102.7, 391.2, 177.0, 765.9),
]


def _single(route: str, dose: Dose, cov: Covariates, times: np.ndarray = GRID_24H):  # type: ignore[no-untyped-def]
    model = model_for(route)
    job = prepare(model, Regimen(route, (dose,)), model.individual(1), cov)
    return run_exposures(job, times, np.zeros(0))


@pytest.mark.parametrize("row", TABLE4, ids=lambda r: f"{r[0]}-{r[2]}mg")
def test_perez_ruixo_2021_table4_esketamine_within_3_percent(row: tuple) -> None:  # type: ignore[type-arg]
    _, cov, dose, cmax, auc, nor_cmax, _ = row
    e = _single("esketamine-nasal", Dose(0.0, float(dose)), cov)
    assert e.cmax_ng_per_ml[0, 0] == pytest.approx(cmax, rel=0.03)
    assert e.auc_ng_h_per_ml[0, 0] == pytest.approx(auc, rel=0.03)
    assert e.cmax_ng_per_ml[1, 0] == pytest.approx(nor_cmax, rel=0.03)


@pytest.mark.parametrize("row", TABLE4, ids=lambda r: f"{r[0]}-{r[2]}mg")
def test_perez_ruixo_2021_noresketamine_auc_erratum_is_reproduced(row: tuple) -> None:  # type: ignore[type-arg]
    """Coded literally, the model over-predicts Table 4's noresketamine AUC0-24 by 1.38-1.56x (nlmixr2lib errata)."""
    _, cov, dose, *_, nor_auc = row
    e = _single("esketamine-nasal", Dose(0.0, float(dose)), cov)
    assert 1.35 <= e.auc_ng_h_per_ml[1, 0] / nor_auc <= 1.60


@pytest.mark.parametrize(("dose_mg", "f_target"), [(56.0, 0.54), (84.0, 0.51)])
def test_perez_ruixo_2021_absolute_bioavailability(dose_mg: float, f_target: float) -> None:
    """Abstract: absolute bioavailability 54% for 56 mg and 51% for 84 mg (AUC ratio nasal / IV, to 1000 h)."""
    times = np.linspace(0.0, 1000.0, 2001)
    nasal = _single("esketamine-nasal", Dose(0.0, dose_mg), Covariates(), times)
    iv = _single("esketamine-iv", Dose(0.0, dose_mg, 1.0), Covariates(), times)
    assert nasal.auc_ng_h_per_ml[0, 0] / iv.auc_ng_h_per_ml[0, 0] == pytest.approx(f_target, abs=0.01)


def test_esketamine_half_life_within_label_range() -> None:
    """spravato-label-pk: terminal t1/2 7-12 h."""
    r = typical_profile("esketamine-nasal", (Dose(0.0, 56.0),), Covariates(), 24.0)
    assert 7.0 <= r.half_life_h <= 12.0


def test_esketamine_tmax_within_label_range() -> None:
    """spravato-label-pk: Tmax 20-40 min after the last spray (all sprays at time 0 here)."""
    for dose in (28.0, 56.0, 84.0):
        e = _single("esketamine-nasal", Dose(0.0, dose), Covariates())
        assert 20 / 60 <= e.tmax_h[0, 0] <= 40 / 60


def test_racemic_iv_half_mg_per_kg_over_40_min_cmax() -> None:
    """zanos-2018 (Zarate 2006): 0.5 mg/kg over 40 min gives Cmax about 185 ng/mL; within 10%."""
    for weight in (60.0, 70.0, 100.0):
        e = _single("ketamine-iv", Dose(0.0, 0.5 * weight, 40.0), Covariates(weight_kg=weight))
        assert e.cmax_ng_per_ml[0, 0] == pytest.approx(185.0, rel=0.10)
        assert e.tmax_h[0, 0] == pytest.approx(40 / 60, abs=1 / 60)


def test_racemic_clearance_matches_kamp_2020_meta_analysis() -> None:
    """kamp-2020: CL 79 L/h at 70 kg (95% CI 69-90)."""
    model = model_for("ketamine-iv")
    p = model.individual(1)
    cl = float(p["k10_per_h"][0] * p["v1_l_per_kg"][0] * 70.0)
    assert 69.0 <= cl <= 90.0


def test_racemic_half_life_classic_value() -> None:
    """zanos-2018 / reference section 4: classic racemic t1/2 2.5-3 h; allow 10% above."""
    r = typical_profile("ketamine-iv", (Dose(0.0, 35.0, 40.0),), Covariates(), 24.0)
    assert 2.5 <= r.half_life_h <= 3.3


@pytest.mark.parametrize(("route", "tmax_h"), [("ketamine-sublingual", 0.75), ("ketamine-intranasal", 0.25)])
def test_racemic_tmax_of_calibrated_absorption(route: str, tmax_h: float) -> None:
    """rolan-2014 (SL Tmax 0.75 h) and pharmacotherapy-2022 (IN Tmax 14-16 min): ka was chosen to match."""
    e = _single(route, Dose(0.0, 25.0), Covariates())
    assert e.tmax_h[0, 0] == pytest.approx(tmax_h, abs=2 / 60)


def test_racemic_im_tmax_inside_quoted_range() -> None:
    """primidi-ketamine-pk [L]: IM Tmax 5-15 min."""
    e = _single("ketamine-im", Dose(0.0, 35.0), Covariates())
    assert 5 / 60 <= e.tmax_h[0, 0] <= 15 / 60


def test_sublingual_bioavailability_is_rolan_2014() -> None:
    """rolan-2014: F 29% (AUC ratio SL / IV over a long window)."""
    times = np.linspace(0.0, 200.0, 801)
    sl = _single("ketamine-sublingual", Dose(0.0, 25.0), Covariates(), times)
    iv = _single("ketamine-iv", Dose(0.0, 25.0, 1.0), Covariates(), times)
    assert sl.auc_ng_h_per_ml[0, 0] / iv.auc_ng_h_per_ml[0, 0] == pytest.approx(0.29, rel=1e-3)


def test_every_parameter_cites_a_known_source_and_unit() -> None:
    from ketamine_trd.clinical.sources import registry
    from ketamine_trd.pharmacology.models import all_models

    for model in all_models():
        assert model.source_id in registry()
        for p in model.parameters:
            assert p.source_id in registry(), p
            assert p.unit and math.isfinite(p.value)


def test_simons_2022_s_ketamine_iv_peak_arterial() -> None:
    """simons-2022: 20 mg S-ketamine IV over 20 min, peak arterial 260-273 ng/mL (95% CIs 251-287); 73 kg mean."""
    e = _single("s-ketamine-iv", Dose(0.0, 20.0, 20.0), Covariates(weight_kg=73.0))
    assert 251.0 <= e.cmax_ng_per_ml[0, 0] <= 287.0
    assert e.tmax_h[0, 0] == pytest.approx(20 / 60, abs=1 / 60)


def test_simons_2022_film_bioavailability() -> None:
    """simons-2022 abstract: S-ketamine bioavailability from the film 26 +/- 1%."""
    times = np.linspace(0.0, 200.0, 801)
    film = _single("s-ketamine-film", Dose(0.0, 50.0), Covariates(), times)
    iv = _single("s-ketamine-iv", Dose(0.0, 50.0, 1.0), Covariates(), times)
    assert film.auc_ng_h_per_ml[0, 0] / iv.auc_ng_h_per_ml[0, 0] == pytest.approx(0.26, abs=0.01)


def test_esketamine_no_accumulation_twice_weekly() -> None:
    """spravato-label-pk [M]: no accumulation with twice-weekly dosing (8th 84-mg dose against the 1st, within 5%)."""
    days = [0, 3, 7, 10, 14, 17, 21, 24]
    model = model_for("esketamine-nasal")
    regimen = Regimen("esketamine-nasal", tuple(Dose(d * 24.0, 84.0) for d in days))
    job = prepare(model, regimen, model.individual(1), Covariates())
    first = run_exposures(job, np.linspace(0.0, 24.0, 1441), np.zeros(0))
    eighth = run_exposures(job, np.linspace(24 * 24.0, 25 * 24.0, 1441), np.zeros(0))
    assert eighth.cmax_ng_per_ml[0, 0] == pytest.approx(first.cmax_ng_per_ml[0, 0], rel=0.05)
    assert eighth.auc_ng_h_per_ml[0, 0] == pytest.approx(first.auc_ng_h_per_ml[0, 0], rel=0.05)


@pytest.mark.parametrize("route", ["s-ketamine-film", "esketamine-nasal", "ketamine-oral"])
def test_non_iv_routes_refuse_infusion_minutes(route: str) -> None:
    """Minutes are an IV infusion setting; a film, spray or tablet refuses them rather than ignoring them."""
    from ketamine_trd.errors import InputError

    with pytest.raises(InputError, match="minutes"):
        _single(route, Dose(0.0, 50.0, minutes=10.0), Covariates())
