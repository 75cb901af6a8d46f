"""``telconf test``: route tests, offline, with test-runner output and JUnit XML for CI."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from telconf.cli.common import EXIT_ERROR, EXIT_OK, account_option, config_option, handles_errors, network_options
from telconf.core.model import Account


@click.command("test")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@config_option
@account_option
@click.option("--snapshot", "snapshot", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              metavar="EXPORT", help="Test the state in this `telconf export` file with the config on top.")
@click.option("--junit", "junit", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Also write the results as JUnit XML (CI test reports).")
@network_options
@handles_errors
def test(files: tuple[Path, ...], config_path: Path, accounts: tuple[str, ...], snapshot: Path | None,
         junit: Path | None) -> None:
    """Run route tests: what a call to a number at a moment must get, checked against
    the config offline (no credentials, no network).

    FILES default to telconf.tests.yaml beside the config. Each case has name,
    number, at ('mon 10:00' or an ISO date-time), optional caller, and expect
    (`telconf schema --tests` lists its keys). A dated `at` (2026-12-31T20:00) sees the
    overrides active then; a time of the week (sat 12:00) the numbers' own settings.
    Exit 0 when every case passes, 1 otherwise or for a bad test file.

    \b
    Examples:
        telconf test
        telconf test tests/routing.yaml --junit route-tests.xml
        telconf test --snapshot backup/telconf.yaml
    """
    from telconf.config import load
    from telconf.config.environ import AnyVariable
    from telconf.engine.route_tests import DEFAULT_FILE, Outcome, load_cases, run

    paths = list(files) or [config_path.parent / DEFAULT_FILE]
    config = load(config_path, accounts or None, AnyVariable(), connecting=False)  # no secret is read
    for warning in config.warnings:
        click.echo(str(warning), err=True)
    if not files and not paths[0].is_file():
        click.echo(f"note: no route tests: {paths[0]} not found (write cases there, or name test files)", err=True)
        click.echo("0 passed, 0 failed")
        sys.exit(EXIT_OK)
    if snapshot is not None:
        from telconf.cli.routes import snapshot_states

        states = snapshot_states(config, snapshot)
    else:
        states = list(config.accounts.values())

    def states_at(at: str) -> tuple[list[Account], dict[str, str]] | None:
        """The accounts as of a case's dated ``at`` (its overrides active then) and the override of
        each number then; None for a time of the week."""
        from telconf.cli.routes import dated_config, snapshot_states

        resolved, overrides = dated_config(config, at)
        if overrides is None:
            return None
        accounts = snapshot_states(resolved, snapshot) if snapshot is not None else list(resolved.accounts.values())
        return accounts, {number: name for found in overrides.values() for number, name in found.items()}
    import gc

    # The config's objects live until the command ends: later collections need not walk them
    # again (with 20,000 numbers, collections over the whole config cost more than the routing).
    gc.freeze()
    bad_files = 0
    results: list[tuple[Path, list[Outcome]]] = []
    for path in paths:
        cases, problems = load_cases(path)
        for problem in problems:
            click.echo(str(problem), err=True)
        if problems:
            bad_files += 1
            continue
        outcomes = run(cases, states, states_at)
        results.append((path, outcomes))
        for outcome in outcomes:
            _show(outcome)
    passed = sum(o.passed for _, outs in results for o in outs)
    failed = sum(not o.passed for _, outs in results for o in outs)
    if junit is not None:
        _write_junit(junit, results)
    summary = f"{passed} passed, {failed} failed"
    if bad_files:
        summary += f", {bad_files} test file{'s' if bad_files != 1 else ''} with errors"
    click.echo(summary)
    sys.exit(EXIT_ERROR if failed or bad_files else EXIT_OK)


def _show(outcome: Any) -> None:
    case = outcome.case
    if outcome.passed:
        click.echo(f"PASS  {case.name}")
        return
    click.echo(f"FAIL  {case.name}  ({case.where})")
    for line in failure_lines(outcome):
        click.echo(f"      {line}")


def failure_lines(outcome: Any) -> list[str]:
    """Why a case failed: each expectation against what the route does, and the whole route."""
    from telconf.core.phones import display
    from telconf.engine.route_tests import describe

    case = outcome.case
    if outcome.error:
        return [outcome.error]
    lines = [f"call to {display(case.number)} at {case.at}" + (f" from {display(case.caller)}" if case.caller else "")
             + (f" (override {outcome.override})" if outcome.override else "")]
    for key, wanted, actual in outcome.problems:
        lines.append(f"- expected {key}: {_shown(wanted)}")
        lines.append(f"+ actual   {key}: {_shown(actual)}")
    lines.append(f"  route: {describe(outcome)}")
    return lines


def _shown(value: Any) -> str:
    from telconf.routing.text import target

    if isinstance(value, list):
        return "[" + ", ".join(target(str(v)) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return target(str(value))


def _write_junit(path: Path, results: list[tuple[Path, list[Any]]]) -> None:
    """JUnit XML: one testsuite per file, one testcase per case, a failure with the diff."""
    import xml.etree.ElementTree as ET

    root = ET.Element("testsuites", name="telconf test")
    for file, outcomes in results:
        failures = sum(not o.passed for o in outcomes)
        suite = ET.SubElement(root, "testsuite", name=str(file), tests=str(len(outcomes)), failures=str(failures),
                              errors="0")
        for outcome in outcomes:
            case = ET.SubElement(suite, "testcase", name=outcome.case.name, classname=str(file))
            if not outcome.passed:
                lines = failure_lines(outcome)
                message = outcome.error or "; ".join(f"{key}: expected {_shown(wanted)}, got {_shown(actual)}"
                                                     for key, wanted, actual in outcome.problems)
                failure = ET.SubElement(case, "failure", message=message)
                failure.text = "\n".join(lines)
    ET.indent(root)
    path.write_text(ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n", encoding="utf-8")
    click.echo(f"Wrote {path}", err=True)
