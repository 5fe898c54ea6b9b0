"""Who may do what, and when, on a funding file: its transition table (`workflows.fsm`).

à instruire (amount from the rules; the instructor may adjust it, with a reason) → proposé à
la signature → (a signataire who is not the proposer signs: the envelope is taken under lock,
the `decision_financement` PDF produced, the payments planned) décision signée → (each payment
ordered, then paid) subvention versée. Before signature the préfecture may class the file sans
suite (motivated); a signataire may send the proposal back. A place run by La Poste is funded
through another channel: its file says so and goes no further."""

from __future__ import annotations

from viewflow import fsm

from workflows.fsm import SYSTEM, Allowed, Lifecycle, bind_state, step
from workflows.funding.models import FundingAction, FundingFile, FundingState, JournalEntry
from workflows.funding.permissions import INSTRUCTOR, NATIONAL, PREFECTURE, SIGNATAIRE

CONDITION = fsm.State.CONDITION


def has_beneficiary(lifecycle: FundingLifecycle):
    file = lifecycle.obj
    return CONDITION(
        file.porteur_id is not None,
        "Le lieu n'a pas encore de porteur rattaché : la décision n'a pas de bénéficiaire.",
    )


def has_rate(lifecycle: FundingLifecycle):
    return CONDITION(
        not lifecycle.obj.rate_missing,
        f"Aucun taux de financement n'est fixé pour l'année {lifecycle.obj.year} : l'agence "
        "nationale doit d'abord l'ajouter, puis le montant est recalculé.",
    )


def label_in_force(lifecycle: FundingLifecycle):
    """A place suspended or withdrawn since the file opened gets no decision."""
    place = lifecycle.obj.place
    return CONDITION(
        place.label_status == "labelled",
        f"Ce lieu n'a plus de label en vigueur ({place.get_label_status_display().lower()}) : "
        "aucune décision de financement ne peut être proposée ni signée ; classez le dossier "
        "sans suite.",
    )


def has_amount(lifecycle: FundingLifecycle):
    return CONDITION(lifecycle.obj.amount > 0, "Le montant de la subvention est nul.")


def all_paid(lifecycle: FundingLifecycle):
    payments = lifecycle.obj.payments.all()
    return CONDITION(
        payments.exists() and not payments.exclude(status="paye").exists(),
        "Tous les versements ne sont pas encore payés.",
    )


def is_proposer(file: FundingFile, user) -> bool:
    return file.proposed_by_id is not None and file.proposed_by_id == getattr(user, "pk", None)


