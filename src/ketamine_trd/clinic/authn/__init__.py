"""Authentication hardening: login with lockout, TOTP second factor, re-authentication,
idle session timeout and the password policy (see ``docs/security.md``)."""
