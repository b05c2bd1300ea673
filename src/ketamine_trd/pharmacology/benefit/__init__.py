"""Exposure-to-benefit model: response, durability and relapse of the antidepressant effect.

Pure (NumPy and SciPy only). Every output is a **model estimate, calibrated to published group
results; not a dosing instruction** (:data:`LABEL`). See ``docs/benefit-model.md`` for the
structure, every parameter's provenance and the calibration table.

- :mod:`.model`: parameters (:class:`BenefitParams`), dose series and the improvement over time;
- :mod:`.exposure`: per-dose exposure from the PK engine;
- :mod:`.population`: virtual patients and population outcomes of one schedule;
- :mod:`.calibration`: published targets, the SciPy fit and the side-by-side table;
- :mod:`.search`: schedule search within the studied ranges;
- :mod:`.patient`: one patient's Bayesian update and predicted fade.
"""

from ketamine_trd.pharmacology.benefit.model import BenefitParams, DoseSeries, improvement
from ketamine_trd.pharmacology.benefit.patient import LABEL, PatientScores, update
from ketamine_trd.pharmacology.benefit.population import outcomes, sample_patients

__all__ = [
    "LABEL",
    "BenefitParams",
    "DoseSeries",
    "PatientScores",
    "improvement",
    "outcomes",
    "sample_patients",
    "update",
]
