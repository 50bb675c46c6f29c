"""Network faults and app faults in words: never a CORS verdict, the URL's password hidden, the usual fix."""

from __future__ import annotations

import pytest

from pytest_cors.report.faults import FIXES, format_transport_error, unreachable_lines, withheld_lines
from pytest_cors.report.redaction import Redactor, SecretValues
from pytest_cors.transport import TransportError

URL = "https://me:pa55word@api.example.com/users"


def test_a_network_fault_says_it_is_not_a_cors_verdict_and_hides_the_password():
    error = TransportError("connection-refused", URL, "connect to https://me:pa55word@api.example.com refused",
                           hint="start the server")
    assert format_transport_error(error, Redactor()).split("\n") == [
        "cannot reach the target: connection-refused",
        "  URL:   https://me:<redacted>@api.example.com/users",
        "  cause: connect to https://me:<redacted>@api.example.com refused",
        "  hint:  start the server",
        "This is a network fault, not a CORS verdict: no browser decision was made.",
    ]


@pytest.mark.parametrize("kind", ["app-error", "app-timeout", "app-protocol-error", "app-lifespan-error"])
def test_an_app_fault_is_the_apps_and_names_the_target(kind):
    values = SecretValues()
    values.add(["tenant-secret"])
    error = TransportError(kind, "http://testserver/api", "ZeroDivisionError in tenant-secret", hint="see tenant-secret")
    text = format_transport_error(error, Redactor(values=values), target="WSGI app app:tenant-secret served as http://testserver")
    assert text.split("\n") == [
        f"the app under test failed: {kind}",
        "  URL:   http://testserver/api",
        "  target: WSGI app app:<redacted> served as http://testserver",
        "  cause: ZeroDivisionError in <redacted>",
        "  hint:  see <redacted>",
        "This is a fault of the app, not a CORS verdict: no browser decision was made.",
    ]


def test_a_fault_without_hint_or_target_has_neither_line():
    error = TransportError("timeout", "http://127.0.0.1:9/api", "read timed out after 5 s")
    assert format_transport_error(error, Redactor()).split("\n") == [
        "cannot reach the target: timeout",
        "  URL:   http://127.0.0.1:9/api",
        "  cause: read timed out after 5 s",
        "This is a network fault, not a CORS verdict: no browser decision was made.",
    ]


def test_each_unreachable_target_is_listed_once_with_what_was_not_sent_and_the_fix():
    targets = {
        URL: (TransportError("dns-failure", URL, "no such host api.example.com"), 3),
        "https://b.example": (TransportError("tls-error", "https://b.example/x", "certificate verify failed"), 0),
        "https://c.example": (TransportError("weird", "https://c.example/", "odd"), 1),
    }
    assert unreachable_lines(targets, Redactor()) == [
        "https://me:<redacted>@api.example.com/users: dns-failure: no such host api.example.com",
        "  3 later request(s) to https://me:<redacted>@api.example.com/users were not sent (they fail at once "
        "instead of waiting for the same fault again)",
        f"  fix: {FIXES['dns-failure']}",
        "https://b.example: tls-error: certificate verify failed",
        f"  fix: {FIXES['tls-error']}",
        "https://c.example: weird: odd",
        "  1 later request(s) to https://c.example were not sent (they fail at once instead of waiting for the "
        "same fault again)",
    ]


def test_the_fixes_name_the_options_to_change():
    assert FIXES == {
        "connection-refused": "start the server, or point --cors-url / cors_url at the right host and port",
        "dns-failure": "check the host name in --cors-url / cors_url / target: (typo? VPN or CI DNS?)",
        "tls-error": "pass --cors-ca-bundle PATH for a private CA, or --cors-insecure for a throw-away test server",
        "connect-timeout": "the host does not accept connections: firewall, wrong port, or raise --cors-timeout",
        "timeout": "the server accepted but did not answer in time: check it is healthy, or raise --cors-timeout",
    }


def test_withheld_requests_are_listed_once_up_to_twenty():
    withheld = [f"DELETE https://api.example.com/items/{i}" for i in range(21)]
    lines = withheld_lines(withheld + withheld[:3])
    assert lines[0] == (
        "21 actual request(s) to the live URL were not sent (their method can change data); only their preflight "
        "was checked. Pass --cors-send-unsafe to send them."
    )
    assert lines[1:] == [f"  {w}" for w in withheld[:20]] + ["  ... and 1 more"]
    assert withheld_lines(withheld[:20]) == [lines[0].replace("21", "20", 1)] + [f"  {w}" for w in withheld[:20]]
