"""The Teleum API v3 methods of the emulator: validation and effect, one function each.

Every method gets the emulator, a working copy of the caller's account (dropped when
the method raises, so an ``err`` answer changes nothing) and the request parameters,
and returns the success body without ``vivaid``.

The working copy (:func:`working_account`) copies the account's lists but shares their
items: a write changes an item only after :func:`_own` put a private copy in its place.
Copying every forward of a big account for each write cost ~12 ms of CPU under the
emulator's lock, so the benchmark's server time tracked its CPU, not its latency.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from telconf.core import phones
from telconf.providers.teleum.emulator.defaults import DEFAULT_RCID_IDS, DEFAULT_TYPE_IDS

if TYPE_CHECKING:
    from telconf.providers.teleum.emulator.app import TeleumEmulator

Account = dict[str, Any]
Params = dict[str, str]

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
DAYS = ("Понедельник", "Вторник", "Среда", "Четверг", "Пятница", "Суббота", "Воскресенье")
FLAGS = ("rec", "vpbx", "moh", "isolated")
SCHEDULE_KEYS = {"ttsh": (0, 23), "ttsm": (0, 59), "ttfh": (0, 23), "ttfm": (0, 59), "dts": (1, 7), "dtf": (1, 7)}


class AppError(Exception):
    """An application error: ``{"err":1,"errmsg":...}`` (HTTP 200 unless ``status``)."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class SessionEnded(Exception):
    """Unknown or idle token: HTTP 401, ``SESSION ENDED``."""


# -- shared helpers ------------------------------------------------------------------

def fill_account_defaults(account: Account) -> None:
    """Complete an account read from a state file with the keys it may omit."""
    account.setdefault("account", f"{int(account.get('vivaid', 1)):08d}")
    account.setdefault("balance", "100.20")
    account["type_ids"] = {k: str(v) for k, v in account.get("type_ids", DEFAULT_TYPE_IDS).items()}
    account["rcid_ids"] = {k: str(v) for k, v in account.get("rcid_ids", DEFAULT_RCID_IDS).items()}
    account["numbers"] = [{"id": str(n["id"]), "number": str(n["number"])} for n in account.get("numbers", [])]
    for key in ("sips", "forwards"):
        account.setdefault(key, [])
    for line in account["sips"]:
        for key, default in (("email", ""), ("descr", ""), ("rcid", "0"), ("def", "0"),
                             ("uagent", ""), ("status", "offline"), ("password", "")):
            line[key] = str(line.get(key, default))
        line["id"], line["num"] = str(line["id"]), str(line["num"])
    highest = max((int(line["num"]) for line in account["sips"]), default=100)
    account["next_sip"] = max(int(account.get("next_sip", 101)), highest + 1)
    for forward in account["forwards"]:
        forward.setdefault("deleted", 0)
        forward.setdefault("dowjs2", "[]")
        for flag in FLAGS:
            forward.setdefault(flag, 0)


def working_account(account: Account) -> Account:
    """The copy a write works on: the account's dict and lists are new, their items shared.

    Items are flat dicts of scalars; a method changes one only through :func:`_own`,
    so the committed account is unchanged when the method raises. The mappings
    ``type_ids`` and ``rcid_ids`` are shared: no method writes them.
    """
    return {key: list(value) if isinstance(value, list) else value for key, value in account.items()}


def _own(items: list[dict[str, Any]], item: dict[str, Any]) -> dict[str, Any]:
    """A private copy of ``item`` put in its place in the working list ``items``, to change."""
    for index, candidate in enumerate(items):
        if candidate is item:
            items[index] = owned = dict(item)
            return owned
    raise ValueError("the item is not in the working list")


def live_forwards(account: Account, number: str) -> list[dict[str, Any]]:
    """The live forwards of ``number`` in ``direction`` order."""
    found = [f for f in account["forwards"] if f["number"] == number and not int(f["deleted"])]
    return sorted(found, key=lambda f: int(f["direction"]))


def next_direction(emu: TeleumEmulator, account: Account, number: str) -> int:
    """The ``direction`` of a forward created now: last, after a gap of ``direction_step``."""
    used = [int(f["direction"]) for f in account["forwards"] if f["number"] == number]
    return max(used, default=0) + max(1, int(emu.direction_step))


