"""Console messages, exactly as each engine prints them.

Every expected string below is assembled from the templates quoted in
browser-cors-messages.md: 1.1/1.2 (Chromium, with the preflight prefix only for
the values IsPreflightError() lists and the fetch() trailer only after the
multiple/invalid/mismatch messages), 2.2 (Firefox keys), 3.1/3.2 (WebKit) and the
neutral-code table in section 5.
"""

from __future__ import annotations

import pytest

from pytest_cors.browser import rules as v
from pytest_cors.browser.messages import (
    MessageContext,
    authorization_wildcard_warning,
    chrome_message,
    console_message,
    firefox_message,
    safari_message,
)

URL = "https://api.example/data"
FIRST = "https://api.example/start"
ORIGIN = "https://app.example"
CTX = MessageContext(url=URL, origin=ORIGIN)

# --- Chromium ---------------------------------------------------------------------------------

PREFIX = f"Access to fetch at '{URL}' from origin '{ORIGIN}' has been blocked by CORS policy: "
PF = "Response to preflight request doesn't pass access control check: "
TRAILER = " Have the server send the header with a valid value."

WILDCARD = (
    "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' "
    "when the request's credentials mode is 'include'."
)
MISSING = "No 'Access-Control-Allow-Origin' header is present on the requested resource."
CHROME_REASONS = {
    v.ACAO_WILDCARD_WITH_CREDENTIALS: ("*", WILDCARD),
    v.ACAO_MISSING: (None, MISSING),
    v.ACAO_MULTIPLE: (
        "https://a.example, https://b.example",
        "The 'Access-Control-Allow-Origin' header contains multiple values 'https://a.example, https://b.example', "
        "but only one is allowed." + TRAILER,
    ),
    v.ACAO_INVALID: ("foo", "The 'Access-Control-Allow-Origin' header contains the invalid value 'foo'." + TRAILER),
    v.ACAO_MISMATCH: (
        "https://other.example",
        "The 'Access-Control-Allow-Origin' header has a value 'https://other.example' that is not equal to the "
        "supplied origin." + TRAILER,
    ),
    v.ACAC_NOT_TRUE: (
        "True",
        "The value of the 'Access-Control-Allow-Credentials' header in the response is 'True' which must be 'true' "
        "when the request's credentials mode is 'include'.",
    ),
}


@pytest.mark.parametrize("code", sorted(CHROME_REASONS))
def test_chrome_cors_check_messages_on_the_actual_response(code):
    detail, reason = CHROME_REASONS[code]
    message = chrome_message(v.Failure(code, False, detail, 200), CTX)
    assert message == PREFIX + reason


@pytest.mark.parametrize("code", sorted(CHROME_REASONS))
def test_chrome_cors_check_messages_on_the_preflight_get_the_prefix(code):
    detail, reason = CHROME_REASONS[code]
    message = chrome_message(v.Failure(code, True, detail, 204), CTX)
    assert message == PREFIX + PF + reason


def test_chrome_acac_missing_prints_empty_quotes():
    message = chrome_message(v.Failure(v.ACAC_NOT_TRUE, False, "", 200), CTX)
    assert message == PREFIX + (
        "The value of the 'Access-Control-Allow-Credentials' header in the response is '' which must be 'true' "
        "when the request's credentials mode is 'include'."
    )


def test_chrome_null_is_the_mismatch_message():
    message = chrome_message(v.Failure(v.ACAO_MISMATCH, False, "null", 200), CTX)
    assert message == PREFIX + (
        "The 'Access-Control-Allow-Origin' header has a value 'null' that is not equal to the supplied origin." + TRAILER
    )


@pytest.mark.parametrize(
    "failure, text",
    [
        (v.Failure(v.PREFLIGHT_STATUS, True, None, 404), PF + "It does not have HTTP ok status."),
        (v.Failure(v.PREFLIGHT_REDIRECT, True, None, 302), PF + "Redirect is not allowed for a preflight request."),
        # no preflight prefix for these: they already say "in preflight response"
        (
            v.Failure(v.ACAM_INVALID, True, "PU T", 204, "PU T"),
            "Cannot parse Access-Control-Allow-Methods response header field in preflight response.",
        ),
        (
            v.Failure(v.ACAH_INVALID, True, "x y", 204, "x y"),
            "Cannot parse Access-Control-Allow-Headers response header field in preflight response.",
        ),
        (
            v.Failure(v.METHOD_NOT_ALLOWED, True, "patch"),
            "Method patch is not allowed by Access-Control-Allow-Methods in preflight response.",
        ),
        (
            v.Failure(v.METHOD_NOT_ALLOWED, True, "DELETE"),
            "Method DELETE is not allowed by Access-Control-Allow-Methods in preflight response.",
        ),
        (
            v.Failure(v.HEADER_NOT_ALLOWED, True, "X-Token"),  # lowercased in the message
            "Request header field x-token is not allowed by Access-Control-Allow-Headers in preflight response.",
        ),
        (
            v.Failure(v.REDIRECT_CREDENTIALS, False, "https://u:p@api.example/x", 302),
            # Chromium 156 prints an empty location
            "Redirect location '' contains a username and password, which is disallowed for cross-origin requests.",
        ),
    ],
    ids=lambda x: x.code if isinstance(x, v.Failure) else "",
)
def test_chrome_preflight_and_redirect_messages(failure, text):
    assert chrome_message(failure, CTX) == PREFIX + text


