"""What a plan was made from, added to its JSON for policy tools and reviewers.

``PlanContext.decorate`` adds to ``Plan.to_data()``: telconf's version, the config file,
what the plan was made against (the live accounts, or a snapshot file and its age),
every warning with a stable code, and each change's ``source``: the file, line and
column of the config item that asks for it (for a delete, of the list that no longer
holds the item). Positions come from the config's own parse (``Document.where``), made
by the ``read`` the caller gives: the plan layer does not import the config layer (which
sits on the registry), so that the layers import downwards only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from telconf import __version__
from telconf.core.errors import Diagnostic

Path = tuple[Any, ...]


@dataclass
class PlanContext:
    """The config file, its warnings, the safety violations and the snapshot of a plan."""

    config: str | None  # None: a plan made without a config file at hand (no sources)
    diagnostics: Sequence[Diagnostic] = ()
    violations: Sequence[Any] = ()  # telconf.plan.safety.Violation
    snapshot: Mapping[str, Any] | None = None  # SnapshotInfo.to_data()
    moment: Mapping[str, Any] | None = None  # telconf.dates.resolve.moment_data: the plan's "as of"
    # Parses the config file (``telconf.config.loader.read``), for sources; None: no sources.
    read: Callable[[str], Any] | None = field(default=None, repr=False)
    _document: Any = field(default=None, repr=False)
    _overrides: dict[tuple[str, Any], str] | None = field(default=None, repr=False)

    def decorate(self, data: dict[str, Any], plan: Any = None) -> None:
        """Add version, config, planned_against, warnings and sources to plan data, in place.

        ``plan`` is the ``Plan`` the data is of: its changes say where the config asks for them.
        """
        for a, account in enumerate(data["accounts"]):
            for c, change in enumerate(account["changes"]):
                if self.config is not None and self.read is not None:
                    made = plan.accounts[a].changes[c] if plan is not None else None
                    change["source"] = self.source(account["account"], change, made)
        head = {
            "format_version": data.pop("format_version"),
            "telconf_version": __version__,
            "config": self.config,
            "planned_against": {"kind": "snapshot", **self.snapshot} if self.snapshot else {"kind": "live"},
            "summary": data.pop("summary"),
            "warnings": self.warnings(data),
        }
        if self.moment is not None:
            head["moment"] = dict(self.moment)
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

    def source(self, account: str, change: Mapping[str, Any], made: Any = None) -> dict[str, Any]:
        """``{"file", "line", "column"}`` of the config item behind ``change`` (plus ``template``).

        ``made`` is the ``Change`` itself: its ``config_path`` says where the config asks for it.
        """
        assert self.config is not None and self.read is not None
        document = self._parsed()
        given = getattr(made, "config_path", None)
        wanted = given if given is not None else (("numbers", change["number"]) if change.get("number") else ())
        path = ("accounts", account, *_config_keys(_account_data(document, account), wanted, change.get("number")))
        override = self._active().get((account, change.get("number")))
        inside = _in_override(document, path, override, wanted) if override else None
        # A delete points at the key of the list that no longer holds the item (``sip_lines:``).
        at_key = change["action"] == "delete" or getattr(made, "config_at_key", False) or inside is not None
        line, column = document.where(inside or path, key=at_key)
        source: dict[str, Any] = {"file": self.config, "line": line, "column": column}
        if change.get("template"):  # the number was expanded from a template (``use:``)
            source["template"] = change["template"]
        if override:  # the desired state at the plan's moment came from this override
            source["override"] = override
        return source

    def _active(self) -> dict[tuple[str, Any], str]:
        """(account, number) -> the override active at the plan's moment."""
        if self._overrides is None:
            self._overrides = {(str(a.get("account")), item.get("number")): str(item.get("override"))
                               for a in (self.moment or {}).get("accounts") or () if isinstance(a, Mapping)
                               for item in a.get("active") or () if isinstance(item, Mapping)}
        return self._overrides

    def _parsed(self) -> Any:
        if self._document is None:
            assert self.config is not None and self.read is not None  # callers check them first
            self._document = self.read(self.config)
        return self._document


def _config_keys(data: Any, path: Path, number: str | None) -> Path:
    """``path`` with each key spelled as the config spells it: a number as written
    (``"+7 812 323-23-23"`` for 78123232323), a key YAML read as an int (black list ``0``).

    A key the config does not have is kept (the position is then its container's); the
    number of the change missing from ``numbers`` stops the path there.
    """
    keys: list[Any] = []
    node = data
    for step in path:
        found = _key_in(node, step) if isinstance(node, Mapping) else None
        if found is None and step == number and keys == ["numbers"]:
            break
        keys.append(step if found is None else found)
        node = node.get(found) if found is not None else None
    return tuple(keys)


def _in_override(document: Any, path: Path, override: str, wanted: Path) -> Path | None:
    """The path of ``wanted``'s key (``forwards``) inside override ``override`` of the number at
    ``path``, when the number itself lists that override and it sets the key; else None."""
    if len(path) < 4 or len(wanted) < 3 or wanted[0] != "numbers":
        return None
    accounts = document.data.get("accounts") if isinstance(document.data, Mapping) else None
    entry = _walk(accounts, path[1:4])
    items = entry.get("overrides") if isinstance(entry, Mapping) else None
    for index, item in enumerate(items if isinstance(items, list) else ()):
        if isinstance(item, Mapping) and item.get("name") == override and wanted[2] in item:
            return (*path[:4], "overrides", index, wanted[2])
    return None


def _walk(node: Any, keys: Path) -> Any:
    for key in keys:
        node = node.get(key) if isinstance(node, Mapping) else None
    return node


def _key_in(mapping: Mapping[Any, Any], step: Any) -> Any:
    """The key of ``mapping`` that is ``step``, spelled otherwise (``0`` for ``"0"``, a number's own spelling)."""
    if step in mapping:
        return step
    text = str(step)
    for key in mapping:
        if str(key) == text:
            return key
    if text.isdigit():
        from telconf.core.phones import normalise

        for key in mapping:
            try:
                if normalise(str(key)) == text:
                    return key
            except Exception:  # noqa: BLE001 - a key that is no phone number is simply not this one
                continue
    return None


def _account_data(document: Any, account: str) -> Mapping[str, Any]:
    accounts = document.data.get("accounts") if isinstance(document.data, Mapping) else None
    found = accounts.get(account) if isinstance(accounts, Mapping) else None
    return found if isinstance(found, Mapping) else {}


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