def new_sip(emu: TeleumEmulator, account: Account, *, num: int | str | None, descr: str, email: str,
            rcid: str, password: str) -> dict[str, Any]:
    """Create a SIP line with the next line number (or ``num``), never reusing one."""
    number = int(num) if num is not None else int(account["next_sip"])
    if any(int(line["num"]) == number for line in account["sips"]):
        raise AppError(f"SIP line {number} exists")
    account["next_sip"] = max(int(account["next_sip"]), number + 1)
    line = {"id": str(emu._new_id("sip")), "num": str(number), "email": email, "def": "0",
            "rcid": rcid, "descr": descr, "uagent": "", "status": "offline", "password": password}
    account["sips"].append(line)
    return line


def _number_by_id(account: Account, number_id: str) -> dict[str, str] | None:
    return next((n for n in account["numbers"] if n["id"] == str(number_id).strip()), None)


def _int(params: Params, key: str, low: int | None = None, high: int | None = None) -> int:
    try:
        value = int(str(params[key]).strip())
    except (KeyError, ValueError):
        raise AppError(f"Invalid {key}") from None
    if (low is not None and value < low) or (high is not None and value > high):
        raise AppError(f"Invalid {key}: {value} is outside {low}-{high}")
    return value


def _name_of(ids: dict[str, str], value: str, what: str) -> str:
    for name, id_ in ids.items():
        if id_ == str(value).strip():
            return name
    raise AppError(f"Unknown {what} {value!r}")


def parse_schedule(text: str) -> list[dict[str, str]]:
    """The intervals of a ``dowjs2`` string; AppError when it is malformed."""
    if text is None or str(text).strip() == "":
        return []
    try:
        intervals = json.loads(text)
    except (TypeError, ValueError):
        raise AppError("Invalid dowjs2: not JSON") from None
    if not isinstance(intervals, list):
        raise AppError("Invalid dowjs2: not a list of intervals")
    result = []
    for interval in intervals:
        if not isinstance(interval, dict) or set(interval) != set(SCHEDULE_KEYS):
            raise AppError(f"Invalid dowjs2: an interval needs exactly {', '.join(SCHEDULE_KEYS)}")
        values = {}
        for key, (low, high) in SCHEDULE_KEYS.items():
            raw = str(interval[key]).strip()
            if not raw.isdigit() or not low <= int(raw) <= high:
                raise AppError(f"Invalid dowjs2: {key}={interval[key]!r} is outside {low}-{high}")
            values[key] = str(int(raw))
        if int(values["dts"]) > int(values["dtf"]):
            raise AppError("Invalid dowjs2: dts after dtf")
        result.append(values)
    return result


def describe_schedule(intervals: list[dict[str, str]]) -> str:
    """The display text ``times`` of a schedule."""
    if not intervals:
        return "Всегда"
    parts = []
    for i in intervals:
        days = DAYS[int(i["dts"]) - 1]
        if i["dtf"] != i["dts"]:
            days += "-" + DAYS[int(i["dtf"]) - 1]
        parts.append(f"{days} {int(i['ttsh']):02d}:{int(i['ttsm']):02d}-{int(i['ttfh']):02d}:{int(i['ttfm']):02d}")
    return ", ".join(parts)


# -- methods -------------------------------------------------------------------------

def get_connected_numbers(emu: TeleumEmulator, account: Account, params: Params) -> dict[str, Any]:
    numbers = [{"id": emu.wire(n["id"]), "number": emu.wire(n["number"]),
                "numberform": phones.display(n["number"])} for n in account["numbers"]]
    return {"numbers": emu.listing(numbers)}


def get_forwards_types(emu: TeleumEmulator, account: Account, params: Params) -> dict[str, Any]:
    types = [{"id": emu.wire(id_), "name": name} for name, id_ in account["type_ids"].items()]
    return {"forwardTypes": emu.listing(types)}


def get_forwards_rcids(emu: TeleumEmulator, account: Account, params: Params) -> dict[str, Any]:
    kinds = [{"id": emu.wire(id_), "name": name} for name, id_ in account["rcid_ids"].items()]
    return {"forwardRCIDs": emu.listing(kinds)}


def get_rcids(emu: TeleumEmulator, account: Account, params: Params) -> dict[str, Any]:
    rcids = [{"id": emu.wire(n["id"]), "numberform": phones.display(n["number"])} for n in account["numbers"]]
    return {"rcids": emu.listing(rcids)}


def get_forwards(emu: TeleumEmulator, account: Account, params: Params) -> dict[str, Any]:
    number = _number_by_id(account, params.get("numberid", ""))
    if number is None:
        raise AppError(f"Unknown numberid {params.get('numberid', '')!r}")
    forwards = [_wire_forward(emu, account, f) for f in account["forwards"] if f["number"] == number["number"]]
    return {"number": emu.wire(number["id"]), "forwards": emu.listing(forwards)}