def test_chrome_scheme_message():
    message = chrome_message(v.Failure(v.REDIRECT_SCHEME, False, "ftp://x/", 302), CTX)
    assert message.startswith(PREFIX + "Cross origin requests are only supported for protocol schemes: ")
    assert "http, https" in message
    assert message.endswith(".")


def test_chrome_redirected_from():
    ctx = MessageContext(url=URL, origin=ORIGIN, first_url=FIRST)
    message = chrome_message(v.Failure(v.ACAO_MISSING, False, None, 200), ctx)
    assert message == (
        f"Access to fetch at '{URL}' (redirected from '{FIRST}') from origin '{ORIGIN}' "
        f"has been blocked by CORS policy: {MISSING}"
    )
    # the redirect that itself fails names its own URL, with no "redirected from"
    ctx = MessageContext(url=FIRST, origin=ORIGIN, first_url=FIRST)
    assert chrome_message(v.Failure(v.ACAO_MISSING, False, None, 302), ctx) == (
        f"Access to fetch at '{FIRST}' from origin '{ORIGIN}' has been blocked by CORS policy: {MISSING}"
    )


def test_chrome_redirected_from_with_preflight_prefix():
    ctx = MessageContext(url=URL, origin=ORIGIN, first_url=FIRST)
    message = chrome_message(v.Failure(v.PREFLIGHT_STATUS, True, None, 500), ctx)
    assert message == (
        f"Access to fetch at '{URL}' (redirected from '{FIRST}') from origin '{ORIGIN}' has been blocked by "
        f"CORS policy: {PF}It does not have HTTP ok status."
    )


def test_chrome_encodes_control_characters_in_values():
    message = chrome_message(v.Failure(v.ACAO_INVALID, False, "a\x01b", 200), CTX)
    assert "'a\\u0001b'" in message


def test_chrome_prints_printable_ascii_as_is_and_everything_else_as_uppercase_hex():
    # space (0x20) and '~' (0x7E) are printable; DEL (0x7F), 0x1F and non-ASCII are not
    message = chrome_message(v.Failure(v.ACAO_MISMATCH, False, " ~\x7f\x1f\u00e9", 200), CTX)
    assert message == (
        PREFIX + "The 'Access-Control-Allow-Origin' header has a value ' ~\\u007F\\u001F\\u00E9' that is not equal "
        "to the supplied origin. Have the server send the header with a valid value."
    )


@pytest.mark.parametrize(
    "code",
    [c for c in sorted(CHROME_REASONS)] + [v.PREFLIGHT_STATUS, v.PREFLIGHT_REDIRECT, v.ACAM_INVALID, v.ACAH_INVALID],
)
def test_chrome_never_prints_the_removed_no_cors_hint(code):
    for on_preflight in (False, True):
        message = chrome_message(v.Failure(code, on_preflight, "x", 200, "x"), CTX)
        assert "opaque response" not in message
        assert "no-cors" not in message


def test_chrome_too_many_redirects_is_a_net_error_not_a_cors_message():
    message = chrome_message(v.Failure(v.REDIRECT_TOO_MANY, False, None, 302), CTX)
    assert "blocked by CORS policy" not in message
    assert "ERR_TOO_MANY_REDIRECTS" in message


# --- Firefox ----------------------------------------------------------------------------------


def ff(reason, url=URL):
    return f"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {url}. (Reason: {reason}"


