"""The emulators answer every method/command of the contract (one happy path each)."""

from __future__ import annotations

import requests

from telconf.emulator import Emulators
from telconf.emulator.demo import demo_state
from telconf.core.wav import make_wav

from emulator_wire import B_NUMBERS, T_EMAIL, T_NUMBERS, BeelineWire, TeleumWire


def test_teleum_every_method(emulators: Emulators, teleum: TeleumWire) -> None:
    numbers = teleum.ok("getConnectedNumbers")["numbers"]
    assert [n["number"] for n in numbers] == T_NUMBERS
    nid = numbers[0]["id"]
    types = {t["name"]: t["id"] for t in teleum.ok("getForwardsTypes")["forwardTypes"]}
    kinds = {k["name"]: k["id"] for k in teleum.ok("getForwardsRCIDs")["forwardRCIDs"]}
    assert set(types) == {"SIP", "Телефон", "Автоответчик", "Факс"}
    assert set(kinds) == {"вызывающего", "групповой", "свой"}
    assert {r["id"] for r in teleum.ok("getRCIDs")["rcids"]} == {n["id"] for n in numbers}
    assert teleum.ok("getNextSIP")["num"] == "101"
    sip = teleum.ok("editSIP", id=0, email="r@example.com", descr="R", rcid=0, paswd="long-enough")
    assert sip["num"] == "101"
    assert teleum.ok("getSIPs")["sips"][0]["descr"] == "R"
    forward = teleum.ok("editForward", id=0, nid=nid, rtype=types["SIP"], rnum="101", timeout=20,
                        rcid=kinds["вызывающего"], rcnid=0, rec=0, vpbx=0, moh=0, isolated=0, dowjs2="[]")
    second = teleum.ok("editForward", id=0, nid=nid, rtype=types["Телефон"], rnum="79111234567",
                       rcid=kinds["свой"], rcnid=nid)
    teleum.ok("moveForward", id=second["id"], dir="up")
    listed = teleum.ok("getForwards", numberid=nid)["forwards"]
    order = [f["id"] for f in sorted(listed, key=lambda f: int(f["direction"]))]
    assert order == [second["id"], forward["id"]]
    teleum.ok("deleteForward", id=forward["id"])
    teleum.ok("deleteSIP", id=sip["id"])
    assert teleum.ok("balance")["balance"] == "100.20"
    assert emulators.teleum.forwards(T_EMAIL, T_NUMBERS[0])[0]["id"] == second["id"]


def test_beeline_every_command(emulators: Emulators, beeline: BeelineWire) -> None:
    b = B_NUMBERS[0]
    assert len(beeline.ok("RLIST")) == 3
    beeline.ok("REDIRECT", [{"BNumber": b, "RNumber": "79111234567"}])
    beeline.ok("RCANCEL", [b])
    beeline.ok("VFILE", vfile=("hello.wav", make_wav()), Comment="hello")
    emulators.beeline.finish_pending()
    beeline.ok("PREMEDIA", [{"BNumber": b, "FileA": "hello.wav", "FileB": ""}])
    assert beeline.ok("MLIST") == [{"BNumber": b, "FileA": "hello.wav", "FileB": ""}]
    files = beeline.ok("LVFILES")
    assert files[0]["BNumber"] == [b] and files[0]["PENDING"] == "NO"
    assert requests.get(files[0]["URL"], auth=beeline.auth, timeout=10).content == make_wav()
    beeline.ok("PREMEDIA", [{"BNumber": b, "FileA": ""}])
    beeline.ok("DELFILE", ["hello.wav"])
    beeline.ok("SETBLIST", [{"BNumber": [b], "ANumber": ["79111234567"], "ListID": 2}])
    assert beeline.ok("LBLIST", [2]) == [{"ListID": 2, "BNumber": [b], "ANumber": ["79111234567"]}]
    beeline.ok("DELBLIST")
    beeline.ok("ABLIST", 1)
    assert beeline.ok("ABLIST") == 1
    beeline.ok("ARECORD", [b])
    assert beeline.ok("LRECORD") == [b]
    beeline.ok("CRECORD")
    assert beeline.ok("LRECORD") == []


def test_demo_state_serves_the_demo_logins(emulators: Emulators) -> None:
    emulators.restore(demo_state())
    teleum = TeleumWire(emulators.teleum_url, "demo@example.com", "demo-password")
    assert len(teleum.ok("getConnectedNumbers")["numbers"]) == 3
    assert len(BeelineWire(emulators.beeline_url, "demo", "demo-password").ok("RLIST")) == 3
