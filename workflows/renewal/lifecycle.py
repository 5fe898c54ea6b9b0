"""Who may do what, and when, on a yearly review: its transition table (`workflows.fsm`).

à remplir (the porteur updates or confirms its declaration; reminded after 15 and 30 days)
→ déposée → the instructor decides: renouvelée | mise en demeure (a deadline; at the deadline
Estampille re-checks and the review is « à réexaminer ») | suspendue | abrogation à signer →
(a signataire, never the proposer) abrogée. A review the porteur never answered can be decided
once its answer deadline has passed."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from viewflow import fsm

from workflows.deadlines import today
from workflows.errors import NotFound
from workflows.fsm import SYSTEM, Allowed, Lifecycle, bind_state, step
from workflows.renewal import deadlines
from workflows.renewal.models import JournalEntry, Review, ReviewAction, ReviewState
from workflows.renewal.permissions import INSTRUCTOR, PORTEUR, PREFECTURE, SIGNATAIRE

CONDITION = fsm.State.CONDITION
S = ReviewState

# The states in which the préfecture decides.
DECIDABLE = [S.SUBMITTED, S.RECHECK]
# Where the préfecture is the one to act (its queue, its digests).
PREFECTURE_STATES = (S.SUBMITTED, S.RECHECK, S.SUSPENDED, S.TO_SIGN)


def answer_overdue(lifecycle: ReviewLifecycle):
    """From « à remplir », the préfecture decides only once the porteur's deadline has passed."""
    review = lifecycle.obj
    if review.state != S.OPEN:
        return CONDITION(True)
    late = review.stage_deadline is not None and review.stage_deadline < today()
    return CONDITION(
        late,
        "Le porteur a jusqu'au "
        + (f"{review.stage_deadline:%d/%m/%Y}" if review.stage_deadline else "terme de la revue")
        + " pour répondre : la décision viendra après son dépôt ou après cette date.",
    )


def notice_expired(lifecycle: ReviewLifecycle):
    """A mise en demeure gives the porteur until its deadline to comply or to present its
    observations (CRPA L122-1): the abrogation is proposed only after that date. Without a mise
    en demeure (a place that closed), nothing waits."""
    review = lifecycle.obj
    deadline = review.notice_deadline if review.notice_issued_at else None
    return CONDITION(
        deadline is None or deadline < today(),
        f"La mise en demeure laisse au porteur jusqu'au {deadline:%d/%m/%Y} pour se conformer "
        "ou présenter ses observations : l'abrogation se propose après cette date."
        if deadline
        else "",
    )


def porteur_attached(lifecycle: ReviewLifecycle):
    return CONDITION(
        lifecycle.obj.place.porteur_id is not None,
        "Ce lieu attend encore son porteur (porteur à rattacher) : la préfecture l'invite d'abord.",
    )


def declaration_complete(lifecycle: ReviewLifecycle):
    """« Rien à changer » needs a complete declaration of the place (an imported place is asked
    for the missing parts first)."""
    from labelling.selectors import declaration_gaps

    gaps = declaration_gaps(place=lifecycle.obj.place)
    return CONDITION(
        not gaps,
        "La déclaration du lieu est incomplète (il manque "
        + " ; ".join(gaps)
        + ") : complétez-la, puis déposez la revue.",
    )


def not_proposer(review: Review, user) -> bool:
    return review.proposed_by_id is not None and review.proposed_by_id == getattr(user, "pk", None)


