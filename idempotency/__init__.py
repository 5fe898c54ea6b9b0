"""One form, one effect: the one-time keys of the forms that create something or fire a step
(``idempotency.keys``, the ``{% once %}`` tag, the ``SubmittedForm`` table).

The lowest layer of the project: it imports none of ``labelling``, ``workflows``, ``documents``
or ``config`` (import-linter contract), so that every app may use it."""
