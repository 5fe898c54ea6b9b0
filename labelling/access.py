"""Access rules written once, read two ways: « may this user see this object? » and « which
objects may this user see? ».

A `Policy` is a list of `Reach`es, one per kind of user: who they are (a role property of
`User`), and which rows they reach, as equalities between a row's lookups and values read on
the user, minus excluded values. `Policy.scope(user)` turns it into a queryset filter;
`Policy.allows(user, obj)` evaluates the very same equalities on the object (in Python when they
are plain fields of the row, else with one `EXISTS` query on the scope). Nothing is stored: the
rule follows the data, so there is nothing to keep in step.

Each app writes its policies in its own `permissions.py` (places here in `labelling`,
applications in `workflows`); document audiences, which are grants decided by the app that asks
for a document, live in `documents.permissions`."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, Q, QuerySet

# A `labelling.models.User`; not imported, so that this module reads no model (the documents
# app builds on it).
User = Any


def is_active_user(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


@dataclass(frozen=True)
class Reach:
    """The rows one kind of user reaches.

    - ``label``: who, in French (« la préfecture du département »), for help pages and tests;
    - ``who``: which users this reach is for (a role property of `User`);
    - ``match``: row lookup → the value it must equal, read on the user (``porteur_id`` →
      ``user.porteur_id``); a lookup may cross relations (``pk__in`` with a subquery);
    - ``exclude``: row lookup → values the row must not have (``state`` → ``("brouillon",)``).
    """

    label: str
    who: Callable[[User], bool]
    match: Mapping[str, Callable[[User], Any]] = field(default_factory=dict)
    exclude: Mapping[str, tuple] = field(default_factory=dict)

    def applies_to(self, user) -> bool:
        return is_active_user(user) and bool(self.who(user))

    def q(self, user) -> Q:
        # Never an empty Q: `Q() | other` is `other`, which would lose « every row ».
        condition = Q(pk__isnull=False)
        condition &= Q(**{lookup: value(user) for lookup, value in self.match.items()})
        for lookup, values in self.exclude.items():
            condition &= ~Q(**{f"{lookup}__in": list(values)})
        return condition

    @property
    def plain(self) -> bool:
        """True when every lookup is a field of the row itself (checked without a query)."""
        return all("__" not in lookup for lookup in (*self.match, *self.exclude))

    def matches(self, user, obj: Model) -> bool:
        """The same equalities, evaluated on the object (plain lookups only)."""
        return all(getattr(obj, k) == value(user) for k, value in self.match.items()) and all(
            getattr(obj, k) not in values for k, values in self.exclude.items()
        )


class Policy:
    """Who may see rows of a model: the union of its reaches."""

    def __init__(self, model: type[Model], reaches: Sequence[Reach]):
        self.model = model
        self.reaches = tuple(reaches)

    def _reaches_of(self, user) -> list[Reach]:
        return [reach for reach in self.reaches if reach.applies_to(user)]

    def q(self, user) -> Q | None:
        """The filter of the rows the user sees, or None when they see none."""
        conditions = [reach.q(user) for reach in self._reaches_of(user)]
        if not conditions:
            return None
        combined = conditions[0]
        for condition in conditions[1:]:
            combined |= condition
        return combined

    def scope(self, user, queryset: QuerySet | None = None) -> QuerySet:
        """The rows the user may see (of `queryset`, by default every row of the model)."""
        queryset = self.model._default_manager.all() if queryset is None else queryset
        condition = self.q(user)
        return queryset.none() if condition is None else queryset.filter(condition)

    def allows(self, user, obj: Model) -> bool:
        """Whether the user may see this object: the same rule as `scope`."""
        reaches = self._reaches_of(user)
        if any(reach.plain and reach.matches(user, obj) for reach in reaches):
            return True
        others = [reach for reach in reaches if not reach.plain]
        if not others or obj.pk is None:
            return False
        condition = others[0].q(user)
        for reach in others[1:]:
            condition |= reach.q(user)
        return self.model._default_manager.filter(condition, pk=obj.pk).exists()

    def labels(self) -> list[str]:
        return [reach.label for reach in self.reaches]


def any_of(checks: Iterable[Callable[[User], bool]]) -> Callable[[User], bool]:
    checks = tuple(checks)
    return lambda user: any(check(user) for check in checks)


# --- refused access, logged ------------------------------------------------------------------

_refusals = logging.getLogger("estampille.access")


def log_refusal(request, *, status: int, what: str, object_id: object = "") -> None:
    """Log a refused access (issue 16: who, what, when), without personal data in clear: the
    user's id and role, never its name or address; the page's route name and the object's id."""
    user = getattr(request, "user", None)
    authenticated = bool(getattr(user, "is_authenticated", False))
    match = getattr(request, "resolver_match", None)
    request.refusal_logged = True  # config/access_log.py then writes no second line
    _refusals.warning(
        "accès refusé %s: utilisateur=%s rôle=%s page=%s objet=%s %s",
        status,
        getattr(user, "pk", None) if authenticated else "anonyme",
        getattr(user, "role", "") if authenticated else "",
        getattr(match, "view_name", "") or "",
        object_id,
        what,
    )
