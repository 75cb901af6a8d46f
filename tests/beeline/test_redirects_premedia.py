"""Redirects, greetings and voice files against the emulator over HTTP."""

from __future__ import annotations

import base64
import time
from pathlib import Path

import pytest

from telconf.core.errors import PlanError
from telconf.providers.beeline.model import NO_PREMEDIA, BeelineNumber, Premedia, Redirect, VoiceFile
from telconf.core.wav import make_wav

from .conftest import LOGIN, NUMBERS, BeelineBench

N1, N2, N3, N4 = NUMBERS


def test_redirects_are_created_changed_and_removed_in_one_request_each(bench: BeelineBench) -> None:
    bench.emu.set_redirect(LOGIN, N1, "79160000001")
    bench.emu.set_redirect(LOGIN, N3, "79160000003", "74950000003")
    bench.emu.set_redirect(LOGIN, N4, "79160000004")  # not managed: must stay
    account = bench.account(numbers={
        N1: BeelineNumber(N1, redirect=Redirect("79160000011")),
        N2: BeelineNumber(N2, redirect=Redirect("79160000002", caller_id=N2)),
        N3: BeelineNumber(N3, redirect=None),
    })
    plan = bench.converge(account)
    actions = {(c.key, c.action.value) for c in plan.changes}
    assert actions == {(N1, "update"), (N2, "create"), (N3, "delete")}
    cancel = next(c for c in plan.changes if c.key == N3)
    assert cancel.warning == "incoming calls to +7 495 000-00-03 will be rejected"
    assert [call.method for call in plan.calls] == ["REDIRECT", "RCANCEL"]
    assert plan.calls[0].params == [
        {"BNumber": N1, "RNumber": "79160000011"},
        {"BNumber": N2, "RNumber": "79160000002", "ANumber": N2},
    ]
    assert bench.state()["redirects"] == {
        N1: {"RNumber": "79160000011"},
        N2: {"RNumber": "79160000002", "ANumber": N2},
        N4: {"RNumber": "79160000004"},
    }


def test_a_plan_against_a_matching_account_makes_no_write(bench: BeelineBench) -> None:
    bench.emu.set_redirect(LOGIN, N1, "79160000001")
    account = bench.account(numbers={N1: BeelineNumber(N1, redirect=Redirect("79160000001"), record=False)})
    bench.emu.clear_log()
    plan = bench.plan(account)
    assert plan.changes == () and plan.calls == ()
    assert bench.writes() == []


def test_a_managed_number_that_is_not_the_clients_is_refused(bench: BeelineBench) -> None:
    account = bench.account(numbers={"74959999999": BeelineNumber("74959999999", redirect=None)})
    with pytest.raises(PlanError, match=r"\+7 495 999-99-99 is not a number of this Beeline account"):
        bench.plan(account)


def _wav(tmp_path: Path, name: str, tone: int) -> Path:
    path = tmp_path / name
    path.write_bytes(make_wav(tone=tone))
    return path


def test_voice_files_are_uploaded_bound_unbound_and_deleted(bench: BeelineBench, tmp_path: Path) -> None:
    bench.emu.add_voice_file(LOGIN, "old.wav", make_wav(tone=9), comment="old")
    bench.emu.set_premedia(LOGIN, N1, file_a="old.wav")
    greeting = _wav(tmp_path, "greeting.wav", 1)
    account = bench.account(
        voice_files={"greeting.wav": VoiceFile("greeting.wav", greeting, "Main greeting")},
        numbers={
            N1: BeelineNumber(N1, premedia=Premedia(a="greeting.wav")),
            N2: BeelineNumber(N2, premedia=Premedia(a="greeting.wav", b="greeting.wav")),
        },
    )
    plan = bench.converge(account)
    assert [call.method for call in plan.calls] == ["VFILE", "PREMEDIA", "DELFILE"]
    assert plan.calls[0].params == {"filename": "greeting.wav", "Comment": "Main greeting",
                                    "vfile": {"$file": "greeting.wav"}}
    state = bench.state()
    assert set(state["files"]) == {"greeting.wav"}
    assert state["premedia"] == {N1: {"FileA": "greeting.wav", "FileB": ""},
                                 N2: {"FileA": "greeting.wav", "FileB": "greeting.wav"}}
    # greetings removed (premedia: null), the file kept
    account = bench.account(
        voice_files={"greeting.wav": VoiceFile("greeting.wav", greeting, "Main greeting")},
        numbers={N1: BeelineNumber(N1, premedia=NO_PREMEDIA)},
    )
    plan = bench.converge(account)
    assert [(c.key, c.action.value) for c in plan.changes] == [(N1, "delete")]
    assert bench.state()["premedia"] == {N2: {"FileA": "greeting.wav", "FileB": "greeting.wav"}}


