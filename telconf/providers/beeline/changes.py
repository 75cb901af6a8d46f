"""What differs between a desired Beeline account and its live state, as ``Change`` objects.

One small function per kind. Each change carries its own calls, one per item; the
provider's ``batch`` later folds calls of one command into one request. Changes are
emitted grouped by command (all REDIRECT, then all RCANCEL, ...) so that, once the
planner has sorted calls by stage, calls that can share a request sit side by side.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from telconf.core.errors import PlanError
from telconf.core.model import is_managed
from telconf.providers.beeline.model import NO_PREMEDIA, BeelineAccount, Premedia, Redirect
from telconf.core.phones import display
from telconf.plan.data import Action, Call, Change, e164, local_file
from telconf.plan.order import stage_of
from telconf.providers.beeline.stages import STAGES
from telconf.providers.beeline.blacklists import diff_pairs, grouped
from telconf.providers.beeline.live import BeelineLive

C, U, D = Action.CREATE, Action.UPDATE, Action.DELETE


@dataclass(frozen=True)
class LocalFile:
    """A desired voice file as read from disk: its content hash."""

    name: str
    sha256: str


def _call(kind: str, action: Action, method: str, params: Any, lane: str = "") -> Call:
    return Call(method, params, lane=lane, stage=stage_of(STAGES, kind, action))


def _readable(number: str | None) -> str | None:
    return display(number) if number else None


def check_numbers(account: BeelineAccount, live: BeelineLive) -> None:
    """Every managed number (and black-list B-number) must be one of the client's numbers."""
    known = set(live.numbers)
    for number in account.numbers:
        if number not in known:
            raise PlanError(f"{account.name}: number {display(number)} is not a number of this Beeline "
                            "account (RLIST does not list it)")
    for list_id, entries in sorted(account.blacklists.lists.items()):
        for b in sorted({b for _, b in grouped(entries)} - known):
            raise PlanError(f"{account.name}: black list {list_id} names B-number {display(b)}, "
                            "which is not a number of this Beeline account")


def all_changes(account: BeelineAccount, live: BeelineLive, local: Mapping[str, LocalFile]) -> list[Change]:
    """Every change, grouped so that calls of one command are adjacent within a stage."""
    check_numbers(account, live)
    check_premedia_files(account, live)
    return with_needs([
        *voice_file_uploads(account, live, local),
        *redirect_changes(account, live),
        *premedia_changes(account, live),
        *recording_changes(account, live),
        *blacklist_changes(account, live),
        *active_list_change(account, live),
        *voice_file_deletes(account, live),
    ], account.name)


def with_needs(changes: list[Change], account: str) -> list[Change]:
    """What a change needs of another (``telconf.plan.order``; also: not sent if that is not):

    greetings need the uploads of the files they play (or played: a file replaced under
    them), and a voice file's delete needs the greetings that stop playing it (409.1).
    Every change also keeps waiting for the earlier stages: the order between kinds is the
    stage table's (recording for all around the per-number settings, black-list deletes
    before adds, the active list last), as the server treats them.
    """
    uploads = {c.key: c.address(account) for c in changes if c.kind == "voice_file" and c.action is not D}
    stopping: dict[str, list[str]] = {}
    result = []
    for change in changes:
        if change.kind == "premedia":
            files = {v for side in (change.after or {}, change.before or {}) for v in side.values() if v}
            change = replace(change, needs=tuple(uploads[f] for f in sorted(files) if f in uploads))
            for name in {v for v in (change.before or {}).values() if v}:
                stopping.setdefault(name, []).append(change.address(account))
        result.append(change)
    return [replace(c, needs=tuple(stopping.get(c.key, ()))) if c.kind == "voice_file" and c.action is D else c
            for c in result]


# --- redirects and greetings -------------------------------------------------------------


def _redirect_data(redirect: Redirect | None) -> dict[str, Any] | None:
    if redirect is None:
        return None
    return {"to": display(redirect.to), "caller_id": _readable(redirect.caller_id)}


