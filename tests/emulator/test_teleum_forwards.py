"""Teleum forwards (CONTRACT 1.3, 1.4): order, edits, moves, tombstones, validation."""

from __future__ import annotations

import json
from typing import Any

import pytest
from emulator_wire import T_EMAIL, T_NUMBERS, TeleumWire

from telconf.emulator import Emulators

WORKDAYS = json.dumps([{"ttsh": "9", "ttsm": "0", "ttfh": "18", "ttfm": "0", "dts": "1", "dtf": "5"}])


class Ids:
    """Ids of forward types, caller-id kinds and numbers, resolved by name like a client must."""

    def __init__(self, teleum: TeleumWire):
        self.type = {t["name"]: str(t["id"]) for t in teleum.ok("getForwardsTypes")["forwardTypes"]}
        self.kind = {k["name"]: str(k["id"]) for k in teleum.ok("getForwardsRCIDs")["forwardRCIDs"]}
        self.nid = {n["number"]: str(n["id"]) for n in teleum.ok("getConnectedNumbers")["numbers"]}


@pytest.fixture
def ids(emulators: Emulators, teleum: TeleumWire) -> Ids:
    emulators.teleum.add_sip(T_EMAIL, descr="Reception")  # line 101
    emulators.teleum.add_sip(T_EMAIL, descr="Office")  # line 102
    return Ids(teleum)


def create(teleum: TeleumWire, ids: Ids, rnum: str = "101", rtype: str = "SIP", **params: Any) -> str:
    sent = {"id": 0, "nid": ids.nid[T_NUMBERS[0]], "rtype": ids.type[rtype], "rnum": rnum, "timeout": 20,
            "rcid": ids.kind["вызывающего"], "rcnid": 0, "rec": 0, "vpbx": 0, "moh": 0, "isolated": 0,
            "dowjs2": "[]", **params}
    return str(teleum.ok("editForward", **sent)["id"])


def listed(teleum: TeleumWire, ids: Ids, number: str = T_NUMBERS[0]) -> list[dict[str, Any]]:
    return teleum.ok("getForwards", numberid=ids.nid[number])["forwards"]


def live_order(teleum: TeleumWire, ids: Ids) -> list[str]:
    forwards = [f for f in listed(teleum, ids) if str(f["deleted"]) == "0"]
    return [str(f["id"]) for f in sorted(forwards, key=lambda f: int(f["direction"]))]


def test_forward_object_has_every_contract_field(teleum: TeleumWire, ids: Ids) -> None:
    forward_id = create(teleum, ids, dowjs2=WORKDAYS, rec=1)
    (forward,) = listed(teleum, ids)
    assert set(forward) >= {"id", "rtype", "rnum", "rtime", "rcid", "rcnid", "direction", "rec", "deleted",
                            "vpbx", "moh", "isolated", "dowjs2", "rtname", "cname", "times"}
    assert forward["id"] == forward_id and forward["rtname"] == "SIP" and forward["cname"] == "вызывающего"
    assert forward["rtime"] == "20" and forward["rec"] == "1" and forward["deleted"] == "0"
    assert json.loads(forward["dowjs2"]) == json.loads(WORKDAYS)
    assert forward["times"] == "Понедельник-Пятница 09:00-18:00"


def test_get_forwards_answers_the_number_id(teleum: TeleumWire, ids: Ids) -> None:
    assert teleum.ok("getForwards", numberid=ids.nid[T_NUMBERS[1]])["number"] == ids.nid[T_NUMBERS[1]]


def test_created_forward_goes_last(teleum: TeleumWire, ids: Ids) -> None:
    first = create(teleum, ids)
    second = create(teleum, ids, rnum="102")
    third = create(teleum, ids, rnum="79111234567", rtype="Телефон")
    assert live_order(teleum, ids) == [first, second, third]


def test_directions_are_unique_per_number_and_may_have_gaps(emulators: Emulators, teleum: TeleumWire,
                                                            ids: Ids) -> None:
    emulators.teleum.direction_step = 10
    made = [create(teleum, ids), create(teleum, ids, rnum="102")]
    directions = [int(f["direction"]) for f in listed(teleum, ids)]
    assert len(set(directions)) == 2 and abs(directions[0] - directions[1]) == 10
    assert live_order(teleum, ids) == made


