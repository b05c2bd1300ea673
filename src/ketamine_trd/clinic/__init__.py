"""The Django clinic application (models, services, views, API, templates, admin)."""
