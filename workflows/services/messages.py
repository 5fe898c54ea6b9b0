"""The messages of a file between the porteur and the préfecture, with attachments read by
those who read the thread."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from labelling.models import User
from labelling.queueing import enqueue
from workflows.errors import InvalidInput
from workflows.models import DocumentRole, Message
from workflows.services.common import store_piece, transition


def post_message(*, user: User, application_id, body: str, files: Sequence = ()) -> Message:
    """A message of the porteur or of the préfecture (from the submission on), with its
    attachments (validated by content); the other side is told by e-mail on commit."""
    with transition("post_message", user=user, application_id=application_id) as run:
        app = run.obj
        if not body.strip():
            raise InvalidInput(
                "Le message est vide.", field_errors={"body": ["Écrivez votre message."]}
            )
        message = Message.objects.create(application=app, author=user, body=body.strip())
        for uploaded in files:
            store_piece(
                app,
                role=DocumentRole.MESSAGE,
                title=uploaded.name,
                uploaded_file=uploaded,
                user=user,
                subject=f"message:{message.pk}",
                message=message,
            )
        run.fire()
        from workflows import tasks

        transaction.on_commit(lambda: enqueue(tasks.notify_message, str(message.pk)))
    return message
