"""Racemic ketamine by IV, IM, oral, sublingual and intranasal routes (parent drug only).

Disposition: the two-compartment Clements 250 ug/kg model as coded in opentiva (micro-constants
per min, V1 per kg; reference pkpd.md section 1.5, [M]). Its clearance, 1.7522 L/kg x 0.0109/min
= 80 L/h at 70 kg, matches the Kamp 2020 meta-analysis (79 L/h, 95% CI 69-90); its terminal
half-life (about 3 h) matches the classic 2.5-3 h. Absorption routes add a first-order depot with
a route bioavailability from the reference's route table (section 3). Absorption rates are not
published for these routes: each ``ka`` is *assumed*, chosen so that the typical Tmax equals the
published Tmax where one exists (sublingual 0.75 h, Rolan 2014; intranasal about 15 min,
Pharmacotherapy 2022), or a stated assumption otherwise. Variability: only the CL IIV of
S-ketamine (13%, Fanta 2015) and its oral F IIV (11%) are applied, borrowed and stated; other IIV
is not published (NOT FOUND). Norketamine after racemic dosing has no published parameter set
in the sources consulted: the metabolite is absent here, not guessed.

>>> m = RacemicKetamine()
>>> p = m.individual(1)
>>> round(float(m.half_life_h(p, "ketamine-iv", Covariates())[0]), 2)
3.05
"""

from __future__ import annotations

from functools import partial

import numpy as np
import numpy.typing as npt

from ketamine_trd.errors import InputError
from ketamine_trd.pharmacology.dosing import Channel, Dosing, Event, Regimen
from ketamine_trd.pharmacology.models.base import Params, PKModel
from ketamine_trd.pharmacology.parameters import Covariates, Parameter, Variability, omega2_from_cv
from ketamine_trd.pharmacology.system import LinearSystem, Modal, add_flow

__all__ = ["INTRANASAL_PROFILES", "RacemicKetamine", "two_compartment_modal"]

FloatArray = npt.NDArray[np.float64]

_OT = "opentiva-ketamine"

PARAMETERS: tuple[Parameter, ...] = (
    Parameter("v1_l_per_kg", 1.7522, "L/kg", source_id=_OT, confidence="M", note="Clements 1981 as coded"),
    Parameter(
        "k10_per_h",
        0.0109 * 60.0,
        "1/h",
        source_id="fanta-2015",
        iiv=Variability("lognormal", omega2_from_cv(0.13)),
        confidence="M",
        note="value: Clements via opentiva (0.0109/min); IIV: S-ketamine CL 13% (Fanta 2015), borrowed",
    ),
    Parameter("k12_per_h", 0.0186 * 60.0, "1/h", source_id=_OT, confidence="M"),
    Parameter("k21_per_h", 0.0137 * 60.0, "1/h", source_id=_OT, confidence="M"),
    Parameter("f_im", 0.93, "fraction", source_id="primidi-ketamine-pk", confidence="L", note="primary NOT FOUND"),
    Parameter(
        "ka_im_per_h",
        20.0,
        "1/h",
        source_id="platform-defined",
        confidence="assumed",
        note="assumed: typical Tmax about 8 min, inside the quoted 5-15 min [L]",
    ),
    Parameter(
        "f_oral",
        0.20,
        "fraction",
        source_id="yanagihara-2003",
        iiv=Variability("lognormal", omega2_from_cv(0.11)),
        note="IIV: S-ketamine oral F 11% (Fanta 2015), borrowed",
    ),
    Parameter(
        "ka_oral_per_h",
        2.0,
        "1/h",
        source_id="platform-defined",
        confidence="assumed",
        note="assumed: no published ka or Tmax; gives Tmax about 0.6 h",
    ),
    Parameter("f_sublingual", 0.29, "fraction", source_id="rolan-2014"),
    Parameter(
        "ka_sublingual_per_h",
        1.44,
        "1/h",
        source_id="rolan-2014",
        confidence="derived",
        note="chosen so that the typical Tmax is 0.75 h (Rolan 2014)",
    ),
    Parameter(
        "ka_intranasal_per_h",
        8.1,
        "1/h",
        source_id="pharmacotherapy-2022",
        confidence="derived",
        note="chosen so that the typical Tmax is 0.25 h (Tmax 14-16 min at 30-50 mg)",
    ),
)

INTRANASAL_PROFILES: dict[str, tuple[float, str]] = {
    "pharmacotherapy-2022": (0.13, "pharmacotherapy-2022"),
    "yanagihara-2003": (0.45, "yanagihara-2003"),
}
"""Intranasal racemic F is formulation-specific (17/13/11% at 10/30/50 mg against 45% at 25 mg):
a named profile, default the 30-mg geometric mean of Pharmacotherapy 2022 (Table 6)."""

_ROUTE = {
    "ketamine-im": ("f_im", "ka_im_per_h"),
    "ketamine-oral": ("f_oral", "ka_oral_per_h"),
    "ketamine-sublingual": ("f_sublingual", "ka_sublingual_per_h"),
    "ketamine-intranasal": ("", "ka_intranasal_per_h"),
}


