"""Beeline commands (CONTRACT 2.2): redirects, greetings, voice files, black lists, recording."""

from __future__ import annotations

from typing import Any

import pytest
from emulator_wire import B_LOGIN, B_NUMBERS, FOREIGN, BeelineWire

from telconf.emulator import Emulators
from telconf.core.wav import make_wav

B1, B2, B3 = B_NUMBERS
R, A1, A2, A3 = "79111234567", "79111234501", "79111234502", "79111234503"


class Clock:
    """A settable Unix-time clock for the emulator's PENDING timer."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def unchanged(emulators: Emulators, beeline: BeelineWire, command: str, data: Any, code: str, **kw: Any) -> None:
    """Assert the command fails with ``code`` and leaves the state as it was (atomicity)."""
    before = emulators.beeline.snapshot()
    assert beeline.error(command, data, **kw) == code
    assert emulators.beeline.snapshot() == before


# -- B-numbers -----------------------------------------------------------------------

@pytest.mark.parametrize("command", ["RLIST", "RCANCEL", "MLIST", "ARECORD", "CRECORD"])
def test_a_foreign_b_number_rejects_the_whole_command(emulators: Emulators, beeline: BeelineWire,
                                                      command: str) -> None:
    emulators.beeline.set_redirect(B_LOGIN, B1, R)
    unchanged(emulators, beeline, command, [B1, FOREIGN], "404.100")


@pytest.mark.parametrize("bad", ["+74957654321", "not-a-number", 12])
def test_a_malformed_b_number_is_404_110(beeline: BeelineWire, bad: Any) -> None:
    assert beeline.error("RLIST", [bad]) == "404.110"


# -- redirects -----------------------------------------------------------------------

def test_rlist_absent_lists_every_b_number(emulators: Emulators, beeline: BeelineWire) -> None:
    emulators.beeline.set_redirect(B_LOGIN, B2, R, A1)
    assert beeline.ok("RLIST") == [{"BNumber": B1, "RNumber": ""}, {"BNumber": B2, "RNumber": R, "ANumber": A1},
                                   {"BNumber": B3, "RNumber": ""}]


def test_rlist_lists_the_numbers_asked(emulators: Emulators, beeline: BeelineWire) -> None:
    assert beeline.ok("RLIST", [B3]) == [{"BNumber": B3, "RNumber": ""}]


def test_redirect_sets_and_replaces(beeline: BeelineWire) -> None:
    beeline.ok("REDIRECT", [{"BNumber": B1, "RNumber": R, "ANumber": A1}])
    beeline.ok("REDIRECT", [{"BNumber": B1, "RNumber": A2}])  # without ANumber: the caller's own
    assert beeline.ok("RLIST", [B1]) == [{"BNumber": B1, "RNumber": A2}]


def test_redirect_without_rnumber_is_404_101(emulators: Emulators, beeline: BeelineWire) -> None:
    unchanged(emulators, beeline, "REDIRECT", [{"BNumber": B1, "RNumber": R}, {"BNumber": B2}], "404.101")
    unchanged(emulators, beeline, "REDIRECT", [{"BNumber": B1, "RNumber": ""}], "404.101")


def test_redirect_is_atomic(emulators: Emulators, beeline: BeelineWire) -> None:
    unchanged(emulators, beeline, "REDIRECT", [{"BNumber": B1, "RNumber": R},
                                               {"BNumber": FOREIGN, "RNumber": R}], "404.100")
    assert beeline.ok("RLIST", [B1]) == [{"BNumber": B1, "RNumber": ""}]


def test_redirect_checks_its_numbers(emulators: Emulators, beeline: BeelineWire) -> None:
    unchanged(emulators, beeline, "REDIRECT", [{"BNumber": B1, "RNumber": "12"}], "400.1")
    unchanged(emulators, beeline, "REDIRECT", [{"BNumber": B1, "RNumber": R, "ANumber": "x"}], "404.102")
    unchanged(emulators, beeline, "REDIRECT", None, "400.1")
    unchanged(emulators, beeline, "REDIRECT", [{"RNumber": R}], "404.110")


def test_rcancel_removes_the_redirect(emulators: Emulators, beeline: BeelineWire) -> None:
    for b in B_NUMBERS:
        emulators.beeline.set_redirect(B_LOGIN, b, R)
    beeline.ok("RCANCEL", [B1])
    assert [e["RNumber"] for e in beeline.ok("RLIST")] == ["", R, R]
    beeline.ok("RCANCEL")
    assert [e["RNumber"] for e in beeline.ok("RLIST")] == ["", "", ""]


# -- voice files and greetings -------------------------------------------------------

def test_vfile_stores_a_file_pending_then_ready(emulators: Emulators, beeline: BeelineWire) -> None:
    clock = Clock()
    emulators.beeline.configure(clock=clock, pending_seconds=30)
    beeline.ok("VFILE", vfile=("hello.wav", make_wav()), Comment="Welcome")
    (entry,) = beeline.ok("LVFILES")
    assert entry["filename"] == "hello.wav" and entry["Comment"] == "Welcome" and entry["PENDING"] == "YES"
    assert entry["BNumber"] == [] and entry["URL"] == f"{beeline.url}/download?file=hello.wav"
    assert len(entry["DT"]) == 17 and entry["DT"][8] == " "
    clock.now += 31
    assert beeline.ok("LVFILES")[0]["PENDING"] == "NO"


def test_pending_may_be_spelled_pendnig(emulators: Emulators, beeline: BeelineWire) -> None:
    emulators.beeline.pending_key = "PENDNIG"
    emulators.beeline.add_voice_file(B_LOGIN, "a.wav", make_wav())
    assert beeline.ok("LVFILES")[0]["PENDNIG"] == "NO"


@pytest.mark.parametrize("content", [b"RIFF....WAVE", make_wav(rate=16000), make_wav(channels=2),
                                     make_wav(sample_width=1), b""])
def test_vfile_that_is_not_wav_pcm_8k_mono_16bit_is_415_1(emulators: Emulators, beeline: BeelineWire,
                                                           content: bytes) -> None:
    unchanged(emulators, beeline, "VFILE", None, "415.1", vfile=("bad.wav", content))


def test_vfile_replaces_a_file_of_the_same_name(emulators: Emulators, beeline: BeelineWire) -> None:
    beeline.ok("VFILE", vfile=("a.wav", make_wav()), Comment="one")
    beeline.ok("VFILE", vfile=("a.wav", make_wav(tone=3)), Comment="two")
    (entry,) = beeline.ok("LVFILES")
    assert entry["Comment"] == "two"
    assert emulators.beeline.account_state(B_LOGIN)["files"]["a.wav"]["content_b64"]


def test_vfile_when_storage_is_full_is_409_1(emulators: Emulators, beeline: BeelineWire) -> None:
    emulators.beeline.max_voice_files = 2
    beeline.ok("VFILE", vfile=("a.wav", make_wav()))
    beeline.ok("VFILE", vfile=("b.wav", make_wav()))
    unchanged(emulators, beeline, "VFILE", None, "409.1", vfile=("c.wav", make_wav()))
    beeline.ok("VFILE", vfile=("b.wav", make_wav()))  # replacing needs no room


def test_vfile_without_a_file_part_or_with_a_bad_comment_fails(emulators: Emulators, beeline: BeelineWire) -> None:
    unchanged(emulators, beeline, "VFILE", None, "404.109")
    unchanged(emulators, beeline, "VFILE", None, "400.5", vfile=("a.wav", make_wav()), Comment=["x"])


def test_premedia_sets_and_mlist_lists_numbers_with_files(emulators: Emulators, beeline: BeelineWire) -> None:
    for name in ("a.wav", "b.wav"):
        emulators.beeline.add_voice_file(B_LOGIN, name, make_wav())
    assert beeline.ok("MLIST") == []
    beeline.ok("PREMEDIA", [{"BNumber": B1, "FileA": "a.wav", "FileB": "b.wav"}, {"BNumber": B2, "FileA": "a.wav"}])
    assert beeline.ok("MLIST") == [{"BNumber": B1, "FileA": "a.wav", "FileB": "b.wav"},
                                   {"BNumber": B2, "FileA": "a.wav", "FileB": ""}]
    assert beeline.ok("MLIST", [B2]) == [{"BNumber": B2, "FileA": "a.wav", "FileB": ""}]
    usage = {e["filename"]: sorted(e["BNumber"]) for e in beeline.ok("LVFILES")}
    assert usage == {"a.wav": [B1, B2], "b.wav": [B1]}


def test_premedia_empty_name_clears_that_side(emulators: Emulators, beeline: BeelineWire) -> None:
    emulators.beeline.add_voice_file(B_LOGIN, "a.wav", make_wav())
    emulators.beeline.set_premedia(B_LOGIN, B1, "a.wav", "a.wav")
    beeline.ok("PREMEDIA", [{"BNumber": B1, "FileB": ""}])
    assert beeline.ok("MLIST") == [{"BNumber": B1, "FileA": "a.wav", "FileB": ""}]
    beeline.ok("PREMEDIA", [{"BNumber": B1, "FileA": ""}])
    assert beeline.ok("MLIST") == []


def test_premedia_of_a_missing_or_pending_file_is_404_104(emulators: Emulators, beeline: BeelineWire) -> None:
    emulators.beeline.configure(clock=Clock(), pending_seconds=60)
    emulators.beeline.add_voice_file(B_LOGIN, "ready.wav", make_wav())
    emulators.beeline.add_voice_file(B_LOGIN, "pending.wav", make_wav(), pending=True)
    unchanged(emulators, beeline, "PREMEDIA", [{"BNumber": B1, "FileA": "ready.wav"},
                                               {"BNumber": B2, "FileA": "nope.wav"}], "404.104")
    unchanged(emulators, beeline, "PREMEDIA", [{"BNumber": B1, "FileA": "pending.wav"}], "404.104")
    emulators.beeline.finish_pending()
    beeline.ok("PREMEDIA", [{"BNumber": B1, "FileA": "pending.wav"}])


def test_premedia_checks_numbers_and_files(emulators: Emulators, beeline: BeelineWire) -> None:
    emulators.beeline.add_voice_file(B_LOGIN, "a.wav", make_wav())
    unchanged(emulators, beeline, "PREMEDIA", [{"BNumber": FOREIGN, "FileA": "a.wav"}], "404.100")
    unchanged(emulators, beeline, "PREMEDIA", [{"BNumber": B1}], "404.109")


def test_delfile_of_a_file_in_use_is_409_1(emulators: Emulators, beeline: BeelineWire) -> None:
    emulators.beeline.add_voice_file(B_LOGIN, "a.wav", make_wav())
    emulators.beeline.add_voice_file(B_LOGIN, "b.wav", make_wav())
    emulators.beeline.set_premedia(B_LOGIN, B1, file_b="a.wav")
    unchanged(emulators, beeline, "DELFILE", ["b.wav", "a.wav"], "409.1")
    unchanged(emulators, beeline, "DELFILE", None, "409.1")
    beeline.ok("DELFILE", ["b.wav"])
    assert [e["filename"] for e in beeline.ok("LVFILES")] == ["a.wav"]


def test_delfile_of_an_unknown_file_is_404_104(emulators: Emulators, beeline: BeelineWire) -> None:
    emulators.beeline.add_voice_file(B_LOGIN, "a.wav", make_wav())
    unchanged(emulators, beeline, "DELFILE", ["a.wav", "nope.wav"], "404.104")


def test_delfile_absent_deletes_every_file(emulators: Emulators, beeline: BeelineWire) -> None:
    for name in ("a.wav", "b.wav"):
        emulators.beeline.add_voice_file(B_LOGIN, name, make_wav())
    beeline.ok("DELFILE")
    assert beeline.ok("LVFILES") == []


# -- black lists ---------------------------------------------------------------------

def triples(entries: list[dict[str, Any]]) -> set[tuple[int, str, str]]:
    """Expand LBLIST entries the way a client must."""
    return {(e["ListID"], b, a) for e in entries for b in e["BNumber"] for a in e["ANumber"]}


def test_setblist_adds_every_a_to_every_b(beeline: BeelineWire) -> None:
    beeline.ok("SETBLIST", [{"BNumber": [B1, B2], "ANumber": [A1, A2], "ListID": 1}, {"BNumber": [B3], "ANumber": [A3]}])
    assert triples(beeline.ok("LBLIST")) == {(1, B1, A1), (1, B1, A2), (1, B2, A1), (1, B2, A2), (0, B3, A3)}
    assert triples(beeline.ok("LBLIST", [1])) == {(1, B1, A1), (1, B1, A2), (1, B2, A1), (1, B2, A2)}


def test_setblist_validates_list_and_numbers(emulators: Emulators, beeline: BeelineWire) -> None:
    unchanged(emulators, beeline, "SETBLIST", [{"BNumber": [B1], "ANumber": [A1], "ListID": 3}], "404.105")
    unchanged(emulators, beeline, "SETBLIST", [{"BNumber": [FOREIGN], "ANumber": [A1]}], "404.100")
    unchanged(emulators, beeline, "SETBLIST", [{"BNumber": [B1], "ANumber": []}], "404.108")
    unchanged(emulators, beeline, "SETBLIST", [{"BNumber": [B1], "ANumber": ["123"]}], "404.102")


def test_setblist_over_the_limit_is_413_2_and_atomic(emulators: Emulators, beeline: BeelineWire) -> None:
    emulators.beeline.blacklist_limit = 2
    beeline.ok("SETBLIST", [{"BNumber": [B1], "ANumber": [A1, A2]}])
    beeline.ok("SETBLIST", [{"BNumber": [B1], "ANumber": [A1], "ListID": 0}])  # already there: no growth
    unchanged(emulators, beeline, "SETBLIST", [{"BNumber": [B2], "ANumber": [A1]},
                                               {"BNumber": [B1], "ANumber": [A3]}], "413.2")
    beeline.ok("SETBLIST", [{"BNumber": [B1], "ANumber": [A3], "ListID": 1}])  # the limit is per (ListID, B)


def test_delblist_with_a_numbers_removes_them(emulators: Emulators, beeline: BeelineWire) -> None:
    beeline.ok("SETBLIST", [{"BNumber": [B1, B2], "ANumber": [A1, A2]}])
    beeline.ok("DELBLIST", [{"BNumber": [B1], "ANumber": [A1], "ListID": 0}])
    assert triples(beeline.ok("LBLIST")) == {(0, B1, A2), (0, B2, A1), (0, B2, A2)}


def test_delblist_without_a_numbers_empties_those_b(beeline: BeelineWire) -> None:
    beeline.ok("SETBLIST", [{"BNumber": [B1, B2], "ANumber": [A1], "ListID": 2}, {"BNumber": [B1], "ANumber": [A1]}])
    beeline.ok("DELBLIST", [{"BNumber": [B1], "ListID": 2}])
    assert triples(beeline.ok("LBLIST")) == {(2, B2, A1), (0, B1, A1)}


def test_delblist_by_list_ids_empties_those_lists(beeline: BeelineWire) -> None:
    for n in (0, 1, 2):
        beeline.ok("SETBLIST", [{"BNumber": [B1], "ANumber": [A1], "ListID": n}])
    beeline.ok("DELBLIST", {"ListID": [0, 2]})
    assert triples(beeline.ok("LBLIST")) == {(1, B1, A1)}


def test_delblist_absent_empties_every_list(beeline: BeelineWire) -> None:
    for n in (0, 1, 2):
        beeline.ok("SETBLIST", [{"BNumber": [B2], "ANumber": [A2], "ListID": n}])
    beeline.ok("DELBLIST")
    assert beeline.ok("LBLIST") == []


def test_delblist_validates(emulators: Emulators, beeline: BeelineWire) -> None:
    beeline.ok("SETBLIST", [{"BNumber": [B1], "ANumber": [A1]}])
    unchanged(emulators, beeline, "DELBLIST", {"ListID": [0, 5]}, "404.105")
    unchanged(emulators, beeline, "DELBLIST", [{"BNumber": [B1], "ListID": 0}, {"BNumber": [FOREIGN]}], "404.100")


def test_ablist_sets_and_reads_the_active_list(emulators: Emulators, beeline: BeelineWire) -> None:
    assert beeline.ok("ABLIST") == 0
    assert beeline.ok("ABLIST", 2) == {"STATUS": "OK"}
    assert beeline.ok("ABLIST") == 2
    unchanged(emulators, beeline, "ABLIST", 3, "404.105")
    unchanged(emulators, beeline, "ABLIST", "two", "404.107")


def test_lblist_validates_list_ids(beeline: BeelineWire) -> None:
    assert beeline.error("LBLIST", [7]) == "404.105"
    assert beeline.error("LBLIST", ["x"]) == "404.107"


@pytest.mark.parametrize("grouping", ["per_b", "per_a", "triples"])
def test_lblist_grouping_varies_but_expands_to_the_same_triples(emulators: Emulators, beeline: BeelineWire,
                                                                 grouping: str) -> None:
    emulators.beeline.lblist_grouping = grouping
    beeline.ok("SETBLIST", [{"BNumber": [B1, B2], "ANumber": [A1, A2]}, {"BNumber": [B3], "ANumber": [A1]}])
    entries = beeline.ok("LBLIST")
    assert triples(entries) == {(0, B1, A1), (0, B1, A2), (0, B2, A1), (0, B2, A2), (0, B3, A1)}
    assert len(entries) == {"per_b": 3, "per_a": 2, "triples": 5}[grouping]


# -- recording -----------------------------------------------------------------------

def test_arecord_and_crecord_with_lists(beeline: BeelineWire) -> None:
    beeline.ok("ARECORD", [B1, B2])
    assert sorted(beeline.ok("LRECORD")) == [B1, B2]
    beeline.ok("CRECORD", [B1])
    assert beeline.ok("LRECORD") == [B2]


def test_star_recording_semantics(beeline: BeelineWire) -> None:
    beeline.ok("ARECORD", [B1])
    beeline.ok("ARECORD")  # absent: all numbers
    assert beeline.ok("LRECORD") == ["*"]
    assert beeline.ok("ARECORD", [B2]) == {"STATUS": "OK"}  # accepted, does nothing
    assert beeline.ok("CRECORD", [B2]) == {"STATUS": "OK"}  # accepted, does nothing
    assert beeline.ok("LRECORD") == ["*"]
    beeline.ok("CRECORD")  # absent: off everywhere, "*" included
    assert beeline.ok("LRECORD") == []


def test_shuffled_lists_keep_their_content(emulators: Emulators, beeline: BeelineWire) -> None:
    emulators.beeline.configure(shuffle=True, shuffle_seed=5)
    orders = {tuple(e["BNumber"] for e in beeline.ok("RLIST")) for _ in range(8)}
    assert len(orders) > 1 and all(sorted(order) == B_NUMBERS for order in orders)
