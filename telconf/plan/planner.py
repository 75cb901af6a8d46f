"""Build a plan: read every selected account, diff, order and batch the calls.

The planner is shared by both providers. Providers say *what* differs (``Change``
objects carrying their calls); ``telconf.plan.order`` says in which stage each call
runs; the planner sorts the calls by stage (stably, keeping a provider's own order
within a stage) and lets the provider batch them into fewer requests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from telconf.errors import ConfigError
from telconf.model import Account, Config
from telconf.plan.data import AccountPlan, Call, Change, Plan
from telconf.plan.order import stage_of
from telconf.providers.base import CallWithChanges, LiveState, PlanOptions, Provider, parallel_map

ProviderFactory = Callable[..., Provider[Any]]


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


def make_plan(
    config: Config,
    *,
    accounts: Iterable[str] | None = None,
    options: PlanOptions = PlanOptions(),
    parallelism: int = 8,
    environ: Mapping[str, str] | None = None,
    provider_factory: ProviderFactory | None = None,
) -> tuple[Plan, dict[str, Provider[Any]]]:
    """Plan every selected account; return the plan and the providers (kept for apply).

    Accounts are read in parallel. If any read fails, every provider is closed and the
    error is raised: nothing is ever planned from a partial view.
    """
    factory = provider_factory
    if factory is None:
        from telconf.providers import provider_for

        factory = provider_for
    selected = select_accounts(config, accounts)
    providers: dict[str, Provider[Any]] = {
        account.name: factory(account, parallelism=parallelism, environ=environ) for account in selected
    }
    try:
        lives = parallel_map(lambda p: p.read(), list(providers.values()), len(providers))
        account_plans = tuple(
            plan_account(name, provider, live, options)
            for (name, provider), live in zip(providers.items(), lives)
        )
    except BaseException:
        close_all(providers)
        raise
    return Plan(account_plans), providers


def plan_account(name: str, provider: Provider[Any], live: LiveState, options: PlanOptions) -> AccountPlan:
    """Diff one account's live state, then order and batch its calls."""
    changes = _with_templates(list(provider.diff(live, options)), getattr(provider, "account", None))
    ordered = order_calls(changes)
    batched = provider.batch(ordered)
    ignored = provider.ignored(live) if hasattr(provider, "ignored") else {}
    # Ignored items can never be deleted: the safety rule counts only the others.
    existing = {kind: count - ignored.get(kind, 0) for kind, count in live.existing.items()}
    return AccountPlan(
        account=name,
        provider=provider.name,
        changes=tuple(changes),
        calls=tuple(call for call, _ in batched),
        call_changes=tuple(tuple(served) for _, served in batched),
        fingerprint=live.fingerprint,
        existing=existing,
        reads=live.reads,
        ignored=ignored,
    )


def restrict_plan(account: AccountPlan, provider: Provider[Any], items: set[str]) -> AccountPlan:
    """``account`` with only the changes of ``items`` (ordered and batched again).

    Applying a saved plan on a busy account: changes the fresh plan finds in other items
    (drift since the plan was made) were not reviewed, so they are left out.
    """
    changes = [c for c in account.changes if provider.item_of(c) in items]
    batched = provider.batch(order_calls(changes))
    return replace(account, changes=tuple(changes), calls=tuple(call for call, _ in batched),
                   call_changes=tuple(tuple(served) for _, served in batched))


def _with_templates(changes: list[Change], account: Account | None) -> list[Change]:
    """Each change of a number expanded from a template names the template (plans show it)."""
    numbers = getattr(account, "numbers", None) or {}
    templates = {wire: number.template for wire, number in numbers.items() if getattr(number, "template", None)}
    if not templates:
        return changes
    return [replace(change, template=templates[change.number]) if change.number in templates else change
            for change in changes]


def order_calls(changes: Sequence[Change]) -> list[CallWithChanges]:
    """Every change's calls, each with its stage set, stably sorted by stage.

    A provider that already set a call's stage (non-zero) keeps it: the default
    comes from ``telconf.plan.order``, the one place that decides order.
    """
    staged: list[CallWithChanges] = []
    for index, change in enumerate(changes):
        for call in change.calls:
            stage = call.stage or stage_of(change.kind, change.action)
            staged.append((_with_stage(call, stage), (index,)))
    staged.sort(key=lambda item: item[0].stage)
    return staged


def _with_stage(call: Call, stage: int) -> Call:
    return call if call.stage == stage else replace(call, stage=stage)


def close_all(providers: Mapping[str, Provider[Any]]) -> None:
    """Close every provider, ignoring errors (they only release connections)."""
    for provider in providers.values():
        try:
            provider.close()
        except Exception:  # noqa: BLE001 - closing must never hide the real outcome
            pass
