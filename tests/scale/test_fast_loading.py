"""The shortcuts of fast loading give the answers of the slow ways they replace."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from telconf.core import phones
from telconf.config.fastschema import compile_schema
from telconf.config.schema import schema_path
from telconf.config.source import parse

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads(schema_path().read_text(encoding="utf-8"))
FAST = compile_schema(SCHEMA)
SLOW = jsonschema.validators.validator_for(SCHEMA)(SCHEMA)
FILES = sorted([*(ROOT / "examples").glob("*.yaml"), *(ROOT / "tests" / "config" / "bad").glob("*.yaml"),
                *(ROOT / "examples").glob("*/*.yaml")])
# The fixtures that are YAML syntax errors have no data for a schema to judge.
PARSED = {path: parse(path.read_text(encoding="utf-8"), str(path)).data for path in FILES}


@pytest.mark.parametrize("path", [p for p in FILES if PARSED[p] is not None], ids=lambda p: str(p.relative_to(ROOT)))
def test_the_compiled_schema_accepts_exactly_what_jsonschema_accepts(path: Path) -> None:
    assert FAST(PARSED[path], {}) == SLOW.is_valid(PARSED[path])


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 40) | st.sampled_from([1.0, 2.5, "sip:101", "teleum", "beeline",
                                                                        "mon-fri", "09:00", "", "all", "0", "x"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["version", "accounts", "provider", "credentials", "email", "password", "numbers",
                         "forwards", "to", "timeout", "schedule", "days", "from", "redirect", "record", "use",
                         "with", "templates", "include", "spb", "+7 812 323-23-23", "0"]), inner, max_size=4),
    max_leaves=12)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(JSON)
def test_the_compiled_schema_never_accepts_what_jsonschema_rejects(value: object) -> None:
    if FAST(value, {}):
        assert SLOW.is_valid(value)


def _library(national: str) -> bool:
    return bool(phonenumbers.is_valid_number(phonenumbers.PhoneNumber(country_code=7, national_number=int(national))))


@settings(max_examples=2000, derandomize=True, deadline=None)
@given(st.integers(0, 10**11))
def test_plus7_validity_is_the_library_s(national: int) -> None:
    text = str(national)
    assert phones._valid_plus7(text) == _library(text)


@pytest.mark.parametrize("prefix", ["812", "495", "900", "921", "700", "770", "336", "800", "809", "3312", "4012"])
def test_plus7_validity_is_the_library_s_in_each_numbering_area(prefix: str) -> None:
    numbers = [prefix + str(n).zfill(10 - len(prefix)) for n in range(0, 10 ** (10 - len(prefix)), 7919)][:400]
    assert [phones._valid_plus7(str(int(n))) for n in numbers] == [_library(n) for n in numbers]
