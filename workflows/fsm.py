"""The pattern every kind of file follows (application now; funding decision and yearly review
next): one transition table declared with `viewflow.fsm`, and one way to fire a transition.

A kind of file writes, in its own module (see `workflows.lifecycle` for the application):

    class ApplicationLifecycle(Lifecycle):
        model = Application
        state = bind_state(State)

        @state.transition(
            source=State.SUBMITTED, target=State.INSTRUCTION, label="Déclarer le dossier complet",
            permission=Allowed(INSTRUCTOR), custom=step(action=Action.COMPLETE, view="…"),
        )
        def complete(self): ...

        def record(self, ...): ...   # its journal

Each transition says who may fire it (`Allowed`: an actor of the app's `permissions.py`,
minus an exception), its conditions (`conditions=`: when unmet, the action is not offered and
is refused with the condition's message), what it still requires (`Step.requires`: the button
is shown, and firing says what is missing), its journal action, its page and its help text. A
transition without `target` is an action within a stage (it changes no state).

A service fires a transition in one atomic block:

    with transition(ApplicationLifecycle, "complete", user=user, pk=application_id) as run:
        ...                      # validate the input, write the fields of this transition
        run.fire(comment=…)      # the state changes (the table's setter is the only writer),
                                 # the row is saved, the journal written, e-mails on commit

`transition` locks the row (SELECT … FOR UPDATE), checks the permission (`AccessDenied`, a
403), the stage (`TransitionNotAllowed`: « une autre personne a agi avant vous »), the
conditions and requirements; any error rolls everything back, so a refused transition changes
nothing. Pages, buttons, the help page, the BPMN/DOT export and the permission tests read the
same table (`Lifecycle.table`, `Lifecycle.offers`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.db import models, transaction
from django.urls import reverse
from django.utils.module_loading import import_string
from viewflow import fsm
from viewflow.fsm.base import Transition, TransitionDescriptor
from viewflow.utils import DEFAULT

from labelling.queueing import enqueue
from workflows import journal
from workflows.errors import AccessDenied, InvalidInput, NotFound, TransitionNotAllowed

STALE_MESSAGE = (
    "Ce dossier vient de changer d'étape (il est maintenant « {state} ») : une autre personne "
    "a agi avant vous. Rechargez la page pour voir où il en est."
)


# --- what the table declares ------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """What a transition says beyond source, target, label, permission and conditions.

    - ``action``: the journal action ("" → nothing is journaled by default);
    - ``view``: the URL name of its page (a form, GET) or, with ``post``, of the endpoint a
      button posts to; "" → no button (fired by the system or by another transition);
    - ``button``: "primary", "secondary" or "tertiary" (DSFR button kinds);
    - ``help``: what it does, in French, for the help page;
    - ``requires``: checks on the file, each returning a `fsm.State.CONDITION`; unmet, firing
      raises `InvalidInput` with its message (the button stays: the user learns what is
      missing);
    - ``private``: its journal entry is hidden from the porteur; ``notify``: e-mail on commit;
    - ``explain``: when the user is the right actor but refused by `Allowed.unless`, the page
      says why instead of hiding the button;
    - ``text``: the button's words when they differ from the label; ``url_args``: more
      arguments of the page's URL after the file's id; ``hide``: (obj, user) → True hides the
      button (e.g. « Prendre le dossier » for the one who has it).
    """

    action: str = ""
    view: str = ""
    post: bool = False
    button: str = "secondary"
    help: str = ""
    requires: tuple[Callable[[Any], Any], ...] = ()
    private: bool = False
    notify: bool = True
    explain: bool = False
    text: str = ""
    url_args: tuple[str, ...] = ()
    hide: Callable[[Any, Any], bool] | None = None


def step(**kwargs: Any) -> dict:
    """The `custom=` of a transition: `@state.transition(..., custom=step(action=...))`."""
    return {"step": Step(**kwargs)}


def step_of(transition: Transition) -> Step:
    return transition.custom.get("step") or Step()


@dataclass(frozen=True)
class Allowed:
    """Who may fire a transition: an actor (with ``label``, ``refusal`` and ``allows(user,
    obj)``, see `workflows.permissions`), unless ``unless(obj, user)`` holds (then
    ``unless_message`` is the refusal). Viewflow calls it as ``permission(lifecycle, user)``."""

    actor: Any
    unless: Callable[[Any, Any], bool] | None = None
    unless_message: str = ""

    def refusal(self, obj, user) -> str | None:
        if not self.actor.allows(user, obj):
            return self.actor.refusal
        if self.unless is not None and self.unless(obj, user):
            return self.unless_message
        return None

    def __call__(self, lifecycle: Lifecycle, user) -> bool:
        return self.refusal(lifecycle.obj, user) is None


@dataclass(frozen=True)
class SystemActor:
    """Estampille itself (a beat task): the only actor with no user."""

    label: str = journal.AUTOMATIC_ACTOR
    refusal: str = "Cette action est faite automatiquement par Estampille."

    def allows(self, user, obj) -> bool:
        return user is None


SYSTEM = SystemActor()


def bind_state(choices: type[models.TextChoices], *, field_name: str = "state") -> fsm.State:
    """The `fsm.State` of a table, bound to the model field `field_name` of the wrapped row.
    Its setter is the one place where the code writes a state (a test checks it)."""
    state = fsm.State(choices)

    @state.getter()
    def _get(lifecycle: Lifecycle):
        return choices(getattr(lifecycle.obj, field_name))

    @state.setter()
    def _set(lifecycle: Lifecycle, value) -> None:
        setattr(lifecycle.obj, field_name, choices(value).value)

    return state


@dataclass(frozen=True)
class Offer:
    """An action the page offers this user now (derived from the table)."""

    name: str
    label: str
    url: str
    post: bool
    button: str
    allowed: bool
    reason: str = ""


# --- the base of a table ----------------------------------------------------------------------


class Lifecycle:
    """Wraps one row of `model`; subclasses declare ``state = bind_state(...)`` and the
    transitions, and implement `record` (their journal)."""

    model: ClassVar[type[models.Model]]
    missing_message: ClassVar[str] = "Ce dossier n'existe pas."
    stale_message: ClassVar[str] = STALE_MESSAGE
    # The journal (`workflows.journal.JournalEntryBase`): its model, the name of its foreign key
    # to the file, and the dotted name of the task that tells people of a public entry.
    journal_model: ClassVar[type[models.Model]]
    journal_file_field: ClassVar[str]
    journal_task: ClassVar[str] = ""

    def __init__(self, obj: models.Model):
        self.obj = obj

    # --- reading the table ---------------------------------------------------------------------

    @classmethod
    def table(cls) -> list[tuple[str, Transition]]:
        """Every (name, transition) in the order the class declares them."""
        rows = []
        for klass in reversed(cls.__mro__):
            for name, attribute in vars(klass).items():
                if isinstance(attribute, TransitionDescriptor):
                    rows += [(name, t) for t in attribute.get_transitions()]
        return rows

    @classmethod
    def names(cls) -> list[str]:
        return list(dict.fromkeys(name for name, _ in cls.table()))

    @classmethod
    def transitions_named(cls, name: str) -> list[Transition]:
        rows = [t for n, t in cls.table() if n == name]
        if not rows:
            raise KeyError(f"{cls.__name__} has no transition {name!r}")
        return rows

    @classmethod
    def sources(cls, name: str) -> set:
        return {t.source for t in cls.transitions_named(name)}

    @staticmethod
    def changes_state(transition: Transition) -> bool:
        return transition.target is not DEFAULT

    @property
    def current(self):
        return type(self).state.get(self)  # type: ignore[attr-defined]

    def state_label(self) -> str:
        return self.current.label

    def step(self, name: str) -> Step:
        """What the table says of `name` (from this stage, else its first declaration)."""
        return step_of(self._here(name) or self.transitions_named(name)[0])

    def _here(self, name: str) -> Transition | None:
        return getattr(type(self), name)._descriptor.get_transition(self.current)

    # --- who may do what, now -------------------------------------------------------------------

    def refusal(self, name: str, user) -> str | None:
        """Why this user may not fire `name` (whatever the stage), or None."""
        transition = self._here(name) or self.transitions_named(name)[0]
        return transition.permission.refusal(self.obj, user)

    def unmet(self, name: str) -> str | None:
        """Why `name` is not possible at this stage (stale, or a condition), or None."""
        transition = self._here(name)
        if transition is None:
            return self.stale_message.format(state=self.state_label())
        failed = transition.get_unmet_condition(self)
        if failed is not None:
            return getattr(failed[1], "message", "") or self.stale_message.format(
                state=self.state_label()
            )
        return None

    def missing(self, name: str) -> str | None:
        """What the file still lacks for `name` (its `requires`), or None."""
        transition = self._here(name)
        for requirement in step_of(transition).requires if transition else ():
            result = requirement(self)
            if not result:
                return getattr(result, "message", "") or "Le dossier n'est pas prêt."
        return None

    def allows(self, name: str, user) -> bool:
        """May this user fire `name` now (permission, stage and conditions)?"""
        return self.refusal(name, user) is None and self.unmet(name) is None

    def check(self, name: str, user) -> Transition:
        """Raise what stops `name` for this user now; return the transition."""
        refusal = self.refusal(name, user)
        if refusal is not None:
            raise AccessDenied(refusal)
        unmet = self.unmet(name)
        if unmet is not None:
            raise TransitionNotAllowed(unmet)
        missing = self.missing(name)
        if missing is not None:
            raise InvalidInput(missing)
        return self._here(name)  # type: ignore[return-value]

    def may(self, user) -> dict[str, bool]:
        """Name → whether this user may fire it now (for the links inside the pages)."""
        return {name: self.allows(name, user) for name in self.names()}

    def offers(self, user) -> list[Offer]:
        """The buttons « Ce que vous pouvez faire »: the transitions with a page that this user
        may fire now, in the table's order; a refusal the table says to explain is kept."""
        offers = []
        for name in self.names():
            transition = self._here(name)
            if transition is None or not step_of(transition).view:
                continue
            if self.unmet(name) is not None:
                continue
            meta = step_of(transition)
            refusal = self.refusal(name, user)
            if refusal is not None:
                explained = meta.explain and transition.permission.actor.allows(user, self.obj)
                if not explained:
                    continue
            if meta.hide is not None and meta.hide(self.obj, user):
                continue
            offers.append(
                Offer(
                    name=name,
                    label=meta.text or transition.label,
                    url=reverse(meta.view, args=[self.obj.pk, *meta.url_args]),
                    post=meta.post,
                    button=meta.button,
                    allowed=refusal is None,
                    reason=refusal or "",
                )
            )
        return offers

    # --- firing ----------------------------------------------------------------------------------

    @classmethod
    def lock(cls, pk) -> models.Model:
        """The row, locked until the end of the transaction (same order everywhere: the file
        first, then its rows)."""
        try:
            return cls.model._default_manager.select_for_update().get(pk=pk)
        except (cls.model.DoesNotExist, ValueError, TypeError) as exc:
            raise NotFound(cls.missing_message) from exc

    def entered(self, transition: Transition, source, target) -> None:
        """Hook: the file has just entered `target` (e.g. restart a stage clock)."""

    def record(
        self,
        *,
        user,
        action: str,
        from_state,
        comment: str,
        private: bool,
        data: dict,
        notify: bool,
    ) -> Any:
        """Write the journal entry of an action and, for a public entry with `notify`, publish
        the e-mail task on commit (`labelling.queueing.enqueue`: a broker down loses nothing)."""
        fields = {
            self.journal_file_field: self.obj,
            "actor": journal.actor_of(user),
            "actor_label": self.actor_label(user),
            "from_state": from_state,
            "to_state": self.current,
            "action": action,
            "comment": comment,
            "data": data,
            **self.journal_fields(),
        }
        if private:
            fields["private"] = True  # only journals with private entries declare them private
        entry = self.journal_model.objects.create(**fields)
        if notify and not private and self.journal_task:
            task = import_string(self.journal_task)
            transaction.on_commit(lambda: enqueue(task, entry.pk))
        return entry

    def actor_label(self, user) -> str:
        """How this file's journal names who acted (`workflows.journal.actor_label`)."""
        return journal.actor_label(user)

    def journal_fields(self) -> dict[str, Any]:
        """Columns of this kind's journal beyond the common ones (the application's revision)."""
        return {}

    def fire(
        self,
        name: str,
        *,
        user,
        comment: str = "",
        data: dict | None = None,
        action: str | None = None,
        private: bool | None = None,
        notify: bool | None = None,
        journal: bool = True,
        save: bool | None = None,
        **kwargs: Any,
    ):
        """Fire `name` (checked before, in the same transaction): the fsm sets the target, the
        row is saved (always when the state changes), the journal written. Returns the journal
        entry, or None."""
        transition = self._here(name)
        if transition is None:
            raise TransitionNotAllowed(self.stale_message.format(state=self.state_label()))
        meta = step_of(transition)
        source = self.current
        try:
            getattr(self, name)(**kwargs)
        except fsm.TransitionNotAllowed as exc:
            raise TransitionNotAllowed(self.stale_message.format(state=self.state_label())) from exc
        target = self.current
        changed = target != source
        if changed:
            self.entered(transition, source, target)
        if changed if save is None else save:
            self.obj.save()
        action = meta.action if action is None else action
        if not (journal and action):
            return None
        return self.record(
            user=user,
            action=action,
            from_state=source,
            comment=comment,
            private=meta.private if private is None else private,
            data=data or {},
            notify=(meta.notify and changed) if notify is None else notify,
        )


