"""The one reading of a watchlist's YAML: YAML 1.2 (core schema), fast, bounded, with line numbers.

Every command reads the watchlist here, so a policy named `no`, `on` or `yes` is that string
everywhere (YAML 1.1, which PyYAML's loaders implement, reads them as booleans), `017` is 17 and
`1:30` is a string. libyaml parses (PyYAML's C parser: a 10,000-entry watchlist in a tenth of a
second); this module builds plain dicts, lists and scalars from the parser's events, which is
where YAML 1.1 and 1.2 differ, and keeps what editing and error messages need: the line of every
key and item (`YamlMap.lines`, `YamlSeq.lines`), the last line of every item (`YamlSeq.ends`)
and whether a sequence is written in flow style.

Aliases are shared, never copied, while reading, but whoever walks the result visits a shared
value once per alias: a few hundred bytes of nested aliases (an "alias bomb") stand for billions
of values. Reading counts the values the document stands for and refuses one above
`MAX_EXPANDED_VALUES`, before anything walks it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

import yaml

MAX_EXPANDED_VALUES = 2_000_000
"""Values (scalars, mappings, sequences) a document may stand for once its aliases are expanded: a
10,000-entry watchlist is about 130,000."""
MERGE_KEY = "<<"
_TAG_PREFIX = "tag:yaml.org,2002:"

_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_INFINITY = {".inf", ".Inf", ".INF"}
_NAN = {".nan", ".NaN", ".NAN"}
_NULL = {"", "~", "null", "Null", "NULL"}
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_WORDS: dict[str, Any] = {**_BOOL, "null": None, "Null": None, "NULL": None}
_NOT_PLAIN_STRING_START = frozenset("0123456789+-.~nNtTfF")
"""First characters of the plain scalars the core schema does not read as strings."""


class YamlProblem(ValueError):
    """The text is not a YAML document this reader accepts; `line` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


class YamlMap(dict):
    """A mapping, with the 1-based line of the mapping (`line`) and of each key (`lines`)."""

    line: int | None = None

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[Any, int] = {}


class YamlSeq(list):
    """A sequence, with its 1-based line, the first and last line of each item, and its style."""

    line: int | None = None
    flow: bool = False
    end: tuple[int, int] = (0, 0)
    """(0-based line, column) just after the sequence: after `]` in flow style."""
    start: tuple[int, int] = (0, 0)
    """(0-based line, column) of the sequence: its `-` or `[`."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[int] = []
        self.ends: list[int] = []


def resolve_plain(value: str) -> Any:
    """A plain (unquoted, untagged) scalar as YAML 1.2's core schema reads it."""
    if not value:
        return None
    first = value[0]
    if first not in _NOT_PLAIN_STRING_START:
        return value  # the common case: a word, a URL
    if first in "nNtTfF":  # `name`, `tags`, `false`, `null`: only those words are not strings
        return _WORDS.get(value, value) if value in _WORDS else value
    if value == "~":
        return None
    if _INT.fullmatch(value):
        if value.startswith("0o"):
            return int(value[2:], 8)
        if value.startswith("0x"):
            return int(value[2:], 16)
        return int(value)
    if _FLOAT.fullmatch(value):
        return float(value)
    sign = -1.0 if value[:1] == "-" else 1.0
    if value.lstrip("+-") in _INFINITY:
        return sign * math.inf
    if value in _NAN:
        return math.nan
    return value


def _tagged(value: str, tag: str, line: int) -> Any:
    """A scalar with an explicit tag (`!!str 017`, `!!int "3"`)."""
    name = tag[len(_TAG_PREFIX):] if tag.startswith(_TAG_PREFIX) else None
    if tag == "!" or name == "str":
        return value
    if name in ("int", "float", "bool", "null"):
        resolved = resolve_plain(value)
        wanted = {"int": int, "float": (int, float), "bool": bool, "null": type(None)}[name]
        if isinstance(resolved, wanted) and not (name == "int" and isinstance(resolved, bool)):
            return float(resolved) if name == "float" else resolved
        raise YamlProblem(f"{value!r} is not a valid !!{name}", line)
    raise YamlProblem(f"unsupported tag {tag!r} (a watchlist holds plain strings, numbers, lists and mappings)",
                      line)


def _last_line(event: yaml.Event) -> int:
    """0-based line of the last character of a scalar or flow collection."""
    mark = event.end_mark
    return mark.line if mark.column > 0 else mark.line - 1


