"""FHIR R4 mapping: records to resources and Bundles (export), Bundles to assessment candidates (import).

Pure: no Django, no I/O. ``fhir.resources`` (the ``interop`` extra) is imported lazily, by ``validate``.
See ``docs/fhir.md`` for profiles, codes and import rules.
"""
