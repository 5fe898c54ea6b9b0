"""Keep users' groups in step with their role, automatically, whoever saves the user (admin,
commands, factories, a future sign-on)."""

from django.db import models
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from labelling import text
from labelling.models import User
from labelling.permissions import sync_user_groups

# Saving only these fields cannot change the groups (every sign-in saves last_login).
_IRRELEVANT = frozenset({"last_login", "password", "first_name", "last_name", "email"})


@receiver(post_save, sender=User, dispatch_uid="labelling.sync_user_groups")
def user_saved(sender, instance: User, raw: bool = False, update_fields=None, **kwargs) -> None:
    if raw:
        return
    if update_fields is not None and set(update_fields) <= _IRRELEVANT:
        return
    sync_user_groups(user=instance)


# --- free text: no control character is ever stored -----------------------------------------

_TEXT_APPS = frozenset({"labelling", "workflows", "onboarding", "documents"})


def _text_fields(model) -> list[tuple[str, str]]:
    """(attribute, kind) of the model's text fields: "line", "multiline" or "json"."""
    cached = _TEXT_FIELDS.get(model)
    if cached is None:
        cached = []
        for field in model._meta.concrete_fields:
            if isinstance(field, models.TextField):
                cached.append((field.attname, "multiline"))
            elif isinstance(field, models.CharField):
                cached.append((field.attname, "line"))
            elif isinstance(field, models.JSONField):
                cached.append((field.attname, "json"))
        _TEXT_FIELDS[model] = cached
    return cached


_TEXT_FIELDS: dict[type, list[tuple[str, str]]] = {}


@receiver(pre_save, dispatch_uid="labelling.clean_stored_text")
def clean_stored_text(sender, instance, raw: bool = False, **kwargs) -> None:
    """The last boundary: whatever saves a row of ours (a form, the admin, a command, the API, a
    service), its text fields hold no control character (`labelling.text`). Bulk writers (the
    importers) clean their input themselves."""
    if raw or sender._meta.app_label not in _TEXT_APPS:
        return
    for attname, kind in _text_fields(sender):
        value = getattr(instance, attname)
        if kind == "json":
            if value is not None and not isinstance(value, (bool, int, float)):
                setattr(
                    instance, attname, text.clean_strings(value, multiline=True, only_dirty=True)
                )
        elif isinstance(value, str) and value and text.has_control(value):
            cleaned = text.clean_multiline(value) if kind == "multiline" else text.clean_line(value)
            setattr(instance, attname, cleaned)
