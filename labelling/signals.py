"""Keep users' groups in step with their role, automatically, whoever saves the user (admin,
commands, factories, a future sign-on)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

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
