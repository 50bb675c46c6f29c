"""Command-line options and their ini twins, resolved once per run with their source.

Every option has an ini key of the same name (``--cors-url`` <-> ``cors_url``);
the command line wins. A bad value names where it came from, so users know
whether to fix ``pytest.ini`` or the command they typed.
"""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Literal, Optional, Sequence, Tuple
from urllib.parse import urlsplit

import pytest

from pytest_cors.audit.catalogue import SEVERITIES
from pytest_cors.browser.origins import OriginError, is_valid_http_url, parse_origin
from pytest_cors.browser.profiles import (
    BrowserProfile,
    UnknownProfileError,
    select_profiles,
)
from pytest_cors.errors import CorsConfigurationError
from pytest_cors.transport.app_interface import INTERFACE_CHOICES

#: (flag, ini key, help, ini type, default)
OPTIONS: Tuple[Tuple[str, str, str, Literal["string"], Any], ...] = (
    ("--cors-url", "cors_url", "live base URL to check contracts against (e.g. https://staging.example.com)", "string", None),
    ("--cors-app", "cors_app", "in-process WSGI or ASGI app to check, as module:attribute (e.g. myproject.wsgi:application, app.main:app)", "string", None),
    ("--cors-app-interface", "cors_app_interface", "interface of the in-process app: auto (default: detected), wsgi or asgi", "string", "auto"),
    ("--cors-app-origin", "cors_app_origin", "origin the in-process app is served as (default http://testserver)", "string", "http://testserver"),
    ("--cors-browser", "cors_browser", "browser profiles that decide: all (default: chrome, firefox, safari), chrome, firefox, safari, spec, or a comma list", "string", "all"),
    ("--cors-timeout", "cors_timeout", "seconds to wait for a live server (default 10)", "string", "10"),
    ("--cors-retries", "cors_retries", "retries of idempotent requests on connection errors, with backoff (default 0)", "string", "0"),
    ("--cors-ca-bundle", "cors_ca_bundle", "CA bundle file to verify the live server's TLS certificate", "string", None),
    ("--cors-redact", "cors_redact", "extra header names whose values are hidden in reports (comma-separated)", "string", ""),
    ("--cors-audit", "cors_audit", "security audit of allow contracts: fail (default), warn or off", "string", "fail"),
    ("--cors-audit-severity", "cors_audit_severity", "minimum finding severity that fails: critical, high, medium (default), low, info", "string", "medium"),
)
FLAGS: Tuple[Tuple[str, str, str], ...] = (
    ("--cors-send-unsafe", "cors_send_unsafe", "against a live URL, also send actual requests with methods other than GET/HEAD (they may change data)"),
    ("--cors-insecure", "cors_insecure", "against a live URL, do not verify TLS certificates"),
)


def option_group(parser: pytest.Parser) -> pytest.OptionGroup:
    """The one ``--help`` group every module of the plugin adds its ``--cors-*`` options to."""
    return parser.getgroup("cors", "CORS contract testing (pytest-cors)")


def add_options(parser: pytest.Parser) -> None:
    """Add every ``--cors-*`` option, in one group, each with its ini twin.

    pytest names an option's value after its flag (``--cors-app-origin`` -> ``cors_app_origin``):
    the ini key's name. An option not given is None, so the ini file (or the default) decides.
    """
    group = option_group(parser)
    for flag, ini, help_text, ini_type, default in OPTIONS:
        group.addoption(flag, metavar=ini.upper().replace("CORS_", ""), help=help_text)
        parser.addini(ini, help=help_text, type=ini_type, default=default)
    for flag, ini, help_text in FLAGS:
        group.addoption(flag, action="store_true", default=None, help=help_text)
        parser.addini(ini, help=help_text, type="bool", default=False)
    group.addoption(
        "--cors-scan",
        action="append",
        default=[],
        metavar="URL",
        help="stand-alone audit: probe this URL for CORS weaknesses (repeatable)",
    )
    group.addoption(
        "--cors-scan-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="with --cors-scan: an origin the endpoint is meant to trust (repeatable)",
    )


@dataclass(frozen=True)
class Setting:
    """One setting's value and where it came from (for messages that name the option to fix)."""

    value: Any
    source: str  # "--cors-url", "ini cors_url", or "default"


