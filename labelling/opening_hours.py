"""Opening hours as people write them, for one day: one parser for every form that asks for
them (the application's hours step, the public self-check), so that they accept the same
things, say the same things and show back the same normalised value.

Accepted, among others: ``9h-12h``, ``9 h 30 - 12 h``, ``de 9h à 12h``, ``9h à midi``,
``09:00-12:00 13:30-17:00``, ``9h-12h et 14h-17h``, ``8.30-12``, ``9-12 / 14-17``; a closed day is
left empty or written ``fermé`` (``ferme``, ``fermée``, ``-``). The result is the strict form
of the declaration (``[["09:00", "12:00"], …]``): the JSON contract itself stays strict.

Pure Python, no Django."""

from __future__ import annotations

import re
import unicodedata

CLOSED_WORDS = frozenset({"ferme", "fermee", "fermeture", "clos", "closed", "-", "--", "/", "x"})
EXAMPLE = "9h-12h, 14h-17h"

_TIME = re.compile(r"(?P<h>\d{1,2})(?:\s*(?:h|:|\.)\s*(?P<m>\d{2})?)?")
_RANGE_GAP = re.compile(r"\s*(?:jusqu'a|jusqu a|au|a|-)\s*")
_NEXT_GAP = re.compile(r"\s*(?:[,;/+&]|et|puis)?\s*(?:de|des)?\s*")
_LEADING = re.compile(r"\s*(?:ouvert\s*)?(?:de|des)?\s*")


class HoursInputError(ValueError):
    """What is wrong with what was typed, in French; `message` is shown under the field."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)  # dashes of every kind
    text = text.replace("’", "'")
    text = re.sub(r"\bmidi\b", "12h", text)
    text = re.sub(r"\bminuit\b", "24h", text)
    return " ".join(text.split()).strip(" .")


def parse_day(text: str) -> list[list[str]]:
    """One day's hours → ``[["09:00", "12:00"], ["13:30", "17:00"]]`` (empty: closed).

    Raises `HoursInputError` saying what could not be read."""
    shown = " ".join((text or "").split())
    normal = _normalise(text or "")
    if not normal or normal in CLOSED_WORDS:
        return []
    times: list[tuple[int, int, str]] = []
    leading = _LEADING.match(normal)
    position = leading.end() if leading else 0
    while position < len(normal):
        gap = (_RANGE_GAP if len(times) % 2 else _NEXT_GAP) if times else None
        if gap is not None:
            match = gap.match(normal, position)
            if match is None:
                break
            position = match.end()
        time = _TIME.match(normal, position)
        if time is None:
            break
        hours, minutes = int(time["h"]), int(time["m"] or 0)
        times.append((hours, minutes, time.group().strip()))
        position = time.end()
    rest = normal[position:].strip(" ,;.")
    if rest or not times:
        raise HoursInputError(
            f"« {shown} » n'est pas compris : écrivez les plages comme « {EXAMPLE} », "
            "ou laissez vide (ou « fermé ») si le lieu est fermé."
        )
    if len(times) % 2:
        raise HoursInputError(
            f"« {shown} » : il manque l'heure de fin de la dernière plage (par exemple "
            f"« {EXAMPLE} »)."
        )
    intervals = []
    for (h1, m1, t1), (h2, m2, t2) in zip(times[::2], times[1::2], strict=True):
        for hours, minutes, written in ((h1, m1, t1), (h2, m2, t2)):
            if hours > 24 or minutes > 59 or (hours == 24 and minutes):
                raise HoursInputError(f"« {written} » n'est pas une heure (de 0 h à 24 h).")
        if h1 == 24:
            raise HoursInputError("Une plage ne peut pas commencer à minuit le soir (24 h).")
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if start >= end:
            raise HoursInputError(
                f"{h1:02d}:{m1:02d} – {h2:02d}:{m2:02d} : l'heure de fin doit suivre l'heure "
                "de début."
            )
        intervals.append([f"{h1:02d}:{m1:02d}", f"{h2:02d}:{m2:02d}"])
    return intervals


def format_day(intervals: list | None) -> str:
    """The normalised value shown back in the field: ``09:00-12:00, 13:30-17:00``."""
    return ", ".join(f"{start}-{end}" for start, end in intervals or [])


def describe_day(intervals: list | None) -> str:
    """For reading: ``9 h – 12 h, 13 h 30 – 17 h``; « fermé » when empty."""
    if not intervals:
        return "fermé"

    def spoken(value: str) -> str:
        hours, minutes = value.split(":")
        return f"{int(hours)} h" + (f" {minutes}" if minutes != "00" else "")

    return ", ".join(f"{spoken(start)} – {spoken(end)}" for start, end in intervals)
