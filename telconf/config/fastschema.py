"""The JSON Schema compiled once into Python checks that only say "valid" or "not sure".

jsonschema interprets the schema anew for every value, which is most of the time
``validate`` spends on a large file (a 20,000-number config: seconds). Almost every
file CI sees is valid, so the schema is first compiled into closures over the keywords
telconf's schema uses; when they accept the whole document, jsonschema has nothing to
report and is not run. When they do not, jsonschema runs as before and gives its
messages and positions. The compiled check must therefore never accept what jsonschema
rejects: where it is unsure (a keyword it does not know, a ``const`` of another type) it
says "not valid" and leaves the answer to jsonschema.

A value several numbers share (a template's ``forwards``) is checked once per schema
definition: results are remembered by object identity for the length of one check.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Check = Callable[[Any, dict[tuple[str, int], bool]], bool]

# Keywords that say nothing about validity.
_NOTES = frozenset({"$schema", "$id", "$defs", "title", "description", "examples", "default"})


class Unsupported(Exception):
    """The schema uses a keyword this compiler does not know: use jsonschema alone."""


def compile_schema(schema: dict[str, Any]) -> Check:
    """A check of a whole document against ``schema``; raises ``Unsupported``."""
    defs: dict[str, Check] = {}
    raw_defs = schema.get("$defs", {})

    def ref(target: str) -> Check:
        name = target.removeprefix("#/$defs/")
        if name == target or name not in raw_defs:
            raise Unsupported(target)

        def check(value: Any, memo: dict[tuple[str, int], bool]) -> bool:
            if not isinstance(value, (dict, list)):
                return defs[name](value, memo)
            key = (name, id(value))
            if key not in memo:
                memo[key] = defs[name](value, memo)
            return memo[key]
        return check

    for name, sub in raw_defs.items():
        defs[name] = _compile(sub, ref)
    return _compile(schema, ref)


def _compile(schema: Any, ref: Callable[[str], Check]) -> Check:
    if schema is True:
        return lambda value, memo: True
    if schema is False:
        return lambda value, memo: False
    if not isinstance(schema, dict):
        raise Unsupported(repr(schema))
    checks: list[Check] = []
    for keyword, argument in schema.items():
        if keyword in _NOTES:
            continue
        builder = _KEYWORDS.get(keyword)
        if builder is None:
            if keyword in ("properties", "additionalProperties", "then"):
                continue  # compiled together with their neighbours below
            raise Unsupported(keyword)
        checks.append(builder(argument, schema, ref))
    if "properties" in schema or "additionalProperties" in schema:
        checks.append(_object(schema, ref))
    if len(checks) == 1:
        return checks[0]
    return lambda value, memo: all(check(value, memo) for check in checks)


def _is_type(value: Any, name: str) -> bool:
    if name == "string":
        return isinstance(value, str)
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    if name == "boolean":
        return isinstance(value, bool)
    if name == "null":
        return value is None
    if isinstance(value, bool):
        return False
    if name == "integer":
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if name == "number":
        return isinstance(value, (int, float))
    raise Unsupported(name)


def _type(argument: Any, schema: dict[str, Any], ref: Callable[[str], Check]) -> Check:
    names = tuple(argument) if isinstance(argument, list) else (argument,)
    for name in names:
        _is_type(None, name)  # unknown type names are Unsupported now, not per value
    return lambda value, memo: any(_is_type(value, name) for name in names)


def _same(value: Any, expected: Any) -> bool:
    """Equal and of the same type (stricter than JSON Schema: 1.0 is not 1 here, jsonschema decides)."""
    return type(value) is type(expected) and value == expected and not isinstance(value, (dict, list))


def _const(argument: Any, schema: dict[str, Any], ref: Callable[[str], Check]) -> Check:
    return lambda value, memo: _same(value, argument)


def _enum(argument: Any, schema: dict[str, Any], ref: Callable[[str], Check]) -> Check:
    return lambda value, memo: any(_same(value, choice) for choice in argument)


def _pattern(argument: Any, schema: dict[str, Any], ref: Callable[[str], Check]) -> Check:
    search = re.compile(argument).search
    return lambda value, memo: not isinstance(value, str) or search(value) is not None


def _min_length(argument: Any, schema: dict[str, Any], ref: Callable[[str], Check]) -> Check:
    return lambda value, memo: not isinstance(value, str) or len(value) >= argument


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _minimum(argument: Any, schema: dict[str, Any], ref: Callable[[str], Check]) -> Check:
    return lambda value, memo: not _number(value) or value >= argument


def _maximum(argument: Any, schema: dict[str, Any], ref: Callable[[str], Check]) -> Check:
    return lambda value, memo: not _number(value) or value <= argument


def _required(argument: Any, schema: dict[str, Any], ref: Callable[[str], Check]) -> Check:
    return lambda value, memo: not isinstance(value, dict) or all(key in value for key in argument)


def _items(argument: Any, schema: dict[str, Any], ref: Callable[[str], Check]) -> Check:
    item = _compile(argument, ref)
    return lambda value, memo: not isinstance(value, list) or all(item(v, memo) for v in value)


def _property_names(argument: Any, schema: dict[str, Any], ref: Callable[[str], Check]) -> Check:
    name = _compile(argument, ref)
    return lambda value, memo: not isinstance(value, dict) or all(name(k, memo) for k in value)


def _all_of(argument: Any, schema: dict[str, Any], ref: Callable[[str], Check]) -> Check:
    parts = [_compile(sub, ref) for sub in argument]
    return lambda value, memo: all(part(value, memo) for part in parts)


def _any_of(argument: Any, schema: dict[str, Any], ref: Callable[[str], Check]) -> Check:
    parts = [_compile(sub, ref) for sub in argument]
    return lambda value, memo: any(part(value, memo) for part in parts)


def _if(argument: Any, schema: dict[str, Any], ref: Callable[[str], Check]) -> Check:
    if "else" in schema:
        raise Unsupported("else")
    condition = _compile(argument, ref)
    then = _compile(schema.get("then", True), ref)
    return lambda value, memo: not condition(value, memo) or then(value, memo)


def _ref(argument: Any, schema: dict[str, Any], ref: Callable[[str], Check]) -> Check:
    return ref(argument)


def _object(schema: dict[str, Any], ref: Callable[[str], Check]) -> Check:
    properties = {name: _compile(sub, ref) for name, sub in schema.get("properties", {}).items()}
    additional = _compile(schema.get("additionalProperties", True), ref)

    def check(value: Any, memo: dict[tuple[str, int], bool]) -> bool:
        if not isinstance(value, dict):
            return True
        for key, item in value.items():
            sub = properties.get(key)
            if not (sub(item, memo) if sub is not None else additional(item, memo)):
                return False
        return True
    return check


_KEYWORDS: dict[str, Callable[[Any, dict[str, Any], Callable[[str], Check]], Check]] = {
    "type": _type, "const": _const, "enum": _enum, "pattern": _pattern, "minLength": _min_length,
    "minimum": _minimum, "maximum": _maximum, "required": _required, "items": _items,
    "propertyNames": _property_names, "allOf": _all_of, "anyOf": _any_of, "if": _if, "$ref": _ref,
}
