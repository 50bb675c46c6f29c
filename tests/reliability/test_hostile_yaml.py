"""Hostile YAML: safe loading only, anchors/merge keys, BOM and CRLF, alias bombs, bad encodings, big files."""

from __future__ import annotations

import pytest

from pytest_cors.contract import yaml_loader
from pytest_cors.contract.yaml_loader import MAX_EXPANDED_NODES, YamlFileError, decode_yaml_bytes, load_yaml

APP_FIXTURE = """
import pytest


def app(environ, start_response):
    origin = environ.get("HTTP_ORIGIN", "")
    headers = [("Vary", "Origin")]
    if origin.endswith(".example.com"):
        headers.append(("Access-Control-Allow-Origin", origin))
        if environ["REQUEST_METHOD"] == "OPTIONS":
            headers.append(("Access-Control-Allow-Methods", environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD", "")))
    start_response("200 OK", headers)
    return [b"ok"]


@pytest.fixture
def cors_app():
    return app
"""


@pytest.fixture
def project(pytester):
    pytester.makeconftest(APP_FIXTURE)
    return pytester


def write(pytester, data: bytes, name: str = "cors_api.yaml"):
    (pytester.path / name).write_bytes(data)


def test_python_tags_are_refused_and_never_run(project, run, tmp_path):
    marker = tmp_path / "pwned"
    write(project, f"contracts:\n  - path: !!python/object/apply:os.system ['touch {marker}']\n    origins: [https://a.example.com]\n".encode())
    result = run("--collect-only", "-q")
    result.stdout.fnmatch_lines(
        ["cors_api.yaml:2:11: unsupported YAML tag '!!python/object/apply:os.system': contract files are loaded safely and never create Python objects or run code; remove the tag"]
    )
    assert not marker.exists()


@pytest.mark.parametrize("tag", ["!!python/name:os.system", "!!python/object:collections.OrderedDict {}", "!custom 1", "!!set {a: null}"])
def test_any_non_standard_tag_is_an_error(tag):
    with pytest.raises(YamlFileError, match="unsupported YAML tag"):
        load_yaml(f"contracts:\n  - path: {tag}\n", "f.yaml")


def test_anchors_aliases_and_merge_keys_work(project, run):
    write(
        project,
        b"""
common: &common
  origins: [https://app.example.com]
  methods: [GET, PUT]
contracts:
  - <<: *common
    name: one
    path: /one
  - <<: [*common]
    name: two
    path: /two
    methods: [GET]
    deny_origins: &evil [https://evil.example.net]
""".replace(b"common: &common", b"x-common: &common"),
    )
    # an unknown top-level key is refused, so anchors live in defaults or in the contracts themselves
    result = run("--collect-only", "-q")
    result.stdout.fnmatch_lines(["*unknown top-level key 'x-common'*"])
    write(
        project,
        b"""
defaults: &common
  origins: [https://app.example.com]
contracts:
  - name: one
    path: /one
    methods: &methods [GET, PUT]
  - <<: *common
    name: two
    path: /two
    methods: *methods
    deny_origins: [https://evil.example.net]
""",
    )
    result = run("-q", "--cors-send-unsafe")
    result.assert_outcomes(passed=6)


def test_bom_and_crlf_line_ends_work_and_keep_positions(project, run):
    text = "contracts:\r\n  - name: api\r\n    path: /api\r\n    origins: [https://app.example.com]\r\n"
    write(project, b"\xef\xbb\xbf" + text.encode())
    run("-q").assert_outcomes(passed=1)
    write(project, b"\xef\xbb\xbf" + text.replace("origins", "orgins").encode())
    run("--collect-only", "-q").stdout.fnmatch_lines(["cors_api.yaml:4:5: unknown key 'orgins'*"])


def alias_bomb() -> str:
    """Ten levels of ten aliases: about 600 characters that expand to 10**10 values."""
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    return "defaults:\n  " + "\n  ".join(levels).replace("a0: &a0", "x0: &a0") + "\ncontracts: *a9\n"