def test_deleting_a_file_an_unmanaged_number_plays_is_refused(bench: BeelineBench, tmp_path: Path) -> None:
    bench.emu.add_voice_file(LOGIN, "old.wav", make_wav(tone=9))
    bench.emu.set_premedia(LOGIN, N3, file_b="old.wav")
    account = bench.account(voice_files={}, numbers={N1: BeelineNumber(N1, redirect=None)})
    with pytest.raises(PlanError, match=r"'old.wav'.*\+7 495 000-00-03 plays it"):
        bench.plan(account)


def test_a_file_replaced_out_of_band_is_detected_and_uploaded_again(bench: BeelineBench, tmp_path: Path) -> None:
    greeting = _wav(tmp_path, "greeting.wav", 1)
    account = bench.account(voice_files={"greeting.wav": VoiceFile("greeting.wav", greeting, "hi")})
    bench.converge(account)
    bench.emu.add_voice_file(LOGIN, "greeting.wav", make_wav(tone=7), comment="hi")  # someone else's upload
    plan = bench.converge(account)
    assert [(c.kind, c.action.value) for c in plan.changes] == [("voice_file", "update")]
    stored = base64.b64decode(bench.state()["files"]["greeting.wav"]["content_b64"])
    assert stored == greeting.read_bytes()


def test_a_comment_only_difference_is_an_upload_that_says_why(bench: BeelineBench, tmp_path: Path) -> None:
    greeting = _wav(tmp_path, "greeting.wav", 1)
    bench.emu.add_voice_file(LOGIN, "greeting.wav", greeting.read_bytes(), comment="old words")
    account = bench.account(voice_files={"greeting.wav": VoiceFile("greeting.wav", greeting, "new words")})
    plan = bench.converge(account)
    (change,) = plan.changes
    assert change.action.value == "update" and "comment" in (change.warning or "")
    assert change.before["comment"] == "old words" and change.after["comment"] == "new words"
    assert bench.state()["files"]["greeting.wav"]["comment"] == "new words"


def test_pending_uploads_are_waited_for_before_premedia(bench: BeelineBench, tmp_path: Path,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    bench.emu.pending_seconds = 0.4
    greeting = _wav(tmp_path, "greeting.wav", 1)
    account = bench.account(
        voice_files={"greeting.wav": VoiceFile("greeting.wav", greeting)},
        numbers={N1: BeelineNumber(N1, premedia=Premedia(a="greeting.wav"))},
    )
    with caplog.at_level("INFO", logger="telconf.providers.beeline"):
        bench.converge(account)
    methods = [c["method"] for c in bench.emu.call_log]
    vfile, premedia = methods.index("VFILE"), methods.index("PREMEDIA")
    assert "LVFILES" in methods[vfile:premedia]
    assert not any(c["err"] for c in bench.emu.call_log)  # PREMEDIA never met a pending file
    assert "waiting for voice file greeting.wav" in caplog.text


def test_pendnig_spelling_is_read_as_pending(bench: BeelineBench, tmp_path: Path) -> None:
    bench.emu.pending_key = "PENDNIG"
    bench.emu.pending_seconds = 0.3
    greeting = _wav(tmp_path, "greeting.wav", 1)
    account = bench.account(
        voice_files={"greeting.wav": VoiceFile("greeting.wav", greeting)},
        numbers={N1: BeelineNumber(N1, premedia=Premedia(a="greeting.wav"))},
    )
    bench.converge(account)
    assert not any(c["err"] for c in bench.emu.call_log)


def test_premedia_waits_for_a_file_uploaded_outside_the_plan(bench: BeelineBench) -> None:
    emu = bench.emu
    start = time.time()
    # the emulator's clock moves on only once PREMEDIA has been refused: the file is
    # pending for the plan's read and the first PREMEDIA, ready afterwards
    emu.clock = lambda: start + 100 * sum(1 for c in emu.call_log if c["method"] == "PREMEDIA")
    emu.pending_seconds = 50
    emu.add_voice_file(LOGIN, "theirs.wav", make_wav(tone=4), pending=True)
    bench.converge(bench.account(numbers={N1: BeelineNumber(N1, premedia=Premedia(b="theirs.wav"))}))
    assert bench.state()["premedia"] == {N1: {"FileA": "", "FileB": "theirs.wav"}}
    assert [c["err"] for c in emu.call_log if c["method"] == "PREMEDIA"] == ["404.104", None]


def test_a_local_file_that_is_not_a_valid_wav_is_a_plan_error(bench: BeelineBench, tmp_path: Path) -> None:
    path = tmp_path / "loud.wav"
    path.write_bytes(make_wav(rate=16000))
    account = bench.account(voice_files={"loud.wav": VoiceFile("loud.wav", path)})
    with pytest.raises(PlanError, match=r"'loud.wav' .* cannot be uploaded: 16000 Hz instead of 8000 Hz"):
        bench.plan(account)
    path.unlink()
    with pytest.raises(PlanError, match=r"cannot read voice file 'loud.wav'"):
        bench.plan(account)
