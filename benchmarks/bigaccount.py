"""A large generated Teleum and Beeline account: emulator state, and configs that match it.

``seed(emulators, sizes)`` fills the emulators; ``write_configs(folder, sizes, urls)`` writes
``noop.yaml`` (exactly the live state: its plan must be empty) and ``change.yaml`` (about
10 % of every kind of item differs) plus the block files and voice files they use.
``minimal_calls(sizes)`` is the fewest API calls ``change.yaml`` can be applied with,
worked out by hand from what it changes (not from telconf's own plan).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from telconf.emulator import Emulators
from telconf.core.wav import make_wav

TELEUM_LOGIN = ("bench@example.com", "bench-password")
BEELINE_LOGIN = ("bench", "bench-password")
WORKDAYS = json.dumps([{"ttsh": "9", "ttsm": "0", "ttfh": "18", "ttfm": "0", "dts": "1", "dtf": "5"}])


@dataclass(frozen=True)
class Sizes:
    """How big the generated accounts are (the issue's figures by default)."""

    teleum_numbers: int = 500
    forwards_per_number: int = 6
    sip_lines: int = 200
    beeline_numbers: int = 500
    blacklists: int = 3
    entries_per_list: int = 20_000
    voice_files: int = 20
    blacklist_groups: int = 10  # B-number groups sharing one block file, per list

    @property
    def a_per_group(self) -> int:
        """A-numbers in each block file, so that a list holds ``entries_per_list`` entries."""
        b_per_group = self.beeline_numbers // self.blacklist_groups
        return max(1, self.entries_per_list // (self.blacklist_groups * b_per_group))

    def tenth(self, count: int) -> int:
        return max(1, count // 10)


# --- numbers ---------------------------------------------------------------------------

def teleum_number(i: int) -> str:
    return f"7812300{i:04d}"


def beeline_number(i: int) -> str:
    return f"7495500{i:04d}"


def sip_num(i: int) -> str:
    return str(101 + i)


def mobile(i: int) -> str:
    return f"7921{i:07d}"


def blocked(list_id: int, group: int, k: int) -> str:
    return f"790{list_id}{group:03d}{k:04d}"


# --- Teleum ----------------------------------------------------------------------------

def _forwards(i: int, sizes: Sizes) -> list[dict[str, Any]]:
    """Forward ``j`` of number ``i``, as the emulator stores it (types by name)."""
    line = sip_num(i % sizes.sip_lines)
    other = sip_num((i + 1) % sizes.sip_lines)
    pattern = [
        {"rtype": "SIP", "rnum": line, "timeout": 20, "dowjs2": WORKDAYS},
        {"rtype": "Телефон", "rnum": mobile(i), "timeout": 25},
        {"rtype": "SIP", "rnum": other, "timeout": 15, "rec": 1},
        {"rtype": "Телефон", "rnum": mobile(10_000 + i), "timeout": 30, "rcid": "групповой"},
        {"rtype": "Автоответчик", "rnum": f"vm{i}@example.com"},
        {"rtype": "Факс", "rnum": f"fax{i}@example.com"},
    ]
    return [pattern[j % len(pattern)] | ({"rnum": f"vm{i}-{j}@example.com"} if j >= len(pattern) else {})
            for j in range(sizes.forwards_per_number)]


def _forward_config(forward: dict[str, Any]) -> dict[str, Any]:
    prefix = {"SIP": "sip", "Телефон": "tel", "Автоответчик": "voicemail", "Факс": "fax"}[forward["rtype"]]
    data: dict[str, Any] = {"to": f"{prefix}:{forward['rnum']}"}
    if forward.get("timeout", 20) != 20:
        data["timeout"] = forward["timeout"]
    if forward.get("rcid") == "групповой":
        data["caller_id"] = "group"
    if forward.get("rec"):
        data["record"] = True
    if forward.get("dowjs2"):
        data["schedule"] = [{"days": "mon-fri", "from": "09:00", "to": "18:00"}]
    return data


def _seed_teleum(emulators: Emulators, sizes: Sizes) -> None:
    emu = emulators.teleum
    email = TELEUM_LOGIN[0]
    emu.add_account(*TELEUM_LOGIN, numbers=[teleum_number(i) for i in range(sizes.teleum_numbers)])
    for i in range(sizes.sip_lines):
        emu.add_sip(email, descr=f"Line {i}", sip_email=f"line{i}@example.com")
    for i in range(sizes.teleum_numbers):
        for forward in _forwards(i, sizes):
            emu.add_forward(email, teleum_number(i), **forward)


def _teleum_config(sizes: Sizes, url: str, change: bool) -> dict[str, Any]:
    """The Teleum account; with ``change``, a tenth of the numbers and SIP lines differ.

    Of the changed numbers, 2/5 get one forward edited, 1/5 one forward appended, 1/5
    the last forward removed, 1/5 two neighbours swapped: one call each.
    """
    lines = {sip_num(i): {"description": f"Line {i}", "email": f"line{i}@example.com"}
             for i in range(sizes.sip_lines)}
    numbers = {}
    for i in range(sizes.teleum_numbers):
        forwards = [_forward_config(f) for f in _forwards(i, sizes)]
        numbers[teleum_number(i)] = {"forwards": forwards}
    if change:
        for i in range(sizes.tenth(sizes.sip_lines)):
            lines[sip_num(i)]["description"] = f"Line {i} (renamed)"
        for i, kind in _changed_numbers(sizes):
            forwards = numbers[teleum_number(i)]["forwards"]
            if kind == "edit":
                forwards[1]["timeout"] = 10
            elif kind == "append":
                forwards.append({"to": f"voicemail:extra{i}@example.com"})
            elif kind == "remove":
                forwards.pop()
            else:
                forwards[1], forwards[2] = forwards[2], forwards[1]
    return {"provider": "teleum", "url": url,
            "credentials": {"email": "${BENCH_TELEUM_EMAIL}", "password": "${BENCH_TELEUM_PASSWORD}"},
            "sip_lines": lines, "numbers": numbers}


def _changed_numbers(sizes: Sizes) -> list[tuple[int, str]]:
    kinds = ("edit", "edit", "append", "remove", "swap")
    return [(i, kinds[i % len(kinds)]) for i in range(sizes.tenth(sizes.teleum_numbers))]


# --- Beeline ---------------------------------------------------------------------------

def _voice_name(k: int) -> str:
    return f"greeting{k:02d}.wav"


def _voice_content(k: int, version: int = 0) -> bytes:
    return make_wav(0.2, tone=k + 1 + 50 * version)


def _redirect_to(i: int, version: int = 0) -> str:
    return mobile(500_000 + i + 100_000 * version)


def _group_of(i: int, sizes: Sizes) -> int:
    return i * sizes.blacklist_groups // sizes.beeline_numbers


def _block_numbers(list_id: int, group: int, sizes: Sizes, change: bool) -> list[str]:
    numbers = [blocked(list_id, group, k) for k in range(sizes.a_per_group)]
    if change:  # a tenth of every block file replaced by new numbers
        swap = sizes.tenth(sizes.a_per_group)
        numbers = numbers[swap:] + [blocked(list_id, group, sizes.a_per_group + k) for k in range(swap)]
    return numbers


def _seed_beeline(emulators: Emulators, sizes: Sizes) -> None:
    emu = emulators.beeline
    login = BEELINE_LOGIN[0]
    numbers = [beeline_number(i) for i in range(sizes.beeline_numbers)]
    emu.add_account(*BEELINE_LOGIN, numbers=numbers)
    for k in range(sizes.voice_files):
        emu.add_voice_file(login, _voice_name(k), _voice_content(k), comment=f"Greeting {k}")
    for i, b in enumerate(numbers):
        emu.set_redirect(login, b, _redirect_to(i))
        emu.set_premedia(login, b, _voice_name(i % sizes.voice_files))
    emu.set_record(login, numbers[::2])
    state = emu.account_state(login)
    for list_id in range(sizes.blacklists):
        state["blacklists"][str(list_id)] = {
            b: _block_numbers(list_id, _group_of(i, sizes), sizes, False) for i, b in enumerate(numbers)}
    snapshot = emu.snapshot()
    snapshot["accounts"] = [state if a["login"] == login else a for a in snapshot["accounts"]]
    emu.restore(snapshot)


def _beeline_config(sizes: Sizes, url: str, folder: Path, change: bool) -> dict[str, Any]:
    """The Beeline account; with ``change``, a tenth of every kind of item differs."""
    tag = "change" if change else "noop"
    tenth = sizes.tenth(sizes.beeline_numbers)
    numbers = {}
    for i in range(sizes.beeline_numbers):
        moved = change and i < tenth
        numbers[beeline_number(i)] = {
            "redirect": {"to": _redirect_to(i, 1 if moved else 0)},
            "premedia": {"a": _voice_name((i + 1 if moved else i) % sizes.voice_files)},
            "record": (i % 2 == 0) != (change and tenth <= i < 2 * tenth),
        }
    voice_files = {}
    media = folder / "media"
    media.mkdir(parents=True, exist_ok=True)
    for k in range(sizes.voice_files):
        version = 1 if change and k < sizes.tenth(sizes.voice_files) else 0
        path = media / f"{tag}-{_voice_name(k)}"
        path.write_bytes(_voice_content(k, version))
        voice_files[_voice_name(k)] = {"path": str(path.relative_to(folder)), "comment": f"Greeting {k}"}
    lists: dict[int, list[dict[str, Any]]] = {}
    b_per_group = sizes.beeline_numbers // sizes.blacklist_groups
    for list_id in range(sizes.blacklists):
        lists[list_id] = []
        for group in range(sizes.blacklist_groups):
            block = folder / "blacklists" / f"{tag}-{list_id}-{group}.txt"
            block.parent.mkdir(parents=True, exist_ok=True)
            block.write_text("\n".join(_block_numbers(list_id, group, sizes, change)) + "\n")
            members = [beeline_number(i) for i in range(group * b_per_group, (group + 1) * b_per_group)]
            lists[list_id].append({"numbers": members, "block_file": str(block.relative_to(folder))})
    return {"provider": "beeline", "url": url,
            "credentials": {"username": "${BENCH_BEELINE_LOGIN}", "password": "${BENCH_BEELINE_PASSWORD}"},
            "voice_files": voice_files, "numbers": numbers,
            "blacklists": {"active": 0, "lists": lists}}


# --- public ----------------------------------------------------------------------------

def environ() -> dict[str, str]:
    """The variables the generated configs refer to."""
    return {"BENCH_TELEUM_EMAIL": TELEUM_LOGIN[0], "BENCH_TELEUM_PASSWORD": TELEUM_LOGIN[1],
            "BENCH_BEELINE_LOGIN": BEELINE_LOGIN[0], "BENCH_BEELINE_PASSWORD": BEELINE_LOGIN[1]}


def seed(emulators: Emulators, sizes: Sizes = Sizes()) -> None:
    """Create the two large accounts in empty emulators."""
    _seed_teleum(emulators, sizes)
    _seed_beeline(emulators, sizes)


def write_configs(folder: Path, sizes: Sizes, teleum_url: str, beeline_url: str) -> tuple[Path, Path]:
    """``noop.yaml`` (equal to the live state) and ``change.yaml`` (10 % differs) in ``folder``."""
    paths = []
    for change in (False, True):
        config = {"version": 1, "accounts": {
            "big-teleum": _teleum_config(sizes, teleum_url, change),
            "big-beeline": _beeline_config(sizes, beeline_url, folder, change),
        }}
        path = folder / ("change.yaml" if change else "noop.yaml")
        path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
        paths.append(path)
    return paths[0], paths[1]


def minimal_calls(sizes: Sizes) -> dict[str, int]:
    """The fewest write calls ``change.yaml`` needs, per account, from what it changes.

    Teleum: one call per changed number (edit, create, delete or one move) and one
    ``editSIP`` per renamed line. Beeline: one request per command (REDIRECT, PREMEDIA,
    ARECORD, CRECORD, SETBLIST, DELBLIST), as every one fits the server's limits, and
    one VFILE per changed voice file (an upload carries one file).
    """
    teleum = len(_changed_numbers(sizes)) + sizes.tenth(sizes.sip_lines)
    beeline = 6 + sizes.tenth(sizes.voice_files)
    return {"big-teleum": teleum, "big-beeline": beeline}
