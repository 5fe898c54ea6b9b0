"""Verification codes: 12 characters of Crockford's base32 (60 random bits), shown as
XXXX-XXXX-XXXX. No I, L, O or U: what a person reads aloud or types back is unambiguous."""

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 12
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-_.]+")


# Specimens (render_samples) carry codes of this series, never given to a real document: the
# verification page says they are specimens.
SPECIMEN_PREFIX = "0000"


def new_verification_code() -> str:
    while True:
        raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        if not raw.startswith(SPECIMEN_PREFIX):
            return f"{raw[0:4]}-{raw[4:8]}-{raw[8:12]}"


def specimen_code() -> str:
    raw = SPECIMEN_PREFIX + "".join(secrets.choice(ALPHABET) for _ in range(LENGTH - 4))
    return f"{raw[0:4]}-{raw[4:8]}-{raw[8:12]}"


def is_specimen(code: str) -> bool:
    return (code or "").startswith(SPECIMEN_PREFIX + "-")


def normalize_code(value: str) -> str | None:
    """The canonical XXXX-XXXX-XXXX form of what someone typed, or None when it cannot be one."""
    raw = _SEPARATORS.sub("", value or "").upper().translate(_CONFUSABLE)
    if len(raw) != LENGTH or any(c not in ALPHABET for c in raw):
        return None
    return f"{raw[0:4]}-{raw[4:8]}-{raw[8:12]}"
