"""What the records app may use of the measurement app: the one door between them (``.importlinter``).

``ketamine_trd.clinic.records`` raises worklist alerts (a session's blood pressure, sedation), reads a session's open
critical alerts (signing waits for them) and the open alerts of the patient list and the patient page through here,
and imports nothing else of ``ketamine_trd.clinic.measurement``; measurement imports records only through
``ketamine_trd.clinic.records.interface``.
"""

from __future__ import annotations

from ketamine_trd.clinic.measurement.alerts import open_alert_summary, open_alerts, open_critical_alerts, raise_alert

__all__ = ["open_alert_summary", "open_alerts", "open_critical_alerts", "raise_alert"]
