"""The compiled yes/no schema check says « valid » exactly when ``jsonschema`` finds no fault,
so that the fast path of ``validate_declaration`` never lets a fault through, and the faults
are still named by ``jsonschema`` with the same paths and messages."""

import copy
import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from benchmarks.generate import synthetic_declarations
from labelling.conformity.fastschema import Unsupported, compile_schema
from labelling.conformity.validation import _fast_check, declaration_schema, parse_json
from tests.labelling.conformity.helpers import INVALID_CASES, conform_fs, example, msap

FULL = Draft202012Validator(
    declaration_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER
)
FAST = _fast_check()


def agree(raw) -> bool:
    return FAST(raw) == FULL.is_valid(raw)


def test_the_declaration_schema_compiles():
    assert FAST is not None


@pytest.mark.parametrize("raw", [conform_fs(), msap(), example("invalid")])
def test_examples(raw):
    assert agree(raw)


@pytest.mark.parametrize("case", INVALID_CASES, ids=[c[0] for c in INVALID_CASES])
def test_every_invalid_case(case):
    assert agree(case[1])


def test_synthetic_declarations_as_parsed_from_json():
    import json

    for raw in synthetic_declarations(300, communes=["63003", "2A004"], seed=7):
        parsed = parse_json(json.dumps(raw))  # numbers with a fraction become Decimal
        assert FAST(parsed) is True
        assert FULL.is_valid(parsed)


# Values that may land anywhere in a declaration.
ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-1000, max_value=1000),
    st.decimals(min_value=-500, max_value=500, allow_nan=False, places=3),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.sampled_from(
        [
            "",
            "x",
            "autre",
            "caf",
            "on_site",
            "none",
            "24:00",
            "25:00",
            "09:00",
            "2021-02-30",
            "2021-02-28",
            "2021-2-28",
            "63003",
            "2C004",
            "declaration/1",
            "12345678901234",
            "a" * 201,
        ]
    ),
    st.just([]),
    st.just({}),
    st.just(["09:00", "12:00"]),
    st.just({"code": "autre", "presence": "remote"}),
)


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


BASES = [conform_fs(), msap()]


@settings(max_examples=600, deadline=None)
@given(
    base=st.sampled_from(range(len(BASES))),
    choice=st.integers(min_value=0, max_value=10_000),
    action=st.sampled_from(["replace", "delete", "add"]),
    value=ODD_VALUES,
    key=st.sampled_from(["label", "extra", "mo", "su", "siret", "fte", "kind", "code", "x"]),
)
def test_mutated_declarations(base, choice, action, value, key):
    raw = copy.deepcopy(BASES[base])
    paths = list(_paths(raw))[1:]
    path = paths[choice % len(paths)]
    parent = raw
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if action == "replace":
        parent[last] = value
    elif action == "delete":
        del parent[last]
    elif isinstance(parent[last], dict):
        parent[last][key] = value
    elif isinstance(parent[last], list):
        parent[last].append(value)
    else:
        parent[last] = value
    assert agree(raw)


def test_unknown_keywords_are_refused_not_ignored():
    with pytest.raises(Unsupported):
        compile_schema({"type": "object", "dependentRequired": {"a": ["b"]}})
    with pytest.raises(Unsupported):
        compile_schema({"enum": [1, 2]})


def test_formats_are_checked_only_with_a_checker():
    schema = {"type": "string", "format": "date"}
    assert compile_schema(schema)("2021-02-30") is True
    checked = compile_schema(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert checked("2021-02-30") is False
    assert checked(datetime.date.today().isoformat()) is True
    assert compile_schema({"minimum": 0})(Decimal("0.1")) is True
