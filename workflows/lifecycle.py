"""Who may do what, and when, on a label application: the one table.

Stages (`STAGES`), then every transition, in the order a file lives them: where it starts
(`source`), where it leads (`target`; none for an action within a stage), who may fire it
(`permission`, an actor of `workflows.permissions`), when it is possible at all
(`conditions`), what it still requires (`requires`), its French label, its journal action,
its page and its help text. Services fire these transitions (`workflows.services`); pages
offer them (« Ce que vous pouvez faire »); the help page `/aide/etapes/`, the BPMN and DOT
exports (`manage.py export_bpmn`) and the stage × role test read them. The state field of an
application is written by `bind_state`'s setter only.

The instruction runs two things side by side, the review of the criteria and the consultation
(opinions): each ends with a recorded fact (`review_finished_at`, `opinions_closed_at`), and
the guarded transition `enter_conventions` fires as soon as both are recorded."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from viewflow import fsm

from workflows import draft
from workflows.deadlines import deadline_for, today
from workflows.fsm import SYSTEM, Allowed, Lifecycle, bind_state, step
from workflows.models import OPEN_STATES, Action, Application, JournalEntry, State
from workflows.permissions import (
    CONSULTED_OPERATOR,
    INSTRUCTOR,
    PORTEUR,
    PREFECTURE,
    SIGNATAIRE,
)

CONDITION = fsm.State.CONDITION


# --- stages ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    """A state as people speak of it: its title and help, its deadline (a key of
    `WORKFLOW_DEADLINES`), whether the préfecture is the one expected to act, and what runs
    side by side in it (fact-recording transitions, and the transition that joins them)."""

    state: State
    title: str
    help: str = ""
    clock: str | None = None
    prefecture_acts: bool = False
    parallel: tuple[str, ...] = ()
    join: str = ""

    @property
    def final(self) -> bool:
        return self.state not in OPEN_STATES


STAGES: tuple[Stage, ...] = (
    Stage(
        State.DRAFT,
        "Brouillon et dépôt",
        "Vous remplissez la candidature en plusieurs étapes : le porteur, le lieu, les horaires "
        "d'ouverture, les agents et leurs formations, les opérateurs partenaires et leur "
        "présence, les locaux, puis les pièces justificatives. Chaque étape est enregistrée : "
        "vous pouvez vous arrêter et reprendre plus tard. Sur le côté, une vérification vous "
        "montre en direct si le lieu remplit les critères du cahier des charges en vigueur. "
        "Dépôt : quand tout est rempli, vous déposez le dossier ; la préfecture reçoit une "
        "copie figée de votre déclaration, du résultat de la vérification et de la liste des "
        "pièces ; vous recevez un accusé de réception. Si le lieu ne remplit pas encore tous "
        "les critères, vous pouvez déposer quand même en expliquant pourquoi.",
    ),
    Stage(
        State.SUBMITTED,
        "Complétude",
        "Un instructeur de la préfecture de votre département vérifie que le dossier est complet.",
        clock="completeness",
        prefecture_acts=True,
    ),
    Stage(
        State.INCOMPLETE,
        "Compléments du porteur",
        "S'il manque quelque chose, l'instructeur vous l'écrit et le dossier revient « à "
        "compléter » : le délai d'instruction s'arrête, puis reprend quand vous déposez de "
        "nouveau. Cela peut se répéter.",
    ),
    Stage(
        State.INSTRUCTION,
        "Instruction",
        "L'instructeur examine chaque critère : le résultat automatique, son appréciation et "
        "son commentaire. En même temps, il peut demander l'avis du sous-préfet, du conseil "
        "départemental ou des opérateurs partenaires, chacun dans un délai. S'il corrige une "
        "information de votre déclaration, votre valeur et sa correction sont conservées, avec "
        "le motif. L'étape s'achève quand les critères sont appréciés et la consultation close.",
        clock="instruction",
        prefecture_acts=True,
        parallel=("finish_review", "close_opinions"),
        join="enter_conventions",
    ),
    Stage(
        State.CONVENTIONS,
        "Conventions",
        "Pour chaque partenaire national exigé, la convention doit être signée (vous déposez le "
        "PDF signé, la préfecture le valide) ou couverte par un accord national. L'étape se "
        "termine quand aucune convention n'est plus attendue.",
        clock="conventions",
        prefecture_acts=True,
    ),
    Stage(
        State.PROPOSAL,
        "Proposition",
        "L'instructeur propose de labelliser le lieu, avec une date d'effet, ou de refuser le "
        "label en nommant les critères non remplis.",
        clock="proposal",
        prefecture_acts=True,
    ),
    Stage(
        State.DECISION,
        "Décision",
        "Un signataire de la préfecture, qui n'est jamais l'auteur de la proposition, signe "
        "l'arrêté de labellisation ou la décision motivée de refus. Le lieu devient labellisé à "
        "la date d'effet indiquée, ou reste candidat.",
        clock="decision",
        prefecture_acts=True,
    ),
    Stage(State.LABELLED, "Labellisé"),
    Stage(State.REFUSED, "Refusé"),
    Stage(State.WITHDRAWN, "Sans suite"),
    Stage(State.CLOSED, "Clos"),
)
STAGE_BY_STATE = {stage.state: stage for stage in STAGES}
# The states in which the préfecture is expected to act (queues, overdue files, e-mails).
PREFECTURE_STATES = tuple(s.state for s in STAGES if s.prefecture_acts)
STAGE_OF_STATE = {s.state: s.clock for s in STAGES if s.clock}

OPEN = [s for s in OPEN_STATES]
SUBMITTED_OPEN = [s for s in OPEN_STATES if s != State.DRAFT]
SINCE_SUBMISSION = [s for s in State if s != State.DRAFT]
WHILE_INSTRUCTED = [State.INSTRUCTION, State.CONVENTIONS, State.PROPOSAL]


# --- conditions (not offered when unmet) and requirements (offered, refused with a message) ---


def review_open(lifecycle: ApplicationLifecycle):
    return CONDITION(
        lifecycle.obj.review_finished_at is None, "L'instruction des critères est terminée."
    )


def consultation_open(lifecycle: ApplicationLifecycle):
    return CONDITION(
        lifecycle.obj.opinions_closed_at is None,
        "La consultation est close : aucun avis ne peut être demandé.",
    )


def instruction_done(lifecycle: ApplicationLifecycle):
    app = lifecycle.obj
    return CONDITION(
        app.review_finished_at is not None and app.opinions_closed_at is not None,
        "Les critères doivent être appréciés et la consultation close.",
    )


def steps_filled(lifecycle: ApplicationLifecycle):
    app = lifecycle.obj
    missing = [s.title for s in draft.STEPS if s.slug not in app.completed_steps]
    return CONDITION(
        not missing and app.place_id is not None,
        "Étapes à remplir avant le dépôt : " + ", ".join(missing) + ".",
    )


def every_criterion_reviewed(lifecycle: ApplicationLifecycle):
    from workflows import selectors

    app = lifecycle.obj
    codes = {c["code"] for c in selectors.current_criteria(app)}
    reviewed = set(
        app.reviews.filter(revision=app.revision).values_list("criterion_code", flat=True)
    )
    return CONDITION(
        not codes - reviewed,
        "Appréciez chaque critère avant de terminer : " + ", ".join(sorted(codes - reviewed)),
    )


def no_opinion_awaited(lifecycle: ApplicationLifecycle):
    waiting = list(
        lifecycle.obj.opinions.filter(answered_at__isnull=True, due_on__gte=today()).values_list(
            "addressee", flat=True
        )
    )
    return CONDITION(
        not waiting,
        "Des avis sont attendus et leur délai n'est pas échu : " + ", ".join(waiting) + ".",
    )


def conventions_settled(lifecycle: ApplicationLifecycle):
    from workflows.models import TrackingStatus

    pending = list(
        lifecycle.obj.convention_trackings.exclude(
            status__in=[TrackingStatus.SIGNED, TrackingStatus.NATIONAL]
        ).values_list("operator__name", flat=True)
    )
    return CONDITION(
        not pending, "Conventions encore attendues ou à valider : " + ", ".join(pending) + "."
    )


def _is_proposer(app: Application, user) -> bool:
    return app.proposed_by_id is not None and app.proposed_by_id == user.pk


def _has_it(app: Application, user) -> bool:
    return app.assigned_to_id is not None and app.assigned_to_id == user.pk


# --- the table ---------------------------------------------------------------------------------


class ApplicationLifecycle(Lifecycle):
    """The lifecycle of one `Application` (a dossier de candidature)."""

    model = Application
    state = bind_state(State)
    journal_model = JournalEntry
    journal_file_field = "application"
    journal_task = "workflows.tasks.notify_journal_entry"

    # Drafting (the porteur) -----------------------------------------------------------------

    @state.transition(
        source=State.INCOMPLETE,
        label="Compléter le dossier",
        permission=Allowed(PORTEUR),
        custom=step(view="workflows:draft_resume", button="primary"),
    )
    @state.transition(
        source=State.DRAFT,
        label="Reprendre le brouillon",
        permission=Allowed(PORTEUR),
        custom=step(
            view="workflows:draft_resume",
            button="primary",
            help="Le porteur remplit la candidature, étape par étape, et y joint ses pièces.",
        ),
    )
    def edit_draft(self):
        """Save a step of the form, add a piece."""

    @state.transition(
        source=State.INCOMPLETE,
        target=State.SUBMITTED,
        label="Déposer de nouveau",
        permission=Allowed(PORTEUR),
        custom=step(
            action=Action.RESUBMIT, view="workflows:draft_submit", requires=(steps_filled,)
        ),
    )
    @state.transition(
        source=State.DRAFT,
        target=State.SUBMITTED,
        label="Déposer",
        permission=Allowed(PORTEUR),
        custom=step(
            action=Action.SUBMIT,
            view="workflows:draft_submit",
            requires=(steps_filled,),
            help="Le porteur dépose le dossier ; un accusé de réception lui est adressé.",
        ),
    )
    def submit(self):
        pass

    # Completeness (the préfecture) -------------------------------------------------------------

    @state.transition(
        source=State.SUBMITTED,
        target=State.INSTRUCTION,
        label="Déclarer le dossier complet",
        permission=Allowed(INSTRUCTOR),
        custom=step(
            action=Action.COMPLETE,
            view="workflows:completeness",
            text="Vérifier la complétude",
            button="primary",
            help="L'instructeur déclare le dossier complet : l'instruction commence.",
        ),
    )
    def complete(self):
        pass

    @state.transition(
        source=State.SUBMITTED,
        target=State.INCOMPLETE,
        label="Demander des compléments",
        permission=Allowed(INSTRUCTOR),
        custom=step(
            action=Action.REQUEST_MORE,
            help="L'instructeur écrit au porteur ce qui manque ; le délai est suspendu.",
        ),
    )
    def request_more(self):
        pass

    # Instruction: the review of the criteria ‖ the consultation --------------------------------

    @state.transition(
        source=State.INSTRUCTION,
        label="Apprécier les critères",
        permission=Allowed(INSTRUCTOR),
        conditions=[review_open],
        custom=step(
            action=Action.REVIEW,
            view="workflows:review",
            button="primary",
            private=True,
            help="L'instructeur apprécie chaque critère ; un écart avec le résultat automatique "
            "est justifié.",
        ),
    )
    def review(self):
        pass

    @state.transition(
        source=State.INSTRUCTION,
        label="Terminer l'instruction des critères",
        permission=Allowed(INSTRUCTOR),
        conditions=[review_open],
        custom=step(
            action=Action.FINISH_REVIEW,
            view="workflows:finish_review",
            post=True,
            requires=(every_criterion_reviewed,),
            private=True,
            help="Chaque critère est apprécié.",
        ),
    )
    def finish_review(self):
        """The review's fact."""
        self.obj.review_finished_at = timezone.now()

    @state.transition(
        source=State.INSTRUCTION,
        label="Demander un avis",
        permission=Allowed(INSTRUCTOR),
        conditions=[consultation_open],
        custom=step(
            action=Action.REQUEST_OPINION,
            view="workflows:opinion_request",
            private=True,
            help="Le sous-préfet, le conseil départemental ou un opérateur partenaire est "
            "consulté, avec un délai ; l'opérateur lit la déclaration et ce qu'on lui montre.",
        ),
    )
    def request_opinion(self):
        pass

    @state.transition(
        source=WHILE_INSTRUCTED,
        label="Enregistrer un avis",
        permission=Allowed(INSTRUCTOR | CONSULTED_OPERATOR),
        custom=step(
            action=Action.RECORD_OPINION,
            private=True,
            help="L'opérateur consulté donne son avis sur sa page ; l'instructeur enregistre les "
            "autres avis reçus.",
        ),
    )
    def record_opinion(self):
        pass

    @state.transition(
        source=SUBMITTED_OPEN,
        label="Relancer un avis en retard",
        permission=Allowed(SYSTEM),
        custom=step(action=Action.REMIND_OPINION, private=True),
    )
    def remind_opinion(self):
        pass

    @state.transition(
        source=State.INSTRUCTION,
        label="Clore la consultation",
        permission=Allowed(INSTRUCTOR),
        conditions=[consultation_open],
        custom=step(
            action=Action.CLOSE_OPINIONS,
            view="workflows:close_opinions",
            post=True,
            requires=(no_opinion_awaited,),
            private=True,
            help="Les avis sont rendus, ou leur délai est échu.",
        ),
    )
    def close_opinions(self):
        """The consultation's fact."""
        self.obj.opinions_closed_at = timezone.now()

    @state.transition(
        source=State.INSTRUCTION,
        target=State.CONVENTIONS,
        label="Passer aux conventions",
        permission=Allowed(INSTRUCTOR),
        conditions=[instruction_done],
        custom=step(
            help="Dès que les critères sont appréciés et la consultation close, le dossier passe "
            "aux conventions."
        ),
    )
    def enter_conventions(self):
        pass

    @state.transition(
        source=WHILE_INSTRUCTED,
        label="Corriger la déclaration",
        permission=Allowed(INSTRUCTOR),
        custom=step(
            action=Action.CORRECT,
            view="workflows:correct",
            button="tertiary",
            notify=True,
            help="L'instructeur corrige une valeur déclarée, avec un motif ; les deux valeurs "
            "sont gardées et la conformité recalculée.",
        ),
    )
    def correct(self):
        pass

    # Conventions ------------------------------------------------------------------------------

    @state.transition(
        source=State.CONVENTIONS,
        label="Déposer une convention signée",
        permission=Allowed(PORTEUR | INSTRUCTOR),
        custom=step(
            action=Action.CONVENTION,
            notify=False,
            help="Le porteur (ou l'instructeur) dépose le PDF de chaque convention signée.",
        ),
    )
    def upload_convention(self):
        pass

    @state.transition(
        source=State.CONVENTIONS,
        label="Changer l'état d'une convention",
        permission=Allowed(INSTRUCTOR),
        custom=step(
            action=Action.CONVENTION,
            notify=False,
            help="L'instructeur valide la convention reçue, ou la dit couverte par un accord "
            "national.",
        ),
    )
    def set_convention_status(self):
        pass

    @state.transition(
        source=State.CONVENTIONS,
        target=State.PROPOSAL,
        label="Terminer l'étape des conventions",
        permission=Allowed(INSTRUCTOR),
        custom=step(
            action=Action.FINISH_CONVENTIONS,
            view="workflows:finish_conventions",
            post=True,
            button="primary",
            requires=(conventions_settled,),
            help="Chaque convention est signée et validée, ou couverte par un accord national.",
        ),
    )
    def finish_conventions(self):
        pass

    # Proposal and decision ---------------------------------------------------------------------

    @state.transition(
        source=State.PROPOSAL,
        target=State.DECISION,
        label="Rédiger la proposition",
        permission=Allowed(INSTRUCTOR),
        custom=step(
            action=Action.PROPOSE,
            view="workflows:proposal",
            button="primary",
            help="L'instructeur propose de labelliser (avec une date d'effet) ou de refuser (en "
            "nommant les critères non remplis) ; le rapport d'instruction est produit.",
        ),
    )
    def propose(self):
        pass

    @state.transition(
        source=State.DECISION,
        target=fsm.State.GET_STATE(
            lambda lifecycle, *args, **kwargs: (
                State.LABELLED if lifecycle.obj.proposed_outcome == "label" else State.REFUSED
            ),
            states=[State.LABELLED, State.REFUSED],
        ),
        label="Signer la décision",
        permission=Allowed(
            SIGNATAIRE,
            unless=_is_proposer,
            unless_message="Vous avez rédigé la proposition : un autre signataire doit signer.",
        ),
        custom=step(
            action=Action.SIGN,
            view="workflows:decision",
            button="primary",
            explain=True,
            help="Le signataire signe l'arrêté de labellisation ou la décision motivée de refus.",
        ),
    )
    def sign(self):
        pass

    @state.transition(
        source=State.DECISION,
        target=State.PROPOSAL,
        label="Renvoyer la proposition",
        permission=Allowed(SIGNATAIRE),
        custom=step(
            action=Action.RETURN_PROPOSAL,
            view="workflows:return_proposal",
            button="tertiary",
            help="Le signataire renvoie la proposition à l'instructeur, en disant pourquoi.",
        ),
    )
    def return_proposal(self):
        pass

    @state.transition(
        source=[State.LABELLED, State.REFUSED],
        target=State.INSTRUCTION,
        label="Rouvrir le dossier",
        permission=Allowed(SIGNATAIRE),
        custom=step(
            action=Action.REOPEN,
            view="workflows:reopen",
            help="Un signataire rouvre un dossier décidé : une nouvelle révision repart en "
            "instruction, les documents signés restent.",
        ),
    )
    def reopen(self):
        pass

    # Ending early -------------------------------------------------------------------------------

    @state.transition(
        source=OPEN,
        target=State.WITHDRAWN,
        label="Retirer la candidature",
        permission=Allowed(PORTEUR),
        custom=step(
            action=Action.WITHDRAW,
            view="workflows:withdraw",
            button="tertiary",
            help="Avant la décision, le porteur peut retirer sa candidature à tout moment, en "
            "donnant la raison : elle est classée sans suite.",
        ),
    )
    def withdraw(self):
        pass

    @state.transition(
        source=SUBMITTED_OPEN,
        target=State.CLOSED,
        label="Clore le dossier abandonné",
        permission=Allowed(INSTRUCTOR),
        custom=step(
            action=Action.CLOSE,
            view="workflows:close",
            button="tertiary",
            help="Un dossier laissé sans réponse peut être clos par la préfecture, avec un motif.",
        ),
    )
    def close(self):
        pass

    # At every stage -----------------------------------------------------------------------------

    @state.transition(
        source=SUBMITTED_OPEN,
        label="Prendre le dossier",
        permission=Allowed(INSTRUCTOR),
        custom=step(
            action=Action.ASSIGN,
            view="workflows:take",
            post=True,
            private=True,
            hide=_has_it,
            help="Un instructeur prend le dossier, ou l'attribue à un autre de sa préfecture.",
        ),
    )
    def take(self):
        pass

    @state.transition(
        source=SUBMITTED_OPEN,
        label="Attribuer",
        permission=Allowed(INSTRUCTOR),
        custom=step(action=Action.ASSIGN, view="workflows:assign", button="tertiary", private=True),
    )
    def assign(self):
        pass

    @state.transition(
        source=SINCE_SUBMISSION,
        label="Écrire un message",
        permission=Allowed(PORTEUR | PREFECTURE),
        custom=step(
            help="Le porteur et la préfecture échangent par la messagerie du dossier ; chacun "
            "est prévenu par courriel."
        ),
    )
    def post_message(self):
        pass

    @state.transition(
        source=SINCE_SUBMISSION,
        label="Ajouter une note privée",
        permission=Allowed(PREFECTURE),
        custom=step(help="La préfecture garde des notes que le porteur ne lit jamais."),
    )
    def add_note(self):
        pass

    # --- hooks ------------------------------------------------------------------------------------

    def entered(self, transition, source, target) -> None:
        """Entering a state restarts its clock (none for a final state or « à compléter »)."""
        app = self.obj
        clock = STAGE_OF_STATE.get(target)
        app.stage_started_at = timezone.now()
        app.stage_deadline = deadline_for(clock) if clock else None

    def journal_fields(self) -> dict:
        return {"revision": self.obj.revision}