def test_edit_never_changes_order_and_keeps_unsent_params(teleum: TeleumWire, ids: Ids) -> None:
    first, second = create(teleum, ids, rec=1), create(teleum, ids, rnum="102")
    teleum.ok("editForward", id=first, timeout=30)
    assert live_order(teleum, ids) == [first, second]
    forward = next(f for f in listed(teleum, ids) if f["id"] == first)
    assert forward["rtime"] == "30" and forward["rec"] == "1" and forward["rnum"] == "101"


def test_edit_can_change_type_and_target(teleum: TeleumWire, ids: Ids) -> None:
    forward_id = create(teleum, ids)
    teleum.ok("editForward", id=forward_id, rtype=ids.type["Автоответчик"], rnum="vm@example.com")
    (forward,) = listed(teleum, ids)
    assert forward["rtname"] == "Автоответчик" and forward["rnum"] == "vm@example.com"


def test_move_swaps_with_the_live_neighbour(teleum: TeleumWire, ids: Ids) -> None:
    a, b, c = create(teleum, ids), create(teleum, ids, rnum="102"), create(teleum, ids, rnum="101", rec=1)
    teleum.ok("deleteForward", id=b)  # a tombstone between a and c
    teleum.ok("moveForward", id=c, dir="up")
    assert live_order(teleum, ids) == [c, a]
    teleum.ok("moveForward", id=c, dir="down")
    assert live_order(teleum, ids) == [a, c]


@pytest.mark.parametrize("position, direction", [(0, "up"), (-1, "down")])
def test_moving_past_either_end_is_err_1(emulators: Emulators, teleum: TeleumWire, ids: Ids,
                                         position: int, direction: str) -> None:
    made = [create(teleum, ids), create(teleum, ids, rnum="102")]
    before = emulators.teleum.snapshot()
    teleum.fails("moveForward", id=made[position], dir=direction)
    assert emulators.teleum.snapshot() == before


def test_move_needs_a_direction_and_a_live_forward(teleum: TeleumWire, ids: Ids) -> None:
    a, b = create(teleum, ids), create(teleum, ids, rnum="102")
    teleum.fails("moveForward", id=b, dir="sideways")
    teleum.ok("deleteForward", id=a)
    teleum.fails("moveForward", id=a, dir="down")


def test_delete_leaves_a_tombstone(teleum: TeleumWire, ids: Ids) -> None:
    forward_id = create(teleum, ids)
    assert str(teleum.ok("deleteForward", id=forward_id)["id"]) == forward_id
    (tombstone,) = listed(teleum, ids)
    assert tombstone["deleted"] == "1"
    teleum.fails("deleteForward", id=forward_id)
    teleum.fails("editForward", id=forward_id, timeout=10)


def test_delete_without_tombstones_removes(emulators: Emulators, teleum: TeleumWire, ids: Ids) -> None:
    emulators.teleum.tombstones = False
    teleum.ok("deleteForward", id=create(teleum, ids))
    assert listed(teleum, ids) == []


def test_a_created_forward_goes_after_tombstones_too(teleum: TeleumWire, ids: Ids) -> None:
    a, b = create(teleum, ids), create(teleum, ids, rnum="102")
    teleum.ok("deleteForward", id=b)
    c = create(teleum, ids)
    directions = {f["id"]: int(f["direction"]) for f in listed(teleum, ids)}
    assert len(set(directions.values())) == 3 and directions[c] > directions[b] > directions[a]


def test_own_caller_id_needs_rcnid(teleum: TeleumWire, ids: Ids) -> None:
    teleum.fails("editForward", id=0, nid=ids.nid[T_NUMBERS[0]], rtype=ids.type["SIP"], rnum="101",
                 rcid=ids.kind["свой"], rcnid=0)
    forward_id = create(teleum, ids, rcid=ids.kind["свой"], rcnid=ids.nid[T_NUMBERS[2]])
    (forward,) = listed(teleum, ids)
    assert forward["id"] == forward_id and forward["rcnid"] == ids.nid[T_NUMBERS[2]]


