"""``telconf apply``: make the live accounts match the config, or carry out a saved plan."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from telconf.engine.apply import ApplyReport, CallEvent, ProgressCallback, outage_names
from telconf.cli.common import (
    EXIT_ERROR,
    account_option,
    at_option,
    config_option,
    exit_code_of,
    handles_errors,
    network_options,
    parallelism_option,
    setup_logging,
    verbose_option,
)
from telconf.cli.terminal import color_option, confirm_by_typing_yes
from telconf.cli.plan import ExitOneOnUsageError, as_of, load_config, read_and_plan, rotate_option, safety_settings, show
from telconf.engine.conductor import Conductor
from telconf.core.errors import ApplyError, PlanError, TelconfError
from telconf.plan import safety
from telconf.plan import saved as saved_plans
from telconf.plan.data import Plan
from telconf.plan.data import PlanOptions


class Refused(TelconfError):
    """The user (or the lack of a terminal) did not confirm the apply."""


def stdin_is_terminal() -> bool:
    """Whether a person can be asked (a seam for tests)."""
    return sys.stdin.isatty()


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


@click.command("apply", cls=ExitOneOnUsageError)
@click.argument("planfile", required=False, type=click.Path(dir_okay=False, path_type=Path))
@config_option
@account_option
@click.option("-y", "--yes", is_flag=True, help="Apply without asking for confirmation.")
@click.option("--force", is_flag=True, help="Apply even if the plan trips the mass-delete safety rule.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write what the apply did as JSON (every call: done, failed, not attempted; timings), "
                   "even when it fails or is interrupted.")
@rotate_option
@at_option
@parallelism_option
@verbose_option
@color_option()
@network_options
@handles_errors
def apply(planfile: Path | None, config_path: Path, accounts: tuple[str, ...], yes: bool, force: bool,
          report_path: Path | None, rotate: bool, at: datetime | None, parallelism: int, verbose: bool) -> None:
    """Make the live accounts match the config file.

    Without PLANFILE: plan, show the plan, ask for confirmation by typing `yes`
    (--yes skips it; with no terminal and no --yes it refuses), then run the calls. With PLANFILE (from
    `telconf plan --out`): re-read the live state and apply exactly that plan, or
    nothing if the accounts or the config changed since it was made (stale plan); a
    plan file is applied only once.

    The desired state is the config's as of now (or --at): each number with the
    overrides active then. A plan file records its moment and is stale once the next
    change it names is due (an override started or ended since).

    A plan that deletes more than the safety threshold of the items of one kind
    (default 25% when there are 10 or more) is refused unless --force. On a failure
    the apply stops and reports what was done, what failed and what was not
    attempted (exit 1); running it again converges.

    \b
    Examples:
        telconf apply                       # plan, show, ask
        telconf apply -c telconf.yaml --account spb-office --yes
        telconf plan --out plan.json && telconf apply plan.json --report report.json
        telconf apply --yes --at 2027-01-09   # the state due then (e.g. to switch early)
    """
    from telconf.output.report import ApplyRecord, recording

    setup_logging(verbose)
    record = ApplyRecord(config=str(config_path), plan_file=str(planfile) if planfile is not None else None)
    with recording(report_path, record):
        if planfile is not None:
            explicit = click.get_current_context().get_parameter_source("config_path") is not ParameterSource.DEFAULT
            apply_saved(planfile, config_path if explicit else None, accounts=accounts, rotate=rotate, force=force,
                        parallelism=parallelism, record=record, at=at)
            return
        options = PlanOptions(rotate_secrets=rotate)
        config, moment, scheduled = as_of(load_config(config_path, accounts), at)
        with Conductor(config, accounts=accounts, parallelism=parallelism) as conductor:
            plan = read_and_plan(conductor, options)
            record.plan = plan
            say_moment(moment)
            show(plan)
            if not plan.has_changes:
                return
            _check_safety(plan, config, force, scheduled)
            if not yes:
                _confirm(plan)
            run(conductor, plan, record)


def say_moment(moment: dict[str, Any]) -> None:
    """The plan's moment and active overrides on stderr, when there is something to say."""
    from telconf.plan.render import moment_lines

    for line in moment_lines({"moment": moment}):
        click.echo(line, err=True)


def apply_saved(planfile: Path, config_path: Path | None, *, accounts: Sequence[str], rotate: bool, force: bool,
                parallelism: int, record: Any = None, at: datetime | None = None) -> None:
    """Apply a saved plan if it is still exactly what a fresh plan gives, then mark it applied.

    Without -c the config is the one the plan was made from. The fresh plan is made as of
    now (``at``): a plan whose next change is due since is stale (the desired state moved).
    """
    if accounts or rotate:
        raise PlanError("with a plan file, the accounts and options come from the file: "
                        "drop --account and --rotate-secrets")
    saved = saved_plans.read(planfile)
    saved_plans.check_not_snapshot(planfile, saved)
    saved_plans.check_not_applied(planfile, saved)
    config_path = config_path or Path(saved.config or "telconf.yaml")
    if record is not None:
        record.config = str(config_path)
    selected = saved.accounts or []
    config, moment, scheduled = as_of(load_config(config_path, selected), at)
    saved_plans.check_moment(planfile, saved, moment)
    with Conductor(config, accounts=selected, parallelism=parallelism) as conductor:
        plan = read_and_plan(conductor, saved.plan_options)
        fresh_changes = sum(len(a.changes) for a in plan.accounts)
        plan = conductor.check_saved(planfile, saved, plan)
        left = fresh_changes - sum(len(a.changes) for a in plan.accounts)
        if left:
            click.echo(f"note: {left} change{'s' if left != 1 else ''} found now in items the saved plan does not "
                       "touch (changed since it was made) are left out; `telconf plan` shows them", err=True)
        if record is not None:
            record.plan = plan
        show(plan)
        if plan.has_changes:
            _check_safety(plan, config, force, scheduled)
            run(conductor, plan, record)
        saved_plans.mark_applied(planfile, saved)