def redirect_changes(account: BeelineAccount, live: BeelineLive) -> list[Change]:
    """REDIRECT sets or replaces a redirect; RCANCEL removes it (calls are then rejected)."""
    sets, cancels = [], []
    for number, wanted in sorted(account.numbers.items()):
        if not is_managed(wanted.redirect):
            continue
        have, want = live.redirects.get(number), wanted.redirect
        if have == want:
            continue
        if want is None:
            cancels.append(Change(
                "redirect", number, D, before=_redirect_data(have), after=None, number=number,
                config_path=("numbers", number, "redirect"),
                warning=f"incoming calls to {display(number)} will be rejected", warning_code="calls-rejected",
                calls=(_call("redirect", D, "RCANCEL", [number], lane=number),),
            ))
            continue
        entry = {"BNumber": number, "RNumber": want.to}
        if want.caller_id:
            entry["ANumber"] = want.caller_id
        action = C if have is None else U
        sets.append(Change(
            "redirect", number, action, before=_redirect_data(have), after=_redirect_data(want),
            number=number, calls=(_call("redirect", action, "REDIRECT", [entry], lane=number),),
            config_path=("numbers", number, "redirect"),
        ))
    return sets + cancels


def _premedia_data(premedia: Premedia) -> dict[str, Any] | None:
    if premedia.a is None and premedia.b is None:
        return None
    return {"a": premedia.a, "b": premedia.b}


def premedia_changes(account: BeelineAccount, live: BeelineLive) -> list[Change]:
    """PREMEDIA sets both sides of a number's greetings at once; ``""`` clears a side."""
    changes = []
    for number, wanted in sorted(account.numbers.items()):
        if not is_managed(wanted.premedia):
            continue
        want = Premedia(a=wanted.premedia.a or None, b=wanted.premedia.b or None)
        have = live.premedia.get(number, NO_PREMEDIA)
        if have == want:
            continue
        action = C if have == NO_PREMEDIA else D if want == NO_PREMEDIA else U
        entry = {"BNumber": number, "FileA": want.a or "", "FileB": want.b or ""}
        changes.append(Change(
            "premedia", number, action, before=_premedia_data(have), after=_premedia_data(want),
            number=number, calls=(_call("premedia", action, "PREMEDIA", [entry], lane=number),),
            config_path=("numbers", number, "premedia"),
        ))
    return changes


def _final_premedia(account: BeelineAccount, live: BeelineLive, number: str) -> Premedia:
    wanted = account.numbers.get(number)
    if wanted is not None and is_managed(wanted.premedia):
        return wanted.premedia
    return live.premedia.get(number, NO_PREMEDIA)


def check_premedia_files(account: BeelineAccount, live: BeelineLive) -> None:
    """Every greeting a managed number wants must exist once the voice files are uploaded."""
    available = set(account.voice_files) | set(ignored_voice_files(account, live)) \
        if is_managed(account.voice_files) else set(live.voice_files)
    for number, wanted in sorted(account.numbers.items()):
        if not is_managed(wanted.premedia):
            continue
        for name in (wanted.premedia.a, wanted.premedia.b):
            if name and name not in available:
                where = "under voice_files" if is_managed(account.voice_files) else "on the account"
                raise PlanError(f"{account.name}: number {display(number)} plays voice file {name!r}, "
                                f"which is not {where}")


# --- voice files ------------------------------------------------------------------------


def _file_data(comment: str, sha: str | None) -> dict[str, Any]:
    return {"comment": comment, "sha256": sha[:16] if sha else None}  # short: for reading, not checking


def voice_file_uploads(account: BeelineAccount, live: BeelineLive, local: Mapping[str, LocalFile]) -> list[Change]:
    """VFILE for each listed file that is missing, pending, or differs in content or comment."""
    if not is_managed(account.voice_files):
        return []
    changes = []
    for name, wanted in sorted(account.voice_files.items()):
        have = live.voice_files.get(name)
        after = _file_data(wanted.comment, local[name].sha256)
        warning, code = None, None
        if have is None:
            action, before = C, None
        else:
            live_sha = live.file_hashes.get(name)
            before = _file_data(have.comment, live_sha)
            if have.pending:
                warning = f"{name} is still being processed on the server; it is uploaded again to be sure"
                code = "voice-file-pending"
            elif live_sha != local[name].sha256:
                pass  # content differs: the plain case
            elif have.comment != wanted.comment:
                warning = "only the comment differs; the API has no other way to change it than uploading the file again"
                code = "voice-file-reupload"
            else:
                continue
            action = U
        params = {"filename": name, "Comment": wanted.comment, "vfile": local_file(name)}
        changes.append(Change(
            "voice_file", name, action, before=before, after=after, warning=warning, warning_code=code,
            config_path=("voice_files", name), config_at_key=True,
            calls=(_call("voice_file", action, "VFILE", params, lane=f"file:{name}"),),
        ))
    return changes