def test_an_alias_bomb_is_refused_before_any_value_is_built(project, run, monkeypatch):
    built = [0]
    real_build = yaml_loader._Builder.build

    def counting_build(self, node):
        built[0] += 1
        return real_build(self, node)

    monkeypatch.setattr(yaml_loader._Builder, "build", counting_build)
    write(project, alias_bomb().encode())
    result = run("--collect-only", "-q")
    result.stdout.fnmatch_lines([f"cors_api.yaml:*: the document expands to more than {MAX_EXPANDED_NODES:,} values through aliases (an alias bomb?); refusing to load it"])
    result.stdout.no_fnmatch_line("*Traceback*")
    assert built[0] == 0  # refused by measuring the node graph, not by expanding it until a limit is hit


def test_measuring_an_alias_bomb_costs_its_text_not_its_expansion(monkeypatch):
    """The size check memoises per node: it visits each node of the text a few times, never 10**10 (or 10**6) times."""
    visits = [0]
    real_is = yaml_loader._is

    def counting_is(node, kind):
        visits[0] += 1
        return real_is(node, kind)

    monkeypatch.setattr(yaml_loader, "_is", counting_is)
    bomb = alias_bomb()
    with pytest.raises(YamlFileError, match="expands to more than .* values through aliases"):
        load_yaml(bomb, "f.yaml")
    assert 0 < visits[0] <= len(bomb), visits[0]


def test_a_recursive_alias_is_an_error_not_a_hang():
    with pytest.raises(YamlFileError, match="recursive|refers to itself|nests too deeply|invalid YAML"):
        load_yaml("a: &a [*a]\n", "f.yaml")


def test_non_utf8_bytes_name_the_file_and_the_line(project, run):
    write(project, "contracts:\n  - path: /caf\xe9\n".encode("latin-1"))
    result = run("--collect-only", "-q")
    result.stdout.fnmatch_lines(["cors_api.yaml:2:15: the file is not valid UTF-8 (byte 0xe9 at offset 25); save it as UTF-8"])
    result.stdout.no_fnmatch_line("*Traceback*")


def test_utf16_is_an_encoding_error_too():
    with pytest.raises(YamlFileError, match="not valid UTF-8"):
        decode_yaml_bytes("contracts: []\n".encode("utf-16"), "f.yaml")


def test_a_5000_contract_file_collects_normally(project, run, monkeypatch):
    """Every contract becomes its item, from one parse of the file (how fast is benchmarks/run.py's collection job)."""
    parses = []
    real_load = yaml_loader.load_document

    def counting_load(text, path):
        parses.append(path)
        return real_load(text, path)

    monkeypatch.setattr(yaml_loader, "load_document", counting_load)
    body = "".join(f"  - name: c{i}\n    path: /api/{i}\n    origins: [https://app.example.com]\n" for i in range(5000))
    write(project, ("contracts:\n" + body).encode())
    result = run("--collect-only", "-q")
    result.stdout.fnmatch_lines(["cors_api.yaml::c0[[]GET-https://app.example.com[]]", "cors_api.yaml::c4999[[]GET-https://app.example.com[]]", "5000 tests collected*"])
    assert parses == ["cors_api.yaml"]


@pytest.mark.parametrize(
    "text, message",
    [
        ("- path: /a\n", "the top level must be a mapping with a 'contracts:' list"),
        ("contracts: []\n", "'contracts' must be a non-empty list of mappings"),
        ("contracts:\n  - /a\n", "each contract must be a mapping"),
        ("contracts:\n  - path: /a\n    origins: [https://a.example.com]\n    ? [complex, key]\n    : 1\n", "mapping keys must be plain scalars"),
        ("contracts:\n\t- path: /a\n", "invalid YAML"),
        ("---\ncontracts: []\n---\ncontracts: []\n", "invalid YAML"),
    ],
    ids=["list", "empty-list", "scalar-entry", "complex-key", "tab", "two-documents"],
)
def test_odd_shapes_are_errors_with_a_message(project, run, text, message):
    write(project, text.encode())
    result = run("--collect-only", "-q")
    result.stdout.fnmatch_lines([f"*cors_api.yaml*{message}*"])
    result.stdout.no_fnmatch_line("*Traceback*")
