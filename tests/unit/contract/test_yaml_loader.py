"""The YAML loader: the positions every error message is built from, merge keys, limits.

Found by mutation testing (docs/mutation/contract.md): the loader's positions were checked only
through collected files, and only the first line of each.
"""

from __future__ import annotations

import inspect
import sys

import pytest
import yaml

from pytest_cors.contract import yaml_loader
from pytest_cors.contract.model import Location
from pytest_cors.contract.yaml_loader import (
    Mark,
    MarkedDict,
    YamlFileError,
    expanded_size,
    key_location,
    load_document,
    load_yaml,
    locate,
)

DOC = "a: 1\nb:\n  - x\n  - {c: 2}\n"


@pytest.mark.parametrize(
    ("path", "where"),
    [
        ((), "f.yaml:1:1"),
        (("a",), "f.yaml:1:4"),
        (("b",), "f.yaml:3:3"),
        (("b", 0), "f.yaml:3:5"),
        (("b", 1), "f.yaml:4:5"),
        (("b", 1, "c"), "f.yaml:4:9"),
        # a path that goes further than the data: the nearest known parent
        (("b", 2), "f.yaml:3:3"),
        (("b", -1), "f.yaml:3:3"),
        (("b", "x"), "f.yaml:3:3"),
        (("b", 1, "d"), "f.yaml:4:5"),
        (("z",), "f.yaml:1:1"),
        (("a", "deeper"), "f.yaml:1:4"),
    ],
)
def test_every_value_is_located_at_its_line_and_column(path, where):
    data, root = load_document(DOC, "f.yaml")
    assert str(locate(data, path, "f.yaml")) == where
    assert root == Location("f.yaml", 1, 1)


def test_keys_are_located_at_the_key_itself():
    data = load_yaml(DOC, "f.yaml")
    assert key_location(data, "b", "f.yaml") == Location("f.yaml", 2, 1)
    assert key_location(data["b"][1], "c", "f.yaml") == Location("f.yaml", 4, 6)
    assert key_location(data, "missing", "f.yaml") == Location("f.yaml", 1, 1)
    assert key_location(["not", "marked"], "a", "f.yaml") == Location("f.yaml")


def test_a_key_dropped_after_loading_is_located_at_where_it_was_written():
    """The collector drops default cookies from contracts without credentials; errors about them point at the key."""
    data = load_yaml("x: 1\ncookies: {a: b}\n", "f.yaml")
    copy = MarkedDict({"x": 1})
    copy.mark, copy.marks, copy.key_marks = data.mark, {"x": data.marks["x"]}, data.key_marks
    assert locate(copy, ("cookies", "a"), "f.yaml") == Location("f.yaml", 2, 1)


def test_unmarked_data_is_located_at_the_file_only():
    assert locate({"a": 1}, ("a",), "f.yaml") == Location("f.yaml")
    assert locate(None, (), "f.yaml") == Location("f.yaml")


def test_positions_are_one_based():
    assert Mark(3, 7).at("f.yaml") == Location("f.yaml", 3, 7)
    assert load_document("\n\n   [a, b]\n", "f.yaml")[1] == Location("f.yaml", 3, 4)
    assert load_yaml("- a\n-   b\n", "f.yaml").marks == [Mark(1, 3), Mark(2, 5)]


def test_merge_keys_give_the_later_sources_way_and_the_entry_wins():
    data = load_yaml("base: &b {x: 1, y: 2}\nother: &o {y: 3, z: 4}\nc:\n  <<: [*b, *o]\n  x: 9\n", "f.yaml")
    merged = data["c"]
    assert dict(merged) == {"x": 9, "y": 2, "z": 4}  # the first source listed wins over the later ones (YAML 1.1)
    assert merged.marks == {"x": Mark(5, 6), "y": Mark(1, 20), "z": Mark(2, 21)}
    assert merged.key_marks == {"x": Mark(5, 3), "y": Mark(1, 17), "z": Mark(2, 18)}
    assert list(merged) == ["x", "y", "z"]


def test_a_single_merged_mapping_and_the_entry_after_it():
    merged = load_yaml("b: &b {x: 1, y: 2}\nc: {<<: *b, y: 5}\n", "f.yaml")["c"]
    assert dict(merged) == {"y": 5, "x": 1}
    assert merged.marks["y"] == Mark(2, 16) and merged.marks["x"] == Mark(1, 11)


def test_scalars_of_every_safe_tag_are_values():
    data = load_yaml("a: 1\nb: 1.5\nc: true\nd: null\ne: 2020-01-02\nf: !!binary aGk=\ng: text\nh: !!str 7\n", "f.yaml")
    assert [type(v).__name__ for v in data.values()] == ["int", "float", "bool", "NoneType", "date", "bytes", "str", "str"]
    assert data["f"] == b"hi" and data["h"] == "7"


def test_an_empty_document_is_none_at_the_file():
    assert load_document("", "f.yaml") == (None, Location("f.yaml"))
    assert load_document("# only a comment\n", "f.yaml") == (None, Location("f.yaml"))


