"""Beeline transport (CONTRACT 2.1): multipart api_form, Basic auth, error shape, limits."""

from __future__ import annotations

import json

import pytest
import requests
from emulator_wire import B_LOGIN, B_NUMBERS, BeelineWire

from telconf.emulator import Emulators
from telconf.core.wav import make_wav


@pytest.mark.parametrize("auth", [None, (B_LOGIN, "wrong-password"), ("nobody", "client-password")])
def test_missing_or_wrong_login_is_401_1(beeline: BeelineWire, auth: object) -> None:
    response = beeline.call("RLIST", auth=auth)
    assert response.status_code == 401
    assert response.json()["ERR_CODE"] == "401.1"
    assert response.headers["WWW-Authenticate"].startswith("Basic")


def test_error_body_has_the_contract_shape(beeline: BeelineWire) -> None:
    response = beeline.call("RLIST", ["79991234567"])
    body = response.json()
    assert set(body) == {"STATUS", "AUXCODE", "COMMAND", "ERR_CODE", "ERR_DESCRIPTION"}
    assert body["STATUS"] == "ERROR" and body["COMMAND"] == "RLIST"
    assert response.status_code == 404 and body["ERR_CODE"] == "404.100"
    assert body["ERR_DESCRIPTION"] == "Invalid BNumber(s)"


def test_success_is_status_ok_or_confdata(beeline: BeelineWire) -> None:
    assert beeline.call("RCANCEL").json() == {"STATUS": "OK"}
    assert "ConfData" in beeline.call("RLIST").json()


def test_request_id_is_accepted(beeline: BeelineWire) -> None:
    assert beeline.call("LRECORD", RequestID="req-1").status_code == 200


def test_unknown_command_is_501_1(beeline: BeelineWire) -> None:
    assert beeline.error("INITCALLS") == "501.1"


def test_not_multipart_is_400_7(emulators: Emulators, beeline: BeelineWire) -> None:
    response = requests.post(f"{beeline.url}/request", json={"Command": "RLIST"}, auth=beeline.auth)
    assert response.status_code == 400 and response.json()["ERR_CODE"] == "400.7"


def test_no_api_form_part_is_400_8(beeline: BeelineWire) -> None:
    response = requests.post(f"{beeline.url}/request", files={"form": (None, "{}")}, auth=beeline.auth)
    assert response.status_code == 400 and response.json()["ERR_CODE"] == "400.8"


@pytest.mark.parametrize("content, code", [("{not json", "400.2"), ("[1, 2]", "400.2"),
                                           (json.dumps({"ConfData": []}), "400.6")])
def test_bad_api_form_is_400(beeline: BeelineWire, content: str, code: str) -> None:
    response = requests.post(f"{beeline.url}/request", files={"api_form": (None, content)}, auth=beeline.auth)
    assert response.status_code == 400 and response.json()["ERR_CODE"] == code


def test_api_form_sent_as_a_file_part_is_read_too(beeline: BeelineWire) -> None:
    files = {"api_form": ("api_form.json", json.dumps({"Command": "LRECORD"}), "application/json")}
    response = requests.post(f"{beeline.url}/request", files=files, auth=beeline.auth)
    assert response.status_code == 200 and response.json() == {"ConfData": []}


def test_a_body_over_the_limit_is_413_1_and_changes_nothing(emulators: Emulators, beeline: BeelineWire) -> None:
    emulators.beeline.max_body_bytes = 2000
    before = emulators.beeline.snapshot()
    assert beeline.error("VFILE", vfile=("big.wav", make_wav(0.5))) == "413.1"
    assert emulators.beeline.snapshot() == before
    assert beeline.ok("VFILE", vfile=("small.wav", make_wav(0.01))) == {"STATUS": "OK"}


def test_get_on_request_is_not_served(beeline: BeelineWire) -> None:
    assert requests.get(f"{beeline.url}/request", auth=beeline.auth).status_code == 404


def test_download_serves_the_stored_file(emulators: Emulators, beeline: BeelineWire) -> None:
    content = make_wav(tone=7)
    emulators.beeline.add_voice_file(B_LOGIN, "hello.wav", content)
    response = requests.get(f"{beeline.url}/download", params={"file": "hello.wav"}, auth=beeline.auth)
    assert response.status_code == 200 and response.content == content
    assert response.headers["Content-Type"] == "audio/wav"


def test_download_of_an_unknown_file_is_404_113(beeline: BeelineWire) -> None:
    response = requests.get(f"{beeline.url}/download", params={"file": "nope.wav"}, auth=beeline.auth)
    assert response.status_code == 404 and response.json()["ERR_CODE"] == "404.113"


def test_download_without_a_file_is_404_112(beeline: BeelineWire) -> None:
    response = requests.get(f"{beeline.url}/download", auth=beeline.auth)
    assert response.status_code == 404 and response.json()["ERR_CODE"] == "404.112"


def test_download_needs_the_owners_login(emulators: Emulators, beeline: BeelineWire) -> None:
    emulators.beeline.add_voice_file(B_LOGIN, "hello.wav", make_wav())
    url = f"{beeline.url}/download"
    assert requests.get(url, params={"file": "hello.wav"}).status_code == 401
    other = requests.get(url, params={"file": "hello.wav"}, auth=("other", "other-password"))
    assert other.status_code == 404 and other.json()["ERR_CODE"] == "404.113"


def test_clients_are_isolated(emulators: Emulators, beeline: BeelineWire) -> None:
    other = BeelineWire(emulators.beeline_url, "other", "other-password")
    assert [e["BNumber"] for e in other.ok("RLIST")] == ["74951234567"]
    assert beeline.error("RLIST", ["74951234567"]) == "404.100"
    assert [e["BNumber"] for e in beeline.ok("RLIST")] == B_NUMBERS
