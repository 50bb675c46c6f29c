"""Endpoints to record, read from an OpenAPI 3 or Swagger 2 document (JSON or YAML).

Recording needs concrete URLs, so path templates (``/users/{id}``) are filled
from the parameter's ``example``, ``examples``, its schema's ``example`` /
``default`` / first ``enum`` value, or else a placeholder; every placeholder is
reported as a note, which the recorder writes as a YAML comment so the team
replaces it with a real id. Errors name the file, line and column.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple
from urllib.parse import quote, urlsplit

from pytest_cors.contract.yaml_loader import (
    YamlFileError,
    decode_yaml_bytes,
    load_yaml,
    locate,
)

#: Operation keys of a path item; OPTIONS is the preflight itself and TRACE is forbidden by fetch().
OPERATION_METHODS = ("get", "head", "post", "put", "patch", "delete")
SKIPPED_OPERATIONS = ("options", "trace")
#: Placeholder for a path parameter without any example, per schema type.
PLACEHOLDERS = {"integer": "1", "number": "1"}
DEFAULT_PLACEHOLDER = "example"
#: References followed in a chain before giving up (a cycle: the value is then not a parameter, and ignored).
MAX_REFERENCE_HOPS = 20
_TEMPLATE = re.compile(r"\{([^{}/]+)\}")


class OpenApiError(ValueError):
    """An OpenAPI document that cannot be used; the message starts with ``file[:line:column]``."""


@dataclass(frozen=True)
class Endpoint:
    """One path to record: the concrete path sent, its methods, and notes for the YAML comments."""

    path: str
    methods: Tuple[str, ...] = ()
    template: str = ""
    notes: Tuple[str, ...] = ()


@dataclass(frozen=True)
class OpenApiDocument:
    """The endpoints of a document and, when the document names one, the server's base URL."""

    endpoints: Tuple[Endpoint, ...]
    server_url: Optional[str]
    version: str