def test_yaml_file_errors_show_what_position_they_know():
    assert str(YamlFileError("f.yaml", "bad")) == "f.yaml: bad"
    assert str(YamlFileError("f.yaml", "bad", 3)) == "f.yaml:3: bad"
    assert str(YamlFileError("f.yaml", "bad", 3, 4)) == "f.yaml:3:4: bad"
    error = YamlFileError("f.yaml", "bad", 3, 4)
    assert (error.path, error.message, error.line, error.column) == ("f.yaml", "bad", 3, 4)


def test_a_reader_error_has_no_position():
    with pytest.raises(YamlFileError) as info:
        load_yaml("a: \x00\n", "f.yaml")
    assert (info.value.line, info.value.column) == (None, None)
    assert str(info.value).startswith("f.yaml: invalid YAML: unacceptable character #x0000")
    assert info.value.message.startswith("invalid YAML: unacceptable character #x0000: control characters are not allowed")


def test_expanded_size_counts_every_value_once_per_use_and_stops_past_the_limit():
    node = yaml.compose("a: &x [1, 2]\nb: *x\nc: *x\n")
    # mapping + 3 keys + 3 x (list + 2 items)
    assert expanded_size(node, 100) == 1 + 3 + 3 * 3
    assert expanded_size(yaml.compose("[1, 2, 3, 4, 5]"), 100) == 6
    assert expanded_size(yaml.compose("[1, 2, 3, 4, 5]"), 2) == 3  # stops at the first count past the limit
    assert expanded_size(yaml.compose("{a: 1, b: 2, c: 3}"), 2) == 3
    assert expanded_size(yaml.compose("{a: 1, b: 2, c: 3}"), 3) == 5  # 3 is not past a limit of 3
    assert expanded_size(yaml.compose("[1, 2, 3, 4, 5]"), 3) == 4


@pytest.mark.parametrize(("count", "refused"), [(10, False), (11, True)])
def test_the_expansion_limit_is_exclusive(monkeypatch, count, refused):
    """A document of exactly MAX_EXPANDED_NODES values loads; one more is refused at the document's start."""
    monkeypatch.setattr(yaml_loader, "MAX_EXPANDED_NODES", 10)
    text = "\n  [" + ", ".join(["x"] * (count - 1)) + "]\n"
    if not refused:
        assert load_yaml(text, "f.yaml") == ["x"] * (count - 1)
        return
    with pytest.raises(YamlFileError) as info:
        load_yaml(text, "f.yaml")
    assert str(info.value) == "f.yaml:2:3: the document expands to more than 10 values through aliases (an alias bomb?); refusing to load it"


def test_the_builder_refuses_past_the_limit_too(monkeypatch):
    """The builder's own count is the second guard (the measured size is the first)."""
    monkeypatch.setattr(yaml_loader, "expanded_size", lambda node, limit: 0)
    monkeypatch.setattr(yaml_loader, "MAX_EXPANDED_NODES", 3)
    assert load_yaml("[a, b]", "f.yaml") == ["a", "b"]
    with pytest.raises(YamlFileError) as info:
        load_yaml("[a, b, c]", "f.yaml")
    assert str(info.value) == "f.yaml:1:8: the document expands to more than 3 values through aliases (an alias bomb?); refusing to load it"


def test_the_limit_is_a_million_values():
    assert yaml_loader.MAX_EXPANDED_NODES == 1_000_000
    with pytest.raises(YamlFileError, match="more than 1,000,000 values"):
        load_yaml("a0: &a0 [" + ", ".join(["x"] * 1000) + "]\na1: [" + ", ".join(["*a0"] * 1000) + "]\n", "f.yaml")


TOO_DEEP = "f.yaml: the document nests too deeply (lists or mappings nested several hundred levels deep); refusing to load it"


@pytest.mark.parametrize("measured", [True, False], ids=["measuring", "building"])
def test_nesting_deeper_than_python_allows_is_an_error_not_a_recursive_anchor(monkeypatch, measured):
    """Both walks over the document are recursive; either one running out of stack says so."""
    if not measured:
        monkeypatch.setattr(yaml_loader, "expanded_size", lambda node, limit: 0)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack(0)) + 100)
    try:
        with pytest.raises(YamlFileError) as info:
            load_yaml("[" * 300 + "]" * 300, "f.yaml")
    finally:
        sys.setrecursionlimit(limit)
    assert str(info.value) == TOO_DEEP


def test_a_recursive_anchor_says_so():
    with pytest.raises(YamlFileError) as info:
        load_yaml("a: &a [1, {b: *a}]\n", "f.yaml")
    assert str(info.value) == "f.yaml: the document refers to itself through an alias (a recursive anchor); refusing to load it"


def test_a_list_is_located_at_itself_for_a_path_past_its_end():
    data = load_yaml(DOC, "f.yaml")
    assert locate(data["b"], (), "f.yaml") == Location("f.yaml", 3, 3)
    assert locate(data["b"], (7,), "f.yaml") == Location("f.yaml", 3, 3)
    assert locate(data["b"][1], (), "f.yaml") == Location("f.yaml", 4, 5)
