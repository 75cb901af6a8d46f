"""Snapshots, state files, reset, the call log and the control API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from emulator_wire import B_LOGIN, B_NUMBERS, B_PASSWORD, T_EMAIL, T_NUMBERS, BeelineWire, TeleumWire

from telconf.emulator import Emulators, FaultConfig
from telconf.emulator.demo import demo_state
from telconf.providers.beeline.emulator import BeelineEmulator
from telconf.providers.teleum.emulator import TeleumEmulator
from telconf.core.wav import make_wav


def populate(emulators: Emulators) -> None:
    account = emulators.teleum.add_account(T_EMAIL, "owner-password", T_NUMBERS)
    line = emulators.teleum.add_sip(T_EMAIL, descr="Reception")
    emulators.teleum.add_forward(T_EMAIL, T_NUMBERS[0], rnum=line["num"])
    emulators.teleum.add_forward(T_EMAIL, T_NUMBERS[0], rtype="Телефон", rnum="79111234567", rcid="свой",
                                 rcnid=account.number_id(T_NUMBERS[1]))
    emulators.beeline.add_account(B_LOGIN, B_PASSWORD, B_NUMBERS)
    emulators.beeline.set_redirect(B_LOGIN, B_NUMBERS[0], "79111234567")
    emulators.beeline.add_voice_file(B_LOGIN, "hello.wav", make_wav(), comment="Hi")
    emulators.beeline.set_premedia(B_LOGIN, B_NUMBERS[1], "hello.wav")
    emulators.beeline.add_blacklist(B_LOGIN, 1, B_NUMBERS[2], "79111234501")
    emulators.beeline.set_active_list(B_LOGIN, 1)
    emulators.beeline.set_record(B_LOGIN, [B_NUMBERS[0]])


@pytest.mark.parametrize("suffix", [".json", ".yaml", ".yml"])
def test_state_file_round_trip(emulators: Emulators, tmp_path: Path, suffix: str) -> None:
    populate(emulators)
    before = emulators.snapshot()
    path = tmp_path / f"state{suffix}"
    emulators.save(path)
    loaded = yaml.safe_load(path.read_text()) if suffix != ".json" else json.loads(path.read_text())
    assert set(loaded) == {"teleum", "beeline"}
    emulators.reset()
    emulators.load(path)
    assert emulators.snapshot() == before
    TeleumWire(emulators.teleum_url, T_EMAIL, "owner-password").ok("balance")
    assert BeelineWire(emulators.beeline_url).ok("ABLIST") == 1


def test_each_emulator_saves_and_loads_its_section(emulators: Emulators, tmp_path: Path) -> None:
    populate(emulators)
    emulators.teleum.save(tmp_path / "t.json")
    emulators.beeline.save(tmp_path / "b.yaml")
    fresh_t, fresh_b = TeleumEmulator(), BeelineEmulator()
    fresh_t.load(tmp_path / "t.json")
    fresh_b.load(tmp_path / "b.yaml")
    assert fresh_t.snapshot() == emulators.teleum.snapshot()
    assert fresh_b.snapshot() == emulators.beeline.snapshot()


def test_restore_continues_ids_and_line_numbers(emulators: Emulators) -> None:
    populate(emulators)
    snapshot = emulators.snapshot()
    emulators.reset()
    emulators.restore(snapshot)
    teleum = TeleumWire(emulators.teleum_url, T_EMAIL, "owner-password")
    assert teleum.ok("getNextSIP")["num"] == "102"
    made = teleum.ok("editSIP", id=0, paswd="long-password")
    assert made["id"] not in {line["id"] for line in snapshot["teleum"]["accounts"][0]["sips"]}


def test_a_hand_written_minimal_state_file_is_enough(emulators: Emulators, tmp_path: Path) -> None:
    path = tmp_path / "state.yaml"
    path.write_text(yaml.safe_dump({
        "teleum": {"accounts": [{"email": "a@example.com", "password": "password-a", "vivaid": 5,
                                 "numbers": [{"id": 40, "number": "78123232323"}],
                                 "sips": [{"id": 9, "num": 120, "password": "password-9"}]}]},
        "beeline": {"accounts": [{"login": "b", "password": "password-b", "numbers": ["74957654321"]}]},
    }, allow_unicode=True))
    emulators.load(path)
    teleum = TeleumWire(emulators.teleum_url, "a@example.com", "password-a")
    assert teleum.vivaid == 5 and teleum.ok("getNextSIP")["num"] == "121"
    assert BeelineWire(emulators.beeline_url, "b", "password-b").ok("RLIST") == [
        {"BNumber": "74957654321", "RNumber": ""}]


def test_reset_empties_state_log_and_knobs(emulators: Emulators) -> None:
    populate(emulators)
    TeleumWire(emulators.teleum_url, T_EMAIL, "owner-password")
    emulators.teleum.configure(sips_key="spis", faults=FaultConfig(rate=1.0, seed=1))
    emulators.beeline.pending_key = "PENDNIG"
    emulators.reset()
    assert emulators.snapshot() == {"teleum": {"accounts": [], "next_ids": {"number": 15, "sip": 7,
                                                                            "forward": 301, "vivaid": 1}},
                                    "beeline": {"accounts": []}}
    assert emulators.teleum.call_log == [] and emulators.teleum.sips_key == "sips"
    assert emulators.teleum.faults.rate == 0 and emulators.beeline.pending_key == "PENDING"


def test_call_log_has_no_secrets(emulators: Emulators) -> None:
    populate(emulators)
    teleum = TeleumWire(emulators.teleum_url, T_EMAIL, "owner-password")
    teleum.ok("editSIP", id=0, paswd="very-secret-password", descr="x")
    BeelineWire(emulators.beeline_url).ok("RLIST")
    text = json.dumps(emulators.teleum.call_log + emulators.beeline.call_log, ensure_ascii=False)
    for secret in ("owner-password", "very-secret-password", teleum.token, B_PASSWORD):
        assert secret not in text
    assert emulators.teleum.call_log[0] == {"method": "login", "params": {"cmd": "login", "email": T_EMAIL},
                                            "status": 200, "err": None}
    assert emulators.beeline.call_log[-1] == {"method": "RLIST", "params": {"Command": "RLIST"},
                                              "status": 200, "err": None}


def test_call_log_records_errors(emulators: Emulators) -> None:
    populate(emulators)
    teleum = TeleumWire(emulators.teleum_url, T_EMAIL, "owner-password")
    teleum.fails("moveForward", id=9999, dir="up")
    BeelineWire(emulators.beeline_url).error("RLIST", ["79991234567"])
    assert emulators.teleum.call_log[-1]["err"].startswith("Unknown forward")
    assert emulators.beeline.call_log[-1]["err"] == "404.100"
    emulators.teleum.clear_log()
    assert emulators.teleum.call_log == []


def test_voice_file_upload_is_logged_by_name_and_size(emulators: Emulators) -> None:
    populate(emulators)
    BeelineWire(emulators.beeline_url).ok("VFILE", vfile=("x.wav", make_wav()), Comment="c")
    assert emulators.beeline.call_log[-1]["params"] == {"Command": "VFILE", "Comment": "c",
                                                        "vfile": {"filename": "x.wav", "bytes": len(make_wav())}}


def test_account_handles_expose_ids(emulators: Emulators) -> None:
    account = emulators.teleum.add_account(T_EMAIL, "owner-password", T_NUMBERS,
                                           type_ids={"SIP": 9, "Телефон": 8, "Автоответчик": 7, "Факс": 6})
    assert account.vivaid == 1 and account.type_id("SIP") == "9" and account.rcid_id("свой") == "3"
    assert account.number_id(T_NUMBERS[1]) == "16"
    with pytest.raises(KeyError):
        account.number_id("79999999999")
    with pytest.raises(ValueError):
        emulators.teleum.add_account(T_EMAIL, "again-password")
    with pytest.raises(ValueError):
        emulators.beeline.add_account("x", "password-x", ["+74957654321"])
    assert emulators.beeline.add_account("y", "password-y", B_NUMBERS).numbers == B_NUMBERS


def test_unknown_knobs_are_errors(emulators: Emulators) -> None:
    with pytest.raises(TypeError):
        emulators.teleum.configure(sessions_idle_timeout=5)
    with pytest.raises(TypeError):
        Emulators.start(teleum_port=0, beeline_port=0, colour="blue")


def test_start_passes_knobs_to_the_emulator_that_owns_them() -> None:
    with Emulators.start(teleum_port=0, beeline_port=0, session_idle_timeout=5, pending_seconds=9,
                         latency_ms=1) as emu:
        assert emu.teleum.session_idle_timeout == 5 and emu.beeline.pending_seconds == 9
        assert emu.teleum.latency_ms == emu.beeline.latency_ms == 1
        assert emu.teleum_url.endswith("/api/v3/") and emu.beeline_url.endswith("/api")


def test_demo_state_has_three_numbers_each() -> None:
    state = demo_state()
    (teleum,) = state["teleum"]["accounts"]
    (beeline,) = state["beeline"]["accounts"]
    assert (teleum["email"], teleum["password"], len(teleum["numbers"])) == ("demo@example.com", "demo-password", 3)
    assert (beeline["login"], beeline["password"], len(beeline["numbers"])) == ("demo", "demo-password", 3)
    json.dumps(state)  # JSON-able as a state file
