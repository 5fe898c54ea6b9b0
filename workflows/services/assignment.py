"""Who instructs a file: the `assigned_to` field (queues filter on it, digests go to it)."""

from __future__ import annotations

from labelling.models import User
from workflows import permissions
from workflows.errors import InvalidInput
from workflows.models import Application
from workflows.services.common import transition


def assign(*, user: User, application_id, assignee_id=None) -> Application:
    """Take a file (`assignee_id` None or the user's own id) or give it to another instructor
    of the same préfecture (InvalidInput otherwise)."""
    taking = not assignee_id or str(assignee_id) == str(user.pk)
    with transition(
        "take" if taking else "assign", user=user, application_id=application_id
    ) as run:
        app = run.obj
        assignee = user
        if not taking:
            assignee = User.objects.filter(pk=assignee_id).first()
            if assignee is None or not permissions.INSTRUCTOR.allows(assignee, app):
                raise InvalidInput("Cet instructeur n'est pas de la préfecture du département.")
        app.assigned_to = assignee
        run.fire(
            save=True,
            comment=f"Dossier attribué à {assignee.get_full_name() or assignee.email}.",
            data={"assignee": assignee.pk},
        )
    return app
