"""Build a ``BeelineAccount`` from checked YAML: voice files, numbers, recording, black lists."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path as FilePath
from typing import Any

from telconf.config import common
from telconf.providers.beeline import DEFAULT_URL
from telconf.providers.beeline.config_blacklists import build_blacklists
from telconf.config.context import Context
from telconf.config.ignore import build_ignore, check_named
from telconf.config.source import Path
from telconf.dates import build as dates
from telconf.dates.model import Override
from telconf.core.model import UNMANAGED, Managed
from telconf.providers.beeline.model import (
    NO_PREMEDIA,
    BeelineAccount,
    BeelineCredentials,
    BeelineNumber,
    Premedia,
    Redirect,
    VoiceFile,
)
from telconf.guard import files as safe_files
from telconf.guard.redact import excerpt
from telconf.core.wav import wav_problem

MAX_VOICE_NAME = 100


def build_beeline(ctx: Context, name: str, path: Path, data: dict[str, Any]) -> BeelineAccount:
    """The desired state of one Beeline account; problems go to ``ctx.diagnostics``."""
    ignore = build_ignore(ctx, path, data, ("voice_files", "blacklist_numbers"), phone_kinds=("blacklist_numbers",))
    voice_files = _voice_files(ctx, path + ("voice_files",), data["voice_files"]) if "voice_files" in data \
        else UNMANAGED
    record_all = data["record_all"] if isinstance(data.get("record_all"), bool) else UNMANAGED
    header = common.header(ctx, name, path, data, DEFAULT_URL)
    calendar = dates.calendar(ctx, path, data)
    numbers: dict[str, BeelineNumber] = {}
    overrides: dict[str, tuple[Override, ...]] = {}
    for wire, item, settings in common.numbers(ctx, path + ("numbers",), data.get("numbers")):
        numbers[wire] = _number(ctx, item, wire, settings, voice_files, record_all)

        def body(where: Path, keys: dict[str, Any], wire: str = wire) -> BeelineNumber:
            return BeelineNumber(number=wire, **_settings(ctx, where, keys, voice_files, record_all))

        found = dates.overrides(ctx, item, settings, numbers[wire], body, zone_name=header["timezone"],
                                calendar_name=calendar)
        if found:
            overrides[wire] = found
    return BeelineAccount(
        **header,
        calendar=calendar,
        overrides=overrides,
        credentials=BeelineCredentials(**common.credentials(ctx, path, data, BeelineCredentials)),
        voice_files=voice_files,
        record_all=record_all,
        numbers=numbers,
        blacklists=build_blacklists(ctx, path + ("blacklists",), data.get("blacklists") or {}, tuple(numbers)),
        ignore=ignore,
    )


def _voice_files(ctx: Context, path: Path, files: Any) -> dict[str, VoiceFile]:
    result: dict[str, VoiceFile] = {}
    for name, settings in (files or {}).items():
        if not isinstance(settings, dict) or not isinstance(settings.get("path"), str):
            continue
        check_named(ctx, "voice_files", name, path + (name,), key=True)
        where = path + (name, "path")
        _check_name(ctx, path + (name,), name)
        checking_only = ctx.has_variable(settings["path"]) and not ctx.building
        inside = checking_only or ctx.repo_file(where, settings["path"], "voice file path") is not None
        file = ctx.file(where, settings["path"])  # outside the tree: an error, the file is never read
        if inside and not checking_only:
            _check_wav(ctx, where, file)
        result[name] = VoiceFile(name=name, path=file, comment=ctx.text(path + (name, "comment"),
                                                                         settings.get("comment")))
    return result


def _check_name(ctx: Context, path: Path, name: Any) -> None:
    """A voice file's name goes into a file system and a URL: printable, at most 100 characters."""
    text = str(name)
    if len(text) > MAX_VOICE_NAME or any(ord(c) < 32 or ord(c) == 127 for c in text) or "/" in text \
            or "\\" in text or text in (".", ".."):
        ctx.error(path, f"voice file name '{excerpt(text, 40)}' must be at most {MAX_VOICE_NAME} printable "
                        "characters, without / or \\", key=True)


def _check_wav(ctx: Context, path: Path, file: FilePath) -> None:
    try:
        content = safe_files.read_bytes(file, safe_files.VOICE_FILE_MAX_BYTES)
    except FileNotFoundError:
        ctx.error(path, f"voice file {ctx.shown(file)} not found")
        return
    except safe_files.UnsafeFile as exc:
        ctx.error(path, f"voice file {ctx.shown(file)} {exc}")
        return
    problem = wav_problem(content)
    if problem:
        ctx.error(path, f"voice file {ctx.shown(file)}: {problem}; expected WAV PCM 8 kHz mono 16-bit")


def _number(ctx: Context, path: Path, wire: str, data: dict[str, Any],
            voice_files: Managed[Mapping[str, VoiceFile]], record_all: Managed[bool]) -> BeelineNumber:
    return BeelineNumber(
        number=wire,
        **_settings(ctx, path, data, voice_files, record_all),
        template=ctx.template_of(path),
        where=ctx.doc.key_place(ctx.doc.data["accounts"][path[1]]["numbers"], str(path[-1])),  # a wire number
    )


def _settings(ctx: Context, path: Path, data: dict[str, Any], voice_files: Managed[Mapping[str, VoiceFile]],
              record_all: Managed[bool]) -> dict[str, Any]:
    """The managed settings of a number (or of one of its overrides) at ``path``: redirect, premedia, record."""
    record: Managed[bool] = data["record"] if isinstance(data.get("record"), bool) else UNMANAGED
    if record_all is True and record is False:
        ctx.error(path + ("record",), "record: false contradicts record_all: true (every number is recorded); "
                                      "remove one of them")
    return {
        "redirect": _redirect(ctx, path + ("redirect",), data["redirect"]) if "redirect" in data else UNMANAGED,
        "premedia": _premedia(ctx, path + ("premedia",), data["premedia"], voice_files) if "premedia" in data
        else UNMANAGED,
        "record": record,
    }


def _redirect(ctx: Context, path: Path, data: Any) -> Redirect | None:
    if not isinstance(data, dict):
        return None
    to = ctx.phone(path + ("to",), data.get("to", "")) or ""
    caller_id = ctx.phone(path + ("caller_id",), data["caller_id"]) if data.get("caller_id") is not None else None
    return Redirect(to=to, caller_id=caller_id)


def _premedia(ctx: Context, path: Path, data: Any, voice_files: Managed[Mapping[str, VoiceFile]]) -> Premedia:
    if not isinstance(data, dict):
        return NO_PREMEDIA
    sides: dict[str, str | None] = {}
    for side in ("a", "b"):
        name = data.get(side)
        sides[side] = ctx.text(path + (side,), name) if isinstance(name, str) and name else None
        if sides[side] and isinstance(voice_files, Mapping) and sides[side] not in voice_files \
                and not ctx.ignore.match("voice_files", sides[side] or ""):
            known = ", ".join(sorted(voice_files)) or "none"
            ctx.error(path + (side,), f"{sides[side]!r} is not under voice_files of this account (files: {known})")
    return Premedia(a=sides["a"], b=sides["b"])
