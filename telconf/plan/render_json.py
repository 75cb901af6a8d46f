"""The plan as JSON: ``Plan.to_data()``, documented by ``schemas/plan.schema.json``.

The format is stable and versioned (``format_version``); secrets appear only as
``{"$secret": NAME}`` placeholders, so the output is safe to keep as a CI artifact.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from telconf.plan.render import as_data


class PlanJson:
    """JSON renderer; keys keep the order of the data (changes and calls in plan order)."""

    def __init__(self, indent: int | None = 2):
        self.indent = indent

    def run(self, plan: Any, fh: TextIO) -> None:
        json.dump(as_data(plan), fh, indent=self.indent, ensure_ascii=False)
        fh.write("\n")
