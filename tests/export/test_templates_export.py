"""`telconf export --templates`: shared settings written once; the export still plans as a no-op."""

from __future__ import annotations

from pathlib import Path

import yaml

from .helpers import BEELINE_NUMBERS, EMAIL, LOGIN, TELEUM_NUMBERS, Site

T1, T2, T3 = TELEUM_NUMBERS
B1, B2, B3 = BEELINE_NUMBERS


def seed_shared(site: Site) -> None:
    teleum, beeline = site.teleum, site.beeline
    teleum.add_sip(EMAIL, descr="Queue")
    for number in (T1, T2):  # the same two forwards on two numbers
        teleum.add_forward(EMAIL, number, rtype="SIP", rnum="101", timeout=25)
        teleum.add_forward(EMAIL, number, rtype="Автоответчик", rnum="queue{1}@example.com")
    teleum.add_forward(EMAIL, T3, rtype="SIP", rnum="101")
    for number in (B1, B2):
        beeline.set_redirect(LOGIN, number, "79160000000")
    beeline.set_record(LOGIN, [B1, B2])
    beeline.set_redirect(LOGIN, B3, "79160000009")


def test_shared_settings_become_templates_and_plan_as_a_no_op(site: Site, tmp_path: Path) -> None:
    seed_shared(site)
    out = tmp_path / "backup" / "telconf.yaml"
    exported = site.cli("export", "-c", str(site.source), "-o", str(out), "--templates")
    assert exported.exit_code == 0, exported.output
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    templates = data["templates"]
    assert len(templates) == 2
    uses = {number: settings.get("use") for account in data["accounts"].values()
            for number, settings in account["numbers"].items()}
    assert sum(1 for name in uses.values() if name) == 4  # T1, T2, B1, B2
    teleum_template = next(t for t in templates.values() if "forwards" in t)
    assert teleum_template["forwards"][1]["to"] == "voicemail:queue{{1}}@example.com"  # literal braces kept
    planned = site.cli("plan", "-c", str(out), "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output
    assert "No changes." in planned.stdout


def test_the_default_export_stays_flat(site: Site, tmp_path: Path) -> None:
    seed_shared(site)
    out = tmp_path / "flat.yaml"
    assert site.cli("export", "-c", str(site.source), "-o", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "templates:" not in text and "use:" not in text
    assert site.cli("plan", "-c", str(out), "--detailed-exitcode").exit_code == 0
