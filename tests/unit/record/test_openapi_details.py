"""OpenAPI details: which example fills a path, server URLs, references, and every error's exact text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_cors.record.openapi import OpenApiError, base_path_of, fill_template, read_openapi


def document(tmp_path: Path, paths: dict, name: str = "openapi.json", **top) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"openapi": "3.1.0", "paths": paths, **top}, indent=1))
    return path


def endpoints(tmp_path: Path, paths: dict, **top):
    return [(e.path, e.methods, e.template, e.notes) for e in read_openapi(document(tmp_path, paths, **top)).endpoints]


@pytest.mark.parametrize(
    ("parameter", "value", "source"),
    [
        ({"example": 7, "examples": {"a": {"value": 8}}, "schema": {"example": 9}}, "7", "example"),
        ({"examples": {"a": {"summary": "no value"}, "b": {"value": 8}}, "schema": {"example": 9}}, "8", "examples"),
        ({"examples": ["not a mapping"], "schema": {"example": 9, "default": 10}}, "9", "example"),
        ({"schema": {"default": 10, "enum": [11]}}, "10", "default"),
        ({"schema": {"enum": [11, 12]}}, "11", "enum"),
        ({"default": 13, "type": "integer"}, "13", "default"),  # Swagger 2: the parameter is its own schema
    ],
)
def test_where_a_path_value_comes_from(parameter, value, source):
    path, notes = fill_template("/a/{id}/b", {"id": parameter})
    assert path == f"/a/{value}/b"
    assert notes == (f"{{id}} in /a/{{id}}/b filled with {value!r} (the parameter's {source})",)


@pytest.mark.parametrize(
    ("parameter", "placeholder"),
    [({"schema": {"type": "integer"}}, "1"), ({"type": "number"}, "1"), ({"schema": {"type": "string"}}, "example"),
     ({"schema": {"enum": []}}, "example"), ({"schema": "nonsense"}, "example"), ({}, "example")],
)
def test_a_placeholder_is_noted_for_the_team_to_replace(parameter, placeholder):
    path, notes = fill_template("/a/{id}", {"id": parameter})
    assert path == f"/a/{placeholder}"
    assert notes == (f"{{id}} in /a/{{id}} is a placeholder ({placeholder!r}): the document gives no example; "
                     "replace it with a real value",)


def test_values_are_percent_encoded_except_what_a_path_segment_allows():
    path, _ = fill_template("/a/{x}/{y}", {"x": {"example": "a-._~!$&'()*+,;=:@z"}, "y": {"example": "ü/?#%"}})
    assert path == "/a/a-._~!$&'()*+,;=:@z/%C3%BC%2F%3F%23%25"
    assert fill_template("/a/{unknown}", {}) == ("/a/example", (
        "{unknown} in /a/{unknown} is a placeholder ('example'): the document gives no example; replace it with a real value",))


def test_references_follow_json_pointer_escapes_and_operation_parameters(tmp_path):
    top = {"components": {"parameters": {"a/b~c": {"name": "id", "in": "path", "example": 5}}}}
    paths = {
        "/x/{id}": {"get": {"parameters": [{"$ref": "#/components/parameters/a~1b~0c"}]}, "post": "not an operation"},
        "/y/{id}": {"parameters": "not a list", "put": {"parameters": [{"name": "id", "in": "query", "example": 1},
                                                                      {"name": 3, "in": "path"},
                                                                      {"name": "id", "in": "path", "example": 6}]},
                    "delete": {"parameters": [{"name": "id", "in": "path", "example": 7}]}},
    }
    assert endpoints(tmp_path, paths, **top) == [
        ("/x/5", ("GET",), "/x/{id}", ("{id} in /x/{id} filled with '5' (the parameter's example)",)),
        ("/y/6", ("PUT", "DELETE"), "/y/{id}", ("{id} in /y/{id} filled with '6' (the parameter's example)",)),
    ]


def test_a_path_item_may_itself_be_a_reference(tmp_path):
    top = {"components": {"pathItems": {"Users": {"get": {}, "head": {}, "patch": {}}}}}
    assert endpoints(tmp_path, {"/u": {"$ref": "#/components/pathItems/Users"}}, **top) == [("/u", ("GET", "HEAD", "PATCH"), "/u", ())]


def chain(hops: int) -> dict:
    """Parameters R0 -> R1 -> ... -> R<hops>, the last one the path parameter itself."""
    parameters = {f"R{n}": {"$ref": f"#/components/parameters/R{n + 1}"} for n in range(hops)}
    parameters[f"R{hops}"] = {"name": "id", "in": "path", "example": 5}
    return {"components": {"parameters": parameters}}


def test_a_chain_of_twenty_references_is_followed_and_a_longer_one_is_not(tmp_path):
    path = {"/x/{id}": {"get": {"parameters": [{"$ref": "#/components/parameters/R0"}]}}}
    assert endpoints(tmp_path, path, **chain(19))[0][0] == "/x/5"  # 20 references, counting the one in the operation
    assert endpoints(tmp_path, path, **chain(20))[0][0] == "/x/example"


def test_a_reference_cycle_stops_and_the_parameter_is_ignored(tmp_path):
    top = {"components": {"parameters": {"A": {"$ref": "#/components/parameters/B"}, "B": {"$ref": "#/components/parameters/A"}}}}
    [(path, _, _, notes)] = endpoints(tmp_path, {"/x/{id}": {"get": {"parameters": [{"$ref": "#/components/parameters/A"}]}}}, **top)
    assert path == "/x/example" and "placeholder" in notes[0]


@pytest.mark.parametrize(
    ("top", "url"),
    [
        ({"servers": [{"url": "https://{region}.example.com:{port}/v1/", "variables": {"region": {"default": "eu"}, "port": {"enum": ["1"]}}}]},
         "https://eu.example.com:{port}/v1/"),
        ({"servers": [{"url": "/api", "variables": ["x"]}]}, "/api"),
        ({"servers": [{"url": ""}]}, None),
        ({"servers": []}, None),
        ({"servers": ["https://a.example"]}, None),
        ({"servers": {"url": "https://a.example"}}, None),
        ({}, None),
    ],
)
def test_openapi_server_url(tmp_path, top, url):
    assert read_openapi(document(tmp_path, {"/u": {"get": {}}}, **top)).server_url == url


@pytest.mark.parametrize(
    ("top", "url", "first_path"),
    [
        ({"host": "api.example.com"}, "https://api.example.com", "/u"),
        ({"host": "api.example.com", "schemes": ["http"], "basePath": "/v2/"}, "http://api.example.com/v2/", "/v2/u"),
        ({"host": "api.example.com", "schemes": ["http", "https"]}, "https://api.example.com", "/u"),
        ({"basePath": "/v2"}, "/v2", "/v2/u"),
        ({}, None, "/u"),
    ],
)
def test_swagger2_server_url(tmp_path, top, url, first_path):
    path = tmp_path / "swagger.json"
    path.write_text(json.dumps({"swagger": "2.0", "paths": {"/u": {"get": {}}}, **top}))
    read = read_openapi(path)
    assert (read.server_url, read.endpoints[0].path, read.version) == (url, first_path, "Swagger 2.0")


def test_base_path_of():
    assert base_path_of("//api.example.com/v1/") == "/v1"  # a relative URL with a host: not a path "//api.example.com/v1"
    assert base_path_of("https://api.example.com/UX") == "/UX"
    assert base_path_of("https://api.example.com") == ""
    assert base_path_of("https://api.example.com/") == ""
    assert base_path_of("api/v1") == ""
    assert base_path_of("") == ""


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        ('{"openapi": "3.0.0",\n "paths": {\n  "/a": [}\n}', "api.JSON", "{path}:3:10: invalid JSON: Expecting value"),
        ('{"openapi": "2.0", "paths": {"/a": {"get": {}}}}', "a.json",
         "{path}:1:1: not an OpenAPI 3 or Swagger 2 document: give 'openapi: 3.x' or 'swagger: \"2.0\"' at the top level"),
        ('{"swagger": "3.0", "paths": {"/a": {"get": {}}}}', "a.json",
         "{path}:1:1: not an OpenAPI 3 or Swagger 2 document: give 'openapi: 3.x' or 'swagger: \"2.0\"' at the top level"),
        ("- openapi: 3.0.0\n", "a.yaml", "{path}:1:1: an OpenAPI document is a mapping with 'openapi:' or 'swagger:'"),
        ("openapi: 3.0.0\npaths: []\n", "a.yaml", "{path}:2:8: the document has no 'paths' to record"),
        ("openapi: 3.0.0\npaths:\n  /a: []\n", "a.yaml", "{path}:3:7: the path item of /a must be a mapping"),
        ("openapi: 3.0.0\npaths:\n  /a:\n    parameters: [{$ref: 7}]\n    get: {}\n", "a.yaml",
         "{path}:4:25: only local references (#/...) are supported, got 7"),
        ("openapi: 3.0.0\npaths:\n  /a:\n    parameters: [{$ref: '#/components/x'}]\n    get: {}\n", "a.yaml",
         "{path}:4:25: reference '#/components/x' points to nothing"),
        ("openapi: 3.0.0\ncomponents: []\npaths:\n  /a:\n    parameters: [{$ref: '#/components/x'}]\n    get: {}\n", "a.yaml",
         "{path}:5:25: reference '#/components/x' points to nothing"),
        ("openapi: 3.0.0\npaths:\n  /a: {trace: {}, options: {}, get: []}\n", "a.yaml",
         "{path}:3:3: no operation to record (only options, trace?)"),
        ("openapi: 3.0.0\npaths:\n  7: {get: {}}\n", "a.yaml", "{path}:3:6: path 7 must start with '/'"),
    ],
)
def test_errors_name_file_line_and_column(tmp_path, content, name, message):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(OpenApiError) as raised:
        read_openapi(path)
    assert str(raised.value) == message.format(path=path)


def test_a_document_that_is_not_utf8_names_file_line_and_byte(tmp_path):
    path = tmp_path / "openapi.yaml"
    path.write_bytes(b"openapi: 3.0.0\npaths: {/a: {get: {}}}\ninfo: \xff\n")
    with pytest.raises(OpenApiError) as raised:
        read_openapi(path)
    assert str(raised.value) == f"{path}:3:7: the file is not valid UTF-8 (byte 0xff at offset 44); save it as UTF-8"


def test_a_path_item_reference_to_nothing_says_where(tmp_path):
    path = tmp_path / "openapi.yaml"
    path.write_text('openapi: 3.0.0\npaths:\n  /a: {$ref: "#/nope"}\n')
    with pytest.raises(OpenApiError) as raised:
        read_openapi(path)
    assert str(raised.value) == f"{path}:3:14: reference '#/nope' points to nothing"


def test_a_path_without_operations_is_skipped_and_the_next_ones_read(tmp_path):
    paths = {"/a": {"options": {}}, "/b": {"summary": "no operation"}, "/c": {"get": {}}}
    assert endpoints(tmp_path, paths) == [("/c", ("GET",), "/c", ())]


def test_an_unreadable_document_says_why(tmp_path):
    with pytest.raises(OpenApiError) as raised:
        read_openapi(tmp_path / "missing.yaml")
    assert str(raised.value) == f"{tmp_path / 'missing.yaml'}: cannot read the OpenAPI document: No such file or directory"
