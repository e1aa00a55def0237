"""YAML reading that remembers where every value came from.

Files are read with libyaml (PyYAML's C parser, many times faster than a pure-Python one on
a large bank) into nodes that carry their line, then turned into plain Python data here,
with YAML 1.2 core-schema scalars: `no`, `on` and `24:00` stay strings, only `true`/`false`
are booleans. `load_yaml` returns the data plus a map from each value's path, e.g.
`("questions", 3, "options")`, to its 1-based line, which turns a pydantic error's `loc`
into a line number. Duplicate keys are errors, not silently the last one wins.

Aliases (`*name`) are bounded: a few hundred bytes of nested aliases ("billion laughs")
would otherwise expand to gigabytes. Content written by people uses few aliases or none,
so a file with more than `MAX_ALIASES` of them, or whose aliases stand for more than
`MAX_ALIAS_VALUES` values in all, is refused as soon as the limit is passed, with its line.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from trainer.content.errors import ContentProblem, Loc

try:
    _BaseLoader: type[yaml.SafeLoader] = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml: same results, slower
    _BaseLoader = yaml.SafeLoader


class _Yaml12Loader(_BaseLoader):  # type: ignore[misc]
    """libyaml's parser with the YAML 1.2 core schema's implicit types."""

    yaml_implicit_resolvers: ClassVar[dict[str | None, list[tuple[str, re.Pattern[str]]]]] = {}


_CORE_SCHEMA = [
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", [*"~nN", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        list("-+.0123456789"),
    ),
]
for _tag, _pattern, _first in _CORE_SCHEMA:
    _Yaml12Loader.add_implicit_resolver(_tag, re.compile(_pattern), _first)


MAX_FILE_BYTES = 20 * 1024 * 1024
"""A content file larger than this is refused before it is read. The largest bank we have
seen written by hand (10,000 questions, both languages) is about 6 MB; a file past 20 MB is
a mistake (a log or an export saved under the wrong name) and would hold up every start."""
MAX_FLOW_DEPTH = 500
"""Brackets (`[` `{`) one file may nest. libyaml's composer recurses in C and crashes the
process on some 100,000 nested brackets (a 200 KB file); data nested this deep is refused
by `_plain` anyway, so it is refused before composing. Content nests a handful deep."""
MAX_ALIASES = 100
"""Aliases (`*name`) one file may use. Banks and scenarios written by people use none."""
MAX_ALIAS_VALUES = 10_000
"""Values (mappings, lists and scalars) all the aliases of one file may stand for together:
enough for a list of options reused many times, far too few for an alias bomb."""


class _StructureError(Exception):
    """A node this reader will not turn into data (a duplicate key, a recursive alias, too
    many aliases): a `content.<key>` sentence and its values."""

    def __init__(self, line: int, key: str, values: dict[str, Any]) -> None:
        super().__init__(key)
        self.line = line
        self.key = key
        self.values = values


@dataclass
class _AliasBudget:
    """Counts, while the nodes become data, what the file's aliases expand to.

    The composer gives an alias the very node its anchor names, so a node met a second
    time is an alias; every node under it is expanded again and counted.
    """

    seen: set[int] = field(default_factory=set)
    aliases: int = 0
    expanded: int = 0
    alias_line: int = 1

    def enter(self, node: Node, inside_alias: bool, written_at: int) -> bool:
        """Count `node`; whether it (and so everything under it) is an alias's copy.

        `written_at` is the line the node is written on (a node reached by an alias carries
        its anchor's line): the key's for a mapping value, the list's for an item.
        """
        if not inside_alias and id(node) in self.seen:
            self.aliases += 1
            self.alias_line = written_at
            if self.aliases > MAX_ALIASES:
                raise _StructureError(written_at, "yaml_aliases", {"limit": MAX_ALIASES})
            inside_alias = True
        if inside_alias:
            self.expanded += 1
            if self.expanded > MAX_ALIAS_VALUES:
                limit = {"limit": f"{MAX_ALIAS_VALUES:,}"}
                raise _StructureError(self.alias_line, "yaml_alias_values", limit)
        else:
            self.seen.add(id(node))
        return inside_alias


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


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


def _scalar(node: ScalarNode) -> Any:
    value, tag = node.value, node.tag
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool":
        return value.lower() == "true"
    if tag == "tag:yaml.org,2002:int":
        if value.startswith(("0o", "0x")):
            return int(value[2:], 8 if value[1] == "o" else 16)
        return int(value)
    if tag == "tag:yaml.org,2002:float":
        lowered = value.lower().lstrip("+")
        if lowered in (".inf", "-.inf"):
            return -math.inf if lowered.startswith("-") else math.inf
        if lowered == ".nan":
            return math.nan
        return float(value)
    return value  # str, and any explicit tag we do not interpret (e.g. !!timestamp) as text


def _plain(
    node: Node,
    loc: Loc,
    lines: dict[Loc, int],
    active: set[int],
    budget: _AliasBudget,
    inside_alias: bool = False,
    written_at: int = 1,
) -> Any:
    inside_alias = budget.enter(node, inside_alias, written_at)
    if isinstance(node, ScalarNode):
        return _scalar(node)
    if id(node) in active:
        raise _StructureError(_line(node), "yaml_syntax", {"detail": "an alias refers to itself"})
    active.add(id(node))
    try:
        if isinstance(node, SequenceNode):
            items = []
            for index, child in enumerate(node.value):
                child_loc = (*loc, index)
                lines[child_loc] = _line(child)
                items.append(
                    _plain(child, child_loc, lines, active, budget, inside_alias, _line(node))
                )
            return items
        assert isinstance(node, MappingNode)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            line = _line(key_node)
            if not isinstance(key_node, ScalarNode):
                detail = "a key must be a plain value, not a list or mapping"
                raise _StructureError(line, "yaml_syntax", {"detail": detail})
            budget.enter(key_node, inside_alias, line)
            key = _scalar(key_node)
            key = key if isinstance(key, str | int) else str(key)
            if key in result:
                raise _StructureError(
                    line, "yaml_syntax", {"detail": f'found duplicate key "{key}"'}
                )
            child_loc = (*loc, key)
            lines[child_loc] = line
            result[key] = _plain(value_node, child_loc, lines, active, budget, inside_alias, line)
        return result
    finally:
        active.discard(id(node))


def load_yaml(path: Path) -> YamlDocument | ContentProblem:
    """Read `path`; a problem naming the line when the file is not readable YAML."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return _too_large(path, size)
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        return ContentProblem(path, 1, "", "not_utf8", {"detail": str(error.reason)})
    except OSError as error:
        return ContentProblem(path, 1, "", "unreadable", {"detail": error.strerror or str(error)})
    return parse_yaml(path, text)


def parse_yaml(path: Path, text: str) -> YamlDocument | ContentProblem:
    """Parse YAML `text` said to come from `path`."""
    if len(text) > MAX_FILE_BYTES:  # characters: at least as many bytes
        return _too_large(path, len(text.encode("utf-8")))
    if _flow_too_deep(text):
        return ContentProblem(path, 1, "", "yaml_syntax", {"detail": "nested too deeply"})
    try:
        root = yaml.compose(text, Loader=_Yaml12Loader)
        lines: dict[Loc, int] = {(): 1}
        data = None if root is None else _plain(root, (), lines, set(), _AliasBudget())
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        # At the end of the file (an unclosed bracket), the opening is the useful place.
        if mark is not None and error.context_mark is not None and mark.line >= text.count("\n"):
            mark = error.context_mark
        line = mark.line + 1 if mark is not None else 1
        detail = " ".join(part for part in (error.context, error.problem) if part)
        return ContentProblem(path, line, "", "yaml_syntax", {"detail": detail})
    except yaml.YAMLError as error:
        return ContentProblem(path, 1, "", "yaml_syntax", {"detail": str(error)})
    except _StructureError as error:
        return ContentProblem(path, error.line, "", error.key, error.values)
    except RecursionError:
        return ContentProblem(path, 1, "", "yaml_syntax", {"detail": "nested too deeply"})
    return YamlDocument(path, data, lines)


_BRACKET = re.compile(r"[\[\]{}]")


def _flow_too_deep(text: str) -> bool:
    """Whether brackets nest past `MAX_FLOW_DEPTH`; brackets inside quoted text count too,
    which can only make a file look deeper than it is, never let a deep one through."""
    if text.count("[") + text.count("{") <= MAX_FLOW_DEPTH:
        return False
    depth = 0
    for match in _BRACKET.finditer(text):
        if match.group() in "[{":
            depth += 1
            if depth > MAX_FLOW_DEPTH:
                return True
        elif depth:
            depth -= 1
    return False


def _too_large(path: Path, size: int) -> ContentProblem:
    megabytes = {"size": f"{size / 2**20:.1f}", "limit": MAX_FILE_BYTES // 2**20}
    return ContentProblem(path, 1, "", "too_large", megabytes)
