"""Whatever the file holds, checking it raises nothing but ``ConfigError``."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from telconf.config import load, validate
from telconf.core.errors import ConfigError
from telconf.core.model import Config

SETTINGS = settings(max_examples=75, deadline=None, suppress_health_check=[HealthCheck.too_slow])
WORKDIR = Path(tempfile.mkdtemp(prefix="telconf-props-"))

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20),
    st.sampled_from(["all", "yes", "no", "0", "3", "sip:101", "tel:+7 812 323-23-23", "${X}", "${",
                     "+7 812 323-23-23", "88123232323", "12:30", "0123", "09:00", "mon-fri", "sun-mon"]),
)
junk = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
    st.text(max_size=8), inner, max_size=4), max_leaves=12)


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly a well-shaped value, sometimes anything at all."""
    return st.one_of(strategy, strategy, strategy, junk)


phone = maybe(st.sampled_from(["+7 812 323-23-23", "8 812 323-23-24", "+7 495 000-00-01", "74950000002",
                               "123", "", "+7 916 000-00-00", "${PHONE}"]))
names = st.sampled_from(["greeting.wav", "queue.wav", "missing.wav", "a/b.wav"])
paths = st.sampled_from(["media/none.wav", "missing.txt", ".", "", "${DIR}/x.wav", "spam.txt"])
interval = st.fixed_dictionaries({}, optional={
    "days": maybe(st.sampled_from(["mon", "mon-fri", "sun-mon", "sat-sun", "xyz"])),
    "from": maybe(st.sampled_from(["00:00", "09:00", "9:30", "25:00"])),
    "to": maybe(st.sampled_from(["23:59", "18:00", "08:00"])),
})
forward = st.fixed_dictionaries({"to": maybe(st.sampled_from(
    ["sip:101", "sip:999", "sip:x", "tel:+7 921 000-00-00", "tel:+7 812 323-23-23", "voicemail:a@b.ru",
     "fax:nope", "other:1", "tel:${T}"]))}, optional={
    "timeout": maybe(st.integers(0, 40)), "caller_id": maybe(st.sampled_from(["caller", "group", "+7 812 323-23-23"])),
    "record": maybe(st.booleans()), "isolated": maybe(st.booleans()), "vpbx": maybe(st.booleans()),
    "schedule": maybe(st.lists(interval, max_size=3)),
})
teleum = st.fixed_dictionaries(
    {"provider": maybe(st.just("teleum")),
     "credentials": maybe(st.fixed_dictionaries({"email": st.just("${E}"), "password": st.just("${P}")}))},
    optional={
        "url": maybe(st.sampled_from(["https://x.example/", "${URL}", "ftp://x"])),
        "sip_lines": maybe(st.dictionaries(st.sampled_from(["101", "102", "abc"]), maybe(st.fixed_dictionaries(
            {}, optional={"caller_id": phone, "password": maybe(st.sampled_from(["${S}", "short", "longenough"])),
                          "email": maybe(st.sampled_from(["a@b.ru", "bad"]))})), max_size=3)),
        "numbers": maybe(st.dictionaries(phone.filter(lambda p: isinstance(p, str)), maybe(st.fixed_dictionaries(
            {}, optional={"forwards": maybe(st.lists(forward, max_size=4))})), max_size=4)),
        "safety": maybe(st.fixed_dictionaries({"max_delete_percent": maybe(st.integers(-5, 120))})),
    })
entry = st.fixed_dictionaries({"numbers": maybe(st.one_of(st.just("all"), st.lists(phone, max_size=3)))}, optional={
    "block": maybe(st.lists(phone, max_size=4)), "block_file": maybe(paths)})
beeline = st.fixed_dictionaries(
    {"provider": maybe(st.just("beeline")),
     "credentials": maybe(st.fixed_dictionaries({"username": st.just("u"), "password": st.just("${P}")}, optional={
         "client_cert": maybe(paths), "client_key": maybe(paths), "ca_bundle": maybe(paths)}))},
    optional={
        "voice_files": maybe(st.dictionaries(names, maybe(st.fixed_dictionaries(
            {"path": maybe(paths)}, optional={"comment": maybe(st.text(max_size=5))})), max_size=2)),
        "record_all": maybe(st.booleans()),
        "numbers": maybe(st.dictionaries(phone.filter(lambda p: isinstance(p, str)), maybe(st.fixed_dictionaries(
            {}, optional={
                "redirect": maybe(st.one_of(st.none(), st.fixed_dictionaries({"to": phone}, optional={
                    "caller_id": phone}))),
                "premedia": maybe(st.one_of(st.none(), st.fixed_dictionaries({}, optional={
                    "a": maybe(names), "b": maybe(st.one_of(st.none(), names))}))),
                "record": maybe(st.booleans()),
            })), max_size=4)),
        "blacklists": maybe(st.fixed_dictionaries({}, optional={
            "active": maybe(st.integers(-1, 3)),
            "lists": maybe(st.dictionaries(st.integers(0, 3), maybe(st.lists(entry, max_size=3)), max_size=3)),
        })),
    })
configs = st.fixed_dictionaries({"version": maybe(st.just(1)), "accounts": maybe(st.dictionaries(
    st.sampled_from(["office", "cc", "Bad Name", "x"]), st.one_of(teleum, beeline, junk), max_size=3))})


def check_never_crashes(path: Path) -> None:
    diagnostics = validate(path)
    assert all(d.line >= 0 and d.column >= 0 and d.message for d in diagnostics)
    try:
        config = load(path, environ={"E": "e@example.com", "P": "password", "PHONE": "+7 900 000-00-00"})
    except ConfigError as exc:
        assert exc.diagnostics
    else:
        assert isinstance(config, Config)
        assert not [d for d in diagnostics if d.severity == "error"]


@SETTINGS
@given(st.text(max_size=300))
def test_any_text(text: str) -> None:
    path = WORKDIR / "text.yaml"
    path.write_text(text, encoding="utf-8")
    check_never_crashes(path)


@SETTINGS
@given(junk)
def test_any_yaml_structure(data: Any) -> None:
    path = WORKDIR / "junk.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    check_never_crashes(path)


@SETTINGS
@given(configs)
def test_structures_shaped_like_the_schema(data: dict[str, Any]) -> None:
    path = WORKDIR / "shaped.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    check_never_crashes(path)


yaml_tokens = st.sampled_from([
    "version: 1\n", "accounts:\n", "  a:\n", "    provider: teleum\n", "    provider: beeline\n",
    "    credentials: {email: x, password: y}\n", "    numbers:\n", "      \"+7 812 323-23-23\":\n",
    "        forwards:\n", "          - to: sip:1\n", "&x ", "*x", "<<: *x\n", "!!binary aGVsbG8=\n",
    "!!set {a, b}\n", "!!omap [a: 1]\n", "!foo bar\n", "? [a]\n: b\n", "- ", "[", "]", "{", "}", "---\n",
    "!!python/object:os.system x\n", "0o17", "0x1F", "1_000", "12:30:00", "2001-12-14t21:59:43.10-05:00",
    "~", "?", "\t", "%YAML 1.1\n", "#c\n", " ", "\n", ":", "'", '"',
])


@SETTINGS
@given(st.lists(yaml_tokens, max_size=25))
def test_yaml_like_text(parts: list[str]) -> None:
    path = WORKDIR / "tokens.yaml"
    path.write_text("".join(parts), encoding="utf-8")
    check_never_crashes(path)