@dataclass
class Run:
    """One transition being fired inside `transition(...)`."""

    lifecycle: Lifecycle
    name: str
    user: Any
    fired: bool = field(default=False)

    @property
    def obj(self):
        return self.lifecycle.obj

    def fire(self, **kwargs: Any):
        entry = self.lifecycle.fire(self.name, user=self.user, **kwargs)
        self.fired = True
        return entry

    def then(self, name: str, **kwargs: Any):
        """Fire another transition of the table if it is possible now (its permission and
        conditions hold: e.g. the guarded INSTRUCTION → CONVENTIONS once both facts are
        recorded). Returns the journal entry, or False when it was not possible."""
        if not self.lifecycle.allows(name, self.user) or self.lifecycle.missing(name):
            return False
        return self.lifecycle.fire(name, user=self.user, **kwargs)


@contextmanager
def transition(lifecycle_class: type[Lifecycle], name: str, *, user, pk) -> Iterator[Run]:
    """Lock the row, check `name` for `user`, hand the `Run` to the service, which fires it.
    Everything happens in one transaction: any error leaves the database as it was."""
    with transaction.atomic():
        lifecycle = lifecycle_class(lifecycle_class.lock(pk))
        lifecycle.check(name, user)
        run = Run(lifecycle, name, user)
        yield run
        if not run.fired:
            raise RuntimeError(f"{lifecycle_class.__name__}.{name}: the service never fired it")
