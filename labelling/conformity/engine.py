"""One conformity engine: a declaration against a version, criterion by criterion."""

from __future__ import annotations

from typing import Any, NamedTuple

from labelling.conformity.declaration import Declaration
from labelling.conformity.specs import VersionSpec


class CriterionResult(NamedTuple):
    code: str
    label: str
    status: str  # "pass", "fail" or "warning"
    message: str
    reference: str

    def to_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "status": self.status,
            "message": self.message,
            "reference": self.reference,
        }


class CheckResult(NamedTuple):
    version_code: str
    version_title: str
    conform: bool
    criteria: tuple[CriterionResult, ...]

    def to_dict(self) -> dict[str, Any]:
        """The JSON of the contract: version, conform, and every criterion of the version."""
        return {
            "version": self.version_code,
            "conform": self.conform,
            "criteria": [criterion.to_dict() for criterion in self.criteria],
        }

    @property
    def failed_codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.criteria if c.status == "fail")


def check(*, declaration: Declaration, version: VersionSpec) -> CheckResult:
    """Check a (valid) declaration against a version. A warning never makes it non-conform."""
    results = []
    conform = True
    make = tuple.__new__  # the fast way to build the named tuples below
    for step in version.plan:
        passed, facts = step.evaluate(declaration, step.prepared)
        if passed:
            status = "pass"
            template = step.message_pass
        else:
            template = step.message_fail
            if step.warning:
                status = "warning"
            else:
                status = "fail"
                conform = False
        results.append(
            make(
                CriterionResult,
                (step.code, step.label, status, template.format_map(facts), step.reference),
            )
        )
    return make(CheckResult, (version.code, version.title, conform, tuple(results)))
