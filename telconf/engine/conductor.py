"""The conductor: one object above ``plan/`` and ``providers/`` that runs telconf's jobs.

It owns what every command does with accounts: select them, make their providers
(through the registry), read them in parallel, diff, order, batch, apply a plan or a
saved plan, export, and close every connection at the end. The CLI only parses
options, calls it and renders::

    with Conductor(config, accounts=["spb-office"]) as run:
        plan = run.plan()
        report = run.apply(plan)

Providers depend on ``plan/`` (its data types); ``plan/`` never imports a provider:
what it needs of one (items, for saved plans) is a protocol it declares. Modelled on
octoDNS's ``Manager.sync``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from telconf.core import registry
from telconf.core.errors import ConfigError
from telconf.core.model import Account, Config
from telconf.plan import saved as saved_plans
from telconf.plan.data import (
    AccountPlan,
    Call,
    Change,
    Plan,
    PlanOptions,
    StageTable,
    has_placeholders,
    resolve,
)
from telconf.plan.order import order_calls
from telconf.providers.base import LiveState, Provider, each_account
from telconf.routing.impact import account_impact

if TYPE_CHECKING:
    from telconf.engine.apply import Applier, ApplyReport, ProgressCallback
    from telconf.output.export import ExportResult

ReadCallback = Callable[[str, int], None]
"""``on_read(account, numbers)``: an account was read, with how many numbers it has."""

ProviderFactory = Callable[..., Provider[Any]]
"""``factory(account, *, parallelism, environ)``: the provider of one account."""


def select_accounts(config: Config, names: Iterable[str] | None) -> list[Account]:
    """The accounts named (in config order), or all; an unknown name is a ConfigError."""
    wanted = list(dict.fromkeys(names or ()))
    unknown = [n for n in wanted if n not in config.accounts]
    if unknown:
        known = ", ".join(config.accounts) or "none"
        raise ConfigError(f"no account named {unknown[0]!r} in {config.path} (accounts: {known})")
    if not wanted:
        return list(config.accounts.values())
    return [account for name, account in config.accounts.items() if name in wanted]


class Conductor:
    """Runs plan, apply, saved plans and export for the selected accounts of a config.

    ``descriptors`` are the providers it may use (default: the registry's);
    ``provider_factory`` makes a provider another way (the snapshot plan wires them to
    in-process emulators). Use it as a context manager: leaving closes every provider.
    """

    def __init__(self, config: Config, *, accounts: Iterable[str] | None = None, parallelism: int = 8,
                 environ: Mapping[str, str] | None = None,
                 descriptors: Mapping[str, registry.ProviderDescriptor] | None = None,
                 provider_factory: ProviderFactory | None = None):
        self.config = config
        self.selected = select_accounts(config, accounts)
        self.parallelism = parallelism
        self.environ = environ
        self._descriptors = descriptors
        self._factory = provider_factory
        self._providers: dict[str, Provider[Any]] = {}

    # --- providers ------------------------------------------------------------------------

    def descriptor(self, account: Account) -> registry.ProviderDescriptor:
        if self._descriptors is None:
            return registry.get(account.provider)
        if account.provider not in self._descriptors:
            raise registry.ProviderRegistryError(f"no provider {account.provider!r} is installed")
        return self._descriptors[account.provider]

    def make_provider(self, account: Account) -> Provider[Any]:
        """A new provider for ``account`` (the caller closes it)."""
        if self._factory is not None:
            return self._factory(account, parallelism=self.parallelism, environ=self.environ)
        cls = self.descriptor(account).provider.load()
        return cls(account, parallelism=self.parallelism, environ=self.environ)

    def provider(self, name: str) -> Provider[Any]:
        """The provider of the selected account ``name``, made on first use and kept until :meth:`close`."""
        if name not in self._providers:
            self._providers[name] = self.make_provider(self._account(name))
        return self._providers[name]

    def _account(self, name: str) -> Account:
        for account in self.selected:
            if account.name == name:
                return account
        raise ValueError(f"account {name!r} is not one of the selected accounts")

    @property
    def providers(self) -> Mapping[str, Provider[Any]]:
        """The providers of every selected account (made now if need be)."""
        return {account.name: self.provider(account.name) for account in self.selected}

    def close(self) -> None:
        """Close every provider, ignoring errors (closing only releases connections).

        The providers stay readable: what they planned from (item fingerprints of a saved
        plan) needs no request.
        """
        for provider in self._providers.values():
            try:
                provider.close()
            except Exception:  # noqa: BLE001 - closing must never hide the real outcome
                pass

    def __enter__(self) -> Conductor:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # --- plan -----------------------------------------------------------------------------

    def plan(self, options: PlanOptions = PlanOptions(), *, on_read: ReadCallback | None = None) -> Plan:
        """Read every selected account (in parallel), diff, order and batch: the plan.

        If any read fails, every failing account's error is raised (each naming its account
        and host:port): nothing is ever planned from a partial view. ``on_read(name, numbers)``
        is told of each account read (from its reading thread), for progress.
        """
        providers = self.providers

        def read(provider: Provider[Any]) -> tuple[AccountPlan | None, Exception | None]:
            live = provider.read()
            if on_read is not None:
                on_read(provider.account.name, live.numbers)
            # Diffed in the reading thread, while the other accounts' reads are still in flight
            # (a small account's diff no longer waits for the biggest account's last read). A
            # failed diff is kept (in a pair: each_account would take it for a failed read) and
            # raised below, in account order, once every read succeeded: the errors are the ones
            # a diff after all the reads gave.
            try:
                return self.plan_account(provider.account.name, live, options), None
            except Exception as exc:  # noqa: BLE001 - raised again below, unchanged
                return None, exc

        planned = each_account(read, list(providers.values()), lambda p: p.account.name,
                               lambda p: getattr(p.account, "url", ""),
                               len(providers))
        for _, failed in planned:
            if failed is not None:
                raise failed
        return Plan(tuple(account for account, _ in planned if account is not None))

    def plan_account(self, name: str, live: LiveState, options: PlanOptions) -> AccountPlan:
        """Diff one account's live state, then order and batch its calls."""
        provider = self.provider(name)
        changes = _with_templates(list(provider.diff(live, options)), provider.account)
        batched = provider.batch(order_calls(changes, self._stages(name), name))
        calls = tuple(call for call, _ in batched)
        check_secrets(provider, calls)
        ignored = provider.ignored(live)
        # Ignored items can never be deleted: the safety rule counts only the others.
        existing = {kind: count - ignored.get(kind, 0) for kind, count in live.existing.items()}
        return AccountPlan(
            account=name,
            provider=provider.name,
            changes=tuple(changes),
            calls=calls,
            call_changes=tuple(tuple(served) for _, served in batched),
            fingerprint=live.fingerprint,
            existing=existing,
            reads=live.reads,
            ignored=ignored,
            routing=account_impact(provider.account, live.data, changes),
        )

    def restrict(self, account: AccountPlan, items: set[str]) -> AccountPlan:
        """``account`` with only the changes of ``items`` (ordered and batched again).

        Applying a saved plan on a busy account: changes the fresh plan finds in other
        items (drift since the plan was made) were not reviewed, so they are left out.
        """
        provider = self.provider(account.account)
        changes = [c for c in account.changes if provider.item_of(c) in items]
        batched = provider.batch(order_calls(changes, self._stages(account.account), account.account))
        return replace(account, changes=tuple(changes), calls=tuple(call for call, _ in batched),
                       call_changes=tuple(tuple(served) for _, served in batched))

    def _stages(self, name: str) -> StageTable:
        return self.descriptor(self._account(name)).stages

    # --- saved plans ----------------------------------------------------------------------

    def save(self, plan: Plan, *, accounts: list[str] | None, options: PlanOptions) -> saved_plans.SavedPlan:
        """The saved form of ``plan``, just made by :meth:`plan` (with its items' fingerprints)."""
        return saved_plans.make_saved(plan, self.config, accounts=accounts, options=options, providers=self.providers)

    def check_saved(self, path: Path, saved: saved_plans.SavedPlan, fresh: Plan) -> Plan:
        """The saved plan to apply, checked against ``fresh`` (made now by :meth:`plan`); stale raises."""
        return saved_plans.check_fresh(path, saved, self.config, fresh, self.providers, self.restrict)

    # --- apply ----------------------------------------------------------------------------

    def applier(self, *, progress: ProgressCallback | None = None, check: bool = True) -> Applier:
        """An applier running plans through this conductor's providers (its ``report`` fills as it goes)."""
        from telconf.engine.apply import Applier

        return Applier(self.providers, parallelism=self.parallelism, progress=progress, check=check)

    def apply(self, plan: Plan, *, progress: ProgressCallback | None = None, check: bool = True) -> ApplyReport:
        """Carry ``plan`` out (made by :meth:`plan` of this conductor); a failure raises ApplyError."""
        return self.applier(progress=progress, check=check).apply(plan)

    # --- export ---------------------------------------------------------------------------

    def export(self, *, out: Path | None = None, templates: bool = False,
               on_read: ReadCallback | None = None) -> ExportResult:
        """Read the selected accounts and write them as a config file (see ``telconf.output.export``)."""
        from telconf.output.export import export

        return export(self.config, self.selected, self.make_provider, out=out, parallelism=self.parallelism,
                      templates=templates, on_read=on_read)