def _check_safety(plan: Plan, config: object, force: bool, scheduled: dict[str, set[str]] | None = None) -> None:
    for violation in safety.check(plan, safety_settings(config), force=force,  # type: ignore[arg-type]
                                  scheduled=scheduled):
        click.echo(f"warning: --force: applying although {violation}", err=True)


def _confirm(plan: Plan) -> None:
    if not stdin_is_terminal():
        raise Refused("refusing to apply without confirmation: there is no terminal to ask on. "
                      "Review the plan and run `telconf apply --yes`, or apply a saved plan "
                      "(`telconf plan --out FILE`, then `telconf apply FILE`).")
    names = ", ".join(a.account for a in plan.accounts if a.has_changes)
    if not confirm_by_typing_yes(f"Apply these changes to {names}?"):
        raise Refused("apply cancelled (only 'yes' approves); nothing was changed")


def run(conductor: Conductor, plan: Plan, record: Any = None) -> ApplyReport:
    """Apply with progress; print the summary, or the failure report and exit 1 (130 on Ctrl-C,
    143 on SIGTERM).

    ``record`` (a ``telconf.output.report.ApplyRecord``) gets the apply's report as it fills,
    so ``--report`` has it even after a second Ctrl-C.
    """
    total = plan.call_count
    click.echo()
    applier = conductor.applier()
    try:
        with progress_display(total) as progress:
            applier.progress = progress
            try:
                report = applier.apply(plan)
            finally:
                if record is not None:
                    record.report = applier.report
    except KeyboardInterrupt:  # a second signal: the lanes still finished their calls in flight
        if applier.report is not None:
            for line in applier.report.lines():
                click.echo(line, err=True)
        raise
    except ApplyError as exc:
        report = exc.report
        click.echo(f"Error: {exc}", err=True)
        for line in report.lines():
            click.echo(line, err=True)
        click.echo("Nothing else was changed. Run `telconf plan` to see what is left; "
                   "`telconf apply` again converges.", err=True)
        for alarm, names in outage_names(report, "alarm").items():  # the last thing on screen too
            click.echo(f"!!! {alarm} was read back on {names}: check them and run `telconf apply` again now.",
                       err=True)
        for lost in report.losses:  # the last thing on screen too: state outside the config is gone
            click.echo(f"!!! {lost}.", err=True)
        sys.exit(exit_code_of(report.signal) if report.interrupted else EXIT_ERROR)
    click.echo(summary(plan, report))
    return report


def summary(plan: Plan, report: ApplyReport) -> str:
    """``Apply complete: 2 added, 1 changed, 0 deleted, 3 moved; 7 API calls in 0.4 s.``"""
    c = plan.counts()
    calls = len(report.done)
    verified = f"; {len(report.items)} item{'s' if len(report.items) != 1 else ''} read back as desired" \
        if report.items else ""
    return (f"Apply complete: {c['create']} added, {c['update']} changed, {c['delete']} deleted, "
            f"{c['move']} moved; {calls} API call{'s' if calls != 1 else ''} in {report.seconds:.1f} s{verified}.")


@contextmanager
def progress_display(total: int) -> Iterator[ProgressCallback]:
    """A progress bar with the current call on a terminal; one line per call otherwise."""
    if total and stdout_is_terminal():
        current = {"label": ""}

        def show_label(_: int | None) -> str:
            return current["label"]

        with click.progressbar(length=total, label="Applying", show_pos=True, width=24,
                               item_show_func=show_label) as bar:
            def on_bar(event: CallEvent) -> None:
                current["label"] = f"{event.result.account}: {event.result.label}"[:60]
                bar.update(0 if event.status == "start" else 1)
            yield on_bar
        return
    lock = threading.Lock()
    finished = [0]

    def on_line(event: CallEvent) -> None:
        """``[ 3/15] #5 office: editSIP 101 ... ok``: counted as calls end; ``#5`` is the call's place in the
        plan (the failure report's ``[5]``), since parallel lanes finish out of plan order."""
        if event.status == "start":
            return
        result = event.result
        width = len(str(event.total))
        status = {"done": "ok", "skipped": f"not sent: {result.error}"}.get(event.status, f"FAILED: {result.error}")
        with lock:
            finished[0] += 1
            click.echo(f"[{finished[0]:>{width}}/{event.total}] {f'#{result.position}':<{width + 1}} {result.account}: "
                       f"{result.label} ... {status}")

    yield on_line
