"""The Acme provider: read an account, diff it, apply planned calls, check them, export it.

One item per number: its whole list of forwards, set by one idempotent call. That
keeps everything telconf asks of a provider short; the parts a richer API needs
(batching, ``$ref`` ids of created items, secrets in plans, reading back after a
lost answer of a create) are left at the base class's defaults.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from telconf.core.errors import PlanError, ProviderError
from telconf.core.model import is_managed
from telconf.core.phones import display
from telconf.plan.data import Action, Call, Change, PlanOptions, fingerprint
from telconf.providers.base import ItemCheck, LiveState, OutageWords, Provider
from telconf_acme.client import PROVIDER, SET_FORWARDS, AcmeClient, Forwards
from telconf_acme.export import export_account
from telconf_acme.model import AcmeAccount
from telconf_acme.stages import FORWARDS


class AcmeProvider(Provider[AcmeAccount]):
    """Acme Voice: the ordered forwards of the account's managed numbers."""

    name = PROVIDER
    # An outage of a call-forwarding API: a number whose forwards were all removed.
    outage_words = OutageWords(alarm="NO LIVE FORWARD", headline="NUMBERS LEFT WITH NO FORWARD",
                               detail="was read back with no forward although the config wants some "
                                      "(calls to it went unanswered)")

    def __init__(self, account: AcmeAccount, *, parallelism: int = 8, environ: Mapping[str, str] | None = None):
        super().__init__(account, parallelism=parallelism, environ=environ)
        credentials = account.credentials
        # Secrets are revealed here, when the provider is made for plan/apply/export: never by validate.
        self.client = AcmeClient(account.url, credentials.login.reveal(environ),
                                 credentials.password.reveal(environ), parallelism=self.parallelism,
                                 client_cert=credentials.client_cert, client_key=credentials.client_key,
                                 ca_bundle=credentials.ca_bundle)
        self._planned: Forwards | None = None  # what the plan was made from (item checks compare with it)

    def close(self) -> None:
        self.client.close()

    # --- read and diff -------------------------------------------------------------------

    def read(self) -> LiveState:
        """Every number of the account (one call); a number of the config the account lacks is a PlanError."""
        live = self.client.numbers()
        missing = [wire for wire in self.account.numbers if wire not in live]
        if missing:
            raise PlanError(f"account {self.account.name}: " + ", ".join(display(w) for w in missing)
                            + " not among the numbers of the account")
        self._planned = live
        # Only the managed numbers: a change to a number telconf leaves alone must not make a saved plan stale.
        managed = {wire: list(live[wire]) for wire in self._managed()}
        return LiveState(data=live, fingerprint=fingerprint(managed),
                         existing={FORWARDS: sum(len(targets) for targets in managed.values())}, reads=1)

    def diff(self, live: LiveState, options: PlanOptions) -> list[Change]:
        """One change per managed number whose list differs, with the one call that sets it."""
        forwards: Forwards = live.data
        changes = []
        for wire in self._managed():
            before, after = forwards[wire], self._desired(wire)
            if before != after:
                changes.append(_change(wire, before, after))
        return self._with_needs(changes, forwards)

    def _with_needs(self, changes: list[Change], live: Forwards) -> list[Change]:
        """What each change needs of another: numbers that forward to each other.

        Acme lets a number forward to another number of the account only while that one
        forwards somewhere, and refuses to empty a number others forward to. So a list
        that targets a number getting its first forwards in this plan needs that change,
        and a list emptied needs the changes of the numbers that stop targeting it. The
        changes are not staged: only these needs order them (``telconf.plan.order``), the
        other numbers run in parallel, and a number whose change is not sent (it changed
        since the plan) stops the lists that need it. Two new lists targeting each other
        cannot be set in any order: the plan refuses that cycle, with both addresses.
        """
        account = self.account.name
        by_wire = {change.key: change for change in changes}
        result = []
        for change in changes:
            wire = change.key
            needs = [by_wire[t].address(account) for t in self._desired(wire)
                     if t in by_wire and by_wire[t].action is Action.CREATE]
            if change.action is Action.DELETE:
                needs += [other.address(account) for other in changes
                          if wire in live.get(other.key, ()) and wire not in self._desired(other.key)]
            result.append(replace(change, needs=tuple(needs), staged=False))
        return result

    def _managed(self) -> list[str]:
        return [wire for wire, number in self.account.numbers.items() if is_managed(number.forward_to)]

    def _desired(self, wire: str) -> tuple[str, ...]:
        wanted = self.account.numbers[wire].forward_to
        return wanted if is_managed(wanted) else ()

    # --- apply ---------------------------------------------------------------------------

    def execute(self, call: Call) -> str | None:
        """Run one planned call; it binds no id (Acme forwards have none)."""
        if call.method != SET_FORWARDS or not isinstance(call.params, dict):
            raise ProviderError(f"telconf does not run {call.method} in a plan", provider=PROVIDER, call=call.method)
        self.client.set_forwards(str(call.params["number"]), [str(n) for n in call.params["forward_to"]])
        return None

    # --- items: check before write, verify after -----------------------------------------
    #
    # An item is "forwards:<wire>". Before its write telconf reads it again and skips it
    # if someone changed it since the plan; after the apply it reads it back and reports
    # success only if it is as the config says.

    def item_of(self, change: Change) -> str | None:
        return f"{FORWARDS}:{change.key}"

    def item_label(self, item: str) -> str:
        return f"forwards of {display(item.partition(':')[2])}"

    # One call reads every number: checks of numbers due together share it.

    def read_group(self, item: str) -> str:
        return "numbers"

    def read_items(self, items: Collection[str], *, verify: bool = False) -> Forwards:
        return self.client.numbers()  # one call reads every number: no cheaper read of a few

    def item_state(self, view: Forwards | None, item: str) -> Any:
        if view is None:
            if self._planned is None:
                self.read()  # running a saved plan: what it was made from is read now
            view = self._planned
        assert view is not None
        targets = view.get(item.partition(":")[2])
        return None if targets is None else list(targets)

    def check_item(self, view: Forwards, item: str) -> ItemCheck:
        wire = item.partition(":")[2]
        now, wanted = view.get(wire, ()), self._desired(wire)
        if now == wanted:
            return ItemCheck()
        shown = ", ".join(display(n) for n in now) or "none"
        return ItemCheck(problem=f"it forwards to {shown}", outage=not now and bool(wanted))

    def restore_service(self, item: str) -> str | None:
        """A number read back with no forward although the config wants some: set its list again."""
        wire = item.partition(":")[2]
        wanted = self._desired(wire)
        if not wanted or self.client.numbers().get(wire):
            return None  # nothing wanted, or someone else gave it forwards meanwhile
        self.client.set_forwards(wire, wanted)
        return "telconf set its forwards again"

    # --- export --------------------------------------------------------------------------

    def export(self, live: LiveState, out_dir: Path) -> dict[str, Any]:
        """Every number of the account with its forwards (export reads with no number managed)."""
        return export_account(live.data)


def _change(wire: str, before: tuple[str, ...], after: tuple[str, ...]) -> Change:
    """The change of one number's list; from or to an empty list it creates or deletes forwards.

    ``size`` counts the forwards created or deleted, so that the mass-delete rule weighs
    a list emptied by how many forwards go, against all the live ones.
    """
    action = Action.CREATE if not before else Action.DELETE if not after else Action.UPDATE
    size = len(after) if action is Action.CREATE else len(before) if action is Action.DELETE else 1
    return Change(
        kind=FORWARDS,
        key=wire,
        action=action,
        before=[display(n) for n in before] if before else None,
        after=[display(n) for n in after] if after else None,
        number=wire,
        size=size,
        calls=(Call(SET_FORWARDS, {"number": wire, "forward_to": list(after)}, lane=wire),),
        config_path=("numbers", wire, "forward_to"),  # where the plan's `source` points in the config
    )
