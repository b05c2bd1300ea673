"""S-ketamine IV and oral thin film (sublingual): Simons et al. 2022, with S-norketamine and S-HNK.

Three S-ketamine compartments; systemic clearance CLK1 and the swallowed part of a film feed a
two-compartment metabolism chain (mean transit time 20.1 min) of which 80% forms S-norketamine
(VN1 = VK1, two compartments); S-norketamine's clearance feeds a second chain (1.12 min) of
which 70% forms S-hydroxynorketamine (two compartments). The film is absorbed by two parallel
routes: mucosal (F1 26.3%, zero-order over 13.1 min, then KA1) and swallowed (F2 116% of the film
dose, zero-order over 29.9 min, KA2, then a gut-to-liver transit MTTG) straight into metabolism.
Values: Table 4 as traced by nlmixr2lib (reference pkpd.md section 1.7); arterial sampling.

Assumptions, stated: allometric exponents 0.75 (clearances) and 1 (volumes) at 70 kg (not
printed in the paper; nlmixr2lib's choice); inter-occasion variability is not simulated (one
occasion per subject). Each two-compartment transit chain has a repeated eigenvalue, so this
model is always solved by the exact matrix-exponential path (``advance.py``): exact, but slower
than the modal sweep for large populations.

>>> m = SKetamine()
>>> round(float(m.parameter("clk1_l_per_h").value), 1)
88.8
"""

from __future__ import annotations

from functools import partial

import numpy as np
import numpy.typing as npt

from ketamine_trd.pharmacology.dosing import Channel, Dosing, Event, Regimen
from ketamine_trd.pharmacology.models.base import Params, PKModel
from ketamine_trd.pharmacology.parameters import Covariates, Parameter, Variability
from ketamine_trd.pharmacology.system import LinearSystem, add_flow

__all__ = ["SKetamine"]

FloatArray = npt.NDArray[np.float64]
_SRC = "simons-2022"
MW_G_PER_MOL = {"s-ketamine": 237.73, "s-norketamine": 223.70, "s-hydroxynorketamine": 239.70}
"""Free-base molar masses (PubChem), to report each analyte in its own ng/mL."""


def _p(name: str, value: float, unit: str, omega2: float | None = None, confidence: str = "H") -> Parameter:
    iiv = Variability("lognormal", omega2) if omega2 is not None else None
    return Parameter(name, value, unit, source_id=_SRC, iiv=iiv, confidence=confidence)


PARAMETERS: tuple[Parameter, ...] = (
    _p("f1", 0.263, "fraction (mucosal)"),
    _p("d1_h", 13.1 / 60.0, "h"),
    _p("ka1_per_h", 0.04 * 60.0, "1/h"),
    _p("f2", 1.16, "fraction of film dose (swallowed, into metabolism)"),
    _p("d2_h", 29.9 / 60.0, "h"),
    _p("ka2_per_h", 0.049 * 60.0, "1/h"),
    _p("mtt_gut_h", 10.7 / 60.0, "h"),
    _p("vk1_l", 11.6, "L at 70 kg", 0.057),
    _p("vk2_l", 39.0, "L at 70 kg"),
    _p("vk3_l", 174.0, "L at 70 kg"),
    _p("clk1_l_per_h", 1.48 * 60.0, "L/h at 70 kg", 0.029),
    _p("clk2_l_per_h", 2.43 * 60.0, "L/h at 70 kg"),
    _p("clk3_l_per_h", 1.21 * 60.0, "L/h at 70 kg", 0.026),
    _p("mtt_k_nk_h", 20.1 / 60.0, "h", 0.021),
    _p("fm_nk", 0.8, "fraction (fixed)"),
    _p("vn2_l", 221.0, "L at 70 kg"),
    _p("cln1_l_per_h", 1.00 * 60.0, "L/h at 70 kg", 0.050),
    _p("cln2_l_per_h", 2.63 * 60.0, "L/h at 70 kg"),
    _p("mtt_nk_hnk_h", 1.12 / 60.0, "h"),
    _p("fm_hnk", 0.7, "fraction (fixed)"),
    _p("vh1_l", 4.4, "L at 70 kg", 1.22),
    _p("vh2_l", 87.5, "L at 70 kg"),
    _p("clh1_l_per_h", 0.933 * 60.0, "L/h at 70 kg", 0.103),
    _p("clh2_l_per_h", 1.70 * 60.0, "L/h at 70 kg", 0.287),
)

_DISPOSITION = (
    "central",
    "peripheral1",
    "peripheral2",
    "chain_nk1",
    "chain_nk2",
    "central_nk",
    "peripheral_nk",
    "chain_hnk1",
    "chain_hnk2",
    "central_hnk",
    "peripheral_hnk",
)


