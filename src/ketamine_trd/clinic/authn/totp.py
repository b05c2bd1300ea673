"""TOTP second factor (RFC 6238) with pyotp: enrolment, verification, replay refusal.

Required for admins (``KTRD_ADMIN_TOTP_REQUIRED``, default on), optional for the other roles.
"""

from __future__ import annotations

import datetime as dt

import pyotp

from ketamine_trd.clinic.authn.models import TotpDevice
from ketamine_trd.clinic.transactions import small_write

STEP_SECONDS = 30
ISSUER = "ketamine-trd"


def has_device(user: object) -> bool:
    """Whether ``user`` has a confirmed TOTP device."""
    return bool(TotpDevice.objects.filter(user=user, confirmed=True).exists())


def required_for(user: object) -> bool:
    """Whether ``user`` must use a second factor (admins, unless the setting turns it off)."""
    from django.conf import settings

    return getattr(user, "role", "") == "admin" and bool(settings.KTRD_ADMIN_TOTP_REQUIRED)


def start_enrolment(user: object, now: dt.datetime) -> TotpDevice:
    """The user's device: a new unconfirmed one with a fresh secret, or the one already started."""
    with small_write():
        device: TotpDevice | None = TotpDevice.objects.select_for_update().filter(user=user).first()
        if device is None:
            device = TotpDevice.objects.create(user=user, secret=pyotp.random_base32(), created_at=now)
    return device


def provisioning_uri(device: TotpDevice) -> str:
    """The ``otpauth://`` URI an authenticator app reads (shown once, at enrolment)."""
    return pyotp.TOTP(device.secret).provisioning_uri(name=device.user.get_username(), issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The ``otpauth://`` URI as a QR code, an inline SVG drawn here (segno): no image request, no script, no CDN.

    The size comes from the page's CSS (``omitsize``); the quiet zone is the standard 4 modules.
    """
    import segno

    code = segno.make(uri, error="m")
    return str(code.svg_inline(scale=4, omitsize=True, dark="#000", light="#fff", svgclass="totp-qr-code",
                               title="QR code of your authenticator key"))  # fmt: skip


def grouped(secret: str, size: int = 4) -> str:
    """The base32 secret in groups, for reading aloud or typing (authenticator apps ignore the spaces).

    >>> grouped("JBSWY3DPEHPK3PXP")
    'JBSW Y3DP EHPK 3PXP'
    """
    return " ".join(secret[i : i + size] for i in range(0, len(secret), size))


def _matching_step(secret: str, code: str, now: dt.datetime) -> int | None:
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    step = int(now.timestamp()) // STEP_SECONDS
    for candidate in (step, step - 1, step + 1):
        if totp.at(candidate * STEP_SECONDS) == code:
            return candidate
    return None


def verify(user: object, code: str, now: dt.datetime, *, confirming: bool = False) -> bool:
    """Check ``code`` against the user's device (one step of drift); a used step is refused."""
    with small_write():
        device = TotpDevice.objects.select_for_update().filter(user=user, confirmed=not confirming).first()
        if device is None:
            return False
        step = _matching_step(device.secret, code, now)
        if step is None or step <= device.last_step:
            return False
        device.last_step = step
        device.confirmed = True
        device.save(update_fields=["last_step", "confirmed"])
    return True