def _setting(config: pytest.Config, flag: str, ini: str, default: Any = None) -> Setting:
    cli = config.getoption(ini)
    if cli is not None:
        return Setting(cli, flag)
    value = config.getini(ini)
    if isinstance(value, str):
        value = value.strip()
    # getini() returns the registered default when the ini file does not set the key:
    # that value comes from the plugin, not from the user's ini file.
    if value not in (None, "", False) and value != default:
        return Setting(value, f"ini {ini}")
    return Setting(value, "default")


@dataclass(frozen=True)
class CorsSettings:
    """Every ``--cors-*`` setting of the run, validated once at configure time."""

    url: Setting
    app: Setting
    app_origin: str
    app_interface: str
    profiles: Tuple[BrowserProfile, ...]
    timeout: float
    retries: int
    verify: Any
    redact: Tuple[str, ...]
    send_unsafe: bool
    audit: str
    audit_severity: str
    scan_urls: Tuple[str, ...] = ()
    scan_origins: Tuple[str, ...] = ()
    sources: Tuple[Tuple[str, str], ...] = field(default_factory=tuple)

    @property
    def profile_names(self) -> Tuple[str, ...]:
        """The names of the selected browser profiles."""
        return tuple(p.name for p in self.profiles)


def _bad(setting: Setting, message: str) -> CorsConfigurationError:
    """The error for a bad value, naming where it came from (a default is never bad)."""
    return CorsConfigurationError(f"{setting.source}: {message}")


Bad = Callable[[str, str], CorsConfigurationError]


def _choice(get: Dict[str, Setting], bad: Bad, ini: str, default: str, choices: Sequence[str]) -> str:
    value = str(get[ini].value or default).lower()
    if value not in choices:
        raise bad(ini, f"{value!r} is not one of {', '.join(choices)}")
    return value


def _bounded(get: Dict[str, Setting], bad: Bad, ini: str, kind: Callable[[Any], Any], bounds: Tuple[float, float, float], words: str) -> Any:
    """A number from ``low`` to ``high`` (``low`` excluded for a float), or the error that names the option."""
    default, low, high = bounds
    try:
        number = kind(get[ini].value or default)
        if not (low < number <= high if kind is float else low <= number <= high):
            raise ValueError
    except (TypeError, ValueError):
        raise bad(ini, f"{get[ini].value!r} is not {words}") from None
    return number


def _app_origin(get: Dict[str, Setting], bad: Bad) -> str:
    try:
        origin = parse_origin(str(get["cors_app_origin"].value or "http://testserver"))
    except OriginError as exc:
        raise bad("cors_app_origin", str(exc)) from None
    if origin == "null":
        raise bad("cors_app_origin", "the app must be served from a real origin, not null")
    return origin


def _verify(get: Dict[str, Setting], flags: Dict[str, Setting], bad: Bad) -> Any:
    """``requests``' verify: True, a CA bundle path, or False with --cors-insecure."""
    ca_bundle = get["cors_ca_bundle"]
    if flags["cors_insecure"].value:
        return False
    if not ca_bundle.value:
        return True
    if not os.path.isfile(str(ca_bundle.value)):
        raise bad("cors_ca_bundle", f"CA bundle file {ca_bundle.value!r} does not exist")
    return str(ca_bundle.value)


def _scan(config: pytest.Config) -> Tuple[Tuple[str, ...], Tuple[str, ...]]:
    """The --cors-scan URLs and --cors-scan-origin origins, validated like --cors-url and origins."""
    origins = []
    for text in config.getoption("cors_scan_origin"):
        try:
            origins.append(parse_origin(text))
        except OriginError as exc:
            raise CorsConfigurationError(f"--cors-scan-origin: {exc}") from None
    urls = tuple(config.getoption("cors_scan"))
    for text in urls:
        problem = url_problem(text)
        if problem:
            raise CorsConfigurationError(f"--cors-scan: {problem}")
    return urls, tuple(origins)


