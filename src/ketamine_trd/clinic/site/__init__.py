"""Site settings (versioned, audited), consent documents and acceptances, and patient discharge instructions."""
