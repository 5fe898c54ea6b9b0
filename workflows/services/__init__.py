"""One function per action on a label application, by stage. Each fires a transition of the
table (`workflows.lifecycle`) through `workflows.fsm.transition`: permission on this very file,
row lock, stage check (« une autre personne a agi avant vous »), the action's writes, state
change, journal, then e-mails and documents on commit. Views, commands and tasks call these
functions, never the models.

- `drafting`: start_application, save_draft_step, add_supporting_document, submit_application
- `completeness`: declare_complete, request_completion
- `instruction`: review_criteria, finish_review, request_opinion, record_opinion,
  remind_opinion, close_opinions, correct_declaration, add_private_note
- `conventions`: upload_convention, set_convention_status, finish_conventions
- `decision`: propose, sign_decision, return_proposal, reopen
- `closing`: withdraw, close_abandoned
- `messages`: post_message; `assignment`: assign
"""

from workflows.errors import (
    AccessDenied,
    InvalidInput,
    NotFound,
    TransitionNotAllowed,
    WorkflowError,
)
from workflows.fsm import STALE_MESSAGE
from workflows.services.assignment import assign
from workflows.services.closing import close_abandoned, withdraw
from workflows.services.completeness import declare_complete, request_completion
from workflows.services.conventions import (
    finish_conventions,
    set_convention_status,
    upload_convention,
)
from workflows.services.decision import propose, reopen, return_proposal, sign_decision
from workflows.services.drafting import (
    add_supporting_document,
    remove_supporting_document,
    save_draft_step,
    start_application,
    submit_application,
)
from workflows.services.instruction import (
    add_private_note,
    close_opinions,
    correct_declaration,
    finish_review,
    record_opinion,
    remind_opinion,
    request_opinion,
    review_criteria,
)
from workflows.services.messages import post_message

__all__ = [
    "STALE_MESSAGE",
    "AccessDenied",
    "InvalidInput",
    "NotFound",
    "TransitionNotAllowed",
    "WorkflowError",
    "add_private_note",
    "add_supporting_document",
    "assign",
    "close_abandoned",
    "close_opinions",
    "correct_declaration",
    "declare_complete",
    "finish_conventions",
    "finish_review",
    "post_message",
    "propose",
    "record_opinion",
    "remind_opinion",
    "remove_supporting_document",
    "reopen",
    "request_completion",
    "request_opinion",
    "return_proposal",
    "review_criteria",
    "save_draft_step",
    "set_convention_status",
    "sign_decision",
    "start_application",
    "submit_application",
    "upload_convention",
    "withdraw",
]
