"""YAML contract files -> plain data that remembers where every value came from.

Loading is always safe (no Python tags), never patches the global ``yaml``
loaders, refuses duplicate keys (YAML would silently keep the last one) and
bounds alias expansion so an alias bomb cannot exhaust memory. Every mapping
and list keeps the ``line:column`` of its entries for error messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Set, Tuple, cast

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

from pytest_cors.contract.model import Location

#: Most nodes one file may expand to, aliases included (billion-laughs guard).
MAX_EXPANDED_NODES = 1_000_000

_STR_TAG = "tag:yaml.org,2002:str"
_TOO_DEEP = "the document nests too deeply (lists or mappings nested several hundred levels deep); refusing to load it"
_SAFE_TAGS = {
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:binary",
}


@dataclass(frozen=True)
class Mark:
    """A 1-based line and column in a YAML file."""

    line: int  # 1-based
    column: int  # 1-based

    @classmethod
    def of(cls, node: Node) -> Mark:
        """The 1-based start of a node (PyYAML counts from 0)."""
        return cls(node.start_mark.line + 1, node.start_mark.column + 1)

    def at(self, file: str) -> Location:
        """This position in ``file``."""
        return Location(file, self.line, self.column)


class MarkedDict(Dict[Any, Any]):
    """A dict whose keys remember the position of their value (``marks``) and key (``key_marks``)."""

    mark: Mark
    marks: Dict[Any, Mark]
    key_marks: Dict[Any, Mark]


class MarkedList(List[Any]):
    """A list that remembers its own position (``mark``) and each item's (``marks``)."""

    mark: Mark
    marks: List[Mark]


class YamlFileError(Exception):
    """A YAML file that cannot be used; ``line``/``column`` are 1-based when known."""

    def __init__(self, path: str, message: str, line: Optional[int] = None, column: Optional[int] = None) -> None:
        self.path = path
        self.message = message
        self.line = line
        self.column = column
        where = path if line is None else f"{path}:{line}" if column is None else f"{path}:{line}:{column}"
        super().__init__(f"{where}: {message}")


_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml composes ~10x faster, same nodes and marks


class _ComposeLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """Private loader subclass: composing only, so globals of PyYAML stay untouched."""


def _is(node: Node, kind: str) -> bool:
    """Node kind by PyYAML's ``id`` rather than by class.

    The libyaml extension keeps the node classes of the first ``import yaml``, so classes
    can differ after a module reload (pytester).
    """
    return bool(node.id == kind)  # type: ignore[attr-defined]  # every node class has an id; the stubs miss it