def ignored_voice_files(account: BeelineAccount, live: BeelineLive) -> set[str]:
    """Stored files an ignore rule matches: never uploaded or deleted."""
    if not is_managed(account.voice_files) or not account.ignore.patterns("voice_files"):
        return set()
    return {name for name in live.voice_files if account.ignore.match("voice_files", name)}


def ignored_counts(account: BeelineAccount, live: BeelineLive) -> dict[str, int]:
    """How many live items of each kind ignore rules left out of the comparison."""
    counts = {"voice_file": len(ignored_voice_files(account, live)),
              "blacklist": sum(len(a) for a in _ignored_blacklist(account, live).values())}
    return {kind: count for kind, count in counts.items() if count}


def voice_file_deletes(account: BeelineAccount, live: BeelineLive) -> list[Change]:
    """DELFILE for stored files not listed under ``voice_files`` (once nothing plays them)."""
    if not is_managed(account.voice_files):
        return []
    changes = []
    ignored = ignored_voice_files(account, live)
    for name, have in sorted(live.voice_files.items()):
        if name in account.voice_files or name in ignored:
            continue
        users = set(have.used_by) | {b for b, p in live.premedia.items() if name in (p.a, p.b)}
        for number in sorted(users):
            if name in (_final_premedia(account, live, number).a, _final_premedia(account, live, number).b):
                raise PlanError(
                    f"{account.name}: voice file {name!r} is not under voice_files, so it would be deleted, "
                    f"but number {display(number)} plays it and telconf does not manage that number's "
                    "premedia: list the file under voice_files, or manage the number's premedia"
                )
        changes.append(Change(
            "voice_file", name, D, before=_file_data(have.comment, live.file_hashes.get(name)), after=None,
            config_path=("voice_files",), config_at_key=True,
            calls=(_call("voice_file", D, "DELFILE", [name], lane=f"file:{name}"),),
        ))
    return changes


# --- recording ------------------------------------------------------------------------


def recording_changes(account: BeelineAccount, live: BeelineLive) -> list[Change]:
    """ARECORD/CRECORD per number, and the ``"*"`` (all numbers) switch (CONTRACT 2.2).

    While ``"*"`` is on, per-number ARECORD/CRECORD do nothing, and CRECORD without a
    list turns off everything. So turning ``"*"`` off is one change whose calls also turn
    back on, at once, every number that must stay recorded: managed ones that want it and
    every other number (recorded under ``"*"`` until now, and not ours to change).
    """
    wanted = {b: n.record for b, n in account.numbers.items() if is_managed(n.record)}
    want_all = account.record_all if is_managed(account.record_all) else None
    if want_all:
        if live.record_all:
            return []  # every number is recorded; record: false is refused by validation
        return [Change("record_all", "*", C, before=False, after=True, address_item="", config_path=("record_all",),
                       calls=(_call("record_all", C, "ARECORD", None),))]
    if live.record_all:
        if want_all is None and all(wanted.values()):
            return []  # "*" may stay on: every managed number wants recording anyway
        keep_on = kept_recording(account, live)
        # CRECORD alone would stop recording numbers outside the config for good (nothing
        # on the server remembers them): apply sends the ARECORD whatever happens.
        calls = [replace(_call("record_all", D, "CRECORD", None), holds_next=bool(keep_on))]
        if keep_on:
            calls.append(_call("record_all", D, "ARECORD", keep_on))
        changes = [Change("record_all", "*", D, before=True, after=False, calls=tuple(calls), address_item="",
                          config_path=("record_all",))]
        # Numbers that stop being recorded need no call of their own: CRECORD did it.
        changes += [Change("record", b, U, before=True, after=False, number=b, config_path=("numbers", b, "record"))
                    for b, on in sorted(wanted.items()) if not on]
        return changes
    turn_on: list[Change] = []
    turn_off: list[Change] = []
    for number, on in sorted(wanted.items()):
        if on == (number in live.recorded):
            continue
        method = "ARECORD" if on else "CRECORD"
        (turn_on if on else turn_off).append(Change(
            "record", number, U, before=not on, after=on, number=number, config_path=("numbers", number, "record"),
            calls=(_call("record", U, method, [number], lane=number),),
        ))
    return turn_on + turn_off


