"""Route tests (``telconf test``): cases of what a call must get, checked offline.

A file (default ``telconf.tests.yaml`` beside the config; ``schemas/tests.schema.json``)
holds ``tests:``, each ``{name, number, at, caller?, expect}``. A case is evaluated with
the same routing model as ``telconf routes`` and plans, on the config's state (or the
config applied on a snapshot). ``expect`` may hold any of: ``rings`` (the targets rung,
in order, exactly), ``first`` (where the call goes first), ``blocked``, ``rejected``,
``greeting`` (the file played to the caller, or ``false``), ``voicemail`` (``true``,
``false`` or the address).

The file is untrusted input like the config: read bounded, and every problem is a
positioned error (``FILE:LINE:COL``), never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from telconf.config.loader import read
from telconf.core.errors import Diagnostic
from telconf.core.model import Account
from telconf.core.phones import normalise
from telconf.routing.hook import numbers_of
from telconf.routing.model import NumberRouting, route
from telconf.routing.moment import BadMoment, minute_of_week
from telconf.routing.steps import BLOCK, FAX, GREETING, REJECT, RING, ROUTING, VOICEMAIL, Route
from telconf.routing.text import route as route_text

DEFAULT_FILE = "telconf.tests.yaml"
EXPECTATIONS = ("rings", "first", "blocked", "rejected", "greeting", "voicemail")
_CASE_KEYS = frozenset({"name", "number", "at", "caller", "expect"})


@dataclass(frozen=True)
class Case:
    """One route test as written; ``where`` is FILE:LINE:COL of its entry."""

    name: str
    number: str
    at: str
    caller: str | None
    expect: Mapping[str, Any]
    where: str


@dataclass
class Outcome:
    """A case's result: ``problems`` lists (key, expected, actual); none means it passed."""

    case: Case
    route: Route = ()
    problems: list[tuple[str, Any, Any]] = field(default_factory=list)
    error: str | None = None  # the case cannot be evaluated (its number is in no account)
    override: str | None = None  # a dated case: the override that gave the number its state then

    @property
    def passed(self) -> bool:
        return not self.problems and self.error is None


def load_cases(path: Path) -> tuple[list[Case], list[Diagnostic]]:
    """The cases of the file at ``path`` and every problem of it, each at its line."""
    if not path.is_file():
        return [], [Diagnostic(str(path), 1, 1, "route test file not found; expected a YAML file with `tests:` "
                                                "(default telconf.tests.yaml beside the config)")]
    doc = read(path)
    problems = list(doc.diagnostics)
    data = doc.data
    if problems:
        return [], problems

    def error(where: tuple[Any, ...], message: str, *, key: bool = False) -> None:
        problems.append(doc.diagnostic(where, message, key=key))

    if not isinstance(data, dict) or not isinstance(data.get("tests"), list):
        error((), "expected a mapping with `tests:`, a list of cases ({name, number, at, expect})")
        return [], problems
    for key in data:
        if key not in ("version", "tests"):
            error((key,), f"unknown key {key!r}; a route test file has `version` and `tests`", key=True)
    if "version" in data and data["version"] != 1:
        error(("version",), "version must be 1")
    cases: list[Case] = []
    names: dict[str, int] = {}
    for index, raw in enumerate(data["tests"]):
        here: tuple[Any, ...] = ("tests", index)
        if not isinstance(raw, dict):
            error(here, "a case is a mapping: {name, number, at, caller?, expect}")
            continue
        before = len(problems)
        for key in raw:
            if key not in _CASE_KEYS:
                error(here + (key,), f"unknown key {key!r} in a case; expected name, number, at, caller, expect",
                      key=True)
        for key in ("name", "number", "at", "expect"):
            if key not in raw:
                error(here, f"the case has no {key!r}")
        name = raw.get("name")
        if "name" in raw and not (isinstance(name, str) and name.strip()):
            error(here + ("name",), "name must be non-empty text")
        elif isinstance(name, str):
            if name in names:
                error(here + ("name",), f"the name {name!r} is used by case {names[name] + 1} too; names are unique")
            names.setdefault(name, index)
        number = _phone(raw.get("number"))
        if "number" in raw and number is None:
            error(here + ("number",), f"{raw['number']!r} is not a phone number; expected e.g. \"+7 812 323-23-23\"")
        caller = _phone(raw.get("caller")) if raw.get("caller") is not None else None
        if raw.get("caller") is not None and caller is None:
            error(here + ("caller",), f"{raw['caller']!r} is not a phone number")
        at = raw.get("at")
        if "at" in raw:
            try:
                minute_of_week(str(at))
            except BadMoment as exc:
                error(here + ("at",), str(exc))
        expect = raw.get("expect")
        if "expect" in raw:
            _check_expect(expect, here + ("expect",), error)
        if len(problems) == before:
            file, (line, column) = doc.locate(here)
            assert isinstance(expect, dict)  # checked just above
            cases.append(Case(str(name), str(number), str(at), caller, _normalised(expect), f"{file}:{line}:{column}"))
    return cases, problems


