"""The chart: medications, allergies, problems; session and visit notes (signed, then locked; addenda)."""
