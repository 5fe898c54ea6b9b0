"""A fast yes/no JSON Schema check, compiled once from the schema itself.

``jsonschema``'s iterator builds an error object, a path and a lazy generator at every node:
about 1.5 to 3 ms for one declaration, most of the time of a bulk import. Most declarations are
valid, and for them only a yes is needed. ``compile_schema(schema)`` turns the schema into
nested closures that answer ``True`` (valid) or ``False`` (something is wrong), stopping at the
first fault; the caller then asks ``jsonschema`` for the faults, so that errors keep exactly the
same paths and messages.

Only the keywords of the declaration schema are supported, with the semantics of draft 2020-12
as ``jsonschema`` implements them (types, ``required``, ``properties``, ``patternProperties``,
``additionalProperties`` false or a schema, ``items``, ``minItems``/``maxItems``,
``minLength``/``maxLength``, ``pattern``, ``enum``/``const`` of strings, ``minimum``/
``maximum``/``exclusiveMinimum``/``exclusiveMaximum``, ``format`` through the same format
checker, ``if``/``then``/``else``; annotations are ignored). A schema with any other keyword
raises ``Unsupported``: the caller then always uses ``jsonschema`` (never a looser check).
Pure Python, no Django.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable
from typing import Any

Check = Callable[[object], bool]

#: Keywords that never change validity (annotations, identifiers).
_ANNOTATIONS = {"$schema", "$id", "title", "description", "default", "examples", "$comment"}


class Unsupported(ValueError):
    """The schema uses a keyword this compiler does not know."""


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, bool)


_TYPES: dict[str, Check] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "number": _is_number,
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
}


def compile_schema(schema: dict[str, Any], *, format_checker: Any = None) -> Check:
    """``schema`` → a function that says whether an instance is valid. ``format_checker`` (a
    ``jsonschema.FormatChecker``) checks ``format`` as the full validator does. Raises
    ``Unsupported``."""
    return _compile(schema, format_checker)


def _compile(schema: object, formats: Any) -> Check:
    if schema is True or schema == {}:
        return lambda value: True
    if schema is False:
        return lambda value: False
    if not isinstance(schema, dict):
        raise Unsupported(f"schema {schema!r}")
    checks: list[Check] = []
    keys = set(schema) - _ANNOTATIONS
    if "type" in keys:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        try:
            tests = [_TYPES[name] for name in names]
        except KeyError as exc:
            raise Unsupported(f"type {exc}") from None
        if len(tests) == 1:
            checks.append(tests[0])
        else:
            checks.append(lambda v, tests=tests: any(test(v) for test in tests))
    checks += _object_checks(schema, keys, formats)
    checks += _array_checks(schema, keys, formats)
    checks += _scalar_checks(schema, keys, formats)
    if "if" in keys:
        condition = _compile(schema["if"], formats)
        then = _compile(schema.get("then", True), formats)
        otherwise = _compile(schema.get("else", True), formats)
        checks.append(lambda v: then(v) if condition(v) else otherwise(v))
    unknown = keys - _HANDLED
    if unknown:
        raise Unsupported(", ".join(sorted(unknown)))
    if len(checks) == 1:
        return checks[0]
    return _all_of(tuple(checks))


def _all_of(checks: tuple[Check, ...]) -> Check:
    def check(value: object) -> bool:
        for each in checks:  # noqa: SIM110 - a loop is faster than all() over a generator
            if not each(value):
                return False
        return True

    return check


_HANDLED = {
    "type",
    "required",
    "properties",
    "patternProperties",
    "additionalProperties",
    "items",
    "minItems",
    "maxItems",
    "minLength",
    "maxLength",
    "pattern",
    "enum",
    "const",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "format",
    "if",
    "then",
    "else",
}


def _object_checks(schema: dict, keys: set[str], formats: Any) -> list[Check]:
    if not keys & {"required", "properties", "patternProperties", "additionalProperties"}:
        return []
    required = tuple(schema.get("required", ()))
    properties = {
        name: _compile(sub, formats) for name, sub in schema.get("properties", {}).items()
    }
    patterns = [
        (re.compile(p), _compile(sub, formats))
        for p, sub in schema.get("patternProperties", {}).items()
    ]
    additional = schema.get("additionalProperties", True)
    extra = None if additional is True else _compile(additional, formats)

    def check(value: object) -> bool:
        if not isinstance(value, dict):
            return True
        for name in required:
            if name not in value:
                return False
        for name, item in value.items():
            known = False
            sub = properties.get(name)
            if sub is not None:
                known = True
                if not sub(item):
                    return False
            for regex, pattern_check in patterns:
                if isinstance(name, str) and regex.search(name):
                    known = True
                    if not pattern_check(item):
                        return False
            if not known and extra is not None and not extra(item):
                return False
        return True

    return [check]


def _array_checks(schema: dict, keys: set[str], formats: Any) -> list[Check]:
    checks: list[Check] = []
    if "items" in keys:
        items = _compile(schema["items"], formats)
        checks.append(lambda v: not isinstance(v, list) or all(items(element) for element in v))
    if "minItems" in keys:
        low = schema["minItems"]
        checks.append(lambda v: not isinstance(v, list) or len(v) >= low)
    if "maxItems" in keys:
        high = schema["maxItems"]
        checks.append(lambda v: not isinstance(v, list) or len(v) <= high)
    return checks


def _scalar_checks(schema: dict, keys: set[str], formats: Any) -> list[Check]:
    checks: list[Check] = []
    if "minLength" in keys:
        low = schema["minLength"]
        checks.append(lambda v: not isinstance(v, str) or len(v) >= low)
    if "maxLength" in keys:
        high = schema["maxLength"]
        checks.append(lambda v: not isinstance(v, str) or len(v) <= high)
    if "pattern" in keys:
        regex = re.compile(schema["pattern"])
        checks.append(lambda v: not isinstance(v, str) or regex.search(v) is not None)
    for keyword in ("enum", "const"):
        if keyword in keys:
            allowed = schema[keyword] if keyword == "enum" else [schema[keyword]]
            if not all(isinstance(a, str) for a in allowed):
                raise Unsupported(f"{keyword} of non-strings")
            values = frozenset(allowed)
            checks.append(lambda v, values=values: isinstance(v, str) and v in values)
    bounds = {
        "minimum": lambda v, b: v >= b,
        "maximum": lambda v, b: v <= b,
        "exclusiveMinimum": lambda v, b: v > b,
        "exclusiveMaximum": lambda v, b: v < b,
    }
    for keyword, compare in bounds.items():
        if keyword in keys:
            bound = schema[keyword]
            checks.append(lambda v, b=bound, c=compare: not _is_number(v) or c(v, b))
    if "format" in keys:
        if formats is None:
            pass  # without a format checker, ``format`` is an annotation
        else:
            name = schema["format"]
            checks.append(lambda v: formats.conforms(v, name))
    return checks
