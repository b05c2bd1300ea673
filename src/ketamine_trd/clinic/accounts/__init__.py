"""Clinics and users (each user has one role and belongs to one clinic)."""
