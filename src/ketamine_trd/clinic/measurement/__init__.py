"""Measurement-based care in the clinic: assessments, alerts, the trajectory chart, the dashboard."""