class _Builder:
    """Builds the document from parser events, counting what its aliases stand for.

    The loops are written for speed (a watchlist of 10,000 entries is 300,000 events): scalars
    without anchor or tag, nearly all of them, are read inline.
    """

    def __init__(self, events: Iterator[yaml.Event]) -> None:
        self.events = events
        self.anchors: dict[str, tuple[Any, int]] = {}
        """Anchor → (value, how many values it stands for)."""
        self.building: set[str] = set()
        self.expanded = 0
        self.last_line = 0
        """0-based line where the latest value read ends (lines grow in document order)."""

    def _count(self, weight: int, line: int) -> None:
        self.expanded += weight
        if self.expanded > MAX_EXPANDED_VALUES:
            raise YamlProblem(
                f"the document stands for more than {MAX_EXPANDED_VALUES:,} values once its aliases (*name) "
                "are expanded; a watchlist needs far fewer (an alias bomb?)", line)

    def _scalar(self, event: yaml.ScalarEvent) -> Any:
        mark = event.end_mark
        self.last_line = mark.line if mark.column else mark.line - 1
        if event.tag is not None:
            return _tagged(event.value, event.tag, event.start_mark.line + 1)
        return event.value if event.style else resolve_plain(event.value)

    def value(self, event: yaml.Event) -> tuple[Any, int]:
        """The value that starts with `event`, and how many values it stands for."""
        kind = type(event)
        if kind is yaml.ScalarEvent and event.anchor is None:
            self.expanded += 1
            return self._scalar(event), 1
        line = event.start_mark.line + 1
        if kind is yaml.AliasEvent:
            if event.anchor in self.building:
                raise YamlProblem(f"alias *{event.anchor} refers to the value it is part of", line)
            if event.anchor not in self.anchors:
                raise YamlProblem(f"unknown alias *{event.anchor}", line)
            value, weight = self.anchors[event.anchor]
            self._count(weight, line)
            self.last_line = _last_line(event)
            return value, weight
        anchor = event.anchor
        if anchor:
            self.building.add(anchor)
        if kind is yaml.ScalarEvent:
            self.expanded += 1
            value, weight = self._scalar(event), 1
        elif kind is yaml.SequenceStartEvent:
            value, weight = self.sequence(event)
        elif kind is yaml.MappingStartEvent:
            value, weight = self.mapping(event)
        else:  # the parser only starts values with the events above
            raise YamlProblem(f"unexpected {kind.__name__}", line)
        if anchor:
            self.building.discard(anchor)
            self.anchors[anchor] = (value, weight)
        return value, weight

    @staticmethod
    def _collection_tag(event: yaml.Event, kind: str) -> None:
        if event.tag not in (None, "!", _TAG_PREFIX + kind):
            raise YamlProblem(f"unsupported tag {event.tag!r}", event.start_mark.line + 1)

    def sequence(self, start: yaml.SequenceStartEvent) -> tuple[YamlSeq, int]:
        self._collection_tag(start, "seq")
        items = YamlSeq()
        items.line = start.start_mark.line + 1
        items.start = (start.start_mark.line, start.start_mark.column)
        items.flow = bool(start.flow_style)
        weight = 1
        self._count(1, items.line)
        append, lines, ends = items.append, items.lines.append, items.ends.append
        for event in self.events:
            if type(event) is yaml.SequenceEndEvent:
                items.end = (event.end_mark.line, event.end_mark.column)
                if items.flow:
                    self.last_line = _last_line(event)
                return items, weight
            value, count = self.value(event)
            append(value)
            first = event.start_mark.line
            lines(first + 1)
            ends(max(first, self.last_line) + 1)
            weight += count
        raise YamlProblem("unfinished sequence", items.line)

    def mapping(self, start: yaml.MappingStartEvent) -> tuple[YamlMap, int]:
        self._collection_tag(start, "map")
        mapping = YamlMap()
        mapping.line = start.start_mark.line + 1
        lines = mapping.lines
        weight = 1
        self._count(1, mapping.line)
        merged: list[dict] = []
        events, scalar, resolve = self.events, yaml.ScalarEvent, resolve_plain
        last_scalar = None
        """The last value read inline: where this mapping ends, unless a nested value came after it."""
        for event in events:
            if type(event) is not scalar:
                if type(event) is yaml.MappingEndEvent:
                    if start.flow_style:
                        self.last_line = _last_line(event)
                    elif last_scalar is not None:
                        self.last_line = _last_line(last_scalar)
                    return self._merge(mapping, merged), weight
                raise YamlProblem("a mapping key must be a plain value, not a list or a mapping",
                                  event.start_mark.line + 1)
            line = event.start_mark.line + 1
            if event.anchor is None and event.tag is None:  # the common key: a plain or quoted word
                key = event.value if event.style else resolve(event.value)
            else:
                key = self.value(event)[0]
            following = next(events)
            if type(following) is scalar and following.anchor is None and following.tag is None:
                value = following.value if following.style else resolve(following.value)
                self.expanded += 1
                weight += 1
                last_scalar = following
            else:
                value, count = self.value(following)
                weight += count
                last_scalar = None
            if key == MERGE_KEY and not event.style:
                sources = value if isinstance(value, list) else [value]
                if not all(isinstance(source, dict) for source in sources):
                    raise YamlProblem("'<<' merges mappings: give it *alias of a mapping, or a list of them", line)
                merged += sources
                continue
            try:
                if key in mapping:
                    raise YamlProblem(f"duplicate key {key!r} (also at line {lines[key]})", line)
            except TypeError:  # unhashable
                raise YamlProblem("a mapping key must be a plain value", line) from None
            mapping[key] = value
            lines[key] = line
        raise YamlProblem("unfinished mapping", mapping.line)

    @staticmethod
    def _merge(mapping: YamlMap, merged: list[dict]) -> YamlMap:
        """Apply `<<` merges: keys written in the mapping win, then earlier merged mappings."""
        if not merged:
            return mapping
        result = YamlMap()
        result.line = mapping.line
        for source in reversed(merged):
            result.update(source)
            result.lines.update(getattr(source, "lines", {}))
        result.update(mapping)
        result.lines.update(mapping.lines)
        return result


def read_yaml(text: str) -> Any:
    """The one YAML document in `text` (None when empty) as YamlMap, YamlSeq and plain scalars.

    Raises YamlProblem (with its line) for invalid YAML, several documents, an unsupported
    tag, a duplicate key or a document whose aliases stand for too much.
    """
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        events = iter(loader.get_event, None)  # the parser's events, without a generator around them
        builder = _Builder(events)
        document: Any = None
        documents = 0
        for event in events:
            if type(event) is yaml.StreamEndEvent:
                break
            if type(event) is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise YamlProblem("more than one YAML document (a second '---'): a watchlist is one",
                                      event.start_mark.line + 1)
                document, _ = builder.value(next(events))
        return document
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlProblem(f"invalid YAML: {problem}", mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"invalid YAML: {str(exc).splitlines()[0]}") from None
    finally:
        loader.dispose()
