"""Small pure pieces: the bounded wait for uploads, the TLS settings of the client, the cache."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from telconf.core.errors import TransientError
from telconf.providers.beeline.client import BeelineClient
from telconf.providers.beeline.voicefiles import FileCache, wait_until_ready


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_the_wait_for_an_upload_is_bounded_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    with caplog.at_level(logging.INFO, logger="telconf.providers.beeline"):
        with pytest.raises(TransientError, match="voice file a.wav still pending after 30 s"):
            wait_until_ready("a.wav", lambda: True, timeout=30, sleep=clock.sleep, clock=clock)
    assert clock.now == pytest.approx(30, abs=0.1)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "still being processed by the server after 1" in warnings[0].getMessage()


def test_the_wait_ends_when_the_file_is_ready() -> None:
    clock = FakeClock()
    answers = iter([None, True, True, False])  # not listed yet, pending, pending, ready
    wait_until_ready("a.wav", lambda: next(answers), timeout=30, sleep=clock.sleep, clock=clock)
    assert 0 < clock.now < 2


def test_client_certificate_and_ca_bundle_are_used() -> None:
    client = BeelineClient("https://cc.example/api/", "u", "p", client_cert="c.pem", client_key="k.pem",
                           ca_bundle="ca.pem")
    assert client.base == "https://cc.example/api"
    assert client.transport.session.cert == ("c.pem", "k.pem")
    assert client.transport.session.verify == "ca.pem"
    assert BeelineClient("https://x/api", "u", "p").transport.session.verify is True


def test_a_cached_copy_is_trusted_only_once_its_upload_second_is_over(tmp_path: Path) -> None:
    fetched: list[str] = []
    clock = FakeClock()

    def fetch(name: str) -> bytes:
        fetched.append(name)
        return f"content {len(fetched)}".encode()

    clock.now = 1000.0
    first = FileCache(fetch, tmp_path, "acct", clock=clock)
    assert first.content("a.wav", "20261122 10:00:00", seen_at=1000.0) == b"content 1"
    assert first.content("a.wav", "20261122 10:00:00", seen_at=1000.0) == b"content 2"  # maybe replaced since
    clock.now = 1001.5
    second = FileCache(fetch, tmp_path, "acct", clock=clock)  # a later run
    assert second.content("a.wav", "20261122 10:00:00", seen_at=1001.5) == b"content 3"  # fetched after the second
    third = FileCache(fetch, tmp_path, "acct", clock=clock)
    assert third.content("a.wav", "20261122 10:00:00", seen_at=1002.0) == b"content 3"  # from disk
    assert len(fetched) == 3
    assert FileCache(fetch, tmp_path, "other", clock=clock).content("a.wav", "20261122 10:00:00", 1002.0) \
        == b"content 4"  # another account never shares copies
