"""YAML reading that remembers where every value came from.

ruamel.yaml reads YAML 1.2 (so `no` and `24:00` stay strings) and keeps the line of every
mapping key and sequence item. `load_yaml` returns plain Python data plus a map from each
value's path, e.g. `("questions", 3, "options")`, to its 1-based line, which turns a
pydantic error's `loc` into a line number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from trainer.content.errors import ContentProblem, Loc


@dataclass(frozen=True)
class YamlDocument:
    """Plain data of one YAML file and the line of each value in it."""

    path: Path
    data: Any
    lines: dict[Loc, int]

    def line_of(self, loc: Loc) -> int:
        """Line of the deepest part of `loc` that exists in the file (1 for the top)."""
        return self.lines.get(self.existing_prefix(loc), 1)

    def existing_prefix(self, loc: Loc) -> Loc:
        """The longest start of `loc` that names a value in the file.

        pydantic puts the tag of a discriminated union into `loc` (`questions.3.single.options`);
        such parts name no value and are skipped.
        """
        node: Any = self.data
        found: Loc = ()
        for part in loc:
            if _has_child(node, part):
                node, found = node[part], (*found, part)
            elif isinstance(node, dict) and node.get("type") == part:
                continue
            else:
                break
        return found

    def value_at(self, loc: Loc) -> Any:
        """The value `loc` names, or None when the file has none there."""
        prefix = self.existing_prefix(loc)
        if len(prefix) != len(loc):
            return None
        node = self.data
        for part in prefix:
            node = node[part]
        return node

    def describe(self, loc: Loc) -> str:
        """A readable location: `questions[fc-003].options[2]`, list items named by id."""
        text, node = "", self.data
        for part in loc:
            if isinstance(part, int):
                child = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
                ident = child.get("id") if isinstance(child, dict) else None
                label = ident if isinstance(ident, str) and ident else str(part + 1)
                text += f"[{label}]"
                node = child
            else:
                if isinstance(node, dict) and node.get("type") == part and part not in node:
                    continue
                text += f".{part}" if text else str(part)
                node = node.get(part) if isinstance(node, dict) else None
        return text


def _has_child(node: Any, part: str | int) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def _plain(node: Any, loc: Loc, lines: dict[Loc, int]) -> Any:
    if isinstance(node, CommentedMap):
        result: dict[Any, Any] = {}
        for key, value in node.items():
            child_loc = (*loc, key)
            lines[child_loc] = node.lc.key(key)[0] + 1
            result[key if isinstance(key, str | int) else str(key)] = _plain(
                value, child_loc, lines
            )
        return result
    if isinstance(node, CommentedSeq):
        items = []
        for index, value in enumerate(node):
            child_loc = (*loc, index)
            lines[child_loc] = node.lc.item(index)[0] + 1
            items.append(_plain(value, child_loc, lines))
        return items
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    if isinstance(node, dt.date):
        return node.isoformat()
    return node


def _reader() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


def load_yaml(path: Path) -> YamlDocument | ContentProblem:
    """Read `path`; a problem naming the line when the file is not readable YAML."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        return ContentProblem(path, 1, "", "not_utf8", {"detail": str(error.reason)})
    except OSError as error:
        return ContentProblem(path, 1, "", "unreadable", {"detail": error.strerror or str(error)})
    return parse_yaml(path, text)


def parse_yaml(path: Path, text: str) -> YamlDocument | ContentProblem:
    """Parse YAML `text` said to come from `path`."""
    try:
        raw = _reader().load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        # At the end of the file (an unclosed bracket), the opening is the useful place.
        if mark is not None and error.context_mark is not None and mark.line >= text.count("\n"):
            mark = error.context_mark
        line = mark.line + 1 if mark is not None else 1
        detail = " ".join(part for part in (error.context, error.problem) if part)
        return ContentProblem(path, line, "", "yaml_syntax", {"detail": detail})
    except YAMLError as error:
        return ContentProblem(path, 1, "", "yaml_syntax", {"detail": str(error)})
    lines: dict[Loc, int] = {(): 1}
    return YamlDocument(path, _plain(raw, (), lines), lines)
