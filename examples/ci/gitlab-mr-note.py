#!/usr/bin/env python3
"""Post the plan as ONE merge-request note, edited on every push (GitLab CI).

Usage (in a merge-request pipeline): python3 gitlab-mr-note.py plan.md
Needs TELCONF_GITLAB_TOKEN (project access token, `api` scope) and GitLab's predefined
CI_API_V4_URL, CI_PROJECT_ID and CI_MERGE_REQUEST_IID. The note is found again by a
hidden marker on its first line; only the standard library is used.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.request

MARKER = "<!-- telconf-plan -->"


def api(method: str, path: str, body: dict | None = None) -> object:
    url = f"{os.environ['CI_API_V4_URL']}/projects/{os.environ['CI_PROJECT_ID']}{path}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={
        "PRIVATE-TOKEN": os.environ["TELCONF_GITLAB_TOKEN"], "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - GitLab's own API URL
        return json.load(response)


def main(plan_file: str) -> None:
    body = MARKER + "\n" + open(plan_file, encoding="utf-8").read()
    notes_path = f"/merge_requests/{os.environ['CI_MERGE_REQUEST_IID']}/notes"
    page = 1
    while True:
        notes = api("GET", f"{notes_path}?per_page=100&page={page}&sort=asc")
        assert isinstance(notes, list)
        for note in notes:
            if str(note.get("body", "")).startswith(MARKER):
                api("PUT", f"{notes_path}/{note['id']}", {"body": body})
                print(f"updated note {note['id']}")
                return
        if len(notes) < 100:
            break
        page += 1
    created = api("POST", notes_path, {"body": body})
    print(f"created note {created['id'] if isinstance(created, dict) else '?'}")


if __name__ == "__main__":
    main(sys.argv[1])
