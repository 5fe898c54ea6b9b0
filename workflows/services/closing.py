"""Ending a file early: the porteur withdraws it, or the préfecture closes an abandoned one."""

from __future__ import annotations

from labelling.models import User
from workflows.models import Application
from workflows.services.common import required_reason, transition


def withdraw(*, user: User, application_id, reason: str) -> Application:
    """The porteur withdraws the application (« sans suite »), at any time before the decision,
    giving the reason."""
    with transition("withdraw", user=user, application_id=application_id) as run:
        reason = required_reason(reason, "Indiquez la raison du retrait.")
        run.obj.closing_reason = reason
        run.obj.paused_remaining_days = None
        run.fire(comment=reason)
    return run.obj


def close_abandoned(*, user: User, application_id, reason: str) -> Application:
    """The instructor closes a file the porteur abandoned, giving the reason."""
    with transition("close", user=user, application_id=application_id) as run:
        reason = required_reason(reason, "Indiquez le motif de la clôture.")
        run.obj.closing_reason = reason
        run.obj.paused_remaining_days = None
        run.fire(comment=reason)
    return run.obj
