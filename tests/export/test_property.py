"""Property: for random states of both providers, export is lossless and deterministic.

For each generated state: exporting twice gives byte-identical trees; planning the
export against the account it came from shows no changes; applying it to emptied
accounts with the same numbers gives back every reconciled field. SIP lines with a
gap in their numbers cannot be recreated on a fresh account (the provider numbers new
lines in sequence): there the restore plan must stop with the number it would get.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from telconf.emulator import Emulators
from telconf.core.errors import PlanError
from telconf.core.wav import make_wav

from .helpers import BEELINE_NUMBERS, EMAIL, LOGIN, TELEUM_NUMBERS, Site, changes_of, tree

PHONES = ["79210000000", "74951234567", "78005553535"]
EMAILS = ["office@example.com", "fax@example.com"]
TEXTS = ["", "Reception", "Склад: 2 этаж", "it's \"quoted\"", "# not a comment", "yes", "0812", "12:30"]
FILES = ["greeting.wav", "queue.wav", "1.wav"]
A_NUMBERS = ["79000000001", "79000000002", "79000000003"]


@st.composite
def schedules(draw: Any) -> list[dict[str, str]]:
    intervals = []
    for _ in range(draw(st.integers(0, 2))):
        first = draw(st.integers(1, 7))
        last = draw(st.integers(first, 7))
        start = draw(st.integers(0, 1439))
        end = draw(st.integers(start, 1439))
        intervals.append({"ttsh": str(start // 60), "ttsm": str(start % 60), "ttfh": str(end // 60),
                          "ttfm": str(end % 60), "dts": str(first), "dtf": str(last)})
    return intervals


@st.composite
def teleum_states(draw: Any) -> dict[str, Any]:
    lines = draw(st.lists(st.integers(101, 104), unique=True, max_size=3).map(sorted))
    number_ids = list(range(len(TELEUM_NUMBERS)))  # indexes, turned into ids when seeding
    line_data = [{"num": n, "descr": draw(st.sampled_from(TEXTS)),
                  "email": draw(st.sampled_from(["", "line@example.com"])),
                  "presents": draw(st.one_of(st.none(), st.sampled_from(number_ids)))} for n in lines]
    kinds = ["Телефон", "Автоответчик", "Факс"] + (["SIP"] if lines else [])
    forwards = {}
    for wire in TELEUM_NUMBERS:
        forwards[wire] = []
        for _ in range(draw(st.integers(0, 3))):
            kind = draw(st.sampled_from(kinds))
            target = {"SIP": st.sampled_from([str(n) for n in lines] or ["101"]), "Телефон": st.sampled_from(PHONES)}
            forwards[wire].append({
                "rtype": kind, "rnum": draw(target.get(kind, st.sampled_from(EMAILS))),
                "timeout": draw(st.integers(5, 30)),
                "rcid": draw(st.sampled_from(["вызывающего", "групповой", "свой"])),
                "presents": draw(st.sampled_from(number_ids)),
                "rec": draw(st.integers(0, 1)), "vpbx": draw(st.integers(0, 1)), "moh": draw(st.integers(0, 1)),
                "isolated": draw(st.integers(0, 1)), "dowjs2": json.dumps(draw(schedules())),
            })
    return {"lines": line_data, "forwards": forwards}


@st.composite
def beeline_states(draw: Any) -> dict[str, Any]:
    files = draw(st.dictionaries(st.sampled_from(FILES), st.tuples(st.integers(1, 5), st.sampled_from(TEXTS))))
    names = sorted(files)
    side = st.sampled_from(["", *names])
    return {
        "files": files,
        "redirects": {b: draw(st.one_of(st.none(), st.tuples(st.sampled_from(PHONES),
                                                             st.sampled_from([None, b]))))
                      for b in BEELINE_NUMBERS},
        "premedia": {b: (draw(side), draw(side)) for b in BEELINE_NUMBERS},
        "record": draw(st.one_of(st.just("*"), st.lists(st.sampled_from(BEELINE_NUMBERS), unique=True))),
        "blacklist": draw(st.sets(st.tuples(st.integers(0, 2), st.sampled_from(BEELINE_NUMBERS),
                                            st.sampled_from(A_NUMBERS)), max_size=8)),
        "big": draw(st.one_of(st.none(), st.tuples(st.integers(0, 2), st.sampled_from(BEELINE_NUMBERS)))),
        "active": draw(st.integers(0, 2)),
    }


def seed(site: Site, teleum: dict[str, Any], beeline: dict[str, Any]) -> None:
    ids = [n["id"] for n in site.teleum.snapshot()["accounts"][0]["numbers"]]
    for line in teleum["lines"]:
        site.teleum.add_sip(EMAIL, num=line["num"], descr=line["descr"], sip_email=line["email"],
                            rcid="0" if line["presents"] is None else ids[line["presents"]])
    for wire, forwards in teleum["forwards"].items():
        for f in forwards:
            site.teleum.add_forward(EMAIL, wire, rtype=f["rtype"], rnum=f["rnum"], timeout=f["timeout"],
                                    rcid=f["rcid"], rcnid=ids[f["presents"]] if f["rcid"] == "свой" else "0",
                                    rec=f["rec"], vpbx=f["vpbx"], moh=f["moh"], isolated=f["isolated"],
                                    dowjs2=f["dowjs2"])
    for name, (tone, comment) in beeline["files"].items():
        site.beeline.add_voice_file(LOGIN, name, make_wav(tone=tone), comment=comment)
    for b in BEELINE_NUMBERS:
        if beeline["redirects"][b]:
            site.beeline.set_redirect(LOGIN, b, *beeline["redirects"][b])
        site.beeline.set_premedia(LOGIN, b, *beeline["premedia"][b])
    site.beeline.set_record(LOGIN, beeline["record"])
    for list_id, b, a in beeline["blacklist"]:
        site.beeline.add_blacklist(LOGIN, list_id, b, a)
    if beeline["big"]:
        for i in range(51):
            site.beeline.add_blacklist(LOGIN, *beeline["big"], f"791100000{i:02d}")
    site.beeline.set_active_list(LOGIN, beeline["active"])


@pytest.fixture
def shared_site(emulator_servers: Emulators, tmp_path: Path) -> Site:
    """One site for every example of a property (reset by each example)."""
    return Site(emulator_servers, tmp_path)


def check_round_trip(site: Site, teleum: dict[str, Any], beeline: dict[str, Any]) -> None:
    """Seed, export twice, plan, empty the accounts, apply: see the module docstring."""
    site.empty_accounts()
    seed(site, teleum, beeline)
    before = site.view()
    with tempfile.TemporaryDirectory() as work:
        root = Path(work)
        site.env["TELCONF_CACHE_DIR"] = str(root / "cache")
        out = root / "first" / "telconf.yaml"
        site.export(out)
        site.export(root / "second" / "telconf.yaml")
        assert tree(root / "first") == tree(root / "second")
        assert changes_of(site.plan(out)) == []

        site.empty_accounts()
        lines = [line["num"] for line in teleum["lines"]]
        if lines != list(range(101, 101 + len(lines))):
            expected = next(n for n in range(101, 105) if n not in lines)
            with pytest.raises(PlanError, match=f"would assign {expected}"):
                site.apply(out)
            return
        site.apply(out)
        assert site.view() == before


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(teleum=teleum_states(), beeline=beeline_states())
def test_export_is_lossless_and_deterministic(shared_site: Site, teleum: dict[str, Any],
                                              beeline: dict[str, Any]) -> None:
    check_round_trip(shared_site, teleum, beeline)


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(teleum=teleum_states(), beeline=beeline_states())
def test_export_is_lossless_and_deterministic_many_states(shared_site: Site, teleum: dict[str, Any],
                                                          beeline: dict[str, Any]) -> None:
    check_round_trip(shared_site, teleum, beeline)
