"""Login throttling state per username, and TOTP devices."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class LoginThrottle(models.Model):
    """Failed-login count and lock for one username (also for names that match no account)."""

    username = models.CharField(max_length=150, unique=True)
    failures = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.username}: {self.failures} failure(s)"


class TotpDevice(models.Model):
    """A user's TOTP authenticator (RFC 6238, 30-second steps, 6 digits).

    ``confirmed`` is set once the user has entered a valid code; ``last_step`` is the last
    time step accepted, so that a code cannot be replayed.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device")
    secret = models.CharField(max_length=64)
    confirmed = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    last_step = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"TOTP device of user {self.user_id}"