def check_secrets(provider: Provider[Any], calls: Iterable[Call]) -> None:
    """Resolve every secret ``calls`` will send, now, and forget the values.

    An unset ``${NAME}`` (a SIP line's password) then fails the plan, and the apply of a
    saved plan (which plans afresh first), before the first write, with the error at the
    variable's line: not at call 7 of 12, after 6 writes.
    """
    for call in calls:
        if call.params is not None and has_placeholders(call.params):
            resolve(call.params, _UNBOUND, provider.secret, _unread)


class _Unbound(Mapping[str, str]):
    """Ids the calls will bind when applied: every name answers (with nothing) while checking secrets."""

    def __contains__(self, name: object) -> bool:
        return True

    def __getitem__(self, name: str) -> str:
        return ""

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


_UNBOUND = _Unbound()


def _unread(name: str) -> bytes:
    """Files are read when their call is sent (the config checked them when it was loaded)."""
    return b""


def _with_templates(changes: list[Change], account: Account) -> list[Change]:
    """Each change of a number expanded from a template names the template (plans show it)."""
    templates = {wire: number.template for wire, number in account.numbers.items()
                 if getattr(number, "template", None)}
    if not templates:
        return changes
    return [replace(change, template=templates[change.number]) if change.number in templates else change
            for change in changes]