def _wire_forward(emu: TeleumEmulator, account: Account, forward: dict[str, Any]) -> dict[str, Any]:
    w = emu.wire
    return {"id": w(forward["id"]), "rtype": w(account["type_ids"].get(forward["rtype"], "0")),
            "rnum": w(forward["rnum"]) if forward["rnum"].isdigit() else forward["rnum"], "rtime": w(forward["timeout"]),
            "rcid": w(account["rcid_ids"].get(forward["rcid"], "0")), "rcnid": w(forward["rcnid"]),
            "direction": w(forward["direction"]), "rec": w(forward["rec"]), "deleted": w(forward["deleted"]),
            "vpbx": w(forward["vpbx"]), "moh": w(forward["moh"]), "isolated": w(forward["isolated"]),
            "dowjs2": forward["dowjs2"], "rtname": forward["rtype"], "cname": forward["rcid"],
            "times": describe_schedule(parse_schedule(forward["dowjs2"]))}


def _find_forward(account: Account, forward_id: str) -> dict[str, Any]:
    """The live forward ``forward_id``, owned by this write (see :func:`_own`)."""
    forwards: list[dict[str, Any]] = account["forwards"]
    for index, forward in enumerate(forwards):
        if forward["id"] == str(forward_id).strip() and not int(forward["deleted"]):
            forwards[index] = owned = dict(forward)
            return owned
    raise AppError(f"Unknown forward id {forward_id!r}")


def edit_forward(emu: TeleumEmulator, account: Account, params: Params) -> dict[str, Any]:
    forward_id = _int(params, "id", 0)
    if forward_id == 0:
        number = _number_by_id(account, params.get("nid", ""))
        if number is None:
            raise AppError(f"Unknown nid {params.get('nid', '')!r}")
        for required in ("rtype", "rnum"):
            if required not in params:
                raise AppError(f"Missing {required}")
        forward: dict[str, Any] = {"id": "", "number": number["number"], "rtype": "", "rnum": "", "timeout": 20,
                   "rcid": "вызывающего", "rcnid": "0", "direction": 0, "deleted": 0,
                   "rec": 0, "vpbx": 0, "moh": 0, "isolated": 0, "dowjs2": "[]"}
    else:
        forward = _find_forward(account, str(forward_id))
        if "nid" in params:
            number = _number_by_id(account, params["nid"])
            if number is None or number["number"] != forward["number"]:
                raise AppError(f"Unknown nid {params['nid']!r} for forward {forward_id}")
    _apply_forward_params(account, forward, params)
    if forward_id == 0:
        forward["id"] = str(emu._new_id("forward"))
        forward["direction"] = next_direction(emu, account, forward["number"])  # a new one goes last
        account["forwards"].append(forward)
    return {"id": emu.wire(forward["id"])}


def _apply_forward_params(account: Account, forward: dict[str, Any], params: Params) -> None:
    """Merge the sent parameters into ``forward`` and validate the result as a whole."""
    if "rtype" in params:
        forward["rtype"] = _name_of(account["type_ids"], params["rtype"], "rtype")
    if "rcid" in params:
        forward["rcid"] = _name_of(account["rcid_ids"], params["rcid"], "rcid")
    if "rnum" in params:
        forward["rnum"] = str(params["rnum"]).strip()
    if "timeout" in params:
        forward["timeout"] = _int(params, "timeout", 5, 30)
    for flag in FLAGS:
        if flag in params:
            forward[flag] = _int(params, flag, 0, 1)
    if "dowjs2" in params:
        intervals = parse_schedule(params["dowjs2"])
        forward["dowjs2"] = json.dumps(intervals, separators=(",", ":"))
    rcnid = str(params.get("rcnid", forward["rcnid"])).strip() or "0"
    if rcnid != "0" and _number_by_id(account, rcnid) is None:
        raise AppError(f"Unknown rcnid {rcnid!r}")
    if forward["rcid"] == "свой":
        if rcnid == "0":
            raise AppError("rcnid is required when rcid is свой")
        forward["rcnid"] = rcnid
    else:
        forward["rcnid"] = "0"
    _check_rnum(account, forward["rtype"], forward["rnum"])


def _check_rnum(account: Account, rtype: str, rnum: str) -> None:
    if rtype == "SIP":
        if not any(line["num"] == rnum for line in account["sips"]):
            raise AppError(f"rnum {rnum!r} is not a SIP line of the account")
    elif rtype == "Телефон":
        if not (rnum.isdigit() and phones.is_valid(rnum) and phones.normalise(rnum) == rnum):
            raise AppError(f"rnum {rnum!r} is not a phone number (digits, international)")
    elif not EMAIL.match(rnum):
        raise AppError(f"rnum {rnum!r} is not an e-mail address")


