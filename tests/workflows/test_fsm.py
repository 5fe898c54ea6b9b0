"""The generic base (`workflows.fsm`) with a second, toy kind of file: what funding decisions
and yearly reviews will build on. No database: the row is a plain object."""

from dataclasses import dataclass

import pytest
from django.db import models
from viewflow import fsm

from workflows.errors import AccessDenied, InvalidInput, TransitionNotAllowed
from workflows.fsm import Allowed, Lifecycle, bind_state, step


class Stage(models.TextChoices):
    DRAFT = "draft", "Projet"
    PROPOSED = "proposed", "Proposé"
    SIGNED = "signed", "Signé"


@dataclass
class Funding:
    pk: int = 1
    state: str = Stage.DRAFT
    amount: int = 0
    saved: int = 0

    def save(self):
        self.saved += 1


@dataclass(frozen=True)
class Role:
    label: str
    refusal: str
    name: str

    def allows(self, user, obj) -> bool:
        return getattr(user, "role", None) == self.name


INSTRUCTOR = Role("un instructeur", "Seul un instructeur peut le faire.", "instructeur")
SIGNATAIRE = Role("un signataire", "Seul un signataire peut signer.", "signataire")


@dataclass
class User:
    role: str
    pk: int = 7


def has_amount(lifecycle):
    return fsm.State.CONDITION(lifecycle.obj.amount > 0, "Indiquez le montant.")


class FundingLifecycle(Lifecycle):
    state = bind_state(Stage)

    @state.transition(
        source=Stage.DRAFT,
        target=Stage.PROPOSED,
        label="Proposer",
        permission=Allowed(INSTRUCTOR),
        custom=step(action="propose", requires=(has_amount,)),
    )
    def propose(self):
        pass

    @state.transition(
        source=Stage.PROPOSED,
        target=Stage.SIGNED,
        label="Signer",
        permission=Allowed(SIGNATAIRE, unless=lambda obj, user: user.pk == 7, unless_message="x"),
        custom=step(action="sign"),
    )
    def sign(self):
        pass

    def record(self, **entry):
        self.entries = [*getattr(self, "entries", []), entry]
        return entry


def test_a_second_table_on_the_same_base():
    funding = Funding()
    lifecycle = FundingLifecycle(funding)
    assert FundingLifecycle.names() == ["propose", "sign"]
    assert lifecycle.refusal("propose", User("signataire")) == "Seul un instructeur peut le faire."
    assert lifecycle.allows("propose", User("instructeur"))
    assert lifecycle.unmet("sign") is not None  # not at this stage
    with pytest.raises(AccessDenied):
        lifecycle.check("propose", User("porteur"))
    with pytest.raises(InvalidInput, match=r"Indiquez le montant\."):
        lifecycle.check("propose", User("instructeur"))
    funding.amount = 15_000
    lifecycle.check("propose", User("instructeur"))
    entry = lifecycle.fire("propose", user=User("instructeur"), comment="Forfait 2027")
    assert funding.state == Stage.PROPOSED and funding.saved == 1
    assert entry["action"] == "propose" and entry["from_state"] == Stage.DRAFT
    with pytest.raises(TransitionNotAllowed):
        lifecycle.check("propose", User("instructeur"))
    # The exception of a permission: refused with its own message.
    assert lifecycle.refusal("sign", User("signataire", pk=7)) == "x"
    assert lifecycle.allows("sign", User("signataire", pk=8))
    assert "digraph" in fsm.chart(FundingLifecycle.state)
