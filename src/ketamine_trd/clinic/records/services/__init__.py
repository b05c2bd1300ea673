"""Use cases of the records app: verb functions that own their transaction and write the audit trail.

Each takes an ``actor`` (a request or a user), checks the role through ``clinic.access``, loads rows
scoped to the actor's clinic, calls the pure core in ``ketamine_trd.clinical``, saves explicit fields
and records an audit event in the same transaction. ``now`` is read once by the caller and passed in.
"""