@pytest.mark.parametrize(
    "failure, expected",
    [
        (v.Failure(v.ACAO_MISSING, False, None, 404), ff("CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 404.")),
        (v.Failure(v.ACAO_MISSING, False, None, 200), ff("CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 200.")),
        (v.Failure(v.ACAO_MULTIPLE, False, "a, b", 200), ff("Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed).")),
        (
            v.Failure(v.ACAO_MISMATCH, False, "https://other.example", 200),
            ff("CORS header ‘Access-Control-Allow-Origin’ does not match ‘https://other.example’)."),
        ),
        (v.Failure(v.ACAO_INVALID, False, "foo", 200), ff("CORS header ‘Access-Control-Allow-Origin’ does not match ‘foo’).")),
        (
            v.Failure(v.ACAO_WILDCARD_WITH_CREDENTIALS, False, "*", 200),
            # the only key that quotes the URL
            ff("Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’).", url=f"‘{URL}’"),
        ),
        (v.Failure(v.ACAC_NOT_TRUE, False, "", 200), ff("expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’).")),
        (v.Failure(v.PREFLIGHT_STATUS, True, None, 500), ff("CORS preflight response did not succeed). Status code: 500.")),
        (v.Failure(v.PREFLIGHT_REDIRECT, True, None, 302), ff("CORS request external redirect not allowed).")),
        (
            v.Failure(v.ACAM_INVALID, True, "PU T", 204, "PUT, PU T"),
            ff("invalid token ‘PU T’ in CORS header ‘Access-Control-Allow-Methods’)."),
        ),
        (
            v.Failure(v.ACAH_INVALID, True, "x@y", 204, "a, x@y"),
            ff("invalid token ‘x@y’ in CORS header ‘Access-Control-Allow-Headers’)."),
        ),
        (v.Failure(v.METHOD_NOT_ALLOWED, True, "patch"), ff("Did not find method in CORS header ‘Access-Control-Allow-Methods’).")),
        (
            v.Failure(v.HEADER_NOT_ALLOWED, True, "X-Token"),
            ff("header ‘x-token’ is not allowed according to header ‘Access-Control-Allow-Headers’ from CORS preflight response)."),
        ),
        (v.Failure(v.REDIRECT_SCHEME, False, "ftp://x/", 302), ff("CORS request not http).")),
    ],
    ids=lambda x: x.code if isinstance(x, v.Failure) else "",
)
def test_firefox_messages(failure, expected):
    assert firefox_message(failure, CTX) == expected


def test_firefox_preflight_cors_check_uses_the_same_keys():
    failure = v.Failure(v.ACAO_MISSING, True, None, 204)
    assert firefox_message(failure, CTX) == ff("CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 204.")


@pytest.mark.parametrize("code", [v.REDIRECT_CREDENTIALS, v.REDIRECT_TOO_MANY])
def test_firefox_logs_no_cors_message_for_these(code):
    message = firefox_message(v.Failure(code, False, "https://u:p@x/", 302), CTX)
    assert "Cross-Origin Request Blocked" not in message


# --- WebKit / Safari --------------------------------------------------------------------------

TAIL = f"\nFetch API cannot load {URL} due to access control checks."


@pytest.mark.parametrize(
    "failure, reason",
    [
        (v.Failure(v.ACAO_WILDCARD_WITH_CREDENTIALS, False, "*", 200), "Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true."),
        (v.Failure(v.ACAO_MULTIPLE, False, "a, b", 200), "Access-Control-Allow-Origin cannot contain more than one origin."),
        # missing, mismatch and garbage all read the same, naming the page's origin and the status
        (v.Failure(v.ACAO_MISSING, False, None, 404), f"Origin {ORIGIN} is not allowed by Access-Control-Allow-Origin. Status code: 404"),
        (v.Failure(v.ACAO_MISMATCH, False, "https://x.example", 200), f"Origin {ORIGIN} is not allowed by Access-Control-Allow-Origin. Status code: 200"),
        (v.Failure(v.ACAO_INVALID, False, "foo", 201), f"Origin {ORIGIN} is not allowed by Access-Control-Allow-Origin. Status code: 201"),
        (v.Failure(v.ACAC_NOT_TRUE, False, "", 200), 'Credentials flag is true, but Access-Control-Allow-Credentials is not "true".'),
        (v.Failure(v.PREFLIGHT_STATUS, True, None, 500), "Preflight response is not successful. Status code: 500"),
        (v.Failure(v.PREFLIGHT_REDIRECT, True, None, 307), "Preflight response is not successful. Status code: 307"),
        (v.Failure(v.ACAM_INVALID, True, "PU T", 204, "PUT, PU T"), "Header Access-Control-Allow-Methods has an invalid value: PUT, PU T"),
        (v.Failure(v.ACAH_INVALID, True, "x y", 204, "x y"), "Header Access-Control-Allow-Headers has an invalid value: x y"),
        (v.Failure(v.METHOD_NOT_ALLOWED, True, "patch"), "Method patch is not allowed by Access-Control-Allow-Methods."),
        # the header name as sent, not lowercased
        (v.Failure(v.HEADER_NOT_ALLOWED, True, "X-Token"), "Request header field X-Token is not allowed by Access-Control-Allow-Headers."),
        (v.Failure(v.REDIRECT_TOO_MANY, False, None, 302), "Load cannot follow more than 20 redirections"),
    ],
    ids=lambda x: x.code if isinstance(x, v.Failure) else "",
)
def test_safari_messages(failure, reason):
    assert safari_message(failure, CTX) == reason + TAIL


