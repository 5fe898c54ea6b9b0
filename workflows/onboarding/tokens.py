"""The secret of an invitation link.

The token is an HMAC of the invitation's id under the site's secret key
(`django.utils.crypto.salted_hmac`, SHA-256): the e-mail task computes it again from the id, so
it never travels through the broker, and the database keeps only its SHA-256 (`token_hash`),
by which a presented token finds its invitation. A database copy alone gives no usable link."""

from __future__ import annotations

import hashlib

from django.utils.crypto import salted_hmac

_SALT = "estampille.onboarding.invitation"


def token_for(invitation_id) -> str:
    """The token of the link (64 hexadecimal characters)."""
    return salted_hmac(_SALT, str(invitation_id), algorithm="sha256").hexdigest()


def hash_token(token: str) -> str:
    """What the database keeps of a token (SHA-256, hexadecimal)."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()
