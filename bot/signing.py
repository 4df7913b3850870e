"""Short signatures for what the bot hands out and gets back: buttons, forms, login links.

A button or a form travels through the platform and comes back in an interaction that anyone
could craft; its signature, made with the installation's secret, says the bot issued it for
that community (and, in a DM, for that member), and until when.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

SIGNATURE_CHARS = 12  # 72 bits: an online guess costs one interaction each
FULL_SIGNATURE_CHARS = 43  # all 256 bits: what opens a session is worth more than a click
_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


class Signer:
    def __init__(self, secret: str) -> None:
        if not secret:
            raise ValueError("a signing secret is required")
        self._key = secret.encode("utf-8")

    def sign(self, *parts: str, chars: int = SIGNATURE_CHARS) -> str:
        message = "\x1f".join(parts).encode("utf-8")
        digest = hmac.new(self._key, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")[:chars]

    def verify(self, signature: str, *parts: str, chars: int = SIGNATURE_CHARS) -> bool:
        expected = self.sign(*parts, chars=chars).encode()
        return hmac.compare_digest(signature.encode("ascii", "replace"), expected)


def expiry_stamp(instant: datetime) -> str:
    """An expiry instant as a few characters (minutes since 2026, base 36) for compact ids."""
    minutes = int((instant - _EPOCH) // timedelta(minutes=1))
    return base36(max(0, minutes))


def expiry_of(stamp: str) -> datetime | None:
    try:
        return _EPOCH + timedelta(minutes=int(stamp, 36))
    except ValueError:
        return None


def base36(number: int) -> str:
    """A non-negative number in few characters (0-9a-z): compact ids and stamps."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if not number:
            return out
