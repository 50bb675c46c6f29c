"""``pytest-cors record``: command-line values -> a target, endpoints, the recorder, a written file.

Every bad value is refused before the first request, naming the option and how
to fix it; an existing output file is refused before probing too, so nothing
is sent for a file that will not be written.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shlex
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple
from urllib.parse import urlsplit

from pytest_cors.audit.catalogue import at_or_above
from pytest_cors.audit.runner import ContractAudit
from pytest_cors.browser.origins import (
    OriginError,
    is_valid_http_url,
    parse_origin,
    same_origin,
    serialize_url_origin,
    without_userinfo,
)
from pytest_cors.browser.profiles import (
    UnknownProfileError,
    display_names,
    select_profiles,
)
from pytest_cors.check.run import CorsRun
from pytest_cors.cli.main import EXIT_FINDINGS, EXIT_OK, NotRecorded, UsageError
from pytest_cors.cli.summary import print_summary
from pytest_cors.contract.files import is_contract_file
from pytest_cors.contract.model import (
    ContractCase,
    ContractError,
    CorsContract,
    Location,
)
from pytest_cors.contract.schema import parse_contract
from pytest_cors.errors import CorsConfigurationError, CorsNetworkError
from pytest_cors.record.openapi import Endpoint, OpenApiError, read_openapi
from pytest_cors.record.recorder import (
    RecordedEndpoint,
    RecordSettings,
    record_endpoint,
)
from pytest_cors.record.render import parse_rendered, render_file
from pytest_cors.report.redaction import Redactor
from pytest_cors.transport import Transport
from pytest_cors.transport.app_import import import_app

#: Stand-in origin used only to validate --method / --header values through the contract schema.
_VALIDATION_ORIGIN = "https://validation.pytest-cors.test"


def _schema_values(option: str, key: str, values: Sequence[str]) -> Tuple[str, ...]:
    """Validate option values with the one contract schema; its message, under the option's name."""
    if not values:
        return ()
    try:
        contract = parse_contract({"path": "/", "deny_origins": [_VALIDATION_ORIGIN], key: list(values)})
    except ContractError as exc:
        raise UsageError(f"{option}: {exc.message}") from None
    if key == "methods":
        return contract.methods
    return tuple(name for name, _ in contract.request_headers)


def _origins(values: Sequence[str]) -> Tuple[str, ...]:
    if not values:
        raise UsageError("give at least one --origin: the origin of a page that calls the API (e.g. --origin https://app.example.com)")
    result: List[str] = []
    for text in values:
        try:
            origin = parse_origin(text)
        except OriginError as exc:
            raise UsageError(f"--origin: {exc}") from None
        if origin not in result:
            result.append(origin)
    return tuple(result)


def _endpoints(args: argparse.Namespace) -> Tuple[Tuple[Endpoint, ...], Optional[str]]:
    """--path values and the OpenAPI document's operations, each path once; and the document's server URL."""
    found: Dict[str, Endpoint] = {}
    server_url: Optional[str] = None
    if args.openapi:
        try:
            document = read_openapi(Path(args.openapi))
        except OpenApiError as exc:
            raise UsageError(f"--openapi: {exc}") from None
        server_url = document.server_url
        for endpoint in document.endpoints:
            found.setdefault(endpoint.path, endpoint)
    for text in args.path:
        try:
            path = parse_contract({"path": text, "deny_origins": [_VALIDATION_ORIGIN]}).path
        except ContractError as exc:
            raise UsageError(f"--path: {exc.message}") from None
        found.setdefault(path, Endpoint(path))
    if not found:
        raise UsageError("give at least one --path (e.g. --path /api/users) or --openapi openapi.yaml")
    return tuple(found.values()), server_url


def _output(args: argparse.Namespace) -> Optional[Path]:
    """The file to write (None for stdout); refuses an existing file without --force, before any request."""
    if args.output == "-":
        return None
    path = Path(args.output or f"cors_{args.name}.yaml")
    if path.exists() and not args.force:
        raise UsageError(f"{path} exists; pass --force to overwrite it (or --output another file)")
    if path.parent and not path.parent.is_dir():
        raise UsageError(f"--output: directory {str(path.parent)!r} does not exist")
    if not is_contract_file(path):
        print(f"pytest-cors record: note: pytest collects contract files named cors_*.yaml or *.cors.yaml; {path.name} will not be collected", file=sys.stderr)
    return path


def _target(args: argparse.Namespace, run: CorsRun, server_url: Optional[str]) -> Tuple[Transport, str]:
    """The transport and the ``target:`` value to write: --url, --app, or the OpenAPI server."""
    if args.url and args.app:
        raise UsageError("give --url or --app, not both")
    if args.app:
        if os.getcwd() not in sys.path:
            sys.path.insert(0, os.getcwd())  # like `python -m`: the project in the current directory imports
        try:
            return run.app(import_app(args.app, "--app"), name=args.app), args.app
        except CorsConfigurationError as exc:
            raise UsageError(str(exc)) from None
    url = args.url
    if not url and server_url and "://" in server_url:
        url = serialize_url_origin(server_url)  # its base path is already in every recorded path
        print(f"pytest-cors record: no --url or --app: using the OpenAPI document's server {url}", file=sys.stderr)
    if not url:
        raise UsageError("give a target: --url https://staging.example.com or --app myproject.wsgi:application")
    if not is_valid_http_url(url):
        raise UsageError(f"--url: {url!r} is not an http(s) URL (e.g. https://staging.example.com)")
    return run.live(url), _target_without_userinfo(url).rstrip("/")


