"""Who signs a document and by what right, frozen into its context when it is asked for.

A decision is signed by the préfet (the account named on the `Prefecture`), or « par
délégation » by someone holding a `SignatureDelegation` in force on the decision's date. Without
one, the decision is refused (`SignatureNotDelegated`): no document says « par délégation »
without the arrêté that gives it, and that arrêté is cited in the visas, with the préfet's
appointment decree."""

from __future__ import annotations

import dataclasses
import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q

from documents import contexts as c
from documents.models import APPEALABLE_KINDS, Prefecture, SignatureDelegation
from documents.prefectures import prefecture_info
from documents.templatetags.documents_tags import date_long
from labelling.models import User

SERVICE_QUALITY = "Le service instructeur"


class SignatureNotDelegated(ValidationError):
    """A decision asked to be signed « par délégation » by someone who holds no delegation."""


def _strip_article(title: str) -> str:
    for article in ("le ", "la ", "l'", "l\u2019"):
        if title.lower().startswith(article):
            return title[len(article) :]
    return title


def delegation_in_force(
    *, prefecture: Prefecture, user: User, on: datetime.date
) -> SignatureDelegation | None:
    return (
        SignatureDelegation.objects.filter(prefecture=prefecture, delegate=user, valid_from__lte=on)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .order_by("-valid_from")
        .first()
    )


def delegation_visa(delegation: SignatureDelegation, name: str) -> str:
    title = _strip_article(delegation.delegate_title)
    return (
        f"l'arrêté préfectoral n° {delegation.arrete_number} du "
        f"{date_long(delegation.arrete_date)} portant délégation de signature à {name}, {title}"
    )


def _prefecture_context(context: c.DocumentContext, row: Prefecture | None) -> c.Prefecture:
    frozen = context.prefecture
    if row is None:
        return frozen
    return dataclasses.replace(
        frozen,
        service=frozen.service or row.service,
        address=frozen.address or row.address,
        phone=frozen.phone or row.phone,
        email=frozen.email or row.email,
        prefet_name=frozen.prefet_name or row.prefet_name,
        prefet_feminine=row.prefet_feminine,
        appointment=frozen.appointment or row.appointment_decree,
        secretary_general_feminine=row.secretary_general_feminine,
    )


def freeze_signatory(context: c.DocumentContext, *, requested_by: User | None) -> c.DocumentContext:
    """The context with its préfecture's details and its signatory frozen. A decision is
    signed by the préfet or by a delegate whose delegation is in force on its date; otherwise
    `SignatureNotDelegated` (a French message for the person who tried to sign)."""
    departement = context.place.departement
    row = Prefecture.objects.filter(pk=departement).first() if departement else None
    prefecture = _prefecture_context(context, row)
    context = dataclasses.replace(context, prefecture=prefecture)
    if context.kind not in APPEALABLE_KINDS:
        # A letter of the service is signed in the service's name (« Direction de la citoyenneté
        # et de la légalité — bureau France Services »), above its author's name when it has one.
        signer = context.signer
        if signer is None or not signer.quality:
            name = signer.name if signer else ""
            quality = prefecture.service or (row.service if row else "") or SERVICE_QUALITY
            title = signer.title if signer else ""
            if name and not title and row is not None and requested_by is not None:
                # Its author's title under the name: the one their delegation records.
                held = (
                    SignatureDelegation.objects.filter(prefecture=row, delegate=requested_by)
                    .order_by("-valid_from")
                    .first()
                )
                title = _strip_article(held.delegate_title) if held else ""
                title = title[:1].upper() + title[1:]
            context = dataclasses.replace(context, signataire=c.Person(name, quality, title))
        return context

    if prefecture.delegation:
        return context  # the caller froze the delegation it signs under
    info = prefecture_info(departement)
    feminine = prefecture.prefet_feminine
    if row is not None and requested_by is not None and row.prefet_user_id == requested_by.pk:
        quality = f"{'La préfète' if feminine else 'Le préfet'} {info['of_name']}"
        return dataclasses.replace(
            context,
            prefecture=dataclasses.replace(prefecture, delegation=""),
            signataire=c.Person(row.prefet_name, quality),
        )
    name = (
        (requested_by.get_full_name() or requested_by.email)
        if requested_by is not None
        else (context.signer.name if context.signer else "")
    )
    on = context.document_date
    delegation = (
        delegation_in_force(prefecture=row, user=requested_by, on=on)
        if row is not None and requested_by is not None
        else None
    )
    if delegation is None:
        raise SignatureNotDelegated(
            f"Aucune délégation de signature en vigueur le {date_long(on)} n'est enregistrée "
            f"pour {name or 'ce signataire'} à la préfecture {info['of_name']} : la décision ne "
            "peut pas être signée « par délégation ». Un administrateur enregistre l'arrêté de "
            "délégation (administration, « Délégations de signature »), ou le préfet signe "
            "lui-même."
        )
    prefet = "préfète" if feminine else "préfet"
    article = "la" if feminine else "le"
    return dataclasses.replace(
        context,
        prefecture=dataclasses.replace(prefecture, delegation=delegation_visa(delegation, name)),
        signataire=c.Person(
            name, f"Pour {article} {prefet} et par délégation,\n{delegation.delegate_title}"
        ),
    )
