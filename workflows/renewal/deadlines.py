"""The review's clocks: stage deadlines in calendar days (setting ``RENEWAL_DEADLINES``), the
reminders (``RENEWAL_REMINDER_DAYS``) and the campaign date (``RENEWAL_CAMPAIGN_DATE``)."""

from __future__ import annotations

import datetime

from django.conf import settings

from workflows.deadlines import today

DEFAULT_DAYS = {
    # The porteur answers the review.
    "answer": 45,
    # The préfecture instructs a submitted (or re-examined) review.
    "instruction": 30,
    # A suspended label waits for a decision (renew or abrogate).
    "suspension": 90,
    # The signataire signs a proposed abrogation.
    "decision": 15,
    # Default time given by a mise en demeure.
    "notice": 60,
}


def stage_days(stage: str) -> int:
    configured = getattr(settings, "RENEWAL_DEADLINES", {}) or {}
    return int(configured.get(stage, DEFAULT_DAYS[stage]))


def deadline_for(stage: str, *, start: datetime.date | None = None) -> datetime.date:
    return (start or today()) + datetime.timedelta(days=stage_days(stage))


def reminder_days() -> list[int]:
    """Days after the opening of a review when the porteur is reminded (each once)."""
    days = getattr(settings, "RENEWAL_REMINDER_DAYS", None) or [15, 30]
    return sorted(int(d) for d in days)


def campaign_date(year: int) -> datetime.date:
    """The day the campaign of `year` opens (``RENEWAL_CAMPAIGN_DATE``, « MM-JJ »)."""
    text = str(getattr(settings, "RENEWAL_CAMPAIGN_DATE", "") or "01-15")
    month, day = (int(part) for part in text.split("-"))
    return datetime.date(year, month, day)