def kept_recording(account: BeelineAccount, live: BeelineLive) -> list[str]:
    """The numbers still recorded after ``"*"`` is turned off: every number of the client
    but the managed ones that want no recording (those outside the config included)."""
    wanted = {b: n.record for b, n in account.numbers.items() if is_managed(n.record)}
    return sorted(b for b in live.numbers if wanted.get(b, True))


# --- black lists ----------------------------------------------------------------------


def blacklist_changes(account: BeelineAccount, live: BeelineLive) -> list[Change]:
    """Per (ListID, B): a delete change (DELBLIST) and/or a create change (SETBLIST)."""
    deletes, creates = [], []
    live_pairs = live.blacklist_pairs
    ignored = _ignored_blacklist(account, live)
    if ignored:
        # Compared without the ignored A-numbers; a pair or list holding some is never
        # deleted whole (DELBLIST by B-number or ListID would take them too).
        live_pairs = {pair: (a_numbers - ignored[pair] if pair in ignored else a_numbers)
                      for pair, a_numbers in live_pairs.items()}
    kept_lists = {pair[0] for pair in ignored}
    for pair in diff_pairs(live_pairs, account.blacklists.lists):
        if pair.list_id in kept_lists:
            pair = replace(pair, list_emptied=False, keeps_others=(pair.list_id, pair.b) in ignored)
        key, address = f"{pair.list_id}:{pair.b}", f"{pair.list_id}/{e164(pair.b)}"
        where = ("blacklists", "lists", str(pair.list_id))
        if pair.removed:
            deletes.append(Change(
                "blacklist", key, D, before=list(pair.removed), after=None, number=pair.b, address_item=address,
                config_path=where,
                size=len(pair.removed), calls=(_call("blacklist", D, "DELBLIST", pair.delete_data()),),
                warning=(f"black list {pair.list_id} of {display(pair.b)} emptied: no A-number stays blocked"
                         if pair.all_removed else None),
                warning_code="blacklist-emptied" if pair.all_removed else None,
            ))
        if pair.added:
            creates.append(Change(
                "blacklist", key, C, before=None, after=list(pair.added), number=pair.b, address_item=address,
                config_path=where,
                size=len(pair.added), calls=(_call("blacklist", C, "SETBLIST", pair.set_data()),),
            ))
    return deletes + creates


def _ignored_blacklist(account: BeelineAccount, live: BeelineLive) -> dict[tuple[int, str], frozenset[str]]:
    """Per (ListID, B) of the managed lists, the live A-numbers an ignore rule matches."""
    if not account.ignore.patterns("blacklist_numbers"):
        return {}
    found = {}
    for pair, a_numbers in live.blacklist_pairs.items():
        if pair[0] in account.blacklists.lists:
            matched = frozenset(a for a in a_numbers if account.ignore.match("blacklist_numbers", a))
            if matched:
                found[pair] = matched
    return found


def active_list_change(account: BeelineAccount, live: BeelineLive) -> list[Change]:
    """ABLIST makes a list the one calls are checked against."""
    want = account.blacklists.active
    if not is_managed(want) or want == live.active_list:
        return []
    return [Change("blacklist_active", "active", U, before=live.active_list, after=want, address_item="",
                   config_path=("blacklists", "active"),
                   calls=(_call("blacklist_active", U, "ABLIST", want),))]