class FundingLifecycle(Lifecycle):
    model = FundingFile
    state = bind_state(FundingState)
    journal_model = JournalEntry
    journal_file_field = "file"
    journal_task = "workflows.funding.tasks.notify_funding_entry"
    missing_message = "Ce dossier de financement n'existe pas."
    stale_message = (
        "Ce dossier de financement vient de changer d'étape (il est maintenant « {state} ») : "
        "une autre personne a agi avant vous. Rechargez la page pour voir où il en est."
    )

    @state.transition(
        source=FundingState.TO_REVIEW,
        target=FundingState.OTHER_CHANNEL,
        label="Orienter vers un autre canal de financement",
        permission=Allowed(SYSTEM),
        custom=step(
            action=FundingAction.OTHER_CHANNEL,
            notify=False,
            help="À l'ouverture, un lieu porté par La Poste est orienté vers son propre canal de "
            "financement : aucune décision de la préfecture.",
        ),
    )
    def other_channel(self):
        pass

    @state.transition(
        source=FundingState.TO_REVIEW,
        label="Recalculer selon les règles",
        permission=Allowed(INSTRUCTOR),
        custom=step(
            action=FundingAction.RECOMPUTE,
            view="funding:recompute",
            post=True,
            button="tertiary",
            notify=False,
            help="Applique de nouveau le taux de l'année et le prorata (par exemple après "
            "l'ajout d'un taux ou un changement de date d'effet) ; un ajustement est effacé.",
        ),
    )
    def recompute(self):
        pass

    @state.transition(
        source=FundingState.TO_REVIEW,
        label="Ajuster le montant",
        permission=Allowed(INSTRUCTOR),
        conditions=[has_rate],
        custom=step(
            action=FundingAction.ADJUST,
            view="funding:adjust",
            notify=False,
            help="L'instructeur modifie le montant calculé par les règles, en disant pourquoi ; "
            "la répartition entre financeurs suit les pourcentages du taux.",
        ),
    )
    def adjust(self):
        pass

    @state.transition(
        source=FundingState.TO_REVIEW,
        target=FundingState.TO_SIGN,
        label="Proposer à la signature",
        permission=Allowed(INSTRUCTOR),
        conditions=[has_rate],
        custom=step(
            action=FundingAction.PROPOSE,
            view="funding:propose",
            post=True,
            button="primary",
            requires=(label_in_force, has_beneficiary, has_amount),
            help="L'instructeur propose la décision au signataire.",
        ),
    )
    def propose(self):
        pass

    @state.transition(
        source=[FundingState.TO_REVIEW, FundingState.TO_SIGN],
        label="Autoriser le dépassement d'enveloppe",
        permission=Allowed(NATIONAL),
        custom=step(
            action=FundingAction.OVERRIDE,
            view="funding:override",
            notify=False,
            help="L'agence nationale autorise, en le motivant, une décision qui dépasse ce qui "
            "reste de l'enveloppe du département.",
        ),
    )
    def override(self):
        pass

    @state.transition(
        source=FundingState.TO_SIGN,
        target=FundingState.TO_REVIEW,
        label="Renvoyer à l'instructeur",
        permission=Allowed(SIGNATAIRE),
        custom=step(
            action=FundingAction.RETURN,
            view="funding:return",
            help="Le signataire ne signe pas et dit pourquoi ; le dossier revient à l'instruction.",
        ),
    )
    def send_back(self):
        pass

    @state.transition(
        source=FundingState.TO_SIGN,
        target=FundingState.SIGNED,
        label="Signer la décision",
        permission=Allowed(
            SIGNATAIRE,
            unless=is_proposer,
            unless_message="Vous avez proposé ce montant : un autre signataire signe la décision.",
        ),
        custom=step(
            action=FundingAction.SIGN,
            view="funding:sign",
            button="primary",
            explain=True,
            requires=(label_in_force, has_beneficiary, has_amount),
            help="Le signataire, qui n'est pas l'auteur de la proposition, signe : le montant est "
            "pris sur l'enveloppe du département, l'arrêté attributif est produit en PDF et les "
            "versements sont prévus (en une fois à la signature, ou en plusieurs).",
        ),
    )
    def sign(self):
        pass

    @state.transition(
        source=FundingState.SIGNED,
        label="Enregistrer les numéros d'engagement",
        permission=Allowed(PREFECTURE),
        custom=step(
            action=FundingAction.ENGAGE,
            view="funding:engage",
            notify=False,
            help="Les numéros d'engagement juridique (Chorus) de chaque financeur, repris dans "
            "les exports comptables.",
        ),
    )
    def engage(self):
        pass

    @state.transition(
        source=FundingState.SIGNED,
        label="Ordonnancer un versement",
        permission=Allowed(PREFECTURE),
        custom=step(
            action=FundingAction.ORDER,
            notify=False,
            help="La préfecture ordonnance un versement prévu, à une date.",
        ),
    )
    def order_payment(self):
        pass

    @state.transition(
        source=FundingState.SIGNED,
        label="Marquer un versement payé",
        permission=Allowed(PREFECTURE),
        custom=step(
            action=FundingAction.PAY,
            help="La préfecture enregistre le paiement d'un versement ordonnancé, à sa date ; le "
            "porteur en est informé.",
        ),
    )
    def pay(self):
        pass

    @state.transition(
        source=FundingState.SIGNED,
        target=FundingState.PAID,
        label="Solder",
        permission=Allowed(PREFECTURE),
        conditions=[all_paid],
        custom=step(
            action=FundingAction.SETTLE,
            help="Quand le dernier versement est payé, le dossier est soldé.",
        ),
    )
    def settle(self):
        pass

    @state.transition(
        source=[FundingState.TO_REVIEW, FundingState.TO_SIGN],
        target=FundingState.CLOSED,
        label="Classer sans suite",
        permission=Allowed(PREFECTURE),
        custom=step(
            action=FundingAction.CLOSE,
            view="funding:close",
            button="tertiary",
            help="La préfecture classe le dossier sans suite, en le motivant (par exemple un "
            "lieu qui a fermé) ; un nouveau dossier pourra être ouvert pour la même année.",
        ),
    )
    def close(self):
        pass