def _target_without_userinfo(url: str) -> str:
    """The URL to write as ``target:``: a user name and password never go into a file meant for commit."""
    if "@" not in urlsplit(url).netloc:
        return url
    print("pytest-cors record: note: the URL's user name and password are not written to the file; pass the URL "
          "with --cors-url when running pytest", file=sys.stderr)
    return without_userinfo(url)


def _header(args: argparse.Namespace, transport: Transport, profiles: Sequence[str], argv: Sequence[str]) -> List[str]:
    return [
        f"CORS contracts recorded by `pytest-cors record` from {transport.describe()},",
        f"decided as {display_names(profiles)} decide. Re-record with:",
        "  pytest-cors " + " ".join(shlex.quote(Redactor.urls(a)) for a in argv),
        "",
        "REVIEW BEFORE COMMITTING: this file states what the server does TODAY, not what it should do.",
        "Comments say where each value came from and what was refused; '!!!' marks accepted audit findings.",
        "Then commit it, run it with `pytest`, and lock the observed policy with `pytest --cors-snapshot-update`.",
    ] + ([f"The app was driven as {args.app_interface.upper()}: run pytest with --cors-app-interface {args.app_interface}."]
         if args.app and args.app_interface != "auto" else [])


def _check_written(text: str, name: str, recorded: Sequence[RecordedEndpoint]) -> None:
    """The rendered file must read back as exactly the contracts that were verified."""
    expected = [item.contract for endpoint in recorded for item in endpoint.contracts]
    actual = parse_rendered(text, name)

    def strip(contract: CorsContract) -> CorsContract:
        return dataclasses.replace(contract, where=Location(""))

    if [strip(c) for c in actual] != [strip(c) for c in expected if c is not None]:  # pragma: no cover - a renderer bug
        raise RuntimeError("pytest-cors record: the rendered file does not read back as the recorded contracts")


def _write(path: Optional[Path], text: str, force: bool) -> None:
    if path is None:
        sys.stdout.write(text)
        return
    try:
        with open(path, "w" if force else "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        raise UsageError(f"{path} appeared while recording; pass --force to overwrite it") from None
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


def _verify(args: argparse.Namespace) -> Any:
    """TLS verification for a live URL: a CA bundle file, off with --insecure, or the system's CAs."""
    if args.ca_bundle:
        if args.insecure:
            raise UsageError("give --ca-bundle or --insecure, not both")
        if not Path(args.ca_bundle).is_file():
            raise UsageError(f"--ca-bundle: {args.ca_bundle!r} is not a file")
        return args.ca_bundle
    return not args.insecure


def _record_all(endpoints: Sequence[Endpoint], settings: RecordSettings, run: CorsRun, transport: Transport) -> List[RecordedEndpoint]:
    def check(case: ContractCase) -> Any:
        return run.run_case(case, transport)

    def audit(contract: CorsContract) -> Any:
        return ContractAudit(contract, run, transport).all_findings()

    recorded: List[RecordedEndpoint] = []
    try:
        for index, endpoint in enumerate(endpoints, 1):
            methods = " ".join(endpoint.methods or settings.methods)
            print(f"pytest-cors record: [{index}/{len(endpoints)}] {methods} {endpoint.path}", file=sys.stderr)
            recorded.append(record_endpoint(endpoint, settings, check, audit))
        return recorded
    except CorsNetworkError as exc:
        raise NotRecorded(str(exc)) from None


def run_record(args: argparse.Namespace, argv: Sequence[str] = ()) -> int:
    """The whole command; returns the exit code."""
    origins = _origins(args.origin)
    methods = _schema_values("--method", "methods", args.method) or ("GET",)
    headers = _schema_values("--header", "request_headers", args.header)
    endpoints, server_url = _endpoints(args)
    try:
        profiles = select_profiles(args.browser)
    except UnknownProfileError as exc:
        raise UsageError(f"--browser: {exc}") from None
    if args.timeout <= 0:
        raise UsageError(f"--timeout must be a positive number of seconds, got {args.timeout}")
    output = _output(args)
    run = CorsRun(
        profiles=profiles, redactor=Redactor(), app_origin=args.app_origin, timeout=args.timeout,
        verify=_verify(args), send_unsafe=args.send_unsafe, app_interface=args.app_interface,
        app_interface_option="--app-interface",
    )
    try:
        transport, target = _target(args, run, server_url)
        own = [o for o in origins if same_origin(transport.base_url(), o)]
        if own:
            raise UsageError(f"--origin {own[0]} is the target's own origin: same-origin requests never use CORS; give the origin of the page that calls the API")
        settings = RecordSettings(origins, methods, headers, args.credentials, transport.base_url())
        recorded = _record_all(endpoints, settings, run, transport)
    finally:
        run.close()
    if not any(endpoint.contracts for endpoint in recorded):
        print_summary(recorded, run, sys.stderr)
        raise NotRecorded("no given origin is allowed or cleanly refused on any path: check --origin, --path and the target")
    text = render_file(recorded, target=target, header=_header(args, transport, [p.name for p in profiles], argv))
    _check_written(text, str(output or "<stdout>"), recorded)
    _write(output, text, args.force)
    print_summary(recorded, run, sys.stderr if output is None else sys.stdout, written=output, app=args.app)
    findings = [f for endpoint in recorded for item in endpoint.contracts for f in item.findings]
    if args.fail_on and any(at_or_above(f.severity, args.fail_on) for f in findings):
        return EXIT_FINDINGS
    return EXIT_OK
