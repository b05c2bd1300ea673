"""Test overrides: fast password hashing, in-memory email, no collected static files needed."""

from __future__ import annotations

from ketamine_trd.clinic.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# every widget the suite draws is drawn both ways and compared (form_renderer.py)
KTRD_FORM_RENDERER_CHECK = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests serve static files straight from the finders: collecting and compressing them (the 4.8 MB Plotly bundle
# with brotli takes seconds) in every test process would slow every test for nothing; the manifest storage is
# tested on its own, collected into a temporary folder (tests/clinic/test_static_files.py).
STATIC_ROOT = None  # type: ignore[assignment]
WHITENOISE_USE_FINDERS = True