def test_safari_names_the_origin_actually_sent():
    ctx = MessageContext(url=URL, origin=ORIGIN, sent_origin="null")
    message = safari_message(v.Failure(v.ACAO_MISMATCH, False, ORIGIN, 200), ctx)
    assert message == "Origin null is not allowed by Access-Control-Allow-Origin. Status code: 200" + TAIL


def test_safari_redirect_hop_messages():
    location = "https://api2.example/next"
    ctx = MessageContext(url=URL, origin=ORIGIN, location=location)
    message = safari_message(v.Failure(v.ACAO_MISSING, False, None, 302), ctx, redirect_hop=True)
    assert message == (
        f"Cross-origin redirection to {location} denied by Cross-Origin Resource Sharing policy: "
        f"Origin {ORIGIN} is not allowed by Access-Control-Allow-Origin. Status code: 302" + TAIL
    )


def test_safari_redirect_credentials_and_scheme():
    location = "https://user:pass@api.example/next"
    ctx = MessageContext(url=URL, origin=ORIGIN, location=location)
    assert safari_message(v.Failure(v.REDIRECT_CREDENTIALS, False, location, 302), ctx, redirect_hop=True) == (
        "Cross-origin redirection to https://api.example/next denied by Cross-Origin Resource Sharing policy: "
        f"redirection URL {location} has credentials" + TAIL
    )
    ctx = MessageContext(url=URL, origin=ORIGIN, location="ftp://files.example/x")
    assert safari_message(v.Failure(v.REDIRECT_SCHEME, False, "ftp://files.example/x", 302), ctx, redirect_hop=True) == (
        "Cross-origin redirection to ftp://files.example/x denied by Cross-Origin Resource Sharing policy: "
        "not allowed to follow a cross-origin CORS redirection with non CORS scheme" + TAIL
    )


# --- dispatch and warnings --------------------------------------------------------------------


def test_console_message_dispatch():
    failure = v.Failure(v.ACAO_MISSING, False, None, 200)
    assert console_message("chrome", failure, CTX) == PREFIX + MISSING
    assert console_message("firefox", failure, CTX) == ff("CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 200.")
    assert console_message("safari", failure, CTX) == (
        f"Origin {ORIGIN} is not allowed by Access-Control-Allow-Origin. Status code: 200" + TAIL
    )


def test_authorization_warning_texts():
    assert authorization_wildcard_warning("chrome", URL) == (
        "Authorization will not be covered by the wildcard symbol (*) in CORS `Access-Control-Allow-Headers` handling."
    )
    assert authorization_wildcard_warning("firefox", URL) == (
        "Cross-Origin Request Warning: The Same Origin Policy will disallow reading the remote resource at "
        f"{URL} soon. (Reason: When the `Access-Control-Allow-Headers` is `*`, the `Authorization` header is not "
        "covered. To include the `Authorization` header, it must be explicitly listed in CORS header "
        "`Access-Control-Allow-Headers`)."
    )


ALL_CODES = [
    v.ACAO_MISSING, v.ACAO_MISMATCH, v.ACAO_INVALID, v.ACAO_MULTIPLE, v.ACAO_WILDCARD_WITH_CREDENTIALS,
    v.ACAC_NOT_TRUE, v.PREFLIGHT_STATUS, v.PREFLIGHT_REDIRECT, v.ACAM_INVALID, v.ACAH_INVALID,
    v.METHOD_NOT_ALLOWED, v.HEADER_NOT_ALLOWED, v.REDIRECT_CREDENTIALS, v.REDIRECT_SCHEME, v.REDIRECT_TOO_MANY,
    v.REDIRECT_INVALID_LOCATION,
]


def test_invalid_location_is_a_plain_network_error_in_every_style():
    failure = v.Failure(v.REDIRECT_INVALID_LOCATION, False, "http://[::1", 302)
    assert chrome_message(failure, CTX) == f"GET {URL} net::ERR_INVALID_REDIRECT"
    assert "Cross-Origin Request Blocked" not in firefox_message(failure, CTX)
    assert safari_message(failure, CTX) == f"Fetch API cannot load {URL} due to access control checks."


@pytest.mark.parametrize("style", ["chrome", "firefox", "safari"])
@pytest.mark.parametrize("code", ALL_CODES)
def test_every_code_has_a_message_in_every_style(style, code):
    ctx = MessageContext(url=URL, origin=ORIGIN, first_url=URL, location="https://api2.example/x")
    message = console_message(style, v.Failure(code, code.startswith(("preflight", "acam", "acah", "method", "header")), "X", 302, "X"), ctx)
    assert message and "{" not in message and "None" not in message
