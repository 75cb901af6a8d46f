"""The one YAML writer of config files: ``telconf export`` and ``telconf render`` write through it.

A config file is read by telconf (YAML 1.1 rules, keys kept as text), by editors
(yaml-language-server reads YAML 1.2) and by other tools. What the writer emits reads
the same in all of them: every mapping key is text, so a black list's ``0`` is written
``"0":`` (YAML 1.2 would read a bare ``0:`` as the number 0, which the schema's
``"0"``, ``"1"``, ``"2"`` do not match); a value that a reader could take for a number,
a time or a boolean is double-quoted (``"78123232323"``, ``"09:00"``, ``"yes"``); one
quoting style, block style, lists indented under their key, no anchors.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import yaml

_NUMERIC_LOOKING = re.compile(r"^[0-9+()\s:.,-]*$")  # phones, times, line numbers: always quoted


class _Dumper(yaml.SafeDumper):
    """Block style, indented lists, no anchors, readable quoting, text keys."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # `- item` indented under its key, as in the SPEC

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Double quotes for what a reader (YAML 1.1 or 1.2) could take for a number, a time or
    # a boolean, and wherever plain style is impossible; one quoting style, not two.
    tag = "tag:yaml.org,2002:str"
    resolved = dumper.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]  # untyped in types-PyYAML
    plain = dumper.analyze_scalar(value).allow_block_plain
    if _NUMERIC_LOOKING.match(value) or resolved != tag or not plain or "\n" in value:
        return dumper.represent_scalar(tag, value, style='"')
    return dumper.represent_scalar(tag, value)


def _represent_mapping(dumper: yaml.SafeDumper, value: Mapping[Any, Any]) -> yaml.MappingNode:
    # Keys of a config are text: a number key (a black list's ListID) is written as text.
    return dumper.represent_mapping("tag:yaml.org,2002:map",
                                    [(k if isinstance(k, str) else str(k), v) for k, v in value.items()])


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(dict, _represent_mapping)


def dump(document: Any, header: Iterable[str] = ()) -> str:
    """``document`` as YAML: keys in the order given, one entry per line, comment header first."""
    body = yaml.dump(document, Dumper=_Dumper, sort_keys=False, default_flow_style=False,
                     allow_unicode=True, width=1 << 16, indent=2)
    return "".join(f"# {line}\n" for line in header) + body
