"""The plan as a pull-request comment: summary table, warnings, one collapsible section per account.

Every value from the config or the live accounts is either escaped (outside code) or
inside a fenced ``diff`` block, so a description ``*VIP*`` or a backtick shows as
written, and GitHub and GitLab colour adds and deletes. Outside code, values cannot
ping or link either (``neutral``): a voice file named ``@org-team.wav`` mentions nobody,
and ``https://…``, ``www.…`` or ``a@b.example`` are text, not links. Warnings stay outside the
collapsed sections; a footer names telconf's version and the plan's fingerprint.

A comment has a size limit (GitHub: 65,536 characters), so a plan longer than
``LIMIT`` is shortened: first the API call lists go, then each account shows only
its first changes, deletes first; a note at the top says what was left out and where
the full plan is.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any, TextIO

from telconf import __version__
from telconf.core.phones import display
from telconf.guard.redact import escape as escape_controls, mask_userinfo
from telconf.routing.mermaid import gantt
from telconf.routing.text import route_data, window_label
from telconf.plan.render import (
    PlanData,
    account_counts,
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

LIMIT = 60_000
CHARTS = 20  # numbers whose routing change gets a chart (the table is there for every number)
PARAMS_SHOWN = 300  # characters of a call's parameters shown in the call list
CHANGE_CAPS = (500, 200, 100, 50, 20, 10, 5, 2, 0)  # changes per account, tried in turn
DIFF_MARKERS = {"create": "+", "update": "!", "delete": "-", "move": "!"}  # GitHub colours + - and !
FULL_PLAN = "Run `telconf plan --format json` for the whole plan."
_MARKDOWN = re.compile(r"([\\`*_\[\]()#!|~{}<>])")  # "-" and "+" matter only at line starts


class PlanMarkdown:
    """Markdown renderer, readable as a pull-request comment.

    ``full_plan``: where the whole plan is (a CI artifact's URL), named when shortened.
    """

    def __init__(self, limit: int = LIMIT, full_plan: str | None = None):
        self.limit = limit
        self.full_plan = full_plan

    def run(self, plan: Any, fh: TextIO) -> None:
        fh.write(self.render(as_data(plan)))

    def render(self, data: PlanData) -> str:
        """The whole plan, shortened to ``limit`` characters if it must be."""
        full = _Document(data).text()
        if len(full) <= self.limit:
            return full
        text = full
        for cap in (None, *CHANGE_CAPS):
            text = _Document(data, with_calls=False, change_cap=cap, full_plan=self.full_plan).text(
                full_length=len(full))
            if len(text) <= self.limit:
                return text
        return text  # even the summary table alone is over the limit: show it anyway


class _Document:
    """One rendering of the plan, optionally without call lists and with capped changes."""

    def __init__(self, data: PlanData, *, with_calls: bool = True, change_cap: int | None = None,
                 full_plan: str | None = None):
        self.data = data
        self.with_calls = with_calls
        self.change_cap = change_cap
        self.full_plan = full_plan

    def text(self, full_length: int = 0) -> str:
        parts = ["## telconf plan\n"]
        snapshot = snapshot_line(self.data)
        if snapshot:
            parts.append(f"> [!WARNING]\n> {escape(snapshot)}\n")
        moment = moment_lines(self.data)
        if moment:
            parts.append(escape(moment[0]) + "\n\n" + "\n".join(f"- {escape(line.strip())}" for line in moment[1:])
                         + "\n")
        parts.append(f"**{summary_line(self.data)}**\n")
        accounts = [a for a in self.data["accounts"] if a["changes"]]
        if full_length:
            parts.append(self._note(accounts, full_length))
        if accounts:
            parts.append(self._table())
        warnings = [w for w in self.data.get("warnings", ()) if w.get("code") != "snapshot"]
        if warnings:
            parts.append(self._warnings(warnings))
        routing = [a for a in accounts if a.get("routing")]
        if routing:
            parts.append(self._routing(routing))
        for account in accounts:
            parts.append(self._account(account))
        parts.append(self._footer())
        return "\n".join(parts)

    def _note(self, accounts: list[PlanData], full_length: int) -> str:
        left_out = ["the API call lists"]
        total = sum(len(a["changes"]) for a in accounts)
        if self.change_cap is not None:
            hidden = sum(max(0, len(a["changes"]) - self.change_cap) for a in accounts)
            if hidden:
                left_out.append(f"{hidden} of {total} changes (each account shows its first "
                                f"{self.change_cap}, deletes first)")
        where = f"The full plan: {link(self.full_plan)}" if self.full_plan else FULL_PLAN
        return (f"> [!NOTE]\n> This plan is too long for one comment ({full_length:,} characters); "
                f"left out: {' and '.join(left_out)}. The summary counts everything. {where}\n")

    def _table(self) -> str:
        rows = ["| account | provider | add | change | delete | move | API calls |",
                "|---|---|--:|--:|--:|--:|--:|"]
        for account in self.data["accounts"]:
            c = account_counts(account)
            rows.append(f"| {escape(account['account'])} | {escape(account['provider'])} | {c['create']} | "
                        f"{c['update']} | {c['delete']} | {c['move']} | {c['calls']} |")
        return "\n".join(rows) + "\n"

    @staticmethod
    def _warnings(warnings: list[PlanData]) -> str:
        lines = ["### ⚠️ Warnings\n"]
        for warning in warnings:
            where = warning.get("address") or warning.get("account") or (
                f"{warning['file']}:{warning['line']}:{warning['column']}" if warning.get("file") else "")
            prefix = f"{escape(where)}: " if where else ""
            lines.append(f"- **{escape(warning['code'])}** {prefix}{escape(warning['message'])}")
        return "\n".join(lines) + "\n"

    def _account(self, account: PlanData) -> str:
        name = neutral(html.escape(account["account"]))
        parts = [f"<details>\n<summary><b>{name}</b> ({neutral(html.escape(account['provider']))}): "
                 f"{neutral(html.escape(account_summary(account)))}</summary>\n"]
        if ignored_text(account):
            parts.append(f"_{neutral(html.escape(ignored_text(account)))}_\n")
        changes = account["changes"]
        if self.change_cap is None:
            shown = changes
        else:  # what a reviewer must not miss comes first: deletes
            shown = sorted(changes, key=lambda c: c["action"] != "delete")[: self.change_cap]
        if shown:
            parts.append(diff_block(shown))
        if len(shown) < len(changes):
            parts.append(f"_… {len(changes) - len(shown)} more changes of this account are not shown._\n")
        if self.with_calls and account["calls"]:
            parts.append(self._calls(account["calls"]))
        parts.append("</details>\n")
        return "\n".join(parts)

    def _routing(self, accounts: list[PlanData]) -> str:
        """Per changed number: a compact before/after table and a Mermaid chart of its week.

        Shortened like the changes: a capped plan shows its first numbers and no charts.
        """
        parts = ["### 📞 Call routing that changes\n"]
        total = sum(len(a["routing"]) for a in accounts)
        cap = total if self.change_cap is None else self.change_cap
        shown = 0
        for account in accounts:
            for impact in account["routing"]:
                if shown >= cap:
                    break
                shown += 1
                title = f"{display(impact['number'])} ({account['account']})"
                rows = [f"**{escape(title)}**\n", "| when | before | after |", "|---|---|---|"]
                rows += [f"| {escape(window_label(c))} | {escape(route_data(c['before']))} | "
                         f"{escape(route_data(c['after']))} |" for c in impact["changes"]]
                parts.append("\n".join(rows) + "\n")
                if self.change_cap is None and shown <= CHARTS:
                    parts.append(gantt(f"{display(impact['number'])} before and after", impact["changes"]))
        if shown < total:
            parts.append(f"_… {total - shown} more numbers whose routing changes are not shown._\n")
        return "\n".join(parts)

    @staticmethod
    def _calls(calls: list[PlanData]) -> str:
        lines = [f"<details>\n<summary>API calls, in order ({len(calls)})</summary>\n"]
        for index, call in enumerate(calls, 1):
            params = json.dumps(call.get("params"), ensure_ascii=False, separators=(",", ":"))
            if len(params) > PARAMS_SHOWN:
                params = params[:PARAMS_SHOWN] + f"… ({len(params):,} characters)"
            # Markdown is parsed inside inline HTML too: escape it, not only the HTML.
            lines.append(f"{index}. <code>{escape(call['method'])}</code> <code>{escape(params)}</code>")
        lines.append("\n</details>\n")
        return "\n".join(lines)

    def _footer(self) -> str:
        from telconf.plan.data import fingerprint

        version = self.data.get("telconf_version") or __version__
        identity = fingerprint([{k: v for k, v in a.items() if k not in ("changes", "routing")}
                                | {"changes": [{k: v for k, v in c.items() if k != "source"} for c in a["changes"]]}
                                for a in self.data["accounts"]])
        return (f"---\n<sub>telconf {html.escape(version)} · plan fingerprint "
                f"<code>{identity[:19]}</code></sub>\n")


def diff_block(changes: list[PlanData]) -> str:
    """The changes as a fenced ``diff`` block: ``+`` adds, ``-`` deletes, ``!`` edits and moves."""
    lines: list[str] = []
    for number, members in grouped(changes):
        lines.append(f"@@ {number_title(number, members)} @@")
        for change in members:
            marker = DIFF_MARKERS.get(change["action"], " ")
            lines.append(f"{marker} {_title(change)}")
            for name, text in field_lines(change):
                lines.append(f"{marker}     {name}: {text}" if name else f"{marker}     {text}")
            if change.get("warning"):
                lines.append(f"{marker}     ⚠ {change['warning']}")
    # A value's own line breaks must not start lines of their own (with a marker of their choosing).
    body = "\n".join(line.replace("\r", "\\r").replace("\n", "\\n") for line in lines)
    fence = "`" * max(3, _longest_backtick_run(body) + 1)
    return f"{fence}diff\n{body}\n{fence}\n"


def _title(change: PlanData) -> str:
    """``forward +7 812 323-23-23#2``: the number readable where the key is one item of it
    (the number and a suffix); a key that is the number itself is kept as the API has it."""
    title = change_title(change)
    number = change.get("number")
    key = str(change.get("key", ""))
    return title.replace(number, display(number), 1) if number and key.startswith(number) and key != number \
        else title


def _longest_backtick_run(text: str) -> int:
    return max((len(run) for run in re.findall(r"`+", text)), default=0)


def link(target: str) -> str:
    """A URL as an autolink (escaping would break it); anything else as escaped text."""
    if re.fullmatch(r"https?://[^\s<>]+", target):
        return f"<{target}>"
    return escape(target)


def escape(text: Any) -> str:
    """Text shown as written on GitHub and GitLab: HTML and Markdown punctuation escaped, one line."""
    # A URL's user:password@ is masked first: neutralising ``://`` and ``@`` below would hide it from the mask.
    # Controls and bidirectional overrides (U+202E turns the rest of a line around) become \uNNNN.
    escaped = html.escape(escape_controls(mask_userinfo(str(text))), quote=False).replace("\r", " ").replace("\n", " ")
    escaped = escaped.replace("&lt;", "\0lt").replace("&gt;", "\0gt").replace("&amp;", "\0amp")
    escaped = _MARKDOWN.sub(r"\\\1", escaped)
    return neutral(escaped.replace("\0lt", "&lt;").replace("\0gt", "&gt;").replace("\0amp", "&amp;"))


_MENTION = re.compile(r"@(?=\w)")
_SCHEME = re.compile(r":(?=//)")
# The dot after ``www`` goes whatever follows: GitHub links ``www.1password.com`` (a digit after it).
_DOT = re.compile(r"(?<=[0-9A-Za-z_-])\.(?=[A-Za-z])|(?<=[Ww][Ww][Ww])\.")


def neutral(text: str) -> str:
    """Escaped text that pings nobody and links nowhere, shown as written.

    ``@name`` gets an invisible word joiner after the ``@`` (GitHub and GitLab mention
    and e-mail filters want a word character right after it); the ``:`` of ``://`` and
    the dots inside names become character references, which render as themselves but
    split the text autolinkers (``https://``, ``www.``, bare domains) look at.
    """
    text = _MENTION.sub("@\u2060", text)
    return _DOT.sub("&#46;", _SCHEME.sub("&#58;", text))
