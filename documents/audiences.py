"""Who reads a document: a typed value the requesting app builds and hands to the documents app.

    Audience.of(porteur=app.porteur_id, prefecture=app.departement_id, national=True)

The documents app turns it into grants on the row (`documents.permissions.grant`); it never
looks at the other apps' rules to decide who reads what."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from labelling.groups import (
    NATIONAL_GROUP,
    operator_group_name,
    porteur_group_name,
    prefecture_group_name,
)


@dataclass(frozen=True)
class Audience:
    """The readers of a document or a piece.

    - ``porteurs``: ids of the porteurs whose users read it;
    - ``prefectures``: codes of the départements whose préfecture reads it;
    - ``operators``: codes of the partner operators whose users read it;
    - ``national``: the national agency reads it;
    - ``public_verification``: anyone holding its verification code may check it on the public
      page (an official document only: the page shows its kind, place, date and signer, never
      the file).
    """

    porteurs: frozenset[str] = field(default_factory=frozenset)
    prefectures: frozenset[str] = field(default_factory=frozenset)
    operators: frozenset[str] = field(default_factory=frozenset)
    national: bool = False
    public_verification: bool = False

    @classmethod
    def of(
        cls,
        *,
        porteur=None,
        prefecture: str | None = None,
        operators: Iterable[str] = (),
        national: bool = False,
        public_verification: bool = False,
    ) -> Audience:
        return cls(
            porteurs=frozenset({str(porteur)} if porteur else ()),
            prefectures=frozenset({str(prefecture)} if prefecture else ()),
            operators=frozenset(str(code) for code in operators),
            national=national,
            public_verification=public_verification,
        )

    def __or__(self, other: Audience) -> Audience:
        return Audience(
            porteurs=self.porteurs | other.porteurs,
            prefectures=self.prefectures | other.prefectures,
            operators=self.operators | other.operators,
            national=self.national or other.national,
            public_verification=self.public_verification or other.public_verification,
        )

    def group_names(self) -> set[str]:
        names = {porteur_group_name(p) for p in self.porteurs}
        names |= {prefecture_group_name(code) for code in self.prefectures}
        names |= {operator_group_name(code) for code in self.operators}
        if self.national:
            names.add(NATIONAL_GROUP)
        return names

    @property
    def is_empty(self) -> bool:
        return not self.group_names()