# --- read by the help page ---------------------------------------------------------------------


@dataclass(frozen=True)
class HelpAction:
    label: str
    who: str
    text: str


def help_sections() -> tuple[list[tuple[Stage, list[HelpAction]]], list[HelpAction]]:
    """What the help page says, from the table: each open stage with the actions taken in it
    (label, who, what), then the actions possible all along the file."""
    from workflows.fsm import step_of

    by_name: dict[str, list] = {}
    for name, transition in ApplicationLifecycle.table():
        by_name.setdefault(name, []).append(transition)
    per_stage: dict[State, list[HelpAction]] = {s.state: [] for s in STAGES}
    all_along: list[HelpAction] = []
    for transitions in by_name.values():
        described = next((t for t in transitions if step_of(t).help), None)
        if described is None:
            continue
        text, who = step_of(described).help, described.permission.actor.label
        sources = {t.source for t in transitions}
        if len(sources) > 3 or all(STAGE_BY_STATE[s].final for s in sources):
            all_along.append(HelpAction(described.label, who, text))
            continue
        for transition in transitions:
            # Each stage names the action as its button does there.
            per_stage[transition.source].append(HelpAction(transition.label, who, text))
    sections = [(s, per_stage[s.state]) for s in STAGES if not s.final]
    return sections, all_along


def lifecycle_of(app: Application) -> ApplicationLifecycle:
    return ApplicationLifecycle(app)


__all__ = [
    "PREFECTURE_STATES",
    "STAGES",
    "STAGE_BY_STATE",
    "STAGE_OF_STATE",
    "ApplicationLifecycle",
    "HelpAction",
    "Stage",
    "help_sections",
    "lifecycle_of",
]