def delete_forward(emu: TeleumEmulator, account: Account, params: Params) -> dict[str, Any]:
    forward = _find_forward(account, params.get("id", ""))
    if emu.tombstones:
        forward["deleted"] = 1
    else:
        account["forwards"].remove(forward)
    return {"id": emu.wire(forward["id"])}


def move_forward(emu: TeleumEmulator, account: Account, params: Params) -> dict[str, Any]:
    forward = _find_forward(account, params.get("id", ""))
    direction = params.get("dir", "")
    if direction not in ("up", "down"):
        raise AppError(f"Invalid dir {direction!r}: up or down")
    live = live_forwards(account, forward["number"])
    index = live.index(forward)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(live):
        raise AppError(f"Forward {forward['id']} is already the {'first' if direction == 'up' else 'last'}")
    neighbour = _own(account["forwards"], live[other])
    forward["direction"], neighbour["direction"] = neighbour["direction"], forward["direction"]
    return {"id": emu.wire(forward["id"])}


def get_sips(emu: TeleumEmulator, account: Account, params: Params) -> dict[str, Any]:
    lines = [{k: (emu.wire(v) if k in ("id", "num", "def", "rcid") else v) for k, v in line.items()
              if k != "password"} for line in account["sips"]]
    return {emu.sips_key: emu.listing(lines)}


def get_next_sip(emu: TeleumEmulator, account: Account, params: Params) -> dict[str, Any]:
    return {"num": emu.wire(account["next_sip"])}


def edit_sip(emu: TeleumEmulator, account: Account, params: Params) -> dict[str, Any]:
    sip_id = _int(params, "id", 0)
    email = str(params.get("email", "")).strip()
    if email and not EMAIL.match(email):
        raise AppError(f"Invalid email {email!r}")
    rcid = str(params.get("rcid", "0")).strip() or "0"
    if rcid != "0" and _number_by_id(account, rcid) is None:
        raise AppError(f"Unknown rcid {rcid!r}")
    password = params.get("paswd", "")
    if password and len(password) < 8:
        raise AppError("paswd must have at least 8 characters")
    descr = str(params.get("descr", ""))
    if len(descr) > 255:
        raise AppError("descr is longer than 255 characters")
    line: dict[str, Any] | None
    if sip_id == 0:
        if not password:
            raise AppError("paswd is required for a new SIP line")
        line = new_sip(emu, account, num=None, descr=descr, email=email, rcid=rcid, password=password)
    else:
        line = next((s for s in account["sips"] if s["id"] == str(sip_id)), None)
        if line is None:
            raise AppError(f"Unknown SIP id {sip_id}")
        line = _own(account["sips"], line)
        for key, value in (("email", email), ("descr", descr), ("rcid", rcid)):
            if key in params:
                line[key] = value
        if password:  # empty or absent keeps the old one
            line["password"] = password
    return {"id": emu.wire(line["id"]), "num": emu.wire(line["num"])}


def delete_sip(emu: TeleumEmulator, account: Account, params: Params) -> dict[str, Any]:
    sip_id = str(params.get("id", "")).strip()
    line = next((s for s in account["sips"] if s["id"] == sip_id), None)
    if line is None:
        raise AppError(f"Unknown SIP id {sip_id!r}")
    for forward in account["forwards"]:
        if not int(forward["deleted"]) and forward["rtype"] == "SIP" and forward["rnum"] == line["num"]:
            raise AppError(f"SIP line {line['num']} is the target of forward {forward['id']}")
    account["sips"].remove(line)
    return {"id": emu.wire(line["id"])}


def balance(emu: TeleumEmulator, account: Account, params: Params) -> dict[str, Any]:
    return {"contract": account["account"], "balance": account["balance"]}


METHODS: dict[str, Callable[[TeleumEmulator, Account, Params], dict[str, Any]]] = {
    "getConnectedNumbers": get_connected_numbers, "getForwardsTypes": get_forwards_types,
    "getForwardsRCIDs": get_forwards_rcids, "getRCIDs": get_rcids, "getForwards": get_forwards,
    "editForward": edit_forward, "deleteForward": delete_forward, "moveForward": move_forward,
    "getSIPs": get_sips, "getNextSIP": get_next_sip, "editSIP": edit_sip, "deleteSIP": delete_sip,
    "balance": balance,
}

#: Methods that never change the account (served without a working copy).
READS = frozenset({"getConnectedNumbers", "getForwardsTypes", "getForwardsRCIDs", "getRCIDs", "getForwards",
                   "getSIPs", "getNextSIP", "balance"})