def test_rcnid_is_0_unless_own_caller_id(teleum: TeleumWire, ids: Ids) -> None:
    create(teleum, ids, rcid=ids.kind["групповой"], rcnid=ids.nid[T_NUMBERS[2]])
    assert listed(teleum, ids)[0]["rcnid"] == "0"


INVALID = {
    "timeout below 5": {"timeout": 4},
    "timeout above 30": {"timeout": 31},
    "timeout not a number": {"timeout": "soon"},
    "unknown rtype": {"rtype": "99"},
    "unknown rcid": {"rcid": "99"},
    "unknown nid": {"nid": "99999"},
    "unknown rcnid": {"rcid": "KIND:свой", "rcnid": "99999"},
    "SIP rnum that is no line": {"rnum": "555"},
    "phone rnum not a phone": {"rtype": "TYPE:Телефон", "rnum": "12345"},
    "phone rnum with a plus": {"rtype": "TYPE:Телефон", "rnum": "+79111234567"},
    "voicemail rnum not an e-mail": {"rtype": "TYPE:Автоответчик", "rnum": "79111234567"},
    "fax rnum not an e-mail": {"rtype": "TYPE:Факс", "rnum": "fax"},
    "flag not 0/1": {"rec": 2},
    "dowjs2 not JSON": {"dowjs2": "always"},
    "dowjs2 not a list": {"dowjs2": "{}"},
    "dowjs2 hour 24": {"dowjs2": WORKDAYS.replace('"ttfh": "18"', '"ttfh": "24"')},
    "dowjs2 minute 60": {"dowjs2": WORKDAYS.replace('"ttsm": "0"', '"ttsm": "60"')},
    "dowjs2 day 8": {"dowjs2": WORKDAYS.replace('"dtf": "5"', '"dtf": "8"')},
    "dowjs2 missing key": {"dowjs2": json.dumps([{"ttsh": "9", "ttsm": "0", "ttfh": "18", "ttfm": "0"}])},
    "dowjs2 days reversed": {"dowjs2": WORKDAYS.replace('"dts": "1"', '"dts": "6"')},
}


@pytest.mark.parametrize("change", INVALID.values(), ids=INVALID.keys())
def test_invalid_create_is_err_1_and_changes_nothing(emulators: Emulators, teleum: TeleumWire, ids: Ids,
                                                     change: dict[str, Any]) -> None:
    existing = create(teleum, ids)
    resolved = {k: ids.type[v[5:]] if str(v).startswith("TYPE:") else ids.kind[v[5:]]
                if str(v).startswith("KIND:") else v for k, v in change.items()}
    before = emulators.teleum.snapshot()
    sent = {"id": 0, "nid": ids.nid[T_NUMBERS[0]], "rtype": ids.type["SIP"], "rnum": "101", "timeout": 20,
            "rcid": ids.kind["вызывающего"], "rcnid": 0, **resolved}
    assert teleum.fails("editForward", **sent)
    assert teleum.fails("editForward", **{**sent, "id": existing})  # the same rule on an edit
    assert emulators.teleum.snapshot() == before


def test_create_needs_rtype_and_rnum(teleum: TeleumWire, ids: Ids) -> None:
    teleum.fails("editForward", id=0, nid=ids.nid[T_NUMBERS[0]], rnum="101")
    teleum.fails("editForward", id=0, nid=ids.nid[T_NUMBERS[0]], rtype=ids.type["SIP"])


@pytest.mark.parametrize("timeout", [5, 30])
def test_timeout_bounds_are_inclusive(teleum: TeleumWire, ids: Ids, timeout: int) -> None:
    create(teleum, ids, timeout=timeout)
    assert listed(teleum, ids)[0]["rtime"] == str(timeout)


@pytest.mark.parametrize("always", ["[]", "", json.dumps([{"ttsh": 0, "ttsm": 0, "ttfh": 23, "ttfm": 59,
                                                            "dts": 1, "dtf": 7}])])
