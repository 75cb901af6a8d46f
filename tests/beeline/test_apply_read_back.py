"""Beeline items are read back after the account's last write, and compared there.

Apply A changes a redirect, then the active black list; B plans and applies the same two
items between A's two writes. Read back once REDIRECT was done (as the apply did for a
while, to save time), A would exit 0 with B's redirect and its own active list, and so
would B: an account that matches neither config. A reads back after its last write, sees
B's redirect, and exits 1. The held ABLIST waits for a read-back that must not come.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from telconf.core.errors import ApplyError, PlanError, TransientError
from telconf.core.wav import make_wav
from telconf.engine.apply import ApplyReport
from telconf.engine.apply_items import ItemStatus
from telconf.providers.beeline.client import BeelineClient
from telconf.providers.beeline.model import BeelineAccount, BeelineNumber, Blacklists, Redirect, VoiceFile
from telconf.providers.beeline.provider import BeelineProvider

from .conftest import LOGIN, NUMBERS, BeelineBench

N1 = NUMBERS[0]
HOLD_SECONDS = 0.5  # how long the held write gives an early read-back to come (it must not)
WAIT_SECONDS = 10.0  # only reached when the awaited request never comes first (the failure)


def redirect_and_active_list(bench: BeelineBench, to: str, active: int) -> BeelineAccount:
    return bench.account(numbers={N1: BeelineNumber(N1, redirect=Redirect(to))}, blacklists=Blacklists(active=active))


def logged(bench: BeelineBench, command: str, after: int = 0) -> int | None:
    """Position in the call log of the first ``command`` from ``after``."""
    return next((i for i, call in enumerate(list(bench.emu.call_log)[after:], start=after)
                 if call["method"] == command), None)


def outcome(bench: BeelineBench, account: BeelineAccount) -> tuple[bool, ApplyReport]:
    with bench.conductor(account) as conductor:
        plan = conductor.plan()
        try:
            return True, conductor.apply(plan)
        except ApplyError as exc:
            return False, exc.report


def test_items_are_read_back_only_after_the_accounts_last_write(bench: BeelineBench) -> None:
    bench.emu.set_redirect(LOGIN, N1, "79160000000")
    account_a = redirect_and_active_list(bench, "79160000001", 1)
    account_b = redirect_and_active_list(bench, "79160000002", 2)
    outcomes: dict[str, tuple[bool, ApplyReport]] = {}
    held: list[int | None] = []

    def before_call(command: str, params: Any) -> None:
        if held or command != "ABLIST" or "ConfData" not in params:
            return  # only A's ABLIST write is held, once
        redirected = logged(bench, "REDIRECT")  # answered: ABLIST comes after it (a later stage)
        assert redirected is not None
        deadline = time.monotonic() + HOLD_SECONDS
        while logged(bench, "RLIST", redirected) is None and time.monotonic() < deadline:
            time.sleep(0.005)
        held.append(logged(bench, "RLIST", redirected))
        b = threading.Thread(target=lambda: outcomes.setdefault("b", outcome(bench, account_b)))
        b.start()
        b.join(timeout=60)

    bench.emu.clear_log()
    bench.emu.before_call = before_call
    outcomes["a"] = outcome(bench, account_a)
    assert held == [None], "A read its redirect back while its ABLIST was in flight"
    (a_ok, a_report), (b_ok, b_report) = outcomes["a"], outcomes["b"]
    assert b_ok and [i.status for i in b_report.items] == [ItemStatus.VERIFIED] * 2
    assert not a_ok
    statuses = {i.label: i.status for i in a_report.items}
    assert statuses == {"redirect of +7 495 000-00-01": ItemStatus.CONFLICT,
                        "the active black list": ItemStatus.VERIFIED}
    assert bench.state()["redirects"][N1]["RNumber"] == "79160000002" and bench.state()["active_list"] == 1


def test_an_item_that_cannot_be_compared_after_the_apply_fails_and_the_report_still_comes(
        bench: BeelineBench, monkeypatch: pytest.MonkeyPatch) -> None:
    """A provider error while comparing the read-back (a plan error of the kind's diff) is
    the item's failure in the report, not an error that loses the report."""
    account = bench.account(numbers={N1: BeelineNumber(N1, redirect=Redirect("79160000001"))})

    def check_item(self: BeelineProvider, view: Any, item: str) -> Any:
        raise PlanError("cc: voice file 'x.wav' would be deleted, but number +7 495 000-00-01 plays it")

    with bench.conductor(account) as conductor:
        plan = conductor.plan()
        monkeypatch.setattr(BeelineProvider, "check_item", check_item)
        with pytest.raises(ApplyError) as err:
            conductor.apply(plan)
    [item] = err.value.report.items
    assert item.status is ItemStatus.FAILED
    assert item.detail == ("could not be read back after the apply: cc: voice file 'x.wav' would be deleted, "
                           "but number +7 495 000-00-01 plays it")
    assert "items: 0 done, 0 conflicted, 0 changed since the plan, 1 failed" in str(err.value)


# --- voice files: the content compared is downloaded after the listing that reads them back ---


def uploading(bench: BeelineBench, tmp_path: Path) -> BeelineAccount:
    greeting = tmp_path / "greeting.wav"
    greeting.write_bytes(make_wav(tone=3))
    bench.emu.pending_seconds = 0  # ready at once: one LVFILES polls, the next reads back
    return bench.account(voice_files={"greeting.wav": VoiceFile("greeting.wav", greeting, "hello")})


def test_a_download_that_fails_in_the_read_back_is_made_again(bench: BeelineBench, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    account = uploading(bench, tmp_path)
    attempts: list[str] = []
    download = BeelineClient.download

    def flaky(self: BeelineClient, name: str) -> bytes:
        attempts.append(name)
        if len(attempts) == 1:
            raise TransientError("connection reset", provider="beeline", call=f"download {name}")
        return download(self, name)

    monkeypatch.setattr(BeelineClient, "download", flaky)
    with bench.conductor(account) as conductor:
        report = conductor.apply(conductor.plan())
    assert attempts == ["greeting.wav", "greeting.wav"]
    assert report.ok and [i.status for i in report.items] == [ItemStatus.VERIFIED]


def test_a_voice_file_replaced_after_the_upload_is_a_conflict(bench: BeelineBench, tmp_path: Path) -> None:
    """Another writer's file of the same name, uploaded between our upload and the read-back
    (same comment, same second: the listing looks the same), is seen by its content."""
    account = uploading(bench, tmp_path)
    polls: list[str] = []

    def before_call(command: str, params: Any) -> None:
        if command == "LVFILES" and logged(bench, "VFILE") is not None:
            polls.append(command)
            if len(polls) == 1:  # our upload is done; someone replaces it before the wait's poll
                bench.emu.add_voice_file(LOGIN, "greeting.wav", make_wav(tone=7), comment="hello")

    with bench.conductor(account) as conductor:
        plan = conductor.plan()
        bench.emu.clear_log()
        bench.emu.before_call = before_call
        with pytest.raises(ApplyError) as caught:
            conductor.apply(plan)
    statuses = {i.label: i.status for i in caught.value.report.items}
    assert statuses == {"voice file greeting.wav": ItemStatus.CONFLICT}


def test_a_download_served_while_another_upload_is_pending_is_not_verified(
        bench: BeelineBench, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only a file the listing calls ready is downloaded, after the listing (hostile review
    of a faster read-back that downloaded beside the listing).

    Modelled server: while a re-uploaded file is PENDING, its download still serves the
    last processed content (the documents do not say; the emulator serves the new bytes).
    Another writer's upload of the same name and comment is answered after our last write
    and processed before our listing is answered: downloaded beside the listing, our own
    old content would be paired with "ready" and called VERIFIED.
    """
    account = uploading(bench, tmp_path)
    ours, theirs = make_wav(tone=3), make_wav(tone=7)
    injected = threading.Event()
    served_while_pending = threading.Event()

    def pending(name: str) -> bool:
        return bench.emu.clock() < float(bench.emu.account_state(LOGIN)["files"][name]["ready_at"])

    read_items = BeelineProvider.read_items

    def uploaded_by_another_first(self: BeelineProvider, names: Any, *, verify: bool = False) -> Any:
        if verify and not injected.is_set():  # after our last write, before our read-back
            bench.emu.pending_seconds = 60
            bench.emu.add_voice_file(LOGIN, "greeting.wav", theirs, comment="hello", pending=True)
            injected.set()
        return read_items(self, names, verify=verify)

    download = BeelineClient.download

    def old_content_while_pending(self: BeelineClient, name: str) -> bytes:
        if injected.is_set() and pending(name):
            served_while_pending.set()
            return ours
        return download(self, name)

    def before_call(command: str, params: Any) -> None:
        if command == "LVFILES" and injected.is_set():
            served_while_pending.wait(HOLD_SECONDS)  # a download sent beside the listing comes first
            bench.emu.finish_pending()  # their file is processed before our listing is answered

    monkeypatch.setattr(BeelineProvider, "read_items", uploaded_by_another_first)
    monkeypatch.setattr(BeelineClient, "download", old_content_while_pending)
    with bench.conductor(account) as conductor:
        plan = conductor.plan()
        bench.emu.before_call = before_call
        with pytest.raises(ApplyError) as caught:
            conductor.apply(plan)
    assert not served_while_pending.is_set()
    statuses = {i.label: i.status for i in caught.value.report.items}
    assert statuses == {"voice file greeting.wav": ItemStatus.CONFLICT}