def two_compartment_modal(
    k10: FloatArray, k12: FloatArray, k21: FloatArray, v1_l: FloatArray, ka: FloatArray | None, fraction: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Closed-form rates (M, N) and residues (O=1, M, N) in ng/mL per mg (pkpd.md section 7.2).

    Modes are alpha, beta and, with a depot, ka. Singular when ka equals alpha or beta: the
    engine flags those subjects and solves them by matrix exponentials.

    >>> r, c = two_compartment_modal(*(np.array([x]) for x in (0.5, 1.0, 0.5, 10.0)), None, np.ones(1))
    >>> round(float(c[0, :, 0].sum()), 6)  # C(0) = 1000 / V1 per mg
    100.0
    """
    s = k10 + k12 + k21
    root = np.sqrt(s * s - 4.0 * k10 * k21)
    alpha = 0.5 * (s + root)
    beta = 0.5 * (s - root)
    scale = 1000.0 / v1_l * fraction
    if ka is None:
        a = scale * (alpha - k21) / (alpha - beta)
        b = scale * (k21 - beta) / (alpha - beta)
        return np.stack([alpha, beta]), np.stack([a, b])[None]
    with np.errstate(divide="ignore", invalid="ignore"):
        a = scale * ka * (k21 - alpha) / ((ka - alpha) * (beta - alpha))
        b = scale * ka * (k21 - beta) / ((ka - beta) * (alpha - beta))
    return np.stack([alpha, beta, ka]), np.stack([a, b, -(a + b)])[None]


class RacemicKetamine(PKModel):
    """Racemic ketamine, Clements disposition with route-specific first-order absorption."""

    id = "racemic-clements"
    title = "Racemic ketamine: Clements two-compartment disposition (opentiva) with assumed absorption"
    source_id = _OT
    routes = ("ketamine-iv", "ketamine-im", "ketamine-oral", "ketamine-sublingual", "ketamine-intranasal")
    outputs = ("ketamine",)
    parameters = PARAMETERS
    parent_disposition = ("central", "peripheral")
    assumptions = (
        "Absorption rate constants are assumed (not published): IM and oral by assumption, SL and IN chosen to "
        "match the published Tmax.",
        "IIV on clearance (13%) and oral F (11%) is borrowed from S-ketamine (Fanta 2015); other IIV NOT FOUND.",
        "Norketamine after racemic dosing: no published parameter set found; not simulated.",
        "Intranasal F is a named profile (default pharmacotherapy-2022, F 13%); yanagihara-2003 gives 45%.",
        "Volumes scale with body weight (V1 per kg as coded); clearance therefore scales linearly with weight.",
    )

    def __init__(self, intranasal_profile: str = "pharmacotherapy-2022") -> None:
        if intranasal_profile not in INTRANASAL_PROFILES:
            raise InputError("intranasal_profile", intranasal_profile, ", ".join(INTRANASAL_PROFILES))
        self.intranasal_profile = intranasal_profile

    def _fraction(self, params: Params, route: str) -> FloatArray:
        n = params["k10_per_h"].shape[0]
        if route == "ketamine-iv":
            return np.ones(n)
        if route == "ketamine-intranasal":
            return np.full(n, INTRANASAL_PROFILES[self.intranasal_profile][0])
        return params[_ROUTE[route][0]]

    def system(self, params: Params, route: str, covariates: Covariates) -> LinearSystem:
        self.check_route(route)
        n = params["k10_per_h"].shape[0]
        k10, k12, k21 = params["k10_per_h"], params["k12_per_h"], params["k21_per_h"]
        v1 = params["v1_l_per_kg"] * covariates.weight_kg
        depot = route != "ketamine-iv"
        names = (("depot",) if depot else ()) + ("central", "peripheral")
        ix = {name: i for i, name in enumerate(names)}
        k = np.zeros((n, len(names), len(names)))
        flow = partial(add_flow, k, ix)
        flow("central", "", k10)
        flow("central", "peripheral", k12)
        flow("peripheral", "central", k21)
        if depot:
            flow("depot", "central", params[_ROUTE[route][1]])
        out = np.zeros((n, 1, len(names)))
        out[:, 0, ix["central"]] = 1000.0 / v1
        return LinearSystem(k, out, names, self.outputs)

    def dosing(self, regimen: Regimen, params: Params, system: LinearSystem, covariates: Covariates) -> Dosing:
        self.check_route(regimen.route)
        iv = regimen.route == "ketamine-iv"
        channel = Channel(0, self._fraction(params, regimen.route), label=regimen.route)
        events = []
        for dose in regimen.doses:
            if not iv:
                dose.require_bolus()
            events.append(Event(dose.time_h, 0, dose.dose_mg, dose.minutes / 60.0 if iv else 0.0))
        return Dosing((channel,), tuple(events))

    def modal(self, params: Params, route: str, covariates: Covariates, dosing: Dosing) -> Modal | None:
        v1 = params["v1_l_per_kg"] * covariates.weight_kg
        ka = None if route == "ketamine-iv" else params[_ROUTE[route][1]]
        rates, residue = two_compartment_modal(
            params["k10_per_h"], params["k12_per_h"], params["k21_per_h"], v1, ka, dosing.channels[0].fraction
        )
        return Modal(rates, residue[None])
