"""Interoperability: FHIR R4 and research exports."""
