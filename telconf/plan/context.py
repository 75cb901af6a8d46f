"""What a plan was made from, added to its JSON for policy tools and reviewers.

``PlanContext.decorate`` adds to ``Plan.to_data()``: telconf's version, the config file,
what the plan was made against (the live accounts, or a snapshot file and its age),
every warning with a stable code, and each change's ``source``: the file, line and
column of the config item that asks for it (for a delete, of the list that no longer
holds the item). Positions come from the config's own parse (``Document.where``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from telconf import __version__
from telconf.errors import Diagnostic

Path = tuple[Any, ...]
NUMBER_KINDS = {"redirect": "redirect", "premedia": "premedia", "record": "record"}


@dataclass
class PlanContext:
    """The config file, its warnings, the safety violations and the snapshot of a plan."""

    config: str | None  # None: a plan made without a config file at hand (no sources)
    diagnostics: Sequence[Diagnostic] = ()
    violations: Sequence[Any] = ()  # telconf.plan.safety.Violation
    snapshot: Mapping[str, Any] | None = None  # SnapshotInfo.to_data()
    _document: Any = field(default=None, repr=False)

    def decorate(self, data: dict[str, Any]) -> None:
        """Add version, config, planned_against, warnings and sources to plan data, in place."""
        for account in data["accounts"]:
            for change in account["changes"]:
                if self.config is not None:
                    change["source"] = self.source(account["account"], change)
        head = {
            "format_version": data.pop("format_version"),
            "telconf_version": __version__,
            "config": self.config,
            "planned_against": {"kind": "snapshot", **self.snapshot} if self.snapshot else {"kind": "live"},
            "summary": data.pop("summary"),
            "warnings": self.warnings(data),
        }
        rest = dict(data)
        data.clear()
        data.update(head)
        data.update(rest)

    def warnings(self, data: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Every warning of the plan, each with a stable ``code``."""
        found: list[dict[str, Any]] = []
        if self.snapshot:
            found.append({"code": "snapshot", "message": describe_snapshot(self.snapshot)})
        for d in self.diagnostics:
            found.append({"code": d.code or "config", "message": d.message,
                          "file": d.file, "line": d.line, "column": d.column})
        for v in self.violations:
            found.append({"code": "mass-delete", "message": f"apply refuses this without --force: {v}",
                          "account": v.account, "kind": v.kind})
        for account in data["accounts"]:
            for change in account["changes"]:
                if change.get("warning"):
                    found.append({"code": change.get("warning_code") or "change", "message": change["warning"],
                                  "account": account["account"], "address": change["address"]})
        return found

    # --- sources ------------------------------------------------------------------------

    def source(self, account: str, change: Mapping[str, Any]) -> dict[str, Any]:
        """``{"file", "line", "column"}`` of the config item behind ``change`` (plus ``template``)."""
        assert self.config is not None
        document = self._parsed()
        path = ("accounts", account, *self._item_path(document, account, change))
        # A delete points at the key of the list that no longer holds the item (``sip_lines:``).
        line, column = document.where(path, key=change["action"] == "delete" or _is_key_item(change))
        source: dict[str, Any] = {"file": self.config, "line": line, "column": column}
        if change.get("template"):  # the number was expanded from a template (``use:``)
            source["template"] = change["template"]
        return source

    def _parsed(self) -> Any:
        if self._document is None:
            from telconf.config.loader import read

            assert self.config is not None  # callers check it first
            self._document = read(_as_path(self.config))
        return self._document

    def _item_path(self, document: Any, account: str, change: Mapping[str, Any]) -> Path:
        kind, key, action = change["kind"], change["key"], change["action"]
        if kind == "sip_line":
            return ("sip_lines", key) if action != "delete" else ("sip_lines",)
        if kind == "voice_file":
            return ("voice_files", key) if action != "delete" else ("voice_files",)
        if kind == "record_all":
            return ("record_all",)
        if kind == "blacklist_active":
            return ("blacklists", "active")
        if kind == "blacklist":
            list_id = key.partition(":")[0]
            return ("blacklists", "lists", _list_key(document, account, list_id))
        number = _number_key(document, account, change.get("number"))
        if number is None:
            return ("numbers",)
        if kind == "forward":
            position = change.get("position")
            if action in ("create", "update") and position:
                return ("numbers", number, "forwards", position - 1)
            return ("numbers", number, "forwards")
        return ("numbers", number, NUMBER_KINDS.get(kind, kind))


def _is_key_item(change: Mapping[str, Any]) -> bool:
    """Mapping entries (a SIP line, a voice file) point at their key, like the config's errors."""
    return change["kind"] in ("sip_line", "voice_file")


def _account_data(document: Any, account: str) -> Mapping[str, Any]:
    accounts = document.data.get("accounts") if isinstance(document.data, Mapping) else None
    found = accounts.get(account) if isinstance(accounts, Mapping) else None
    return found if isinstance(found, Mapping) else {}


def _number_key(document: Any, account: str, wire: str | None) -> str | None:
    """The key of ``numbers`` that spells ``wire`` (``"+7 812 323-23-23"`` for 78123232323)."""
    from telconf.phones import normalise

    if not wire:
        return None
    numbers = _account_data(document, account).get("numbers")
    for key in numbers if isinstance(numbers, Mapping) else ():
        try:
            if normalise(str(key)) == wire:
                return str(key)
        except Exception:  # noqa: BLE001 - a key that is no phone number is simply not this one
            continue
    return None


def _list_key(document: Any, account: str, list_id: str) -> Any:
    """The key of ``blacklists.lists`` for ``list_id`` (YAML may have read it as an int)."""
    blacklists = _account_data(document, account).get("blacklists")
    lists = blacklists.get("lists") if isinstance(blacklists, Mapping) else None
    for key in lists if isinstance(lists, Mapping) else ():
        if str(key) == list_id:
            return key
    return list_id


def _as_path(text: str) -> Any:
    from pathlib import Path as FilePath

    return FilePath(text)


def describe_snapshot(snapshot: Mapping[str, Any]) -> str:
    """``planned against the snapshot backup/telconf.yaml (recorded 3 h ago, git commit)``."""
    how = "its last git commit" if snapshot["recorded_by"] == "git" else "its modification time"
    return (f"planned against the snapshot {snapshot['file']}, not the live accounts: recorded "
            f"{age_text(snapshot['age_seconds'])} ago ({snapshot['recorded_at']}, from {how})")


def age_text(seconds: float) -> str:
    """``45 s``, ``12 min``, ``5 h``, ``3 days``."""
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"