def test_always_active_schedules_are_accepted(teleum: TeleumWire, ids: Ids, always: str) -> None:
    create(teleum, ids, dowjs2=always)
    stored = json.loads(listed(teleum, ids)[0]["dowjs2"] or "[]")
    # values come back as strings, whatever was sent
    assert [{k: int(v) for k, v in i.items()} for i in stored] == json.loads(always or "[]")
    assert all(isinstance(v, str) for i in stored for v in i.values())


def test_sip_rnum_must_be_a_live_line(emulators: Emulators, teleum: TeleumWire, ids: Ids) -> None:
    line = next(s for s in teleum.ok("getSIPs")["sips"] if s["num"] == "102")
    teleum.ok("deleteSIP", id=line["id"])
    teleum.fails("editForward", id=0, nid=ids.nid[T_NUMBERS[0]], rtype=ids.type["SIP"], rnum="102")


def test_ids_of_types_and_kinds_are_account_data(emulators: Emulators) -> None:
    emulators.teleum.add_account("odd@example.com", "password-odd", ["78123232399"],
                                 type_ids={"Факс": 11, "SIP": 12, "Телефон": 13, "Автоответчик": 14},
                                 rcid_ids={"свой": 7, "вызывающего": 8, "групповой": 9})
    teleum = TeleumWire(emulators.teleum_url, "odd@example.com", "password-odd")
    ids = Ids(teleum)
    assert ids.type["SIP"] == "12" and ids.kind["вызывающего"] == "8"
    teleum.ok("editForward", id=0, nid=ids.nid["78123232399"], rtype=ids.type["Телефон"], rnum="79111234567",
              rcid=ids.kind["вызывающего"])
    teleum.fails("editForward", id=0, nid=ids.nid["78123232399"], rtype="2", rnum="79111234567", rcid="8")
    (forward,) = teleum.ok("getForwards", numberid=ids.nid["78123232399"])["forwards"]
    assert forward["rtype"] == "13" and forward["rtname"] == "Телефон" and forward["rcid"] == "8"


def test_numbers_may_be_json_numbers(emulators: Emulators, teleum: TeleumWire, ids: Ids) -> None:
    emulators.teleum.numbers_as_int = True
    create(teleum, ids)
    (forward,) = teleum.ok("getForwards", numberid=ids.nid[T_NUMBERS[0]])["forwards"]
    assert forward["id"] == int(forward["id"]) and forward["direction"] == 1 and forward["deleted"] == 0
    assert teleum.ok("getNextSIP")["num"] == 103


def test_shuffled_lists_keep_their_content(emulators: Emulators, teleum: TeleumWire, ids: Ids) -> None:
    made = [create(teleum, ids, timeout=t) for t in range(5, 30, 2)]
    emulators.teleum.configure(shuffle=True, shuffle_seed=3)
    orders = {tuple(f["id"] for f in listed(teleum, ids)) for _ in range(5)}
    assert len(orders) > 1
    assert live_order(teleum, ids) == made


def test_control_api_forwards_is_in_direction_order(emulators: Emulators, teleum: TeleumWire, ids: Ids) -> None:
    a, b = create(teleum, ids), create(teleum, ids, rnum="102")
    teleum.ok("moveForward", id=b, dir="up")
    teleum.ok("deleteForward", id=a)
    assert [f["id"] for f in emulators.teleum.forwards(T_EMAIL, T_NUMBERS[0])] == [b]
    assert len(emulators.teleum.all_forwards(T_EMAIL, T_NUMBERS[0])) == 2


def test_a_failed_write_after_committed_ones_changes_nothing(emulators: Emulators, teleum: TeleumWire,
                                                             ids: Ids) -> None:
    """Writes share unchanged items between the account and its working copy: a rejected
    edit that changed fields of an item before failing must leave the committed item whole."""
    first, second = create(teleum, ids), create(teleum, ids, rnum="102")
    teleum.ok("moveForward", id=second, dir="up")
    teleum.ok("editForward", id=first, timeout=25)
    before = emulators.teleum.snapshot()
    assert teleum.fails("editForward", id=first, timeout=10, rec=1, rtype=ids.type["Телефон"], rnum="nope")
    assert teleum.fails("moveForward", id=second, dir="up")
    assert emulators.teleum.snapshot() == before
    assert live_order(teleum, ids) == [second, first]
