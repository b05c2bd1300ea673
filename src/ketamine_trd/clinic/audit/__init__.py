"""The audit trail: append-only, hash-chained records of every read and write of patient data.

Call :func:`ketamine_trd.clinic.audit.service.record` from a service, inside the same
transaction as the change it records; check the chain with
:func:`ketamine_trd.clinic.audit.service.verify_chain` (``ktrd audit verify``).
"""
