"""OpenAPI 3 / Swagger 2 documents (JSON and YAML) -> the endpoints to record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from pytest_cors.record.openapi import (
    OpenApiError,
    base_path_of,
    fill_template,
    read_openapi,
)

OAS3 = {
    "openapi": "3.0.3",
    "info": {"title": "shop", "version": "1"},
    "servers": [{"url": "https://{env}.example.com/v1", "variables": {"env": {"default": "staging"}}}],
    "components": {"parameters": {"OrderId": {"name": "orderId", "in": "path", "required": True, "example": 42}}},
    "paths": {
        "/api/users": {"get": {}, "post": {}, "options": {}},
        "/api/orders/{orderId}": {"parameters": [{"$ref": "#/components/parameters/OrderId"}], "get": {}, "put": {}},
        "/api/items/{sku}": {
            "get": {"parameters": [{"name": "sku", "in": "path", "schema": {"type": "string"}}]},
        },
        "/api/tags/{tag}": {"get": {"parameters": [{"name": "tag", "in": "path", "examples": {"a": {"value": "red"}}}]}},
        "/health": {"trace": {}},
    },
}
SWAGGER2 = {
    "swagger": "2.0",
    "info": {"title": "shop", "version": "1"},
    "host": "api.example.com",
    "basePath": "/v2",
    "schemes": ["http", "https"],
    "paths": {
        "/api/orders/{orderId}": {"get": {"parameters": [{"name": "orderId", "in": "path", "type": "integer", "default": 7}]}},
        "/api/users/{userId}": {"delete": {"parameters": [{"name": "userId", "in": "path", "type": "integer"}]}},
    },
}


def write(tmp_path: Path, name: str, document: dict) -> Path:
    path = tmp_path / name
    text = json.dumps(document, indent=2) if name.endswith(".json") else yaml.safe_dump(document, sort_keys=False)
    path.write_text(text)
    return path


@pytest.mark.parametrize("name", ["openapi.json", "openapi.yaml"])
def test_openapi3_paths_methods_examples_and_server(tmp_path, name):
    document = read_openapi(write(tmp_path, name, OAS3))
    assert document.version == "OpenAPI 3.0.3"
    assert document.server_url == "https://staging.example.com/v1"
    by_template = {e.template: e for e in document.endpoints}
    assert by_template["/v1/api/users"].methods == ("GET", "POST")  # OPTIONS is the preflight itself
    orders = by_template["/v1/api/orders/{orderId}"]
    assert (orders.path, orders.methods) == ("/v1/api/orders/42", ("GET", "PUT"))
    assert "filled with '42' (the parameter's example)" in orders.notes[0]
    items = by_template["/v1/api/items/{sku}"]
    assert items.path == "/v1/api/items/example" and "placeholder" in items.notes[0]
    assert by_template["/v1/api/tags/{tag}"].path == "/v1/api/tags/red"
    assert "/v1/health" not in by_template  # TRACE only: nothing a browser can send


@pytest.mark.parametrize("name", ["swagger.json", "swagger.yaml"])
def test_swagger2_base_path_default_and_placeholder(tmp_path, name):
    document = read_openapi(write(tmp_path, name, SWAGGER2))
    assert document.version == "Swagger 2.0"
    assert document.server_url == "https://api.example.com/v2"
    paths = {e.path: e for e in document.endpoints}
    assert paths["/v2/api/orders/7"].methods == ("GET",)
    assert "default" in paths["/v2/api/orders/7"].notes[0]
    placeholder = paths["/v2/api/users/1"]
    assert placeholder.methods == ("DELETE",) and "placeholder ('1')" in placeholder.notes[0]


def test_fill_template_quotes_values_and_base_paths():
    path, notes = fill_template("/a/{x}", {"x": {"example": "b c/d"}})
    assert path == "/a/b%20c%2Fd" and len(notes) == 1
    assert base_path_of("https://h.example/v1/") == "/v1"
    assert base_path_of("/api") == "/api"
    assert base_path_of(None) == ""


def test_bad_yaml_names_file_line_and_column(tmp_path):
    path = tmp_path / "openapi.yaml"
    path.write_text("openapi: 3.0.0\npaths:\n  /a: {get: {}\n")
    with pytest.raises(OpenApiError, match=r"openapi\.yaml:\d+:\d+: invalid YAML"):
        read_openapi(path)


def test_bad_json_names_file_line_and_column(tmp_path):
    path = tmp_path / "openapi.json"
    path.write_text('{\n  "openapi": "3.0.0",\n  "paths": {,}\n}\n')
    with pytest.raises(OpenApiError, match=r"openapi\.json:3:\d+: invalid JSON"):
        read_openapi(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("info: {}\npaths: {/a: {get: {}}}\n", r"openapi\.yaml:1:1: not an OpenAPI 3 or Swagger 2 document"),
        ("openapi: 3.0.0\npaths: {}\n", r"openapi\.yaml:2:\d+: the document has no 'paths'"),
        ("openapi: 3.0.0\npaths:\n  a: {get: {}}\n", r"openapi\.yaml:3:\d+: path 'a' must start with '/'"),
        ("openapi: 3.0.0\npaths:\n  /a:\n    parameters: [{$ref: 'other.yaml#/x'}]\n    get: {}\n", "only local references"),
        ("openapi: 3.0.0\npaths:\n  /a: {options: {}}\n", "no operation to record"),
    ],
)
def test_structural_errors_say_where(tmp_path, text, message):
    path = tmp_path / "openapi.yaml"
    path.write_text(text)
    with pytest.raises(OpenApiError, match=message):
        read_openapi(path)


def test_missing_file(tmp_path):
    with pytest.raises(OpenApiError, match="cannot read the OpenAPI document"):
        read_openapi(tmp_path / "nope.yaml")