def _phone(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    try:
        return normalise(value)
    except ValueError:
        return None


def _check_expect(expect: Any, where: tuple[Any, ...], error: Any) -> None:
    if not isinstance(expect, dict) or not expect:
        error(where, f"expect is a mapping of at least one of {', '.join(EXPECTATIONS)}")
        return
    for key, value in expect.items():
        here = where + (key,)
        if key not in EXPECTATIONS:
            error(here, f"unknown expectation {key!r}; expected one of {', '.join(EXPECTATIONS)}", key=True)
        elif key == "rings" and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            error(here, "rings is a list of targets, e.g. [sip:101, \"tel:+7 921 000-00-00\"]")
        elif key == "rings" and any(_target(v) is None for v in value):
            error(here, "each target of rings is sip:<line> or tel:<phone>")
        elif key == "first" and not (isinstance(value, str) and _first_ok(value)):
            error(here, "first is a target (sip:101, tel:..., voicemail:..., fax:...) or none, reject, blocked")
        elif key in ("blocked", "rejected") and not isinstance(value, bool):
            error(here, f"{key} is true or false")
        elif key == "greeting" and not (value is False or (isinstance(value, str) and value)):
            error(here, "this key is a file name, or false for none")
        elif key == "voicemail" and not (isinstance(value, bool) or (isinstance(value, str) and "@" in value)):
            error(here, "voicemail is true, false or the mailbox address")


def _target(text: str) -> str | None:
    """``sip:101`` / ``tel:79210000000`` (wire form) of a written target, or None."""
    kind, _, value = text.partition(":")
    value = value.strip()
    if kind == "sip" and value.isdigit():
        return f"sip:{value}"
    if kind == "tel":
        wire = _phone(value)
        return f"tel:{wire}" if wire else None
    if kind in ("voicemail", "fax") and "@" in value:
        return f"{kind}:{value}"
    return None


def _first_ok(text: str) -> bool:
    return text in ("none", "reject", "blocked", "unknown") or _target(text) is not None


def _normalised(expect: Mapping[str, Any]) -> dict[str, Any]:
    result = dict(expect)
    if "rings" in result:
        result["rings"] = [_target(v) for v in result["rings"]]
    if "first" in result and result["first"] not in ("none", "reject", "blocked", "unknown"):
        result["first"] = _target(result["first"])
    return result


# --- running ------------------------------------------------------------------------------


StatesAt = Callable[[str], tuple[Iterable[Account], Mapping[str, str]] | None]


def run(cases: Sequence[Case], accounts: Iterable[Account], states_at: StatesAt | None = None) -> list[Outcome]:
    """Evaluate each case on the accounts' state; every number is looked up in the account that has it.

    ``states_at(case.at)`` gives the accounts as of a dated ``at`` (``2026-12-31T20:00``: the
    overrides active then on top) and the override that gave each number (wire form) its state
    then; None for a time of the week (``sat 12:00``: ``accounts``, the numbers' own settings).
    """
    default = _by_number(accounts)
    dated: dict[str, tuple[dict[str, tuple[Account, NumberRouting]], Mapping[str, str]]] = {}
    outcomes = []
    for case in cases:
        found = default
        overrides: Mapping[str, str] = {}
        if states_at is not None:
            if case.at not in dated:
                states = states_at(case.at)
                dated[case.at] = (default, {}) if states is None else (_by_number(states[0]), states[1])
            found, overrides = dated[case.at]
        if case.number not in found:
            outcomes.append(Outcome(case, error=f"{case.number} is not a number of any account of the config"))
            continue
        account, routing = found[case.number]
        taken = route(routing.legs, minute_of_week(case.at, account.timezone), case.caller)
        outcome = Outcome(case, taken, override=overrides.get(case.number))
        actual = observed(taken)
        for key, wanted in case.expect.items():
            if not compared(key, wanted, actual[key]):
                outcome.problems.append((key, wanted, actual[key]))
        outcomes.append(outcome)
    return outcomes


def _by_number(accounts: Iterable[Account]) -> dict[str, tuple[Account, NumberRouting]]:
    """Each number's account and routing (the first account that has it)."""
    found: dict[str, tuple[Account, NumberRouting]] = {}
    for account in accounts:
        for wire, routing in numbers_of(account).items():
            found.setdefault(wire, (account, routing))
    return found


def observed(taken: Route) -> dict[str, Any]:
    """What a route shows, in the terms of ``expect``."""
    routing = [s for s in taken if s.kind in ROUTING or (s.kind == BLOCK and s.target)]
    first = routing[0] if routing else None
    if first is None:
        first_text = "none"
    elif first.kind == BLOCK:
        first_text = "blocked"
    elif first.kind in (RING, VOICEMAIL, FAX):
        first_text = first.target
    else:
        first_text = first.kind
    greetings = [s.target for s in taken if s.kind == GREETING and s.side == "caller"]
    mailbox = [s.target.partition(":")[2] for s in taken if s.kind == VOICEMAIL]
    voicemail: Any = mailbox[0] if mailbox else False
    return {
        "rings": [s.target for s in taken if s.kind == RING],
        "first": first_text,
        "blocked": bool(taken) and taken[-1].kind == BLOCK and bool(taken[-1].target),
        "rejected": any(s.kind == REJECT for s in taken),
        "greeting": greetings[0] if greetings else False,
        "voicemail": voicemail,
    }


def compared(key: str, wanted: Any, actual: Any) -> bool:
    """``voicemail: true`` matches any mailbox; everything else compares as written."""
    if key == "voicemail" and wanted is True:
        return actual is not False
    return bool(wanted == actual)


def describe(outcome: Outcome) -> str:
    """The actual route of a case, as text."""
    return route_text(outcome.route)
