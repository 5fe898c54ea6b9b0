"""What a service raises when an action cannot be done. `message` is French and is shown to the
user; `field_errors` (field name → messages) lets a form put each on its field."""


class WorkflowError(Exception):
    """An action that cannot be done; `message` is French and shown to the user."""

    def __init__(self, message: str, *, field_errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


class AccessDenied(WorkflowError):
    """The user sees the file but may not do this (a page answers 403 with the message)."""


class NotFound(WorkflowError):
    """No such file, or not one the user sees (a page answers 404)."""


class TransitionNotAllowed(WorkflowError):
    """Not at this stage: another person acted first, or the action is already done."""


class InvalidInput(WorkflowError):
    """What was typed, or what the file holds, does not allow the action yet."""