class ReviewLifecycle(Lifecycle):
    model = Review
    state = bind_state(ReviewState)
    journal_model = JournalEntry
    journal_file_field = "review"
    journal_task = "workflows.renewal.tasks.notify_review_entry"
    missing_message = "Cette revue n'existe pas ou vous n'y avez pas accès."
    stale_message = (
        "Cette revue vient de changer d'étape (elle est maintenant « {state} ») : une autre "
        "personne a agi avant vous. Rechargez la page pour voir où elle en est."
    )

    @classmethod
    def lock(cls, pk):
        """The review row, locked, with its place (read by the actors and the conditions)."""
        try:
            return Review.objects.select_for_update(of=("self",)).select_related("place").get(pk=pk)
        except (Review.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
            raise NotFound(cls.missing_message) from exc

    # --- the porteur ---------------------------------------------------------------------

    @state.transition(
        source=[S.OPEN, S.NOTICE],
        label="Mettre à jour la déclaration",
        permission=Allowed(PORTEUR),
        conditions=[porteur_attached],
        custom=step(
            action=ReviewAction.EDIT,
            view="renewal:edit",
            url_args=("horaires",),
            notify=False,
            help="Le porteur corrige ce qui a changé depuis l'an dernier : horaires, agents, "
            "formations, opérateurs, locaux.",
        ),
    )
    def edit(self):
        pass

    @state.transition(
        source=S.OPEN,
        target=S.SUBMITTED,
        label="Rien à changer : confirmer",
        permission=Allowed(PORTEUR),
        conditions=[porteur_attached, declaration_complete],
        custom=step(
            action=ReviewAction.CONFIRM,
            view="renewal:confirm",
            button="primary",
            help="En une étape : la déclaration du lieu reste celle de l'an dernier et "
            "l'activité de l'année est confirmée.",
        ),
    )
    def confirm(self):
        pass

    @state.transition(
        source=S.OPEN,
        target=S.SUBMITTED,
        label="Déposer la revue",
        permission=Allowed(PORTEUR),
        conditions=[porteur_attached],
        custom=step(
            action=ReviewAction.SUBMIT,
            view="renewal:submit",
            help="Le porteur dépose sa déclaration mise à jour et confirme l'activité de l'année.",
        ),
    )
    def submit(self):
        pass

    @state.transition(
        source=S.NOTICE,
        target=S.RECHECK,
        label="Signaler les corrections",
        permission=Allowed(PORTEUR),
        custom=step(
            action=ReviewAction.COMPLY,
            view="renewal:comply",
            button="primary",
            help="Mis en demeure, le porteur corrige sa déclaration puis demande le réexamen "
            "sans attendre l'échéance.",
        ),
    )
    def comply(self):
        pass

    # --- Estampille ------------------------------------------------------------------------

    @state.transition(
        source=S.OPEN,
        label="Relancer le porteur",
        permission=Allowed(SYSTEM),
        custom=step(
            action=ReviewAction.REMIND,
            help="Sans dépôt, le porteur est relancé par courriel (par défaut 15 et 30 jours "
            "après l'ouverture), une fois chaque fois.",
        ),
    )
    def remind(self):
        pass

    @state.transition(
        source=S.NOTICE,
        target=S.RECHECK,
        label="Réexaminer à l'échéance",
        permission=Allowed(SYSTEM),
        custom=step(
            action=ReviewAction.WAKE,
            help="À l'échéance de la mise en demeure, Estampille vérifie de nouveau le lieu et "
            "la revue revient dans la file de la préfecture.",
        ),
    )
    def wake(self):
        pass

    # --- the préfecture --------------------------------------------------------------------

    @state.transition(
        source=[S.OPEN, S.SUBMITTED, S.NOTICE, S.RECHECK, S.SUSPENDED, S.TO_SIGN],
        label="Attribuer",
        permission=Allowed(PREFECTURE),
        custom=step(
            action=ReviewAction.ASSIGN,
            view="renewal:assign",
            post=True,
            button="tertiary",
            text="Prendre la revue",
            notify=False,
            private=True,
            hide=lambda review, user: review.assigned_to_id == getattr(user, "pk", None),
            help="Un agent de la préfecture prend la revue : elle apparaît dans sa file.",
        ),
    )
    def assign(self):
        pass

    @state.transition(
        source=[S.OPEN, *DECIDABLE, S.SUSPENDED],
        target=S.RENEWED,
        label="Renouveler le label",
        permission=Allowed(INSTRUCTOR),
        conditions=[answer_overdue],
        custom=step(
            action=ReviewAction.RENEW,
            view="renewal:renew",
            button="primary",
            help="Le label continue ; le dossier de financement de l'année s'ouvre. Un label "
            "suspendu est rétabli.",
        ),
    )
    def renew(self):
        pass

    @state.transition(
        source=[S.OPEN, *DECIDABLE],
        target=S.NOTICE,
        label="Mettre en demeure",
        permission=Allowed(INSTRUCTOR),
        conditions=[answer_overdue],
        custom=step(
            action=ReviewAction.NOTICE,
            view="renewal:notice",
            help="La préfecture dit ce qu'il faut corriger et avant quelle date (mise en "
            "demeure en PDF) ; le porteur peut présenter ses observations.",
        ),
    )
    def notice(self):
        pass

    @state.transition(
        source=[S.OPEN, *DECIDABLE, S.NOTICE],
        target=S.SUSPENDED,
        label="Suspendre le label",
        permission=Allowed(INSTRUCTOR),
        conditions=[answer_overdue],
        custom=step(
            action=ReviewAction.SUSPEND,
            view="renewal:suspend",
            help="Le label est suspendu, avec ses motifs : le lieu quitte l'annuaire public et "
            "les données ouvertes jusqu'à la décision suivante.",
        ),
    )
    def suspend(self):
        pass

    @state.transition(
        source=[S.OPEN, *DECIDABLE, S.NOTICE, S.SUSPENDED],
        target=S.TO_SIGN,
        label="Proposer l'abrogation",
        permission=Allowed(INSTRUCTOR),
        conditions=[answer_overdue, notice_expired],
        custom=step(
            action=ReviewAction.PROPOSE_ABROGATION,
            view="renewal:propose_abrogation",
            button="tertiary",
            help="L'instructeur propose d'abroger le label, avec ses motifs ; un signataire "
            "signe l'arrêté d'abrogation.",
        ),
    )
    def propose_abrogation(self):
        pass

    @state.transition(
        source=S.TO_SIGN,
        target=S.ABROGATED,
        label="Signer l'arrêté d'abrogation",
        permission=Allowed(
            SIGNATAIRE,
            unless=not_proposer,
            unless_message="Vous avez proposé cette abrogation : un autre signataire la signe.",
        ),
        custom=step(
            action=ReviewAction.SIGN_ABROGATION,
            view="renewal:sign_abrogation",
            button="primary",
            explain=True,
            help="Le signataire signe l'arrêté d'abrogation : le lieu quitte l'annuaire public et "
            "les données ouvertes ; son histoire reste.",
        ),
    )
    def sign_abrogation(self):
        pass

    @state.transition(
        source=S.TO_SIGN,
        target=S.RECHECK,
        label="Renvoyer la proposition",
        permission=Allowed(SIGNATAIRE),
        custom=step(
            action=ReviewAction.RETURN_ABROGATION,
            view="renewal:return_abrogation",
            help="Le signataire ne signe pas et renvoie la revue à l'instructeur, en disant "
            "pourquoi.",
        ),
    )
    def return_abrogation(self):
        pass

    # --- hooks --------------------------------------------------------------------------------

    def entered(self, transition, source, target) -> None:
        review = self.obj
        if target in (S.SUBMITTED, S.RECHECK):
            review.stage_deadline = deadlines.deadline_for("instruction")
        elif target == S.NOTICE:
            review.stage_deadline = review.notice_deadline
        elif target == S.SUSPENDED:
            review.stage_deadline = deadlines.deadline_for("suspension")
        elif target == S.TO_SIGN:
            review.stage_deadline = deadlines.deadline_for("decision")
        elif target in (S.RENEWED, S.ABROGATED):
            review.stage_deadline = None


def help_rows() -> list[tuple[str, str, str]]:
    """What the review pages say of each action, from the table: (label, who, what)."""
    from workflows.fsm import step_of

    rows: dict[str, tuple[str, str, str]] = {}
    for name, transition in ReviewLifecycle.table():
        meta = step_of(transition)
        if name in rows or not meta.help:
            continue
        rows[name] = (transition.label, transition.permission.actor.label, meta.help)
    return list(rows.values())
