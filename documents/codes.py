"""Verification codes: 12 characters of Crockford's base32 (60 random bits), shown as
XXXX-XXXX-XXXX. No I, L, O or U: what a person reads aloud or types back is unambiguous."""

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 12
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-_.]+")


def new_verification_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{raw[0:4]}-{raw[4:8]}-{raw[8:12]}"


def normalize_code(value: str) -> str | None:
    """The canonical XXXX-XXXX-XXXX form of what someone typed, or None when it cannot be one."""
    raw = _SEPARATORS.sub("", value or "").upper().translate(_CONFUSABLE)
    if len(raw) != LENGTH or any(c not in ALPHABET for c in raw):
        return None
    return f"{raw[0:4]}-{raw[4:8]}-{raw[8:12]}"
