"""Helpers of the export tests: emulated accounts, a source config, and state views.

The views below read the emulators' state through their control API, independently
of the providers' payload parsing, and keep exactly the fields telconf reconciles:
SIP line ids and passwords, forward ids and ``direction`` values, upload times and
the per-number recording list hidden while recording is on for all are left out.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from telconf.cli import main
from telconf.config import load
from telconf.emulator import Emulators
from telconf.output.export import ExportResult
from telconf.plan.data import Plan
from telconf.engine.conductor import Conductor

EMAIL, TELEUM_PASSWORD = "ops@example.com", "account-password"
LOGIN, BEELINE_PASSWORD = "callcenter", "cc-password-1"
TELEUM_NUMBERS = ["78123232323", "78123232324", "78123232325"]
BEELINE_NUMBERS = ["74950000001", "74950000002", "74950000003"]

SOURCE = """\
version: 1
accounts:
  spb-office:
    provider: teleum
    url: ${TELCONF_VAR_TELEUM_URL}
    credentials:
      email: ${TELEUM_EMAIL}
      password: ${TELEUM_PASSWORD}
  msk-callcenter:
    provider: beeline
    url: ${TELCONF_VAR_BEELINE_URL}
    credentials:
      username: ${BEELINE_LOGIN}
      password: ${BEELINE_PASSWORD}
"""


@dataclass
class Site:
    """Both emulated accounts, a source config naming them, and ways to export/plan/apply."""

    emulators: Emulators
    root: Path
    env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.env = {
            "TELCONF_VAR_TELEUM_URL": self.emulators.teleum_url, "TELEUM_EMAIL": EMAIL, "TELEUM_PASSWORD": TELEUM_PASSWORD,
            "TELCONF_VAR_BEELINE_URL": self.emulators.beeline_url, "BEELINE_LOGIN": LOGIN, "BEELINE_PASSWORD": BEELINE_PASSWORD,
            "TELCONF_CACHE_DIR": str(self.root / "cache"),
            **{f"SIP_{n}_PASSWORD": f"sip-password-{n}" for n in range(101, 111)},
        }
        self.source = self.root / "source" / "telconf.yaml"
        self.source.parent.mkdir(parents=True, exist_ok=True)
        self.source.write_text(SOURCE, encoding="utf-8")

    @property
    def teleum(self) -> Any:
        return self.emulators.teleum

    @property
    def beeline(self) -> Any:
        return self.emulators.beeline

    def empty_accounts(self) -> None:
        """Wipe both emulators; leave empty accounts with the same logins and numbers."""
        self.emulators.reset()
        self.teleum.add_account(EMAIL, TELEUM_PASSWORD, TELEUM_NUMBERS)
        self.beeline.add_account(LOGIN, BEELINE_PASSWORD, BEELINE_NUMBERS)
        self.beeline.pending_seconds = 0

    def cli(self, *args: str, cwd: Path | None = None) -> Result:
        """Run ``telconf ARGS`` with the site's environment (in ``cwd`` when given)."""
        runner = CliRunner()
        if cwd is None:
            return runner.invoke(main, list(args), env=self.env)
        before = os.getcwd()
        os.chdir(cwd)
        try:
            return runner.invoke(main, list(args), env=self.env)
        finally:
            os.chdir(before)

    def export(self, out: Path, accounts: list[str] | None = None) -> ExportResult:
        """Export through the library (no CLI), into ``out``."""
        config = load(self.source, accounts, environ=self.env)
        with Conductor(config, accounts=accounts, environ=self.env) as conductor:
            return conductor.export(out=out)

    def plan(self, config_path: Path) -> Plan:
        config = load(config_path, environ=self.env)
        with Conductor(config, environ=self.env) as conductor:
            return conductor.plan()

    def apply(self, config_path: Path) -> Plan:
        config = load(config_path, environ=self.env)
        with Conductor(config, environ=self.env) as conductor:
            plan = conductor.plan()
            report = conductor.apply(plan)
        assert report.ok, list(report.lines())
        return plan

    def view(self) -> dict[str, Any]:
        """Every reconciled field of both accounts."""
        return {"teleum": teleum_view(self.emulators), "beeline": beeline_view(self.emulators)}


def changes_of(plan: Plan) -> list[dict[str, Any]]:
    return [change.to_data() for account in plan.accounts for change in account.changes]


def tree(directory: Path) -> dict[str, bytes]:
    """Every file under ``directory`` with its bytes, by relative path."""
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


# --- views of the emulators' state ------------------------------------------------------


def teleum_view(emulators: Emulators, email: str = EMAIL) -> dict[str, Any]:
    account = next(a for a in emulators.teleum.snapshot()["accounts"] if a["email"] == email)
    wire_of = {str(n["id"]): n["number"] for n in account["numbers"]}
    lines = {s["num"]: {"description": s["descr"], "email": s["email"],
                        "caller_id": None if str(s["rcid"]) == "0" else wire_of[str(s["rcid"])]}
             for s in account["sips"]}
    forwards = {wire: [_forward(raw, wire_of) for raw in emulators.teleum.forwards(email, wire)]
                for wire in wire_of.values()}
    return {"sip_lines": lines, "forwards": forwards}


def _forward(raw: Mapping[str, Any], wire_of: Mapping[str, str]) -> dict[str, Any]:
    # A schedule is a set of intervals: their order and repeats do not change when calls go through.
    intervals = sorted({(int(i["dts"]), int(i["dtf"]), int(i["ttsh"]) * 60 + int(i["ttsm"]),
                         int(i["ttfh"]) * 60 + int(i["ttfm"])) for i in json.loads(raw["dowjs2"] or "[]")})
    if intervals == [(1, 7, 0, 1439)]:
        intervals = []  # the one spelling of "always" besides none
    return {
        "type": raw["rtype"], "to": raw["rnum"], "timeout": int(raw["timeout"]), "rcid": raw["rcid"],
        "presents": wire_of.get(str(raw["rcnid"])) if raw["rcid"] == "свой" else None,
        "rec": int(raw["rec"]), "vpbx": int(raw["vpbx"]), "moh": int(raw["moh"]),
        "isolated": int(raw["isolated"]) if raw["rtype"] == "SIP" else 0,  # meaningless otherwise
        "schedule": intervals,
    }


def beeline_view(emulators: Emulators) -> dict[str, Any]:
    state = emulators.beeline.account_state(LOGIN)
    return {
        "redirects": {b: (r["RNumber"], r.get("ANumber") or None) for b, r in state["redirects"].items()
                      if r.get("RNumber")},
        "premedia": {b: (p.get("FileA") or None, p.get("FileB") or None) for b, p in state["premedia"].items()
                     if p.get("FileA") or p.get("FileB")},
        "record_all": state["record_all"],
        "record": None if state["record_all"] else sorted(state["record"]),
        "blacklists": {(int(n), b, a) for n, lists in state["blacklists"].items()
                       for b, a_numbers in lists.items() for a in a_numbers},
        "active_list": state["active_list"],
        "files": {name: (meta["comment"], base64.b64decode(meta["content_b64"]))
                  for name, meta in state["files"].items()},
    }
