"""Stage deadlines, in calendar days, configurable with `WORKFLOW_DEADLINES` in settings."""

import datetime

from django.conf import settings
from django.utils import timezone

DEFAULT_DEADLINES: dict[str, int] = {
    "completeness": 15,  # the préfecture checks that the file is complete
    "instruction": 60,  # per-criterion review and opinions
    "opinion": 21,  # default delay given to a consulted body
    "conventions": 90,  # national partners' conventions
    "proposal": 15,
    "decision": 30,  # the signataire signs
    "resubmission": 30,  # given to the porteur to send what is missing (shown, not enforced)
}

STAGE_LABELS: dict[str, str] = {
    "completeness": "Complétude",
    "instruction": "Instruction",
    "opinion": "Avis",
    "conventions": "Conventions",
    "proposal": "Proposition",
    "decision": "Décision",
    "resubmission": "Compléments",
}


def stage_days(stage: str) -> int:
    configured = getattr(settings, "WORKFLOW_DEADLINES", {}) or {}
    return int(configured.get(stage, DEFAULT_DEADLINES[stage]))


def today() -> datetime.date:
    return timezone.localdate()


def deadline_for(stage: str, *, start: datetime.date | None = None) -> datetime.date:
    return (start or today()) + datetime.timedelta(days=stage_days(stage))