def _load(path: Path) -> Any:
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise OpenApiError(f"{name}: cannot read the OpenAPI document: {exc.strerror or exc}") from None
    try:
        text = decode_yaml_bytes(raw, name)
        if path.suffix.lower() == ".json":
            try:
                json.loads(text)
            except json.JSONDecodeError as exc:
                raise OpenApiError(f"{name}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
        return load_yaml(text, name)
    except YamlFileError as exc:
        raise OpenApiError(str(exc)) from None


def _where(data: Any, steps: Tuple[Any, ...], name: str) -> str:
    return str(locate(data, steps, name))


def _resolve(document: Mapping[str, Any], value: Any, name: str) -> Any:
    """Follow a local ``$ref`` (``#/components/parameters/Id``); other references are refused."""
    seen = 0
    while isinstance(value, Mapping) and "$ref" in value and seen < MAX_REFERENCE_HOPS:
        ref = value["$ref"]
        if not isinstance(ref, str) or not ref.startswith("#/"):
            raise OpenApiError(
                f"{_where(value, ('$ref',), name)}: only local references (#/...) are supported, got {ref!r}"
            )
        target: Any = document
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(target, Mapping) or part not in target:
                raise OpenApiError(f"{_where(value, ('$ref',), name)}: reference {ref!r} points to nothing")
            target = target[part]
        value = target
        seen += 1
    return value


def _example(parameter: Mapping[str, Any]) -> Tuple[Optional[str], str]:
    """The value to put in a path template, and where it came from."""
    nested = parameter.get("schema")
    schema: Mapping[str, Any] = nested if isinstance(nested, Mapping) else parameter  # Swagger 2: its own schema
    if "example" in parameter:
        return str(parameter["example"]), "example"
    examples = parameter.get("examples")
    if isinstance(examples, Mapping):
        for example in examples.values():
            if isinstance(example, Mapping) and "value" in example:
                return str(example["value"]), "examples"
    for key in ("example", "default"):
        if key in schema:
            return str(schema[key]), key
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return str(schema["enum"][0]), "enum"
    return None, PLACEHOLDERS.get(str(schema.get("type")), DEFAULT_PLACEHOLDER)


def _path_parameters(document: Mapping[str, Any], item: Mapping[str, Any], name: str) -> Dict[str, Mapping[str, Any]]:
    found: Dict[str, Mapping[str, Any]] = {}
    operations = [item] + [item[m] for m in OPERATION_METHODS if isinstance(item.get(m), Mapping)]
    for holder in operations:
        parameters = holder.get("parameters")
        if not isinstance(parameters, list):
            continue
        for parameter in parameters:
            parameter = _resolve(document, parameter, name)
            if isinstance(parameter, Mapping) and parameter.get("in") == "path" and isinstance(parameter.get("name"), str):
                found.setdefault(parameter["name"], parameter)
    return found


def fill_template(template: str, parameters: Mapping[str, Mapping[str, Any]]) -> Tuple[str, Tuple[str, ...]]:
    """``/users/{id}`` -> ``/users/42`` and notes saying where each value came from."""
    notes: List[str] = []

    def fill(match: re.Match[str]) -> str:
        key = match.group(1)
        value, source = _example(parameters.get(key, {}))
        if value is None:
            notes.append(
                f"{{{key}}} in {template} is a placeholder ({source!r}): the document gives no example; "
                "replace it with a real value"
            )
            value = source
        else:
            notes.append(f"{{{key}}} in {template} filled with {value!r} (the parameter's {source})")
        return quote(value, safe="-._~!$&'()*+,;=:@")

    return _TEMPLATE.sub(fill, template), tuple(notes)


def _server_url(document: Mapping[str, Any]) -> Optional[str]:
    """OpenAPI 3 ``servers[0].url`` (variables filled with defaults) or Swagger 2 ``schemes/host/basePath``."""
    if "swagger" in document:
        base_path = str(document.get("basePath") or "")
        host = document.get("host")
        if not host:
            return base_path or None
        schemes = document.get("schemes") or ["https"]
        scheme = "https" if "https" in schemes else str(schemes[0])
        return f"{scheme}://{host}{base_path}"
    servers = document.get("servers")
    if not isinstance(servers, list) or not servers or not isinstance(servers[0], Mapping):
        return None
    url = str(servers[0].get("url") or "")
    variables = servers[0].get("variables") or {}
    for key, spec in variables.items() if isinstance(variables, Mapping) else ():
        if isinstance(spec, Mapping) and "default" in spec:
            url = url.replace("{" + str(key) + "}", str(spec["default"]))
    return url or None


def base_path_of(server_url: Optional[str]) -> str:
    """The path prefix of a server URL (``https://api.example.com/v1``, ``//api.example.com/v1``, ``/v1`` -> ``/v1``)."""
    if not server_url:
        return ""
    path = urlsplit(server_url).path
    return path.rstrip("/") if path.startswith("/") else ""


def _version(document: Any, name: str) -> str:
    if not isinstance(document, Mapping):
        raise OpenApiError(f"{_where(document, (), name)}: an OpenAPI document is a mapping with 'openapi:' or 'swagger:'")
    if "openapi" in document and str(document["openapi"]).startswith("3"):
        return f"OpenAPI {document['openapi']}"
    if "swagger" in document and str(document["swagger"]).startswith("2"):
        return f"Swagger {document['swagger']}"
    raise OpenApiError(
        f"{_where(document, (), name)}: not an OpenAPI 3 or Swagger 2 document: give 'openapi: 3.x' or 'swagger: \"2.0\"' "
        "at the top level"
    )


def read_openapi(path: Path) -> OpenApiDocument:
    """Read every path and method of the document (OPTIONS and TRACE operations are skipped)."""
    name = str(path)
    document = _load(path)
    version = _version(document, name)
    paths = document.get("paths")
    if not isinstance(paths, Mapping) or not paths:
        raise OpenApiError(f"{_where(document, ('paths',), name)}: the document has no 'paths' to record")
    prefix = base_path_of(_server_url(document))
    endpoints: List[Endpoint] = []
    for template, item in paths.items():
        if not isinstance(template, str) or not template.startswith("/"):
            raise OpenApiError(f"{_where(paths, (template,), name)}: path {template!r} must start with '/'")
        item = _resolve(document, item, name)
        if not isinstance(item, Mapping):
            raise OpenApiError(f"{_where(paths, (template,), name)}: the path item of {template} must be a mapping")
        methods = tuple(m.upper() for m in OPERATION_METHODS if isinstance(item.get(m), Mapping))
        if not methods:
            continue
        concrete, notes = fill_template(template, _path_parameters(document, item, name))
        endpoints.append(Endpoint(prefix + concrete, methods, prefix + template, notes))
    if not endpoints:
        raise OpenApiError(f"{_where(document, ('paths',), name)}: no operation to record (only {', '.join(SKIPPED_OPERATIONS)}?)")
    return OpenApiDocument(tuple(endpoints), _server_url(document), version)
