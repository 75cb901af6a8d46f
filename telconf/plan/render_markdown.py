"""The plan as a pull-request comment: a summary table, one collapsible section per account.

A comment has a size limit (GitHub: 65,536 characters), so a plan longer than
``LIMIT`` is shortened: first the API call lists go, then each account shows only
its first changes; a note at the top says exactly what was left out.
"""

from __future__ import annotations

import html
import json
from typing import Any, TextIO

from telconf.plan.render import (
    MARKERS,
    PlanData,
    account_counts,
    account_summary,
    as_data,
    change_title,
    field_lines,
    grouped,
    ignored_text,
    number_title,
    summary_line,
)

LIMIT = 60_000
PARAMS_SHOWN = 300  # characters of a call's parameters shown in the call list
CHANGE_CAPS = (500, 200, 100, 50, 20, 10, 5, 2, 0)  # changes per account, tried in turn


class PlanMarkdown:
    """Markdown renderer, readable as a pull-request comment."""

    def __init__(self, limit: int = LIMIT):
        self.limit = limit

    def run(self, plan: Any, fh: TextIO) -> None:
        fh.write(self.render(as_data(plan)))

    def render(self, data: PlanData) -> str:
        """The whole plan, shortened to ``limit`` characters if it must be."""
        rows: dict[int, str] = {}  # rendered once, reused by every shortened attempt
        full = _Document(data, rows=rows).text()
        if len(full) <= self.limit:
            return full
        text = full
        for cap in (None, *CHANGE_CAPS):
            text = _Document(data, rows=rows, with_calls=False, change_cap=cap).text(full_length=len(full))
            if len(text) <= self.limit:
                return text
        return text  # even the summary table alone is over the limit: show it anyway


class _Document:
    """One rendering of the plan, optionally without call lists and with capped changes."""

    def __init__(self, data: PlanData, *, rows: dict[int, str], with_calls: bool = True,
                 change_cap: int | None = None):
        self.data = data
        self.rows = rows
        self.with_calls = with_calls
        self.change_cap = change_cap

    def text(self, full_length: int = 0) -> str:
        parts = ["## telconf plan\n", f"**{summary_line(self.data)}**\n"]
        accounts = [a for a in self.data["accounts"] if a["changes"]]
        if full_length:
            parts.append(self._note(accounts, full_length))
        if accounts:
            parts.append(self._table())
        for account in accounts:
            parts.append(self._account(account))
        return "\n".join(parts)

    def _note(self, accounts: list[PlanData], full_length: int) -> str:
        left_out = ["the API call lists"]
        total = sum(len(a["changes"]) for a in accounts)
        if self.change_cap is not None:
            hidden = sum(max(0, len(a["changes"]) - self.change_cap) for a in accounts)
            if hidden:
                left_out.append(f"{hidden} of {total} changes (each account shows its first "
                                f"{self.change_cap})")
        return (f"> [!NOTE]\n> This plan is too long for one comment ({full_length:,} characters); "
                f"left out: {' and '.join(left_out)}. The summary counts everything. "
                "Run `telconf plan --format json` for the whole plan.\n")

    def _table(self) -> str:
        rows = ["| account | provider | add | change | delete | move | API calls |",
                "|---|---|--:|--:|--:|--:|--:|"]
        for account in self.data["accounts"]:
            c = account_counts(account)
            rows.append(f"| {_cell(account['account'])} | {_cell(account['provider'])} | {c['create']} | "
                        f"{c['update']} | {c['delete']} | {c['move']} | {c['calls']} |")
        return "\n".join(rows) + "\n"

    def _account(self, account: PlanData) -> str:
        name = html.escape(account["account"])
        parts = [f"<details>\n<summary><b>{name}</b> ({html.escape(account['provider'])}): "
                 f"{html.escape(account_summary(account))}</summary>\n"]
        if ignored_text(account):
            parts.append(f"_{html.escape(ignored_text(account))}_\n")
        changes = account["changes"]
        shown = changes if self.change_cap is None else changes[: self.change_cap]
        for number, members in grouped(shown):
            parts.append(f"#### {html.escape(number_title(number, members))}\n")
            parts.append("| | change | details |\n|---|---|---|")
            parts.extend(self._cached_row(change) for change in members)
            parts.append("")
        if len(shown) < len(changes):
            parts.append(f"_… {len(changes) - len(shown)} more changes of this account are not shown._\n")
        if self.with_calls and account["calls"]:
            parts.append(self._calls(account["calls"]))
        parts.append("</details>\n")
        return "\n".join(parts)

    def _cached_row(self, change: PlanData) -> str:
        key = id(change)
        if key not in self.rows:
            self.rows[key] = self._row(change)
        return self.rows[key]

    @staticmethod
    def _row(change: PlanData) -> str:
        details = [f"{name}: {text}" if name else text for name, text in field_lines(change)]
        if change.get("warning"):
            details.append(f"⚠️ {change['warning']}")
        marker = MARKERS.get(change["action"], "?")
        return f"| `{marker}` | {_cell(change_title(change))} | {'<br>'.join(_cell(d) for d in details)} |"

    @staticmethod
    def _calls(calls: list[PlanData]) -> str:
        lines = [f"<details>\n<summary>API calls, in order ({len(calls)})</summary>\n"]
        for index, call in enumerate(calls, 1):
            params = json.dumps(call.get("params"), ensure_ascii=False, separators=(",", ":"))
            if len(params) > PARAMS_SHOWN:
                params = params[:PARAMS_SHOWN] + f"… ({len(params):,} characters)"
            lines.append(f"{index}. `{call['method']}` <code>{html.escape(params, quote=False)}</code>")
        lines.append("\n</details>\n")
        return "\n".join(lines)


def _cell(text: str) -> str:
    """Text safe inside a table cell: no pipes, no raw HTML, no line breaks."""
    return html.escape(str(text), quote=False).replace("|", "\\|").replace("\n", "<br>")
