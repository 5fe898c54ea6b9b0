"""The engine of the label application: a viewflow process per pass through the stages.

Transitions are decided by `workflows.services` (one function per transition, which checks
permission, locks the application, writes the journal); each service then completes the
matching `Handle` task here, so that viewflow's task table always says where a file stands.
Export the graph: `python manage.py flowexport workflows/flows.ApplicationFlow --format bpmn`."""

from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.lock import select_for_update_lock

from workflows.models import ApplicationProcess, State


def _state(activation) -> str:
    return activation.process.application.state


class ApplicationFlow(flow.Flow):
    """Candidature au label France Services

    Brouillon, dépôt, complétude, instruction (avis en parallèle), conventions, proposition,
    décision du préfet."""

    process_class = ApplicationProcess
    lock_impl = select_for_update_lock

    start = flow.StartHandle(this.start_process).Next(this.route)
    # A first pass starts at the draft; a reopened file starts again at the instruction.
    route = (
        flow.Switch()
        .Case(this.draft, lambda activation: _state(activation) == State.DRAFT)
        .Default(this.instruction)
    )
    draft = flow.Handle().Annotation(title="Brouillon et dépôt").Next(this.completeness)
    completeness = flow.Handle().Annotation(title="Complétude").Next(this.is_complete)
    is_complete = (
        flow.If(lambda activation: _state(activation) == State.INSTRUCTION)
        .Annotation(title="Complet ?")
        .Then(this.instruction)
        .Else(this.resubmission)
    )
    resubmission = flow.Handle().Annotation(title="Compléments du porteur").Next(this.completeness)
    instruction = flow.Split().Next(this.review).Next(this.opinions)
    review = flow.Handle().Annotation(title="Instruction des critères").Next(this.instructed)
    opinions = flow.Handle().Annotation(title="Avis (en parallèle)").Next(this.instructed)
    instructed = flow.Join().Next(this.conventions)
    conventions = flow.Handle().Annotation(title="Conventions").Next(this.proposal)
    proposal = flow.Handle().Annotation(title="Proposition").Next(this.decision)
    decision = flow.Handle().Annotation(title="Décision").Next(this.outcome)
    # The signataire signs (labelled or refused) or sends the proposal back to the instructor.
    outcome = (
        flow.Switch()
        .Annotation(title="Décision")
        .Case(this.labelled, lambda activation: _state(activation) == State.LABELLED)
        .Case(this.refused, lambda activation: _state(activation) == State.REFUSED)
        .Default(this.proposal)
    )
    labelled = flow.End().Annotation(title="Labellisé")
    refused = flow.End().Annotation(title="Refusé")

    def start_process(self, activation, application):
        activation.process.application = application
        return activation.process
