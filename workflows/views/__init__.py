"""The pages of the label application, by audience: `public` (help), `porteur` (its
applications, the draft, the submission), `file` (the file page, messages, signed conventions:
both sides), `prefecture` (the queue and each action of the instruction), `operator` (the
opinions asked of a partner operator). `base.FormAction` is the one class of the pages that
bind a form and call a service."""

from workflows.views.file import ConventionUpload, PostMessage, application_detail
from workflows.views.operator import OperatorOpinion, operator_opinions
from workflows.views.porteur import (
    DraftSubmit,
    Withdraw,
    application_start,
    draft_piece_remove,
    draft_resume,
    draft_step,
    draft_upload,
    porteur_applications,
)
from workflows.views.prefecture import (
    AddNote,
    Assign,
    CloseOpinions,
    Completeness,
    ConventionStatus,
    Correct,
    Decision,
    FinishConventions,
    FinishReview,
    OpinionAnswer,
    OpinionRequest,
    Proposal,
    Reopen,
    ReturnProposal,
    Take,
    queue,
    queue_export,
    queue_take,
    review,
)
from workflows.views.prefecture import Close as CloseFile
from workflows.views.public import help_stages

__all__ = [
    "AddNote",
    "Assign",
    "CloseFile",
    "CloseOpinions",
    "Completeness",
    "ConventionStatus",
    "ConventionUpload",
    "Correct",
    "Decision",
    "DraftSubmit",
    "FinishConventions",
    "FinishReview",
    "OperatorOpinion",
    "OpinionAnswer",
    "OpinionRequest",
    "PostMessage",
    "Proposal",
    "Reopen",
    "ReturnProposal",
    "Take",
    "Withdraw",
    "application_detail",
    "application_start",
    "draft_piece_remove",
    "draft_resume",
    "draft_step",
    "draft_upload",
    "help_stages",
    "operator_opinions",
    "porteur_applications",
    "queue",
    "queue_export",
    "queue_take",
    "review",
]
