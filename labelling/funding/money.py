"""Money shown the French way: « 15 000,00 € » (non-breaking spaces), and read back from what
a person types (« 15 000,50 », « 15000.5 »)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

NBSP = "\u00a0"
CENT = Decimal("0.01")


def euros(value) -> str:
    """Decimal('15000') → « 15 000,00 € »; None → ""."""
    if value is None or value == "":
        return ""
    amount = Decimal(str(value)).quantize(CENT)
    sign = "-" if amount < 0 else ""
    units, cents = divmod(abs(amount) * 100, 100)
    grouped = f"{int(units):,}".replace(",", NBSP)
    return f"{sign}{grouped},{int(cents):02d}{NBSP}€"


def plain(value) -> str:
    """For an accounting file: « 15081,97 » (decimal comma, no thousands separator)."""
    if value is None:
        return ""
    return f"{Decimal(str(value)).quantize(CENT)}".replace(".", ",")


def parse_amount(text) -> Decimal | None:
    """What a person typed, as a Decimal of cents; None when it is not an amount."""
    if text is None:
        return None
    cleaned = str(text).strip().replace("€", "").replace(NBSP, "").replace("\u202f", "")
    cleaned = cleaned.replace(" ", "").replace(",", ".")
    if not cleaned or cleaned.count(".") > 1:
        return None
    try:
        amount = Decimal(cleaned)
        if not amount.is_finite() or amount != amount.quantize(CENT) or abs(amount) >= 10**12:
            return None
        return amount.quantize(CENT)
    except InvalidOperation:
        return None