def _tag_name(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


def _unsafe_tag(tag: str) -> str:
    return (
        f"unsupported YAML tag {_tag_name(tag)!r}: contract files are loaded safely and never create "
        "Python objects or run code; remove the tag"
    )


class _RecursiveAnchor(Exception):
    """A node that contains itself through an alias (``a: &a [*a]``)."""


def expanded_size(root: Node, limit: int) -> int:
    """How many values ``root`` expands to once every alias is copied out (stops counting past ``limit``).

    Aliases share node objects, so sizes are memoised per node: an alias bomb is
    measured in time proportional to its *text*, not to its expansion.
    """
    sizes: Dict[int, int] = {}
    active: Set[int] = set()

    def size(node: Node) -> int:
        key = id(node)
        known = sizes.get(key)
        if known is not None:
            return known
        if key in active:
            raise _RecursiveAnchor
        active.add(key)
        total = 1
        if _is(node, "sequence"):
            for item in node.value:
                total += size(item)
                if total > limit:
                    break
        elif _is(node, "mapping"):
            for k, val in node.value:
                total += size(k) + size(val)
                if total > limit:
                    break
        sizes[key] = total  # from now on found in sizes before the active check
        return total

    return size(root)


def _construct_scalar(loader: _ComposeLoader, node: ScalarNode, path: str) -> Any:
    if node.tag not in _SAFE_TAGS:
        mark = Mark.of(node)
        raise YamlFileError(path, _unsafe_tag(node.tag), mark.line, mark.column)
    if node.tag == _STR_TAG:  # most scalars of a contract file; PyYAML's str constructor returns node.value as is
        return node.value
    try:
        return loader.construct_object(node)  # a scalar has no children: no deep construction to ask for
    except (ValueError, KeyError):  # an explicit tag PyYAML cannot read: `!!int abc`, `!!bool maybe`, `!!timestamp 2020-13-01`
        mark = Mark.of(node)
        raise YamlFileError(path, f"invalid value: {node.value!r} is not a valid {_tag_name(node.tag)}", mark.line, mark.column) from None


class _Builder:
    def __init__(self, loader: _ComposeLoader, path: str) -> None:
        self.loader = loader
        self.path = path
        self.expanded = 0

    def fail(self, node: Node, message: str) -> YamlFileError:
        mark = Mark.of(node)
        return YamlFileError(self.path, message, mark.line, mark.column)

    def build(self, node: Node) -> Any:
        self.expanded += 1
        if self.expanded > MAX_EXPANDED_NODES:
            raise self.fail(
                node,
                f"the document expands to more than {MAX_EXPANDED_NODES:,} values through aliases "
                "(an alias bomb?); refusing to load it",
            )
        if _is(node, "scalar"):
            return _construct_scalar(self.loader, cast(ScalarNode, node), self.path)
        if _is(node, "sequence"):
            if node.tag != "tag:yaml.org,2002:seq":
                raise self.fail(node, _unsafe_tag(node.tag))
            result = MarkedList()
            result.mark = Mark.of(node)
            result.marks = []
            for item in node.value:
                result.append(self.build(item))
                result.marks.append(Mark.of(item))
            return result
        if node.tag != "tag:yaml.org,2002:map":  # the third kind of node: a mapping
            raise self.fail(node, _unsafe_tag(node.tag))
        return self.mapping(cast(MappingNode, node))

    def mapping(self, node: MappingNode) -> MarkedDict:
        result = MarkedDict()
        result.mark = Mark.of(node)
        result.marks = {}
        result.key_marks = {}
        merged: Dict[Any, Tuple[Any, Mark, Mark]] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                sources = value_node.value if _is(value_node, "sequence") else [value_node]
                for source in sources:
                    if not _is(source, "mapping"):
                        raise self.fail(source, "a merge key (<<) needs a mapping or a list of mappings")
                    built = self.mapping(source)
                    for k, val in built.items():
                        merged.setdefault(k, (val, built.marks[k], built.key_marks[k]))
                continue
            if not _is(key_node, "scalar"):
                raise self.fail(key_node, "mapping keys must be plain scalars")
            key = self.build(key_node)
            if key in result:
                first = result.key_marks[key]
                raise self.fail(
                    key_node,
                    f"duplicate key {key!r} (first at line {first.line}); YAML would silently keep only the last one",
                )
            result[key] = self.build(value_node)
            result.marks[key] = Mark.of(value_node)
            result.key_marks[key] = Mark.of(key_node)
        for key, (value, mark, key_mark) in merged.items():
            if key not in result:
                result[key] = value
                result.marks[key] = mark
                result.key_marks[key] = key_mark
        return result


def decode_yaml_bytes(data: bytes, path: str) -> str:
    """The text of a YAML file: UTF-8 (a BOM is dropped); other encodings are refused with the offset."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - before.rfind(b"\n")
        raise YamlFileError(
            path,
            f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); save it as UTF-8",
            line,
            column,
        ) from None


def load_yaml(text: str, path: str) -> Any:
    """Parse one YAML document into marked plain data (``None`` for an empty file)."""
    return load_document(text, path)[0]


def load_document(text: str, path: str) -> Tuple[Any, Location]:
    """Parse one YAML document; also say where its top-level value starts (scalars carry no mark)."""
    loader = _ComposeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(filter(None, [exc.context, exc.problem]))
        raise YamlFileError(
            path, f"invalid YAML: {problem}", mark.line + 1 if mark else None, mark.column + 1 if mark else None
        ) from None
    except yaml.YAMLError as exc:
        raise YamlFileError(path, f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()
    if node is None:
        return None, Location(path)
    root = Mark.of(node)
    try:
        total = expanded_size(node, MAX_EXPANDED_NODES)
    except _RecursiveAnchor:
        raise YamlFileError(path, "the document refers to itself through an alias (a recursive anchor); refusing to load it") from None
    except RecursionError:
        raise YamlFileError(path, _TOO_DEEP) from None
    if total > MAX_EXPANDED_NODES:
        at = Mark.of(node)
        raise YamlFileError(
            path,
            f"the document expands to more than {MAX_EXPANDED_NODES:,} values through aliases "
            "(an alias bomb?); refusing to load it",
            at.line,
            at.column,
        )
    builder = _Builder(_ComposeLoader(""), path)
    try:
        return builder.build(node), Location(path, root.line, root.column)
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        raise YamlFileError(
            path, f"invalid value: {exc.problem}", mark.line + 1 if mark else None, mark.column + 1 if mark else None
        ) from None
    except RecursionError:
        raise YamlFileError(path, _TOO_DEEP) from None


def locate(data: Any, path: Tuple[Any, ...], file: str) -> Location:
    """Where the value at ``path`` inside marked data (nearest known parent)."""
    mark: Optional[Mark] = getattr(data, "mark", None)
    current = data
    for step in path:
        if isinstance(current, MarkedDict) and step in current:
            mark = current.marks[step]
            current = current[step]
        elif isinstance(current, MarkedList) and isinstance(step, int) and 0 <= step < len(current):
            mark = current.marks[step]
            current = current[step]
        else:
            if isinstance(current, MarkedDict) and step in current.key_marks:
                mark = current.key_marks[step]
            break
    return mark.at(file) if mark is not None else Location(file)


def key_location(data: Any, key: Any, file: str) -> Location:
    """Location of a mapping *key* (for unknown-key errors)."""
    if isinstance(data, MarkedDict) and key in data.key_marks:
        return data.key_marks[key].at(file)
    return locate(data, (), file)