def load_settings(config: pytest.Config) -> CorsSettings:
    """Read and validate every option once; raise CorsConfigurationError naming the flag or ini key."""
    get = {ini: _setting(config, flag, ini, default) for flag, ini, _, _, default in OPTIONS}
    flags = {ini: _setting(config, flag, ini) for flag, ini, _ in FLAGS}

    def bad(ini: str, message: str) -> CorsConfigurationError:
        return _bad(get[ini], message)

    try:
        profiles = select_profiles(str(get["cors_browser"].value or "all"))
    except UnknownProfileError as exc:
        raise bad("cors_browser", str(exc)) from None
    url = get["cors_url"]
    problem = url_problem(str(url.value)) if url.value else None
    if problem:
        raise bad("cors_url", problem)
    _refuse_two_targets(url, get["cors_app"])
    scan_urls, scan_origins = _scan(config)
    return CorsSettings(
        url=url,
        app=get["cors_app"],
        app_origin=_app_origin(get, bad),
        app_interface=_choice(get, bad, "cors_app_interface", "auto", INTERFACE_CHOICES),
        profiles=profiles,
        timeout=_bounded(get, bad, "cors_timeout", float, (10, 0, 3600), "a number of seconds between 0 and 3600"),
        retries=_bounded(get, bad, "cors_retries", int, (0, 0, 10), "a whole number from 0 to 10"),
        verify=_verify(get, flags, bad),
        redact=tuple(n.strip() for n in str(get["cors_redact"].value or "").replace("\n", ",").split(",") if n.strip()),
        send_unsafe=bool(flags["cors_send_unsafe"].value),
        audit=_choice(get, bad, "cors_audit", "fail", ("fail", "warn", "off")),
        audit_severity=_choice(get, bad, "cors_audit_severity", "medium", SEVERITIES),
        scan_urls=scan_urls,
        scan_origins=scan_origins,
        sources=tuple((ini, s.source) for ini, s in get.items() if s.source != "default"),
    )


#: ``host:port`` or ``name.tld`` (optionally with a path): a URL whose scheme was forgotten, not ``module:attribute``.
_HOST_AND_PORT = re.compile(
    r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}(/.*)?|[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(/.*)?|localhost(/.*)?",
    re.IGNORECASE,
)


def _guess_scheme(host_and_port: str) -> str:
    host = urlsplit("//" + host_and_port).hostname or ""
    try:
        local = host == "localhost" or ipaddress.ip_address(host).is_loopback or ipaddress.ip_address(host).is_private
    except ValueError:
        local = False
    return "http" if local else "https"


def url_problem(text: str) -> Optional[str]:
    """Why ``text`` is not a usable http(s) base URL (None when it is); says what was probably meant."""
    if not text.lower().startswith(("http://", "https://")):
        rest = text.split("://", 1)[-1]  # another scheme (ftp://, ws://) is replaced, not kept behind https://
        scheme = _guess_scheme(rest) if _HOST_AND_PORT.fullmatch(rest) else "https"
        return f"{text!r} is not an http(s) URL; did you mean '{scheme}://{rest}'?"
    if not is_valid_http_url(text):  # also a missing host, and brackets that do not close (urlsplit would raise)
        return f"{text!r} has no valid host (e.g. http://localhost:8000 or https://staging.example.com)"
    return None


def target_problem(text: str) -> Optional[str]:
    """Why a YAML ``target:`` is neither an http(s) URL nor ``module:attribute`` (None when it is one)."""
    if "://" in text:
        return url_problem(text)
    if _HOST_AND_PORT.fullmatch(text):
        return (
            f"{text!r} looks like a URL without a scheme, not module:attribute; "
            f"did you mean '{_guess_scheme(text)}://{text}'?"
        )
    if ":" not in text:
        return f"{text!r} must be an http(s) URL or a WSGI or ASGI app as module:attribute"
    return None


def _refuse_two_targets(url: Setting, app: Setting) -> None:
    """--cors-url and --cors-app together (or both ini keys) would leave the target to precedence: refuse."""
    if not (url.value and app.value):
        return
    url_cli, app_cli = url.source.startswith("--"), app.source.startswith("--")
    if url_cli == app_cli:
        raise CorsConfigurationError(
            f"{url.source} and {app.source} are both given: pass one target (a live URL or an in-process app), not both"
        )
