"""Round trips of rich accounts: export → plan shows nothing; export → apply restores; export twice → same bytes."""

from __future__ import annotations

import json
from pathlib import Path

from telconf.core.wav import make_wav

from .helpers import BEELINE_NUMBERS, EMAIL, LOGIN, TELEUM_NUMBERS, Site, changes_of, teleum_view, tree

T1, T2, T3 = TELEUM_NUMBERS
B1, B2, B3 = BEELINE_NUMBERS
WORKDAYS = json.dumps([{"ttsh": "9", "ttsm": "0", "ttfh": "18", "ttfm": "30", "dts": "1", "dtf": "5"},
                       {"ttsh": "10", "ttsm": "15", "ttfh": "14", "ttfm": "0", "dts": "6", "dtf": "6"}])


def seed_rich(site: Site) -> None:
    """Every kind of setting both providers have, most of them away from their defaults."""
    teleum, beeline = site.teleum, site.beeline
    t1_id = teleum.snapshot()["accounts"][0]["numbers"][0]["id"]
    teleum.add_sip(EMAIL, descr="Reception", sip_email="reception@example.com")
    teleum.add_sip(EMAIL, descr="Бухгалтерия: 2 этаж", rcid=t1_id)
    teleum.add_sip(EMAIL)
    teleum.add_forward(EMAIL, T1, rtype="SIP", rnum="101", isolated=1, dowjs2=WORKDAYS)
    teleum.add_forward(EMAIL, T1, rtype="SIP", rnum="102", timeout=5, rcid="групповой", moh=1)
    teleum.add_forward(EMAIL, T1, rtype="Телефон", rnum="79210000000", timeout=30, rcid="свой", rcnid=t1_id,
                       rec=1, vpbx=1)
    teleum.add_forward(EMAIL, T1, rtype="Автоответчик", rnum="office@example.com")
    teleum.add_forward(EMAIL, T2, rtype="Факс", rnum="fax@example.com", timeout=12)
    teleum.add_forward(EMAIL, T2, rtype="SIP", rnum="103",
                       dowjs2='[{"ttsh":"0","ttsm":"0","ttfh":"23","ttfm":"59","dts":"1","dtf":"7"}]')

    beeline.add_voice_file(LOGIN, "greeting.wav", make_wav(tone=3), comment="Main greeting")
    beeline.add_voice_file(LOGIN, "queue.wav", make_wav(tone=7))
    beeline.add_voice_file(LOGIN, "spare.wav", make_wav(tone=9), comment="not used")
    beeline.set_redirect(LOGIN, B1, "79160000000", B1)
    beeline.set_redirect(LOGIN, B2, "79160000001")
    beeline.set_premedia(LOGIN, B1, "greeting.wav", "queue.wav")
    beeline.set_premedia(LOGIN, B2, "", "queue.wav")
    beeline.set_record(LOGIN, [B1, B3])
    for i in range(60):  # more than 50: a block_file
        beeline.add_blacklist(LOGIN, 0, B1, f"790000001{i:02d}")
        beeline.add_blacklist(LOGIN, 0, B2, f"790000001{i:02d}")
    beeline.add_blacklist(LOGIN, 1, B3, "79000000000")
    beeline.add_blacklist(LOGIN, 2, B2, "79000000001")
    beeline.add_blacklist(LOGIN, 2, B3, "79000000002")
    beeline.set_active_list(LOGIN, 2)


