"""The ``pytest-cors`` command (and ``python -m pytest_cors``): argparse, subcommands, exit codes.

Stdlib and the engine only: the command never imports pytest, so it starts
fast and works where the test suite is not installed.

Exit codes (documented in the README, "Adopting on an existing API"):
  0  recorded (and written)
  1  recorded, but the audit found something at or above ``--fail-on``
  2  usage error: unknown option, bad value, unreadable or invalid OpenAPI file, output exists without --force
  3  nothing could be recorded: the target is unreachable, the app crashed, or no origin gave an answer to record
"""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional, Sequence

from pytest_cors import __version__
from pytest_cors.audit.catalogue import SEVERITIES
from pytest_cors.transport.app_interface import INTERFACE_CHOICES

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_NOT_RECORDED = 3

RECORD_EPILOG = """examples:
  pytest-cors record --url https://staging.example.com --path /api/users --origin https://app.example.com
  pytest-cors record --app myproject.wsgi:application --openapi openapi.yaml --origin https://app.example.com \\
      --header Authorization --credentials --output cors_api.yaml

exit codes: 0 recorded; 1 findings at or above --fail-on; 2 usage error; 3 nothing could be recorded"""


class UsageError(Exception):
    """Bad input from the command line or a file it names: reported as ``error: ...``, exit 2."""


class NotRecorded(Exception):
    """The target could not be probed or gave nothing to record: exit 3."""


def _record_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    record = commands.add_parser(
        "record",
        help="draft a CORS contract file from what a server does today",
        description="Probe endpoints the way browsers call them and write a commented cors_<name>.yaml that "
        "passes against the server today. Review it, commit it, then lock it with --cors-snapshot-update.",
        epilog=RECORD_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    target = record.add_argument_group("target (one of)")
    target.add_argument("--url", help="live base URL, e.g. https://staging.example.com")
    target.add_argument("--app", metavar="MODULE:ATTR", help="in-process WSGI or ASGI app, e.g. myproject.wsgi:application or app.main:app")
    target.add_argument("--app-interface", choices=INTERFACE_CHOICES, default="auto", help="interface of the in-process app (default: detected)")
    target.add_argument("--app-origin", default="http://testserver", help="origin the in-process app is served as (default %(default)s)")
    what = record.add_argument_group("what to probe")
    what.add_argument("--path", action="append", default=[], help="endpoint path, e.g. /api/users (repeatable)")
    what.add_argument("--openapi", metavar="FILE", help="take every path and method from an OpenAPI 3 / Swagger 2 file (JSON or YAML)")
    what.add_argument("--origin", action="append", default=[], help="origin of a page that calls the API (repeatable, at least one)")
    what.add_argument("--method", action="append", default=[], help="method to try (repeatable; default GET, or the OpenAPI operations)")
    what.add_argument("--header", action="append", default=[], help="request header the frontend sends, e.g. Authorization (repeatable)")
    what.add_argument("--credentials", action="store_true", help="the frontend sends cookies (fetch credentials: 'include')")
    what.add_argument("--send-unsafe", action="store_true", help="against a live URL, also send actual requests of methods other than GET/HEAD (they may change data)")
    how = record.add_argument_group("how")
    how.add_argument("--browser", default="all", help="browser profiles that decide: all (default), chrome, firefox, safari, spec, or a comma list")
    how.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for a live server (default %(default)s)")
    how.add_argument("--insecure", action="store_true", help="do not verify the live server's TLS certificate")
    how.add_argument("--ca-bundle", metavar="FILE", help="CA bundle to verify the live server's TLS certificate (a private CA)")
    out = record.add_argument_group("output")
    out.add_argument("--name", default="api", help="the file is cors_<name>.yaml (default %(default)s)")
    out.add_argument("--output", "-o", metavar="FILE", help="file to write instead of cors_<name>.yaml; '-' writes to stdout")
    out.add_argument("--force", action="store_true", help="overwrite the output file if it exists")
    out.add_argument("--fail-on", choices=SEVERITIES, help="exit 1 when the audit finds something at or above this severity")


def build_parser() -> argparse.ArgumentParser:
    """The ``pytest-cors`` argument parser: one subcommand per tool."""
    parser = argparse.ArgumentParser(prog="pytest-cors", description="pytest-cors command-line tools (the checks themselves run under pytest).")
    parser.add_argument("--version", action="version", version=f"pytest-cors {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    _record_parser(commands)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command; returns the exit code (argparse itself exits 2 on unknown options)."""
    from pytest_cors.cli.record import run_record

    parser = build_parser()
    arguments = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(arguments)
    try:
        return run_record(args, arguments)
    except UsageError as exc:
        print(f"pytest-cors {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except NotRecorded as exc:
        print(f"pytest-cors {args.command}: nothing recorded: {exc}", file=sys.stderr)
        return EXIT_NOT_RECORDED


def console_main(argv: Optional[List[str]] = None) -> None:
    """The ``[project.scripts]`` entry point."""
    sys.exit(main(argv))
