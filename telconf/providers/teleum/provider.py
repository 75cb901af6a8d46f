"""The Teleum provider: read the account, diff it, run planned calls safely, export it.

``execute`` is where faults are handled: edits are safe to repeat (the Transport
retries them), but a create, a delete or a move whose answer was lost is never sent
again blindly. The provider keeps the order of each number's forwards as the calls
it ran left it, reads the number (or the SIP lines) back, and sends the call again
only if it did not take effect.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable, Collection, Mapping
from functools import partial
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from telconf.core.errors import ApiError, PlanError, ProviderError, StalePlanError
from telconf.core.model import is_managed, placeholder
from telconf.providers.teleum.model import TeleumAccount
from telconf.core.phones import display
from telconf.plan.data import Call, Change, fingerprint
from telconf.providers.base import (
    ItemCheck, LiveState, OutageWords, PlanOptions, Provider, ReadPool, parallel_map, send_then_read_back,
)
from telconf.providers.teleum import changes, items
from telconf.providers.teleum.client import PROVIDER, TeleumClient
from telconf.providers.teleum.export import export_account
from telconf.providers.teleum.payloads import (
    Catalog,
    LiveForward,
    LiveSipLine,
    TeleumLive,
    canonical,
    forward_params,
    scalar,
    parse_catalog,
    parse_forwards,
    parse_next_sip,
    parse_numbers,
    parse_sip_lines,
)

log = logging.getLogger("telconf.teleum")
CATALOG_CALLS = ("getConnectedNumbers", "getForwardsTypes", "getForwardsRCIDs", "getRCIDs", "getSIPs", "getNextSIP")


class TeleumProvider(Provider[TeleumAccount]):
    """Teleum billing API v3: SIP lines and the ordered forwards of managed numbers."""

    name = PROVIDER
    # An outage of a call-forwarding API: a number whose forwards were all removed.
    outage_words = OutageWords(alarm="NO LIVE FORWARD", headline="NUMBERS LEFT WITH NO FORWARD",
                               detail="was read back with no forward although the config wants some "
                                      "(calls to it went unanswered)")
    def __init__(self, account: TeleumAccount, *, parallelism: int = 8, environ: Mapping[str, str] | None = None,
                 client: TeleumClient | None = None):
        super().__init__(account, parallelism=parallelism, environ=environ)
        credentials = account.credentials
        self.client = client or TeleumClient(
            account.url, credentials.email.reveal(environ), credentials.password.reveal(environ),
            parallelism=self.parallelism, client_cert=credentials.client_cert, client_key=credentials.client_key,
            ca_bundle=credentials.ca_bundle,
        )
        self._live: TeleumLive | None = None
        self._planned: TeleumLive | None = None  # what the plan was made from (issue 15 checks)
        self._order: dict[str, list[str]] = {}  # wire number -> live forward ids, as our calls left them
        self._sip_ids: set[str] = set()
        self._next_sip: str | None = None  # the line number the last getNextSIP promised
        self._lock = threading.Lock()

    def close(self) -> None:
        self.client.close()

    # --- read ----------------------------------------------------------------------------

    def read(self) -> LiveState:
        """Catalog, SIP lines and managed numbers' forwards, read in parallel; any failure raises.

        The forwards are asked for as soon as getConnectedNumbers has given the number
        ids, while the other catalog calls are still answering.
        """
        with ReadPool(self.parallelism) as pool:
            pending = {call: pool.submit(self.client.call, call) for call in CATALOG_CALLS}
            numbers = parse_numbers(pool.result(pending["getConnectedNumbers"]))
            missing = [wire for wire in self.account.numbers if wire not in numbers]
            if missing:
                parse_catalog({call: pool.result(f) for call, f in pending.items()}, numbers)  # a broken answer first
                raise PlanError(f"account {self.account.name}: " + ", ".join(display(w) for w in missing)
                                + f" {'is not a connected number' if len(missing) == 1 else 'are not connected numbers'}"
                                " of the account (getConnectedNumbers)")
            managed = [wire for wire, number in self.account.numbers.items() if is_managed(number.forwards)]
            asked = self._ask_forwards(pool, numbers, managed)
            answers = {call: pool.result(f) for call, f in pending.items()}
            catalog = parse_catalog(answers, numbers)
            sip_lines = parse_sip_lines(answers["getSIPs"], catalog)
            # A SIP line the plan deletes must not be the target of a forward the plan does
            # not touch: read the other numbers too, so that this is refused at plan time.
            desired_lines = self.account.sip_lines
            deleting = isinstance(desired_lines, Mapping) and bool(set(sip_lines) - set(desired_lines))
            others = [wire for wire in catalog.numbers if wire not in managed] if deleting else []
            asked |= self._ask_forwards(pool, numbers, others)
            found = {wire: parse_forwards(pool.result(answer), catalog) for wire, answer in asked.items()}
        forwards = {wire: found[wire] for wire in managed}
        live = TeleumLive(catalog, sip_lines, parse_next_sip(answers["getNextSIP"]), forwards,
                          {wire: found[wire] for wire in others})
        with self._lock:
            self._live = self._planned = live
            self._order = {wire: [f.id for f in fs] for wire, fs in forwards.items()}
            self._sip_ids = {line.id for line in live.sip_lines.values()}
        return LiveState(
            data=live,
            fingerprint=fingerprint(live.to_data()),
            existing={"sip_line": len(live.sip_lines), "forward": sum(len(f) for f in forwards.values())},
            reads=len(CATALOG_CALLS) + len(found),
            numbers=len(catalog.numbers),
        )

    def _ask_forwards(self, pool: ReadPool, numbers: Mapping[str, str], wires: list[str]) -> dict[str, Future[Any]]:
        return {wire: pool.submit(self.client.call, "getForwards", {"numberid": numbers[wire]}) for wire in wires}

    def _read_numbers(self, catalog: Catalog, wires: list[str]) -> dict[str, tuple[LiveForward, ...]]:
        found = parallel_map(lambda wire: self._read_number(wire, catalog), wires, self.parallelism)
        return dict(zip(wires, found))

    def _read_number(self, wire: str, catalog: Catalog | None = None) -> tuple[LiveForward, ...]:
        catalog = catalog or self._catalog()
        return parse_forwards(self.client.call("getForwards", {"numberid": catalog.numbers[wire]}), catalog)

    def _read_sips(self) -> dict[str, LiveSipLine]:
        return parse_sip_lines(self.client.call("getSIPs"), self._catalog())

    def _catalog(self) -> Catalog:
        if self._live is None:
            self.read()  # running a saved plan: decisions after a lost answer need the live picture
        assert self._live is not None
        return self._live.catalog

    # --- plan ----------------------------------------------------------------------------

    def diff(self, live: LiveState, options: PlanOptions) -> list[Change]:
        """SIP line and forward changes, each with the exact calls it needs."""
        return changes.diff(self.account, live.data, options)

    def ignored(self, live: LiveState) -> dict[str, int]:
        """Live items per kind that ignore rules kept out of the plan."""
        return changes.ignored_counts(self.account, live.data)

    # --- apply ---------------------------------------------------------------------------

    def execute(self, call: Call) -> str | None:
        """Run one planned call (placeholders resolved); return the id of what it created, if anything."""
        handlers: dict[str, Callable[[str, dict[str, Any]], str | None]] = {
            "getNextSIP": self._check_next_sip,
            "editSIP": self._edit_sip,
            "deleteSIP": self._delete_sip,
            "editForward": self._edit_forward,
            "deleteForward": self._delete_forward,
            "moveForward": self._move_forward,
        }
        if call.method not in handlers:
            raise ProviderError(f"telconf does not run {call.method} in a plan", provider=PROVIDER, call=call.method)
        self._catalog()
        return handlers[call.method](call.lane, call.params or {})

    def secret(self, name: str) -> str:
        """The password of SIP line ``sip:<line>:password``, from the config's environment."""
        kind, _, rest = name.partition(":")
        line_number = rest.rsplit(":", 1)[0]
        lines = self.account.sip_lines
        line = lines.get(line_number) if isinstance(lines, Mapping) and kind == "sip" else None
        if line is None or line.password is None:
            raise PlanError(f"the plan needs the secret {name}, which the config does not give")
        return line.password.reveal(self.environ)

    def _check_next_sip(self, lane: str, params: dict[str, Any]) -> None:
        got = str(parse_next_sip(self.client.call("getNextSIP")))
        expected = str(params.get("expect", got))
        if got != expected:
            raise StalePlanError(f"the provider would now assign SIP line {got}, the plan expects {expected}; "
                                 "plan again")
        self._next_sip = got

    def _edit_sip(self, lane: str, params: dict[str, Any]) -> str:
        if str(params.get("id")) != "0":
            self.client.call("editSIP", params)  # sets every field: safe to repeat
            return str(params["id"])
        expected, known = self._next_sip, set(self._sip_ids)

        def settled() -> dict[str, Any] | None:
            for num, line in self._read_sips().items():
                if line.id not in known and (expected is None or num == expected):
                    return {"id": line.id, "num": num}
            return None

        answer = self._unsure_write("editSIP", params, settled)
        num = str(answer.get("num", expected))
        if expected is not None and num != expected:
            raise ApiError(f"the new SIP line got number {num}, the plan expected {expected}; plan again",
                           provider=PROVIDER, call="editSIP")
        sip_id: str = answer["id"]
        with self._lock:
            self._sip_ids.add(sip_id)
        return sip_id

    def _delete_sip(self, lane: str, params: dict[str, Any]) -> str:
        sip_id = str(params["id"])

        def settled() -> dict[str, Any] | None:
            gone = all(line.id != sip_id for line in self._read_sips().values())
            return {"id": sip_id} if gone else None

        self._unsure_write("deleteSIP", params, settled)
        with self._lock:
            self._sip_ids.discard(sip_id)
        return sip_id

    def _edit_forward(self, lane: str, params: dict[str, Any]) -> str:
        if str(params.get("id")) != "0":
            self.client.call("editForward", params)  # sets every field: safe to repeat
            return str(params["id"])
        wire = self._wire_of(lane, number_id=str(params.get("nid")))
        known = set(self._order[wire])

        def settled() -> dict[str, Any] | None:
            for live in self._read_number(wire):
                if live.id not in known and live.forward.target.value == str(params.get("rnum")):
                    return {"id": live.id}
            return None

        forward_id: str = self._unsure_write("editForward", params, settled)["id"]
        self._order[wire].append(forward_id)  # a created forward goes last
        return forward_id

    def _delete_forward(self, lane: str, params: dict[str, Any]) -> str:
        forward_id = str(params["id"])
        wire = self._wire_of(lane, forward_id=forward_id)

        def settled() -> dict[str, Any] | None:
            gone = all(live.id != forward_id for live in self._read_number(wire))
            return {"id": forward_id} if gone else None

        self._unsure_write("deleteForward", params, settled)
        self._order[wire].remove(forward_id)
        return forward_id

    def _move_forward(self, lane: str, params: dict[str, Any]) -> str:
        forward_id = str(params["id"])
        wire = self._wire_of(lane, forward_id=forward_id)
        before = list(self._order[wire])
        k = before.index(forward_id)
        other = k - 1 if params.get("dir") == "up" else k + 1
        after = list(before)
        if 0 <= other < len(after):
            after[k], after[other] = after[other], after[k]

        def settled() -> dict[str, Any] | None:
            now = [live.id for live in self._read_number(wire)]
            if now == after:
                return {"id": forward_id}
            if now == before:
                return None  # it did not happen: send it again
            raise ApiError(f"the forwards of {display(wire)} changed during the apply; plan again",
                           provider=PROVIDER, call="moveForward")

        self._unsure_write("moveForward", params, settled)
        self._order[wire] = after
        return forward_id

    def _unsure_write(self, method: str, params: dict[str, Any],
                      settled: Callable[[], dict[str, Any] | None]) -> dict[str, Any]:
        """A create/delete/move: read back after a lost answer (a create's answer must carry the id)."""

        def send() -> dict[str, Any]:
            answer = self.client.call(method, params, idempotent=False)
            return {**answer, "id": scalar(answer, "id", method)} if str(params.get("id")) == "0" else answer

        return send_then_read_back(f"teleum {method}", send, settled, timeout=self.client.transport.timeout)

    def _wire_of(self, lane: str, *, number_id: str | None = None, forward_id: str | None = None) -> str:
        """The number a forward call is about: its lane, else found by number id or forward id."""
        numbers = self._catalog().numbers
        wire = lane if lane in numbers else None
        wire = wire or next((w for w, nid in numbers.items() if number_id is not None and nid == number_id), None)
        wire = wire or next((w for w, ids in self._order.items() if forward_id in ids), None)
        if wire is None:
            raise ProviderError(f"forward {forward_id or number_id} is not on a number of this account",
                                provider=PROVIDER, call="editForward" if number_id else "moveForward")
        if wire not in self._order:
            self._order[wire] = [f.id for f in self._read_number(wire)]
        if forward_id is not None and forward_id not in self._order[wire]:
            raise ApiError(f"forward {forward_id} is no longer on {display(wire)}; plan again",
                           provider=PROVIDER, call="moveForward")
        return wire

    # --- items: check before write, verify after (issue 15) -----------------------------

    def item_of(self, change: Change) -> str | None:
        return items.item_of(change)

    def item_label(self, item: str) -> str:
        return items.label(item)

    def read_items(self, names: Collection[str], *, verify: bool = False) -> TeleumLive:
        """The planned live state with the numbers' forwards (and the SIP lines) read now."""
        planned = self._planned_live()
        wires = sorted({n.partition(":")[2] for n in names if n.startswith(items.FORWARDS + ":")})
        jobs: list[Callable[[], Any]] = [partial(self._read_number, wire) for wire in wires]
        if any(n.startswith(items.SIP_LINE + ":") for n in names):
            jobs.append(self._read_sips)
        found = parallel_map(lambda job: job(), jobs, self.parallelism)
        forwards = {**planned.forwards, **dict(zip(wires, found))}
        sip_lines = found[len(wires)] if len(found) > len(wires) else planned.sip_lines
        return dataclasses.replace(planned, forwards=forwards, sip_lines=sip_lines)

    def read_group(self, item: str) -> str:
        """Every SIP line is read by one getSIPs; each number's forwards by its own getForwards."""
        return items.SIP_LINE if item.startswith(items.SIP_LINE + ":") else item

    def item_state(self, view: TeleumLive | None, item: str) -> Any:
        return items.state(view or self._planned_live(), item)

    def describe_item_change(self, item: str, before: Any, now: Any) -> str:
        return items.describe(item, before, now)

    def check_item(self, view: TeleumLive, item: str) -> ItemCheck:
        return items.check(self.account, view, item)

    def guard_write(self, call: Call, item: str) -> str | None:
        """Before a delete: the number's forwards as our calls left them, and not the last one.

        Read just before the delete (issue 15): a delete must never leave a number with no
        live forward while the config wants some, on the state just read.
        """
        if call.method != "deleteForward":
            return None
        wire = call.lane
        now = [f.id for f in self._read_number(wire)]
        expected = self._order.get(wire, now)
        if now != expected:
            return f"changed during the apply: forward ids are now {now}, our calls left {expected}"
        wanted = self.account.numbers[wire].forwards if wire in self.account.numbers else ()
        if wanted and not [i for i in now if i != str((call.params or {}).get("id"))]:
            return f"deleting forward {(call.params or {}).get('id')} would leave {display(wire)} with no live forward"
        return None

    def restore_service(self, item: str) -> str | None:
        """A number read back with no forward: create the config's forwards again, in order.

        Read first: if another writer gave it forwards meanwhile, nothing is sent. A create
        whose answer is lost is not repeated (the report says so; a re-run converges).
        """
        kind, _, wire = item.partition(":")
        wanted = self.account.numbers[wire].forwards if kind == items.FORWARDS else ()
        if not isinstance(wanted, tuple) or not wanted or self._read_number(wire):
            return None
        catalog = self._catalog()
        for forward in wanted:
            params = forward_params(canonical(forward), catalog, forward_id=0, number_id=catalog.numbers[wire])
            self.client.call("editForward", params, idempotent=False)
        return f"telconf created its {len(wanted)} forward{'s' if len(wanted) != 1 else ''} again"

    def _planned_live(self) -> TeleumLive:
        self._catalog()
        assert self._planned is not None
        return self._planned

    # --- export --------------------------------------------------------------------------

    def export(self, live: LiveState, out_dir: Path) -> dict[str, Any]:
        """SIP lines and the forwards of every connected number, as config data."""
        data: TeleumLive = live.data
        others = [wire for wire in data.catalog.numbers if wire not in data.forwards]
        forwards = {**data.forwards, **self._read_numbers(data.catalog, others)}
        return export_account(data.sip_lines, forwards)

    def export_secrets(self, configured: Any, data: dict[str, Any], *, prefix: bool) -> dict[str, Any]:
        """SIP line passwords, which cannot be read back: the config's placeholder, else
        ``SIP_<line>_PASSWORD`` (``SPB_OFFICE_SIP_101_PASSWORD`` with ``prefix``, so that two
        accounts' line 101 never share one)."""
        if "sip_lines" not in data:
            return data
        lines = configured.sip_lines if is_managed(configured.sip_lines) else {}
        exported = {}
        for number, line in data["sip_lines"].items():
            line = dict(line)
            if "password" in line:
                source = lines.get(number)
                template = source.password.template if source is not None and source.password is not None else ""
                generated = f"{configured.name}_SIP_{number}_PASSWORD" if prefix else f"SIP_{number}_PASSWORD"
                line["password"] = placeholder(template, generated)
            exported[number] = line
        return {**data, "sip_lines": exported}