def test_export_then_plan_shows_no_changes(site: Site, tmp_path: Path) -> None:
    seed_rich(site)
    out = tmp_path / "backup" / "telconf.yaml"
    exported = site.cli("export", "-c", str(site.source), "-o", str(out))
    assert exported.exit_code == 0, exported.output
    planned = site.cli("plan", "-c", str(out), "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output
    assert "No changes." in planned.stdout


def test_export_twice_gives_byte_identical_files(site: Site, tmp_path: Path) -> None:
    seed_rich(site)
    first, second = tmp_path / "first", tmp_path / "second"
    site.export(first / "telconf.yaml")
    site.export(second / "telconf.yaml")
    assert tree(first) == tree(second)
    assert sorted(tree(first)) == [
        "msk-callcenter/blacklists/0-74950000001.txt", "msk-callcenter/media/greeting.wav",
        "msk-callcenter/media/queue.wav", "msk-callcenter/media/spare.wav", "telconf.schema.json", "telconf.yaml",
    ]


def test_export_then_apply_to_an_empty_account_restores_every_reconciled_field(site: Site, tmp_path: Path) -> None:
    seed_rich(site)
    before = site.view()
    out = tmp_path / "backup" / "telconf.yaml"
    assert site.cli("export", "-c", str(site.source), "-o", str(out)).exit_code == 0

    site.empty_accounts()  # the disaster: the same logins and numbers, nothing configured
    assert site.view() != before
    applied = site.cli("apply", "-c", str(out), "--yes")
    assert applied.exit_code == 0, applied.output

    assert site.view() == before
    assert changes_of(site.plan(out)) == []
    # the new SIP lines got the passwords set in the environment for the placeholders
    assert {s["num"]: s["password"] for s in site.teleum.sips(EMAIL)} == {
        "101": "sip-password-101", "102": "sip-password-102", "103": "sip-password-103"}


def test_restore_to_a_fresh_account_with_other_credentials(site: Site, tmp_path: Path) -> None:
    """The runbook's move: yesterday's export, the new account's credentials in the same variables."""
    seed_rich(site)
    before = teleum_view(site.emulators)
    out = tmp_path / "backup" / "telconf.yaml"
    assert site.cli("export", "-c", str(site.source), "-o", str(out), "--account", "spb-office").exit_code == 0
    site.emulators.reset()
    site.teleum.add_account("new@example.com", "new-password", TELEUM_NUMBERS)
    site.env.update(TELEUM_EMAIL="new@example.com", TELEUM_PASSWORD="new-password")
    assert site.cli("apply", "-c", str(out), "--yes").exit_code == 0
    assert teleum_view(site.emulators, "new@example.com") == before


def test_the_rich_state_is_what_the_views_compare(site: Site) -> None:
    """Guards the comparisons above: the seeded state is really in the views."""
    seed_rich(site)
    view = site.view()
    assert len(view["teleum"]["sip_lines"]) == 3
    assert [len(view["teleum"]["forwards"][w]) for w in TELEUM_NUMBERS] == [4, 2, 0]
    assert view["teleum"]["forwards"][T1][2]["presents"] == T1
    assert len(view["beeline"]["blacklists"]) == 123 and view["beeline"]["active_list"] == 2
    assert set(view["beeline"]["files"]) == {"greeting.wav", "queue.wav", "spare.wav"}


def test_restore_the_same_account_after_changes_in_the_portal(site: Site, tmp_path: Path) -> None:
    seed_rich(site)
    before = site.view()
    out = tmp_path / "backup" / "telconf.yaml"
    assert site.cli("export", "-c", str(site.source), "-o", str(out)).exit_code == 0

    snapshot = site.teleum.snapshot()  # someone edits by hand: a forward gone, another changed
    forwards = snapshot["accounts"][0]["forwards"]
    forwards.remove(next(f for f in forwards if f["rtype"] == "Факс"))
    next(f for f in forwards if f["rnum"] == "102")["timeout"] = 25
    site.teleum.restore(snapshot)
    site.beeline.set_redirect(LOGIN, B2, "79169999999")
    site.beeline.set_premedia(LOGIN, B1, "", "")
    site.beeline.set_record(LOGIN, "*")
    site.beeline.set_active_list(LOGIN, 0)
    site.beeline.add_blacklist(LOGIN, 1, B1, "79000000009")
    assert site.view() != before

    site.env = {k: v for k, v in site.env.items() if not k.startswith("SIP_")}  # not needed here
    assert site.cli("plan", "-c", str(out), "--detailed-exitcode").exit_code == 2
    applied = site.cli("apply", "-c", str(out), "--yes")
    assert applied.exit_code == 0, applied.output
    assert site.view() == before


def test_a_deleted_sip_line_cannot_come_back_under_its_number(site: Site, tmp_path: Path) -> None:
    site.teleum.add_sip(EMAIL)
    site.teleum.add_sip(EMAIL)
    out = tmp_path / "telconf.yaml"
    site.export(out, ["spb-office"])
    snapshot = site.teleum.snapshot()
    snapshot["accounts"][0]["sips"].pop()  # line 102 deleted in the portal
    site.teleum.restore(snapshot)
    planned = site.cli("plan", "-c", str(out))
    assert planned.exit_code == 1
    assert "SIP line 102 cannot be created" in planned.stderr and "would assign 103" in planned.stderr
