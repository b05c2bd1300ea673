"""ketamine-trd: clinical decision support and research software for ketamine and esketamine in TRD.

Decision support only: every rule shows its reasoning and its source, and a clinician decides.
"""

__version__ = "0.1.0"
