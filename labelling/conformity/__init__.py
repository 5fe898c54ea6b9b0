"""The conformity engine: pure Python, no Django import (database side: `labelling.versions`).

- ``validate_declaration(raw)`` → ``Declaration`` or ``InvalidDeclaration`` (field errors);
- ``check(declaration=..., version=...)`` → ``CheckResult`` (``.to_dict()`` is the contract JSON);
- ``select_version(specs, on=...)`` → the version in force that day;
- ``format_text(result)`` → the result for a person, in French.
"""

from labelling.conformity.builtin import BUILTIN_VERSIONS
from labelling.conformity.criteria import KINDS, CriterionKind, Outcome
from labelling.conformity.declaration import Declaration
from labelling.conformity.engine import CheckResult, CriterionResult, check
from labelling.conformity.formatting import format_text
from labelling.conformity.specs import CriterionSpec, InvalidCriterion, VersionSpec, select_version
from labelling.conformity.validation import FieldError, InvalidDeclaration, validate_declaration

__all__ = [
    "BUILTIN_VERSIONS",
    "KINDS",
    "CheckResult",
    "CriterionKind",
    "CriterionResult",
    "CriterionSpec",
    "Declaration",
    "FieldError",
    "InvalidCriterion",
    "InvalidDeclaration",
    "Outcome",
    "VersionSpec",
    "check",
    "format_text",
    "select_version",
    "validate_declaration",
]
