"""The Beeline cloudcc commands of the emulator: validation and effect, one function each.

Each command gets the emulator, a working copy of the caller's account (dropped when
the command raises, which makes every command atomic), its ``ConfData`` (``ABSENT``
when the key was not sent) and the whole ``api_form`` object. It returns the success
body, or raises :class:`BeelineError`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from telconf.core import phones
from telconf.core.wav import wav_problem

if TYPE_CHECKING:
    from telconf.providers.beeline.emulator.app import BeelineEmulator

Account = dict[str, Any]
ABSENT: Any = object()
LIST_IDS = (0, 1, 2)
OK = {"STATUS": "OK"}

#: Table 4.19 of the document: error code -> description.
DESCRIPTIONS = {
    "400.1": "Bad [ConfData] Field", "400.2": "Invalid JSON", "400.5": "Incorrect [COMMENT] Field",
    "400.6": "No [COMMAND] field",
    "400.7": "Bad Content-Type (No Line for multipart/form-data;boundary=)",
    "400.8": "Bad Content (No Form part)", "401.1": "Unknown UserName or Password",
    "404.100": "Invalid BNumber(s)", "404.101": "Missing RNumber(s)", "404.102": "Invalid ANumber(s)",
    "404.104": "Voice File(s) not Found", "404.105": "Invalid ListID",
    "404.107": "Missing or Incorrect ListID", "404.108": "Missing or Incorrect ANumber(s)",
    "404.109": "Missing Voice File(s)", "404.110": "Missing or Incorrect BNumber(s)",
    "404.112": "Invalid URL", "404.113": "Requested File Not Found",
    "409.1": "All Voice Files in use", "413.1": "Data size too big",
    "413.2": "Too many records in Black List", "415.1": "Invalid Voice File Format",
    "500.1": "Execution Error", "501.1": "Command Not Found",
}


class BeelineError(Exception):
    """An error answer: HTTP status from the code, body as in CONTRACT 2.1."""

    def __init__(self, code: str, aux: str = ""):
        super().__init__(f"{code} {DESCRIPTIONS.get(code, '')}: {aux}".strip(": "))
        self.code, self.aux = code, aux

    @property
    def status(self) -> int:
        return int(self.code.split(".")[0])


# -- argument checks -----------------------------------------------------------------

def is_wire_phone(value: Any) -> bool:
    """True for a phone number in wire form (digits, international)."""
    text = str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    return text.isdigit() and phones.is_valid(text) and phones.normalise(text) == text


def own_b(account: Account, value: Any) -> str:
    """A B-number of the caller: 404.110 when malformed, 404.100 when not theirs."""
    if not is_wire_phone(value):
        raise BeelineError("404.110", f"BNumber {value!r}")
    if str(value) not in account["numbers"]:
        raise BeelineError("404.100", f"BNumber {value} is not a number of this client")
    return str(value)


def b_list(account: Account, data: Any) -> list[str]:
    """ConfData that is absent (every B-number of the client) or a list of B-numbers."""
    if data is ABSENT or data is None:
        return list(account["numbers"])
    if isinstance(data, str):
        data = [data]
    if not isinstance(data, list) or not data:
        raise BeelineError("404.110", "ConfData must be a list of BNumbers")
    return [own_b(account, b) for b in data]


def b_field(account: Account, entry: dict[str, Any]) -> list[str]:
    """The ``BNumber`` of a black-list entry: one number or a list."""
    value = entry.get("BNumber")
    values = value if isinstance(value, list) else [value]
    if value is None or not values:
        raise BeelineError("404.110", "BNumber missing")
    return [own_b(account, b) for b in values]


def list_id(value: Any, *, missing: str = "404.107") -> int:
    """A ListID 0..2: 404.105 when out of range, ``missing`` when absent or not a number."""
    if value is None or isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).isdigit():
        raise BeelineError(missing, f"ListID {value!r}")
    if int(value) not in LIST_IDS:
        raise BeelineError("404.105", f"ListID {value} is not one of 0, 1, 2")
    return int(value)


def entries(data: Any) -> list[dict[str, Any]]:
    """ConfData that must be a non-empty list of objects (400.1 otherwise)."""
    if not isinstance(data, list) or not data or not all(isinstance(e, dict) for e in data):
        raise BeelineError("400.1", "ConfData must be a non-empty list of objects")
    return data


def is_ready(emu: BeelineEmulator, meta: dict[str, Any]) -> bool:
    """True once an uploaded file is no longer pending."""
    return emu.clock() >= float(meta["ready_at"])


# -- redirects -----------------------------------------------------------------------

def rlist(emu: BeelineEmulator, account: Account, data: Any, form: dict[str, Any]) -> dict[str, Any]:
    result = []
    for b in b_list(account, data):
        redirect = account["redirects"].get(b, {})
        entry = {"BNumber": b, "RNumber": redirect.get("RNumber", "")}
        if redirect.get("ANumber"):
            entry["ANumber"] = redirect["ANumber"]
        result.append(entry)
    return {"ConfData": emu.listing(result)}


def redirect(emu: BeelineEmulator, account: Account, data: Any, form: dict[str, Any]) -> dict[str, Any]:
    for entry in entries(data):
        b = own_b(account, entry.get("BNumber"))
        r = entry.get("RNumber")
        if r in (None, ""):
            raise BeelineError("404.101", f"RNumber missing for {b}")
        if not is_wire_phone(r):
            raise BeelineError("400.1", f"RNumber {r!r} is not a phone number")
        a = entry.get("ANumber")
        if a not in (None, "") and not is_wire_phone(a):
            raise BeelineError("404.102", f"ANumber {a!r}")
        account["redirects"][b] = {"RNumber": str(r), **({"ANumber": str(a)} if a else {})}
    return OK


def rcancel(emu: BeelineEmulator, account: Account, data: Any, form: dict[str, Any]) -> dict[str, Any]:
    for b in b_list(account, data):
        account["redirects"].pop(b, None)
    return OK


# -- greetings and voice files -------------------------------------------------------

def mlist(emu: BeelineEmulator, account: Account, data: Any, form: dict[str, Any]) -> dict[str, Any]:
    result = []
    for b in b_list(account, data):
        media = account["premedia"].get(b)
        if media and (media.get("FileA") or media.get("FileB")):
            result.append({"BNumber": b, "FileA": media.get("FileA", ""), "FileB": media.get("FileB", "")})
    return {"ConfData": emu.listing(result)}


def premedia(emu: BeelineEmulator, account: Account, data: Any, form: dict[str, Any]) -> dict[str, Any]:
    for entry in entries(data):
        b = own_b(account, entry.get("BNumber"))
        if "FileA" not in entry and "FileB" not in entry:
            raise BeelineError("404.109", f"no FileA or FileB for {b}")
        media = dict(account["premedia"].get(b, {"FileA": "", "FileB": ""}))
        for side in ("FileA", "FileB"):
            if side not in entry:
                continue
            name = entry[side]
            if not isinstance(name, str):
                raise BeelineError("400.1", f"{side} must be a file name")
            if name and (name not in account["files"] or not is_ready(emu, account["files"][name])):
                raise BeelineError("404.104", f"{name} is not uploaded or still pending")
            media[side] = name
        if media["FileA"] or media["FileB"]:
            account["premedia"][b] = media
        else:
            account["premedia"].pop(b, None)
    return OK


def vfile(emu: BeelineEmulator, account: Account, data: Any, form: dict[str, Any]) -> dict[str, Any]:
    upload = form.get("__vfile__")
    if upload is None:
        raise BeelineError("404.109", "no part named vfile")
    name, content = upload
    if not name or "/" in name or "\\" in name or name in (".", ".."):
        raise BeelineError("400.1", f"bad file name {name!r}")
    comment = form.get("Comment", "")
    if not isinstance(comment, str) or len(comment) > 255:
        raise BeelineError("400.5", "Comment must be a string of at most 255 characters")
    problem = wav_problem(content)
    if problem:
        raise BeelineError("415.1", problem)
    if name not in account["files"] and len(account["files"]) >= emu.max_voice_files:
        raise BeelineError("409.1", f"the limit of {emu.max_voice_files} stored files is reached")
    now = emu.clock()
    account["files"][name] = {"comment": comment, "content": content,
                              "dt": time.strftime("%Y%m%d %H:%M:%S", time.localtime(now)),
                              "ready_at": now + float(emu.pending_seconds)}
    return OK


def lvfiles(emu: BeelineEmulator, account: Account, data: Any, form: dict[str, Any]) -> dict[str, Any]:
    result = []
    for name, meta in account["files"].items():
        users = [b for b, media in account["premedia"].items() if name in (media.get("FileA"), media.get("FileB"))]
        result.append({"filename": name, "Comment": meta["comment"], "DT": meta["dt"], "BNumber": users,
                       emu.pending_key: "NO" if is_ready(emu, meta) else "YES",
                       "URL": emu.download_url(form["__base__"], name)})
    return {"ConfData": emu.listing(result)}


def delfile(emu: BeelineEmulator, account: Account, data: Any, form: dict[str, Any]) -> dict[str, Any]:
    if data is ABSENT or data is None:
        names = list(account["files"])
    elif isinstance(data, list) and data and all(isinstance(n, str) for n in data):
        names = data
    else:
        raise BeelineError("404.109", "ConfData must be a list of file names")
    for name in names:
        if name not in account["files"]:
            raise BeelineError("404.104", f"{name} is not a stored file")
        users = [b for b, media in account["premedia"].items() if name in (media.get("FileA"), media.get("FileB"))]
        if users:
            raise BeelineError("409.1", f"{name} is used by PREMEDIA of {', '.join(users)}")
    for name in names:
        account["files"].pop(name, None)
    return OK


# -- black lists ---------------------------------------------------------------------

def setblist(emu: BeelineEmulator, account: Account, data: Any, form: dict[str, Any]) -> dict[str, Any]:
    for entry in entries(data):
        bs = b_field(account, entry)
        a_values = entry.get("ANumber")
        if not isinstance(a_values, list) or not a_values:
            raise BeelineError("404.108", "ANumber must be a non-empty list")
        for a in a_values:
            if not is_wire_phone(a):
                raise BeelineError("404.102", f"ANumber {a!r}")
        n = list_id(entry.get("ListID", 0), missing="404.105")
        for b in bs:
            listed = account["blacklists"][str(n)].setdefault(b, [])
            listed.extend(str(a) for a in a_values if str(a) not in listed)
            if len(listed) > emu.blacklist_limit:
                raise BeelineError("413.2", f"more than {emu.blacklist_limit} A-numbers for list {n}, {b}")
    return OK


def delblist(emu: BeelineEmulator, account: Account, data: Any, form: dict[str, Any]) -> dict[str, Any]:
    lists = account["blacklists"]
    if data is ABSENT or data is None:
        for n in LIST_IDS:
            lists[str(n)] = {}
    elif isinstance(data, dict):
        ids = data.get("ListID")
        if not isinstance(ids, list) or not ids:
            raise BeelineError("404.107", "ListID must be a list of list ids")
        for n in [list_id(v, missing="404.105") for v in ids]:
            lists[str(n)] = {}
    else:
        for entry in entries(data):
            bs = b_field(account, entry)
            n = list_id(entry.get("ListID", 0), missing="404.105")
            a_values = entry.get("ANumber")
            if a_values is not None and (not isinstance(a_values, list) or not all(map(is_wire_phone, a_values))):
                raise BeelineError("404.102", f"ANumber {a_values!r}")
            for b in bs:
                kept = [] if a_values is None else [a for a in lists[str(n)].get(b, []) if a not in map(str, a_values)]
                if kept:
                    lists[str(n)][b] = kept
                else:
                    lists[str(n)].pop(b, None)
    return OK


def ablist(emu: BeelineEmulator, account: Account, data: Any, form: dict[str, Any]) -> dict[str, Any]:
    if data is ABSENT or data is None:
        return {"ConfData": account["active_list"]}
    account["active_list"] = list_id(data)
    return OK


def lblist(emu: BeelineEmulator, account: Account, data: Any, form: dict[str, Any]) -> dict[str, Any]:
    if data is ABSENT or data is None:
        ids = list(LIST_IDS)
    elif isinstance(data, list) and data:
        ids = [list_id(v) for v in data]
    else:
        ids = [list_id(data)]
    result = []
    for n in ids:
        result.extend(emu.group_blacklist(n, account["blacklists"][str(n)]))
    return {"ConfData": emu.listing(result)}


# -- recording -----------------------------------------------------------------------

def arecord(emu: BeelineEmulator, account: Account, data: Any, form: dict[str, Any]) -> dict[str, Any]:
    if data is ABSENT or data is None or data == "*" or data == ["*"]:
        account["record_all"], account["record"] = True, []
    else:
        numbers = b_list(account, data)
        if not account["record_all"]:  # while "*" is on, a list is accepted and does nothing
            account["record"] = sorted(set(account["record"]) | set(numbers))
    return OK


def crecord(emu: BeelineEmulator, account: Account, data: Any, form: dict[str, Any]) -> dict[str, Any]:
    if data is ABSENT or data is None or data == "*" or data == ["*"]:
        account["record_all"], account["record"] = False, []
    else:
        numbers = b_list(account, data)
        if not account["record_all"]:
            account["record"] = [b for b in account["record"] if b not in numbers]
    return OK


def lrecord(emu: BeelineEmulator, account: Account, data: Any, form: dict[str, Any]) -> dict[str, Any]:
    return {"ConfData": ["*"] if account["record_all"] else emu.listing(list(account["record"]))}


COMMANDS: dict[str, Callable[[BeelineEmulator, Account, Any, dict[str, Any]], dict[str, Any]]] = {
    "RLIST": rlist, "REDIRECT": redirect, "RCANCEL": rcancel, "MLIST": mlist, "PREMEDIA": premedia,
    "SETBLIST": setblist, "DELBLIST": delblist, "ABLIST": ablist, "LBLIST": lblist,
    "ARECORD": arecord, "CRECORD": crecord, "LRECORD": lrecord,
    "VFILE": vfile, "LVFILES": lvfiles, "DELFILE": delfile,
}

#: Commands that never change the account (served without a working copy).
READS = frozenset({"RLIST", "MLIST", "LBLIST", "LRECORD", "LVFILES"})


def is_read(command: str, data: Any) -> bool:
    """True for a command that only reads: a list command, or ABLIST without ConfData."""
    return command in READS or (command == "ABLIST" and (data is ABSENT or data is None))
