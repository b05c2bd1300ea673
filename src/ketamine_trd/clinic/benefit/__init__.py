"""The benefit model in the clinic: one patient's predicted course on the measurement page, and the calibration page.

No models of its own: it reads the measurement and records rows and calls ``ketamine_trd.pharmacology.benefit``.
"""
