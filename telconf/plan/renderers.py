"""Choosing a plan renderer by format.

Its own module so that ``render.py`` (what the renderers share) imports none of its
subclasses: the renderers import ``render``, this module imports the renderers.
Each is imported when chosen, so a run loads only the one it prints with.
"""

from __future__ import annotations

from telconf.plan.render import Renderer


def renderer(fmt: str, *, color: bool = False, full_plan: str | None = None) -> Renderer:
    """The renderer for ``text``, ``markdown`` or ``json`` (``full_plan``: Markdown's link to the whole plan)."""
    if fmt == "text":
        from telconf.plan.render_text import PlanText

        return PlanText(color=color)
    if fmt == "markdown":
        from telconf.plan.render_markdown import PlanMarkdown

        return PlanMarkdown(full_plan=full_plan)
    if fmt == "json":
        from telconf.plan.render_json import PlanJson

        return PlanJson()
    raise ValueError(f"unknown plan format {fmt!r}")
