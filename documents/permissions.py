"""Who reads which document or piece: the grants written from the `Audience` the requesting app
gave, read two ways from the same rows (guardian group object permissions): `may_read(user,
obj)` and `readable_documents(user)` / `readable_pieces(user)`.

A user reads through the group of its role (`labelling.permissions.groups_for_user`, kept in
step when the user is saved). Nothing here reads a place, an application or any other model of
another app: the audience is decided once, by the app that asks for the document."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import QuerySet
from guardian.core import ObjectPermissionChecker
from guardian.shortcuts import get_objects_for_user

from documents.audiences import Audience
from documents.models import (
    Document,
    DocumentGroupObjectPermission,
    SupportingDocument,
    SupportingDocumentGroupObjectPermission,
)
from labelling.access import is_active_user

VIEW_DOCUMENT = "documents.view_document"
VIEW_PIECE = "documents.view_supportingdocument"

_GRANTS = {
    Document: (DocumentGroupObjectPermission, "view_document"),
    SupportingDocument: (SupportingDocumentGroupObjectPermission, "view_supportingdocument"),
}


# --- reading ----------------------------------------------------------------------------------


def _granted(user, permission: str, queryset: QuerySet) -> QuerySet:
    if not is_active_user(user):
        return queryset.none()
    return get_objects_for_user(
        user,
        permission,
        klass=queryset,
        use_groups=True,
        with_superuser=False,
        accept_global_perms=False,
    )


def readable_documents(user, queryset: QuerySet | None = None) -> QuerySet[Document]:
    """The official documents the user may download."""
    return _granted(user, VIEW_DOCUMENT, Document.objects.all() if queryset is None else queryset)


def readable_pieces(user, queryset: QuerySet | None = None) -> QuerySet[SupportingDocument]:
    """The supporting documents (pièces, attachments) the user may download."""
    queryset = SupportingDocument.objects.all() if queryset is None else queryset
    return _granted(user, VIEW_PIECE, queryset)


def may_read(user, obj: Document | SupportingDocument) -> bool:
    if not is_active_user(user):
        return False
    permission = VIEW_DOCUMENT if isinstance(obj, Document) else VIEW_PIECE
    return ObjectPermissionChecker(user).has_perm(permission.split(".")[1], obj)


def may_manage(user, document: Document) -> bool:
    """Retry or regenerate a document: its préfecture or the agency, among its readers."""
    return may_read(user, document) and (user.is_prefecture or user.is_national)


# --- granting ---------------------------------------------------------------------------------


def _groups(names: set[str]) -> list[Group]:
    existing = {group.name: group for group in Group.objects.filter(name__in=names)}
    for name in names - existing.keys():
        existing[name] = Group.objects.get_or_create(name=name)[0]
    return list(existing.values())


@transaction.atomic
def grant(obj: Document | SupportingDocument, audience: Audience, *, replace: bool = False):
    """Let the audience read the object (`replace`: and nobody else). Idempotent."""
    model, codename = _GRANTS[type(obj)]
    permission = Permission.objects.get(content_type__app_label="documents", codename=codename)
    groups = _groups(audience.group_names())
    if replace:
        model.objects.filter(content_object=obj).exclude(group__in=groups).delete()
    have = set(model.objects.filter(content_object=obj).values_list("group_id", flat=True))
    model.objects.bulk_create(
        [
            model(content_object=obj, group=group, permission=permission)
            for group in groups
            if group.pk not in have
        ]
    )


def copy_grants(source: Document, target: Document) -> None:
    model, _ = _GRANTS[Document]
    rows = model.objects.filter(content_object=source)
    model.objects.bulk_create(
        [
            model(content_object=target, group_id=row.group_id, permission_id=row.permission_id)
            for row in rows
        ],
        ignore_conflicts=True,
    )
