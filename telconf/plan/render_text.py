"""The plan for a terminal: markers, before → after, a summary line; colour on a TTY."""

from __future__ import annotations

from typing import Any, TextIO

import click

from telconf.core.phones import display
from telconf.routing.text import route_data, window_label

from telconf.plan.render import (
    MARKERS,
    PlanData,
    account_summary,
    as_data,
    change_title,
    field_lines,
    grouped,
    ignored_text,
    moment_lines,
    number_title,
    snapshot_line,
    summary_line,
)

COLOURS = {"create": "green", "update": "yellow", "delete": "red", "move": "cyan"}


class PlanText:
    """Text renderer: grouped by account, then by number; ``color`` only on a terminal."""

    def __init__(self, *, color: bool = False):
        self.color = color

    def run(self, plan: Any, fh: TextIO) -> None:
        data = as_data(plan)
        for line in self.lines(data):
            fh.write(line + "\n")

    def lines(self, data: PlanData) -> list[str]:
        out: list[str] = []
        snapshot = snapshot_line(data)
        if snapshot:
            out += [self._style(snapshot, fg="magenta", bold=True), ""]
        moment = moment_lines(data)
        if moment:
            out += [moment[0], *moment[1:], ""]
        for account in data["accounts"]:
            ignored = ignored_text(account)
            if not account["changes"]:
                if ignored:
                    out.append(f"{account['account']} ({account['provider']}): no changes; {ignored}")
                continue
            out.append(self._style(f"{account['account']} ({account['provider']}): {account_summary(account)}",
                                   bold=True))
            if ignored:
                out.append(f"  {ignored}")
            for number, changes in grouped(account["changes"]):
                out.append(f"  {number_title(number, changes)}")
                for change in changes:
                    out.extend(self._change(change))
            out.extend(self._routing(account.get("routing") or ()))
            out.append("")
        out.append(self._style(summary_line(data), bold=True))
        return out

    def _change(self, change: PlanData) -> list[str]:
        action = change["action"]
        marker = MARKERS.get(action, "?")
        lines = [self._style(f"    {marker} {change_title(change)}", fg=COLOURS.get(action))]
        for name, text in field_lines(change):
            lines.append(f"        {name}: {text}" if name else f"        {text}")
        if change.get("warning"):
            lines.append(self._style(f"        ! {change['warning']}", fg="magenta"))
        return lines

    def _routing(self, impacts: Any) -> list[str]:
        """What callers get before and after, for each window that changes."""
        if not impacts:
            return []
        out = [self._style("  call routing that changes:", bold=True)]
        for impact in impacts:
            out.append(f"    {display(impact['number'])}")
            for change in impact["changes"]:
                label = window_label(change)
                out.append(f"      {label}  before: {route_data(change['before'])}")
                out.append(self._style(f"      {' ' * len(label)}  after:  {route_data(change['after'])}",
                                       fg="yellow"))
        return out

    def _style(self, text: str, **styles: Any) -> str:
        return click.style(text, **styles) if self.color else text
