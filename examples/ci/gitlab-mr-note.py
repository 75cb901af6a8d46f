#!/usr/bin/env python3
"""Post the plan as ONE merge-request note, edited on every push (GitLab CI).

Usage (in a merge-request pipeline): python3 gitlab-mr-note.py plan.md
Needs TELCONF_GITLAB_TOKEN (project access token, `api` scope) and GitLab's predefined
CI_API_V4_URL, CI_PROJECT_ID and CI_MERGE_REQUEST_IID. The note is found again by a
hidden marker on its first line, and only among the notes the token's own user wrote
(`GET /user`; system notes never): anyone can start a comment with the marker, and
such a note is left alone (a new one is posted). Any failure (HTTP error, bad token,
missing variable, unreadable plan) is one line on stderr and exit 1, never a traceback.
Only the standard library is used.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request

MARKER = "<!-- telconf-plan -->"
MAX_ANSWER = 10 * 1024 * 1024  # bytes read of one answer: a page of 100 notes is far less


class Failure(Exception):
    """Why the note could not be posted, in one line."""


def api(method: str, path: str, body: dict | None = None, *, project: bool = True) -> object:
    base = os.environ["CI_API_V4_URL"].rstrip("/")
    url = f"{base}/projects/{os.environ['CI_PROJECT_ID']}{path}" if project else f"{base}{path}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={
        "PRIVATE-TOKEN": os.environ["TELCONF_GITLAB_TOKEN"], "Content-Type": "application/json"})
    where = f"{method} {path.split('?')[0]}"
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - GitLab's own API URL
            raw = response.read(MAX_ANSWER + 1)
    except urllib.error.HTTPError as exc:
        raise Failure(f"{where}: HTTP {exc.code} {exc.reason}{_hint(exc.code)}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise Failure(f"{where}: {getattr(exc, 'reason', exc)}") from None
    if len(raw) > MAX_ANSWER:
        raise Failure(f"{where}: the answer is larger than {MAX_ANSWER} bytes")
    try:
        return json.loads(raw)
    except ValueError:
        raise Failure(f"{where}: the answer is not JSON") from None


def _hint(code: int) -> str:
    return {401: " (is TELCONF_GITLAB_TOKEN valid and not expired?)",
            403: " (the token may not do this: it needs the `api` scope, and edits only its own notes)",
            404: " (check CI_PROJECT_ID and CI_MERGE_REQUEST_IID)"}.get(code, "")


def own_user_id() -> int:
    user = api("GET", "/user", project=False)
    if not isinstance(user, dict) or not isinstance(user.get("id"), int):
        raise Failure("GET /user: the answer has no user id")
    return int(user["id"])


def is_ours(note: object, me: int) -> bool:
    """A note this script wrote before: by the token's user, not a system note, with the marker first."""
    if not isinstance(note, dict) or note.get("system") is not False:
        return False
    author = note.get("author")
    return (isinstance(author, dict) and author.get("id") == me
            and str(note.get("body", "")).startswith(MARKER) and isinstance(note.get("id"), int))


def main(plan_file: str) -> None:
    try:
        with open(plan_file, encoding="utf-8") as fh:
            body = MARKER + "\n" + fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise Failure(f"cannot read {plan_file}: {getattr(exc, 'strerror', None) or exc}") from None
    me = own_user_id()
    notes_path = f"/merge_requests/{os.environ['CI_MERGE_REQUEST_IID']}/notes"
    page = 1
    while True:
        notes = api("GET", f"{notes_path}?per_page=100&page={page}&sort=asc")
        if not isinstance(notes, list):
            raise Failure(f"GET {notes_path}: the answer is not a list of notes")
        for note in notes:
            if is_ours(note, me):
                api("PUT", f"{notes_path}/{note['id']}", {"body": body})
                print(f"updated note {note['id']}")
                return
        if len(notes) < 100:
            break
        page += 1
    created = api("POST", notes_path, {"body": body})
    print(f"created note {created['id'] if isinstance(created, dict) else '?'}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: gitlab-mr-note.py PLAN.md")
    try:
        main(sys.argv[1])
    except Failure as failure:
        sys.exit(f"gitlab-mr-note: {failure}")
    except KeyError as missing:
        sys.exit(f"gitlab-mr-note: the variable {missing} is not set (run it in a merge-request pipeline)")