class SKetamine(PKModel):
    """Simons 2022 S-ketamine, S-norketamine and S-hydroxynorketamine (IV and oral thin film)."""

    id = "simons-2022"
    title = "S-ketamine, S-norketamine and S-HNK population PK (Simons et al. 2022)"
    source_id = _SRC
    routes = ("s-ketamine-iv", "s-ketamine-film")
    outputs = ("s-ketamine", "s-norketamine", "s-hydroxynorketamine")
    parameters = PARAMETERS
    parent_disposition = ("central", "peripheral1", "peripheral2")
    assumptions = (
        "Allometric exponents 0.75 on clearances and 1 on volumes (not printed in the paper).",
        "Inter-occasion variability is not simulated.",
        "Arterial concentrations (the study sampled arterial blood); venous values are lower early on.",
        "Solved by matrix exponentials (repeated eigenvalues of the transit chains).",
    )

    def system(self, params: Params, route: str, covariates: Covariates) -> LinearSystem:
        self.check_route(route)
        film = route == "s-ketamine-film"
        names = (("depot_mucosal", "depot_gut", "gut_liver") if film else ()) + _DISPOSITION
        ix = {c: i for i, c in enumerate(names)}
        n = params["vk1_l"].shape[0]
        wv = covariates.weight_kg / 70.0
        wc = wv**0.75
        k = np.zeros((n, len(names), len(names)))

        flow = partial(add_flow, k, ix)
        vk1 = params["vk1_l"] * wv
        if film:
            flow("depot_mucosal", "central", params["ka1_per_h"])
            flow("depot_gut", "gut_liver", params["ka2_per_h"])
            flow("gut_liver", "chain_nk1", 1.0 / params["mtt_gut_h"])
        flow("central", "chain_nk1", params["clk1_l_per_h"] * wc / vk1)
        flow("central", "peripheral1", params["clk2_l_per_h"] * wc / vk1)
        flow("peripheral1", "central", params["clk2_l_per_h"] * wc / (params["vk2_l"] * wv))
        flow("central", "peripheral2", params["clk3_l_per_h"] * wc / vk1)
        flow("peripheral2", "central", params["clk3_l_per_h"] * wc / (params["vk3_l"] * wv))
        k_nk = 2.0 / params["mtt_k_nk_h"]
        flow("chain_nk1", "chain_nk2", k_nk)
        flow("chain_nk2", "central_nk", k_nk, params["fm_nk"])
        flow("central_nk", "chain_hnk1", params["cln1_l_per_h"] * wc / vk1)
        flow("central_nk", "peripheral_nk", params["cln2_l_per_h"] * wc / vk1)
        flow("peripheral_nk", "central_nk", params["cln2_l_per_h"] * wc / (params["vn2_l"] * wv))
        k_hnk = 2.0 / params["mtt_nk_hnk_h"]
        flow("chain_hnk1", "chain_hnk2", k_hnk)
        flow("chain_hnk2", "central_hnk", k_hnk, params["fm_hnk"])
        vh1 = params["vh1_l"] * wv
        flow("central_hnk", "", params["clh1_l_per_h"] * wc / vh1)
        flow("central_hnk", "peripheral_hnk", params["clh2_l_per_h"] * wc / vh1)
        flow("peripheral_hnk", "central_hnk", params["clh2_l_per_h"] * wc / (params["vh2_l"] * wv))
        out = np.zeros((n, 3, len(names)))
        mw_k = MW_G_PER_MOL["s-ketamine"]
        out[:, 0, ix["central"]] = 1000.0 / vk1
        out[:, 1, ix["central_nk"]] = 1000.0 / vk1 * MW_G_PER_MOL["s-norketamine"] / mw_k
        out[:, 2, ix["central_hnk"]] = 1000.0 / vh1 * MW_G_PER_MOL["s-hydroxynorketamine"] / mw_k
        return LinearSystem(k, out, names, self.outputs)

    def dosing(self, regimen: Regimen, params: Params, system: LinearSystem, covariates: Covariates) -> Dosing:
        self.check_route(regimen.route)
        ix = {c: i for i, c in enumerate(system.compartments)}
        if regimen.route == "s-ketamine-iv":
            channels: tuple[Channel, ...] = (Channel(ix["central"], np.ones(system.n_subjects), "iv"),)
            events = tuple(Event(d.time_h, 0, d.dose_mg, d.minutes / 60.0) for d in regimen.doses)
            return Dosing(channels, events)
        for dose in regimen.doses:  # the film's zero-order inputs (d1, d2) are the model's, not the caller's
            dose.require_bolus()
        channels = (
            Channel(ix["depot_mucosal"], params["f1"], "mucosal"),
            Channel(ix["depot_gut"], params["f2"], "swallowed"),
        )
        d1, d2 = float(params["d1_h"][0]), float(params["d2_h"][0])
        evs = [e for d in regimen.doses for e in (Event(d.time_h, 0, d.dose_mg, d1), Event(d.time_h, 1, d.dose_mg, d2))]
        return Dosing(channels, tuple(evs))
